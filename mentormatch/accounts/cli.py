"""`flask users …`: account administration from the command line."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from mentormatch.accounts.models import User
from mentormatch.accounts.service import find_user
from mentormatch.accounts.sessions import end_other_sessions
from mentormatch.accounts.tokens import Purpose, issue_token, retire_tokens
from mentormatch.core.database import utcnow
from mentormatch.core.extensions import db
from mentormatch.core.mail import send_email
from mentormatch.core.views import absolute_url

users_cli = AppGroup("users", help="Manage member accounts.")


@users_cli.command("create-admin")
@click.argument("email")
@click.option("--name", help="Full name for a new account (default: from the address).")
def create_admin(email: str, name: str | None) -> None:
    """Make EMAIL a programme admin, creating the account (with an invitation) if needed."""
    email = email.strip().lower()
    if "@" not in email or len(email) > 254:
        raise click.BadParameter(f"{email!r} is not an email address.", param_hint="EMAIL")
    user = find_user(email)
    if user is not None and user.is_verified:
        if user.is_admin:
            click.echo(f"{email} is already an admin.")
            return
        user.is_admin = True
        db.session.commit()
        click.echo(f"{email} is now an admin.")
        return
    if user is None:
        user = User(email=email, name=name or email.partition("@")[0].replace(".", " ").title())
        db.session.add(user)
        done = f"Created admin {email}."
    else:
        # Nobody has shown they own this unverified account: whoever signed up may not be the
        # admin. Its password goes, its sessions end, and the address's owner is invited.
        user.password_hash = None
        end_other_sessions(user)
        done = f"{email} had an unconfirmed account: it is now an admin with a new invitation."
    user.is_admin = True
    user.email_verified_at = utcnow()
    retire_tokens(user)
    link = absolute_url("auth.accept_invitation", token=issue_token(user, Purpose.INVITATION))
    send_email(email, "invitation", "You're invited to run a MentorMatch programme", user=user, link=link)
    db.session.commit()
    click.echo(f"{done} An invitation to set a password is queued for them.")
    click.echo(f"Set-password link (valid 7 days, single use): {link}")
