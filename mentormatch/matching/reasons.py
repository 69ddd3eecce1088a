"""The plain-language reasons a suggestion gives, naming only what both people have."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from mentormatch.core.vocabulary import GOALS, REGIONS, SPECIALTIES, STAGE_BY_CODE


def _label(text: str) -> str:
    """'Emergency medicine' → 'emergency medicine', but 'ENT …' stays."""
    return text if text[1:2].isupper() else text[:1].lower() + text[1:]


SPECIALTY_LABELS = {code: _label(label) for code, label in SPECIALTIES.items()}


GOAL_LABELS = {code: _label(label) for code, label in GOALS.items()}


SPEC_CODES = list(SPECIALTIES)


GOAL_CODES = list(GOALS)


@lru_cache(maxsize=4096)
def _named(specialties: int, goals: int) -> str:
    """'cardiology, exams' for bit masks of specialties and goals, in vocabulary order."""
    labels = [SPECIALTY_LABELS[code] for i, code in enumerate(SPEC_CODES) if specialties >> i & 1]
    labels += [GOAL_LABELS[code] for i, code in enumerate(GOAL_CODES) if goals >> i & 1]
    return ", ".join(labels)


# Reasons repeat: one shared string each keeps a whole rebuild's results small.
@lru_cache(maxsize=4096)
def _both(shared: str) -> str:
    return f"both: {shared}"


@lru_cache(maxsize=1024)
def _offered(goals: str) -> str:
    return f"you want help with {goals}; they offer it"


@lru_cache(maxsize=64)
def _same_region(region: str) -> str:
    return f"same region: {REGIONS[region]}"


@lru_cache(maxsize=256)
def _ahead(steps: int, stage_code: str) -> str:
    """'one step ahead: consultant'."""
    stage = STAGE_BY_CODE.get(stage_code)
    ahead = "one step ahead" if steps == 1 else "a few steps ahead" if steps == 2 else "more senior"
    return f"{ahead}: {_label(stage.label.split(' (')[0])}" if stage else ahead


def explain_pairs(
    kind: str,
    queries: np.ndarray,
    candidates: np.ndarray,
    *,
    arrays: dict[str, np.ndarray],
    members: list,
    hobbies: list[set[str]],
    known_hobbies: dict[str, int],
    alike: list[bool],
) -> list[list[str]]:
    """Plain words for what contributed to each (query, candidate) pair, naming only what both have.

    `arrays` are the engine's structured columns, `alike` whether each pair's profiles read alike.
    """
    a = arrays
    spec = (a["spec"][queries] & a["spec"][candidates]).tolist()
    region = a["region"][queries]
    same_region = ((region >= 0) & (region == a["region"][candidates])).tolist()
    if kind == "mentor":
        met = (a["goals"][queries] & a["offers"][candidates]).tolist()
        steps = (a["rank"][candidates].astype(np.int16) - a["rank"][queries]).tolist()
    else:
        both_want = (a["goals"][queries] & a["goals"][candidates]).tolist()
        org_q, org_c = a["org"][queries], a["org"][candidates]
        other_org = ((org_q >= 0) & (org_c >= 0) & (org_q != org_c)).tolist()
    known = known_hobbies
    said = []
    for i, (q, c) in enumerate(zip(queries.tolist(), candidates.tolist(), strict=True)):
        me, them = members[q], members[c]
        shared = _named(spec[i], both_want[i] if kind == "peer" else 0)
        reasons = [_both(shared)] if shared else []
        if kind == "mentor":
            if met[i]:
                reasons.append(_offered(_named(0, met[i])))
            reasons.append(_ahead(steps[i], them.stage))
        elif other_org[i]:
            reasons.append(f"from another organisation: {them.organisation.strip()}")
        if same_region[i]:
            reasons.append(_same_region(me.region))
        together = sorted(tag for tag in hobbies[q] & hobbies[c] if tag in known)
        if together:
            reasons.append(f"both enjoy {', '.join(together)}")
        if alike[i]:
            reasons.append("your profiles read alike")
        said.append(reasons)
    return said
