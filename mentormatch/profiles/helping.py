"""Ask me about: the practical things a member is glad to help colleagues with.

This module owns a member's help topics: adding one (at most MAX_HELP_TOPICS, each once, where
"cannulation" and "venflons" count as the same: core/skills.py), removing one, and the directory's
"who can help with…" section. The caller commits.
"""

from __future__ import annotations

import re
import unicodedata

from sqlalchemy import Select, delete, exists, select
from sqlalchemy.exc import IntegrityError

from mentormatch.accounts.models import User
from mentormatch.core.extensions import db
from mentormatch.core.limits import HELP_TOPIC, MAX_HELP_TOPICS, control_character
from mentormatch.core.skills import PRACTICAL_SKILLS, concepts_in, fold, skill_key
from mentormatch.profiles.models import HelpTopic, Profile
from mentormatch.profiles.service import refresh_search_text

HELPERS_SHOWN = 6  # the directory's "who can help with…" section
# The best-ranked results with entries that the section chooses from: those whose entries name the
# search come first, so someone who only mentions it elsewhere doesn't push out someone who offers it.
HELPERS_CONSIDERED = 30


class HelpTopicProblem(Exception):
    """Why an entry can't be added, in words for the member."""


def clean_label(raw: str) -> str:
    """One entry as the member typed it, trimmed, with runs of spaces made one."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", raw or "")).strip()


def topic_problem(profile: Profile, label: str) -> str | None:
    """Why `label` can't be added to this profile's entries (in words for them), or None."""
    if not label:
        return "Enter something you can help with, like “cannulas” or “ePortfolio sign-off”."
    if control_character(label):
        return "Remove the invisible control characters from this entry."
    if len(label) > HELP_TOPIC:
        return f"Keep each entry to {HELP_TOPIC} characters or fewer (this one has {len(label)})."
    if not fold(label):
        return "Use some letters or numbers: say what you can help with."
    if len(profile.help_topics) >= MAX_HELP_TOPICS:
        return f"You can list up to {MAX_HELP_TOPICS} things. Remove one before adding another."
    key = skill_key(label)
    same = next((topic for topic in profile.help_topics if topic.skill_key == key), None)
    if same is not None:
        return f"“{label}” is already on your list as “{same.label}”."
    return None


def add_help_topic(user: User, label: str) -> HelpTopic:
    """Add an entry to the member's list. Raises HelpTopicProblem, having changed nothing."""
    # Lock the profile row, so two tabs adding an eleventh entry at once can't both pass the count.
    db.session.execute(select(Profile.user_id).where(Profile.user_id == user.id).with_for_update())
    profile = user.profile
    db.session.refresh(profile, ["help_topics"])
    label = clean_label(label)
    problem = topic_problem(profile, label)
    if problem:
        raise HelpTopicProblem(problem)
    topic = HelpTopic(
        user_id=user.id,
        label=label,
        skill_key=skill_key(label),
        position=max((topic.position for topic in profile.help_topics), default=-1) + 1,
    )
    try:
        with db.session.begin_nested():
            profile.help_topics.append(topic)
            db.session.flush()
    except IntegrityError:  # the same entry, added a moment ago from another tab
        db.session.refresh(profile, ["help_topics"])
        raise HelpTopicProblem(f"“{label}” is already on your list.") from None
    refresh_search_text(user, profile)
    return topic


def remove_help_topic(user: User, topic_id: int) -> bool:
    """Remove one of the member's own entries; False when they have no such entry."""
    removed = db.session.execute(
        delete(HelpTopic).where(HelpTopic.id == topic_id, HelpTopic.user_id == user.id)
    ).rowcount
    if removed:
        profile = user.profile
        db.session.expire(profile, ["help_topics"])
        refresh_search_text(user, profile)
    return bool(removed)


def matching_topics(topics: list[HelpTopic], text: str) -> set[int]:
    """The ids of the entries a search names (by any of their concept's names, or as a word prefix)."""
    wanted = fold(text).split()
    if not wanted:
        return set()
    found = set()
    for topic in topics:
        words = fold(" ".join([topic.label, *_phrases(topic.label)])).split()
        if all(any(word.startswith(term) for word in words) for term in wanted):
            found.add(topic.id)
    return found


def _phrases(label: str) -> list[str]:
    return [phrase for concept in concepts_in(label) for phrase in PRACTICAL_SKILLS[concept][1]]


def helpers_select(directory: Select[tuple[User]]) -> Select[tuple[User]]:
    """The directory's own query narrowed to members with entries: the "who can help with…" section's
    candidates, best-ranked first."""
    has_topics = exists().where(HelpTopic.user_id == Profile.user_id)
    return directory.where(has_topics).limit(HELPERS_CONSIDERED)


def who_can_help(directory: Select[tuple[User]], text: str) -> tuple[list[User], dict[int, set[int]]]:
    """The "who can help with…" section: up to HELPERS_SHOWN members with entries among the results,
    those whose entries name the search first (in the directory's order otherwise), and for each the
    ids of their entries that the search names."""
    candidates = list(db.session.scalars(helpers_select(directory)))
    named = {person.id: matching_topics(person.profile.help_topics, text) for person in candidates}
    chosen = sorted(candidates, key=lambda person: not named[person.id])[:HELPERS_SHOWN]
    return chosen, {person.id: named[person.id] for person in chosen}
