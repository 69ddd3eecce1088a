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


# Where each part came from: ticked (a tag) or read from what someone wrote (matching/reading.py).
_SHARED = {  # (read on my side, read on theirs)
    (False, False): "both: {}",
    (True, False): "you mention {}; they list it",
    (False, True): "you list {}; they mention it",
    (True, True): "you both mention {}",
}
_OFFERED = {
    (False, False): "you want help with {}; they offer it",
    (True, False): "you mention wanting help with {}; they offer it",
    (False, True): "you want help with {}; they write that they can help",
    (True, True): "you mention wanting help with {}; they write that they can help",
}
_MEET = {
    (True, False): "both in {}, and you'd like to meet in person",
    (False, True): "both in {}, and they'd like to meet in person",
    (True, True): "both in {}, and you'd both like to meet in person",
}
SIDES = list(_SHARED)


@lru_cache(maxsize=4096)
def _said(template: str, named: str) -> str:
    return template.format(named)


def _by_source(
    mine: int, theirs: int, mine_read: int, theirs_read: int
) -> list[tuple[tuple[bool, bool], int]]:
    """The shared bits of two masks, split by where each side's came from (ticked or read)."""
    shared = mine & theirs
    if not shared:
        return []
    if not (mine_read | theirs_read) & shared:  # the usual case: both ticked everything shared
        return [((False, False), shared)]
    found = []
    for side in SIDES:
        bits = shared & (mine_read if side[0] else ~mine_read) & (theirs_read if side[1] else ~theirs_read)
        if bits:
            found.append((side, bits))
    return found


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
    hobbies: list[tuple[frozenset[str], frozenset[str]]],
    known_hobbies: dict[str, int],
    alike: list[bool],
) -> list[list[str]]:
    """Plain words for what contributed to each (query, candidate) pair, naming only what both have.

    `arrays` are the engine's structured columns, `hobbies` each member's (ticked, only written)
    hobbies, `alike` whether each pair's profiles read alike. Each reason says where what it names
    came from: ticked by both ("both: cardiology"), or read from what either wrote.
    """
    a = arrays
    field = "offers" if kind == "mentor" else "goals"
    columns = {
        key: (a[key][queries].tolist(), a[key][candidates].tolist())
        for key in ("spec", "spec_read", "goals", "goals_read", field, f"{field}_read")
    }
    region = a["region"][queries]
    same_region = ((region >= 0) & (region == a["region"][candidates])).tolist()
    meets = list(zip(a["in_person"][queries].tolist(), a["in_person"][candidates].tolist(), strict=True))
    if kind == "mentor":
        steps = (a["rank"][candidates].astype(np.int16) - a["rank"][queries]).tolist()
    else:
        org_q, org_c = a["org"][queries], a["org"][candidates]
        other_org = ((org_q >= 0) & (org_c >= 0) & (org_q != org_c)).tolist()
    said = []
    for i, (q, c) in enumerate(zip(queries.tolist(), candidates.tolist(), strict=True)):
        spec, spec_read = columns["spec"], columns["spec_read"]
        parts = {
            side: [bits, 0]
            for side, bits in _by_source(spec[0][i], spec[1][i], spec_read[0][i], spec_read[1][i])
        }
        goals, goals_read = columns["goals"], columns["goals_read"]
        offers, offers_read = columns[field], columns[f"{field}_read"]
        met = _by_source(goals[0][i], offers[1][i], goals_read[0][i], offers_read[1][i])
        if kind == "peer":  # goals both want sit with the specialties both have
            for side, bits in met:
                parts.setdefault(side, [0, 0])[1] = bits
        reasons = [_said(_SHARED[side], _named(*bits)) for side, bits in parts.items()]
        if kind == "mentor":
            reasons += [_said(_OFFERED[side], _named(0, bits)) for side, bits in met]
            reasons.append(_ahead(steps[i], members[c].stage))
        elif other_org[i]:
            reasons.append(f"from another organisation: {members[c].organisation.strip()}")
        if same_region[i] and (meets[i][0] or meets[i][1]):
            reasons.append(_said(_MEET[meets[i]], REGIONS[members[q].region]))
        reasons += _hobby_reasons(hobbies[q], hobbies[c], known_hobbies)
        if alike[i]:
            reasons.append("your profiles read alike")
        said.append(reasons)
    return said


def _hobby_reasons(mine: tuple, theirs: tuple, known: dict[str, int]) -> list[str]:
    """'both enjoy cycling', and for hobbies only written about, who wrote them."""
    (my_tags, my_words), (their_tags, their_words) = mine, theirs
    reasons = []
    for (my_side, their_side), wrote in (
        ((my_tags, their_tags), ""),
        ((my_words, their_tags), ", as you wrote"),
        ((my_tags, their_words), ", as they wrote"),
        ((my_words, their_words), ", as you both wrote"),
    ):
        if not my_side or not their_side:
            continue
        together = sorted(tag for tag in my_side & their_side if tag in known)
        if together:
            reasons.append(f"both enjoy {', '.join(together)}{wrote}")
    return reasons
