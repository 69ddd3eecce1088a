"""Every model, imported in one place so Alembic and create_all see all the tables."""

from mentormatch.accounts.models import AccountToken, User
from mentormatch.mail.models import OutboxMessage

__all__ = ["AccountToken", "OutboxMessage", "User"]
