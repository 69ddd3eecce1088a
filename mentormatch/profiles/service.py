"""Profile changes: tags, specialties and goals, the search text, and how complete a profile is."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import delete, func, inspect, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from mentormatch.accounts.models import User
from mentormatch.accounts.signals import account_deleting, personal_data_requested
from mentormatch.core.extensions import db
from mentormatch.core.limits import control_character
from mentormatch.core.skills import PRACTICAL_SKILLS, concepts_in
from mentormatch.core.vocabulary import GOALS, REGIONS, SPECIALTIES, STAGE_BY_CODE
from mentormatch.profiles.listing import listed
from mentormatch.profiles.models import Profile, ProfileGoal, ProfileSpecialty, Tag, profile_interest
from mentormatch.profiles.signals import stage_changing


def normalise_tag(raw: str) -> str:
    """One spelling per interest: 'Cycling ', ' cycling' and '#Cycling' are all 'cycling'."""
    text = unicodedata.normalize("NFC", raw).strip().lstrip("#").strip()
    return re.sub(r"\s+", " ", text).casefold()


def parse_tags(raw: str | Iterable[str]) -> list[str]:
    """Tags from a comma-separated string (or a list), normalised, de-duplicated, in order."""
    parts = re.split(r"[,;\n]", raw) if isinstance(raw, str) else list(raw)
    tags: list[str] = []
    for part in parts:
        tag = normalise_tag(part)
        if tag and tag not in tags:
            tags.append(tag)
    return tags


def tags_named(names: list[str]) -> list[Tag]:
    """The Tag rows for these normalised names, creating the ones that don't exist yet.

    Two people adding the same new interest at once is fine: the insert skips names that
    already exist (ON CONFLICT DO NOTHING on both databases) instead of failing.
    """
    if not names:
        return []
    dialect = db.session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    db.session.execute(
        insert(Tag).values([{"name": name} for name in names]).on_conflict_do_nothing(index_elements=["name"])
    )
    by_name = {tag.name: tag for tag in db.session.scalars(select(Tag).where(Tag.name.in_(names)))}
    return [by_name[name] for name in names]


def suggest_tags(prefix: str, limit: int = 8) -> list[str]:
    """Existing interests starting with what someone is typing, most used first."""
    prefix = normalise_tag(prefix)
    if not prefix or control_character(prefix):  # no interest has one (and PostgreSQL can't compare NUL)
        return []
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    # Only interests that a current member shows on a finished profile: never words left behind
    # by someone who removed them or deleted their account.
    query = (
        select(Tag.name)
        .join(profile_interest, profile_interest.c.tag_id == Tag.id)
        .join(Profile, Profile.user_id == profile_interest.c.user_id)
        .join(User, User.id == Profile.user_id)
        .where(
            Tag.name.like(f"{escaped}%", escape="\\"),
            *listed(),
        )
        .group_by(Tag.id, Tag.name)
        .order_by(db.func.count(profile_interest.c.user_id).desc(), Tag.name)
        .limit(limit)
    )
    return list(db.session.scalars(query))


def stage_changed(profile: Profile, new_stage: str) -> None:
    """A member's career stage is changing: the mentors code decides what it does to their standing."""
    stage_changing.send(profile, new_stage=new_stage)


def profile_for(user: User) -> Profile:
    """The person's profile, made (empty) the first time it is needed."""
    if user.profile is None:
        user.profile = Profile()
        db.session.add(user.profile)
    return user.profile


# Letters that Unicode doesn't decompose into a plain letter plus an accent.
_PLAIN_LETTERS = str.maketrans(
    {
        "ł": "l",
        "Ł": "L",
        "ø": "o",
        "Ø": "O",
        "ß": "ss",
        "ı": "i",
        "đ": "d",
        "Đ": "D",
        "ħ": "h",
        "æ": "ae",
        "Æ": "Ae",
        "œ": "oe",
        "Œ": "Oe",
        "þ": "th",
        "Þ": "Th",
        "ð": "d",
        "Ð": "D",
    }
)


def fold_accents(text: str) -> str:
    """'Siobhán Ó Briain' → 'Siobhan O Briain', 'Łukasz' → 'Lukasz': found when typed without accents."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_PLAIN_LETTERS))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def refresh_search_text(user: User, profile: Profile) -> None:
    """Rebuild the text the directory searches from the account and the profile."""
    stage = STAGE_BY_CODE.get(user.career_stage or "")
    primary = [
        user.name or "",
        profile.organisation or "",
        profile.department or "",
        profile.site or "",
        stage.label if stage else "",
        profile.stage_detail or "",
        *(SPECIALTIES.get(code, "") for code in profile.specialties),
        *(tag.name for tag in profile.interests),
        *help_topic_words(profile),
    ]
    secondary = [
        REGIONS.get(profile.region or "", ""),
        *(GOALS.get(code, "") for code in profile.goals),
        profile.about or "",
        profile.looking_for or "",
    ]
    # Folded, so "Siobhan" finds "Siobhán" and "Lodz" finds "Łódź" on both databases.
    profile.search_primary = fold_accents(" ".join(part for part in primary if part))
    profile.search_secondary = fold_accents(" ".join(part for part in secondary if part))


def help_topic_words(profile: Profile) -> list[str]:
    """What the directory indexes for "ask me about" entries: each one's words, and every other name
    of the practical skill it names (core/skills.py), so "venflon" finds "cannulas"."""
    words: list[str] = []
    for topic in profile.help_topics:
        words.append(topic.label)
        for concept in concepts_in(topic.label):
            words.extend(phrase for phrase in PRACTICAL_SKILLS[concept][1] if phrase not in words)
    return words


@dataclass(frozen=True)
class Strength:
    percent: int
    hints: list[str]


def profile_strength(user: User, profile: Profile | None) -> Strength:
    """How much matching has to go on, with the concrete things that would improve it."""
    checks: list[tuple[int, bool, str]] = []
    if profile is None:
        return Strength(0, ["Tell us about yourself to start getting matches."])
    interests, specialties, goals = _tag_counts(profile)
    about = len((profile.about or "").split())
    checks = [
        (15, bool(profile.organisation), "add your medical school, trust or hospital"),
        (10, bool(profile.region), "choose your region, so we can suggest people near you"),
        (20, specialties >= 1, "choose at least one specialty you're interested in"),
        (20, goals >= 1, "choose what you'd like help with"),
        (
            15,
            interests >= 3,
            f"add {3 - interests} more interest{'s' if 3 - interests != 1 else ''} to improve your matches",
        ),
        (10, about >= 20, "write a few sentences about yourself (20 words or more)"),
        (10, bool((profile.looking_for or "").strip()), "say what you're looking for"),
    ]
    percent = sum(weight for weight, done, _ in checks if done)
    hints = [hint[0].upper() + hint[1:] + "." for _, done, hint in checks if not done]
    return Strength(percent, hints)


TAG_LISTS = frozenset({"interests", "specialty_rows", "goal_rows"})


def _tag_counts(profile: Profile) -> tuple[int, int, int]:
    """How many interests, specialties and goals: counted in one statement when none of the three
    lists is loaded (the dashboard), else from the lists as they stand (an edit not yet saved)."""
    state = inspect(profile)
    if not state.persistent or not TAG_LISTS.issubset(state.unloaded):
        return len(profile.interests), len(profile.specialties), len(profile.goals)
    counted = (
        select(func.count())
        .select_from(profile_interest)
        .where(profile_interest.c.user_id == profile.user_id),
        select(func.count()).select_from(ProfileSpecialty).where(ProfileSpecialty.user_id == profile.user_id),
        select(func.count()).select_from(ProfileGoal).where(ProfileGoal.user_id == profile.user_id),
    )
    interests, specialties, goals = db.session.execute(select(*(c.scalar_subquery() for c in counted))).one()
    return interests, specialties, goals


@account_deleting.connect
def _delete_profile(user: User) -> None:
    """A deleted account keeps no profile: specialties, goals and interests go with it.

    Interests nobody else has are deleted too: they were this person's own words.
    """
    their_tags = select(profile_interest.c.tag_id).where(profile_interest.c.user_id == user.id)
    tag_ids = list(db.session.scalars(their_tags))
    db.session.execute(delete(Profile).where(Profile.user_id == user.id))
    still_used = select(profile_interest.c.tag_id).where(profile_interest.c.tag_id == Tag.id).exists()
    db.session.execute(delete(Tag).where(Tag.id.in_(tag_ids), ~still_used))


@personal_data_requested.connect
def _export_profile(user: User) -> dict:
    """The profile section of someone's data download."""
    profile = user.profile
    if profile is None:
        return {"profile": None}
    return {
        "profile": {
            "stage_detail": profile.stage_detail,
            "organisation": profile.organisation,
            "department": profile.department,
            "site": profile.site,
            "usually_around": profile.usually_around,
            "ask_me_about": [topic.label for topic in profile.help_topics],
            "region": profile.region,
            "specialties": list(profile.specialties),
            "goals": list(profile.goals),
            "interests": [tag.name for tag in profile.interests],
            "about": profile.about,
            "looking_for": profile.looking_for,
            "availability_hours_a_month": profile.availability_hours,
            "ways_to_meet": [
                way
                for way, chosen in (
                    ("in_person", profile.meet_in_person),
                    ("video", profile.meet_video),
                    ("messages", profile.meet_messages),
                )
                if chosen
            ],
            "offers_mentoring": profile.offers_mentoring,
            "mentor_status": profile.mentor_status,
            "mentor_capacity": profile.mentor_capacity,
            "registration_number": profile.registration_number,
            "updated_at": profile.updated_at.isoformat() if profile.updated_at else None,
        }
    }
