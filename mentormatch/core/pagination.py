"""`db.paginate` with the total counted in the page's own query: one round trip, not two.

Flask-SQLAlchemy counts with a second query that runs the whole search again; a window function
(`count(*) OVER ()`) gives the same total on each row of the page. Only a page past the end has
no row to read it from, and is counted the usual way.
"""

from __future__ import annotations

from typing import Any

from flask_sqlalchemy.pagination import Pagination, SelectPagination
from sqlalchemy import Select, func

from mentormatch.core.extensions import db


class _CountedPagination(SelectPagination):
    def _query_items(self) -> list[Any]:
        statement = self._query_args["select"].add_columns(func.count().over().label("total"))
        statement = statement.limit(self.per_page).offset(self._query_offset)
        rows = self._query_args["session"].execute(statement).all()
        self._total = rows[0].total if rows else None
        return [row[0] for row in rows]

    def _query_count(self) -> int:
        return self._total if self._total is not None else super()._query_count()


def paginate(statement: Select, *, page: int, per_page: int, error_out: bool = False) -> Pagination:
    """One page of `statement`'s rows (each row's first entity), with the total, in one query."""
    return _CountedPagination(
        select=statement,
        session=db.session(),
        page=page,
        per_page=per_page,
        max_per_page=None,
        error_out=error_out,
    )
