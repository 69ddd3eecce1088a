"""The people directory's query: full-text search ranked by relevance, plus filters.

PostgreSQL searches a stored, weighted tsvector with a GIN index; SQLite an FTS5 index ranked
by bm25. Both index the same two accent-folded text columns (see models.py and
service.refresh_search_text) without stemming or stop words, and every typed word is matched as
a prefix: "consulta" finds consultants, "a" finds anyone with a word starting with a, and a
search finds the same people on either database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import Float, Integer, Select, exists, func, literal_column, select, text
from sqlalchemy.orm import contains_eager, lazyload, selectinload

from mentormatch.accounts.models import User
from mentormatch.core.extensions import db
from mentormatch.profiles.listing import listed
from mentormatch.profiles.models import MentorStatus, Profile, ProfileSpecialty
from mentormatch.profiles.service import fold_accents

MAX_TERMS = 8


@dataclass(frozen=True)
class DirectoryQuery:
    """What someone asked the directory for; every field optional."""

    text: str = ""
    stage: str = ""
    region: str = ""
    specialty: str = ""
    mentors_only: bool = False
    department: str = ""  # part of the department's name, any case ("ultrasound")
    site: str = ""  # part of the site's name ("St James")


def search_terms(raw: str) -> list[str]:
    """Words to search for: letters and digits only (so nothing reaches the query syntax)."""
    words = re.findall(r"\w+", fold_accents(raw).casefold())
    return [word for word in words if word != "_"][:MAX_TERMS]


def directory_select(query: DirectoryQuery) -> Select[tuple[User]]:
    """Verified members with a finished profile matching the query, best matches first."""
    statement = (
        select(User)
        .join(User.profile)
        # The results show specialties, interests and "ask me about"; goals and offers load only if read.
        .options(
            contains_eager(User.profile).options(
                lazyload(Profile.goal_rows), lazyload(Profile.offer_rows), selectinload(Profile.help_topics)
            )
        )
        .where(
            *listed(),
        )
    )
    if query.stage:
        statement = statement.where(User.career_stage == query.stage)
    if query.region:
        statement = statement.where(Profile.region == query.region)
    if query.specialty:
        statement = statement.where(
            exists().where(
                ProfileSpecialty.user_id == Profile.user_id, ProfileSpecialty.code == query.specialty
            )
        )
    if query.department:
        statement = statement.where(_contains(Profile.department, query.department))
    if query.site:
        statement = statement.where(_contains(Profile.site, query.site))
    if query.mentors_only:
        statement = statement.where(Profile.mentor_status == MentorStatus.APPROVED)
    terms = search_terms(query.text)
    if not terms:
        return statement.order_by(func.lower(User.name), User.id)
    if db.session.get_bind().dialect.name == "postgresql":
        return _postgres_search(statement, terms)
    return _sqlite_search(statement, terms)


def _contains(column, value: str):
    """Case-insensitive "contains", with LIKE's wildcards taken literally."""
    return func.lower(column).contains(value.casefold(), autoescape=True)


def _postgres_search(statement: Select, terms: list[str]) -> Select:
    # Every word must match as a prefix, so results are right while a word is half-typed.
    tsquery = func.to_tsquery("simple", " & ".join(f"{term}:*" for term in terms))
    vector = literal_column("profile.search_vector")
    rank = func.ts_rank(vector, tsquery)
    return statement.where(vector.op("@@")(tsquery)).order_by(rank.desc(), func.lower(User.name), User.id)


def _sqlite_search(statement: Select, terms: list[str]) -> Select:
    match = " AND ".join(f'"{term}"*' for term in terms)
    # MATERIALIZED: SQLite runs the full-text search once, then joins and filters. Without it,
    # the planner may start from the filters and query the FTS index again for every row.
    fts = (
        text(
            "SELECT rowid AS user_id, bm25(profile_fts, 10.0, 1.0) AS rank "
            "FROM profile_fts WHERE profile_fts MATCH :match"
        )
        .bindparams(match=match)
        .columns(user_id=Integer, rank=Float)
        .cte("fts")
        .prefix_with("MATERIALIZED")
    )
    # bm25: lower is a better match.
    return statement.join(fts, fts.c.user_id == Profile.user_id).order_by(
        fts.c.rank, func.lower(User.name), User.id
    )
