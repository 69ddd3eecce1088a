"""A digest's unread messages: per pair, how many messages arrived since the last digest that the
reader hasn't read yet, and from whom. Two queries for everyone in the run."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from sqlalchemy import select

from mentormatch.accounts.models import User
from mentormatch.core.extensions import db
from mentormatch.digests.items import DigestContent, UnreadItem
from mentormatch.mentoring.models import Connection
from mentormatch.mentoring.pair_models import Message, Reader


def add_unread(contents: dict[int, DigestContent], wanted: set[int], earliest: datetime) -> None:
    """Give each digest its pairs' unread messages newer than that digest's `since`."""
    rows = db.session.execute(
        select(Message.id, Message.connection_id, Message.author_id, Message.created_at, Connection)
        .join(Connection, Connection.id == Message.connection_id)
        .where(Message.created_at > earliest, Connection.ended_at.is_(None))
        .order_by(Message.id)
    ).all()
    mine = [
        row
        for row in rows
        if ({row.Connection.first_id, row.Connection.second_id} - {row.author_id}) & wanted
    ]
    if not mine:
        return
    pairs = {row.connection_id for row in mine}
    read = {
        (reader.connection_id, reader.user_id): reader.last_read_id
        for reader in db.session.scalars(select(Reader).where(Reader.connection_id.in_(pairs)))
    }
    counts: Counter[tuple[int, int, int]] = Counter()
    for row in mine:
        connection = row.Connection
        reader = connection.second_id if row.author_id == connection.first_id else connection.first_id
        content = contents.get(reader)
        if (
            content is None
            or row.created_at <= content.since
            or row.id <= read.get((row.connection_id, reader), 0)
        ):
            continue
        counts[(reader, row.connection_id, row.author_id)] += 1
    authors = {k[2] for k in counts}
    names = {
        user.id: user.display_name for user in db.session.scalars(select(User).where(User.id.in_(authors)))
    }
    for (reader, connection_id, author_id), count in sorted(counts.items()):
        contents[reader].unread.append(
            UnreadItem(
                connection_id=connection_id,
                other_id=author_id,
                other_name=names.get(author_id) or "",
                count=count,
            )
        )
