"""Many members at once, each with their profile: one query for the lot (and one per tag list), never
a lazy load per row. Pages that list people load them here before rendering."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import Select, bindparam, inspect, select
from sqlalchemy.orm import contains_eager, joinedload, lazyload
from sqlalchemy.orm.attributes import set_committed_value

from mentormatch.accounts.models import User
from mentormatch.core.extensions import db
from mentormatch.profiles.models import Profile

TAG_LISTS = {
    "interests": Profile.interests,
    "specialty_rows": Profile.specialty_rows,
    "goal_rows": Profile.goal_rows,
    "offer_rows": Profile.offer_rows,
    "help_topics": Profile.help_topics,
}

# Options for a query of profiles whose tag lists aren't shown: each list loads only if read.
PROFILE_COLUMNS_ONLY = tuple(lazyload(relationship) for relationship in TAG_LISTS.values())

# The signed-in member's one query on every request: the account with its profile joined (the
# navigation, matching and most pages read it); the tag lists load only on the pages that show them.
SIGNED_IN_MEMBER = (joinedload(User.profile).options(*PROFILE_COLUMNS_ONLY),)


def load_people(ids: Iterable[int], *tags: str) -> dict[int, User]:
    """These members by id, each with `user.profile` loaded (None for an account without one) and
    those of its tag lists named in `tags` ("specialty_rows", "goal_rows", "offer_rows",
    "interests"); the others load only if read."""
    wanted = set(ids)
    if not wanted:
        return {}
    rows = db.session.scalars(_people_statement(tags), {"ids": sorted(wanted)}).unique()
    return {user.id: user for user in rows}


_PEOPLE_STATEMENTS: dict[tuple[str, ...], Select[tuple[User]]] = {}


def _people_statement(tags: tuple[str, ...]) -> Select[tuple[User]]:
    """load_people's statement for these tag lists, built once with the ids as a parameter: nearly
    every page sends it, and building it (its options, its cache key) cost more than running it."""
    statement = _PEOPLE_STATEMENTS.get(tags)
    if statement is None:
        statement = (
            select(User)
            .outerjoin(Profile, Profile.user_id == User.id)
            .options(contains_eager(User.profile).options(*_only_tags(tags)))
            .where(User.id.in_(bindparam("ids", expanding=True)))
        )
        _PEOPLE_STATEMENTS[tags] = statement
    return statement


def _only_tags(tags: tuple[str, ...]) -> list:
    unknown = set(tags) - set(TAG_LISTS)
    if unknown:
        raise ValueError(f"not a profile's tag list: {sorted(unknown)}")
    return [lazyload(relationship) for name, relationship in TAG_LISTS.items() if name not in tags]


def attach_people(rows: Sequence[object], *relationships: str, tags: tuple[str, ...] = ()) -> None:
    """Load the members that `rows` point to through these many-to-one relationships (e.g. "sender",
    "recipient") with their profiles (and the tag lists in `tags`), in one go, and set them on each
    row: no lazy load per row."""
    if not rows:
        return
    mapper = inspect(type(rows[0]))
    keys = {}
    for name in relationships:
        (column,) = mapper.relationships[name].local_columns
        keys[name] = mapper.get_property_by_column(column).key
    people = load_people((getattr(row, key) for row in rows for key in keys.values()), *tags)
    for row in rows:
        for name, key in keys.items():
            set_committed_value(row, name, people.get(getattr(row, key)))
