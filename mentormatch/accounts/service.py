"""What happens to accounts: each function stages its changes and emails; the caller commits."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, func, select

from mentormatch.accounts.models import AccountToken, User
from mentormatch.accounts.passwords import hash_password, needs_rehash, verify_password
from mentormatch.accounts.sessions import end_other_sessions
from mentormatch.accounts.signals import account_deleting
from mentormatch.accounts.tokens import Purpose, issue_token, retire_tokens
from mentormatch.core.database import utcnow
from mentormatch.core.extensions import db
from mentormatch.core.logs import SECURITY
from mentormatch.core.mail import send_email
from mentormatch.core.mail.models import OutboxMessage
from mentormatch.core.views import absolute_url

# A change of address asked again this soon, to the same address, is the same request (a double
# click, two tabs): the link already on its way does, and nobody gets a second pair of emails.
SAME_EMAIL_CHANGE_WITHIN = timedelta(minutes=10)


def locked(user: User) -> User:
    """The account read afresh under a row lock, for a change to it: of two submits at once, the
    second waits for the first and sees what it changed (a new password, a deleted account)."""
    statement = select(User).where(User.id == user.id).with_for_update()
    return db.session.execute(statement.execution_options(populate_existing=True)).scalar_one()


def find_user(email: str) -> User | None:
    """The live account with this email address (already normalised), if any."""
    return db.session.scalar(select(User).where(User.email == email, User.deleted_at.is_(None)))


def register(*, name: str, email: str, password: str, career_stage: str, digest_opt_in: bool) -> None:
    """Create an unverified account and email its verification link.

    If the address already has an account, its owner is emailed instead and nothing else
    changes: the person signing up sees the same page either way.
    """
    password_hash = hash_password(password)  # hashed on both paths, so both take as long
    existing = find_user(email)
    if existing is not None:
        send_email(
            existing.email,
            "signup_existing",
            "Someone tried to sign up to MentorMatch with your email address",
            user=existing,
        )
        return
    now = utcnow()
    user = User(
        name=name,
        email=email,
        password_hash=password_hash,
        career_stage=career_stage,
        terms_accepted_at=now,
        digest_opt_in=digest_opt_in,
        digest_consent_at=now if digest_opt_in else None,
    )
    db.session.add(user)
    send_verification(user)


def send_verification(user: User) -> None:
    """Email a fresh 48-hour verification link."""
    token = issue_token(user, Purpose.VERIFY_EMAIL)
    send_email(
        user.email,
        "verify_email",
        "Confirm your email address for MentorMatch",
        user=user,
        link=_link("auth.verify_email", token),
    )


def authenticate(email: str, password: str) -> User | None:
    """The account these credentials open, or None; unknown emails cost the same time."""
    user = find_user(email)
    if not verify_password(user.password_hash if user else None, password):
        why = f"wrong password for user_id={user.id}" if user else "no such account"
        SECURITY.warning("login failed: %s", why)
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    SECURITY.info("login succeeded user_id=%s", user.id)
    return user


def request_password_reset(email: str) -> None:
    """Email a one-hour reset link if the address has an account; otherwise do nothing."""
    user = find_user(email)
    if user is None:
        return
    token = issue_token(user, Purpose.RESET_PASSWORD)
    send_email(
        user.email,
        "reset_password",
        "Reset your MentorMatch password",
        user=user,
        link=_link("auth.reset_password", token),
    )


def set_password(user: User, password: str, *, notify: bool = True) -> None:
    """Set a new password, end every session, and tell the owner (unless it is their first)."""
    user.password_hash = hash_password(password)
    end_other_sessions(user)
    SECURITY.info("password set user_id=%s; every session ended", user.id)
    retire_tokens(user)
    if notify:
        send_email(user.email, "password_changed", "Your MentorMatch password was changed", user=user)


def mark_verified(user: User) -> None:
    """Record that the person has shown they read this mailbox."""
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()


def request_email_change(user: User, new_email: str) -> None:
    """Email a confirmation link to the new address; the old one is told, nothing changes yet.

    The caller holds the account's lock (`locked`), so a second request at once finds the first's link."""
    asked_just_now = select(AccountToken.id).where(
        AccountToken.user_id == user.id,
        AccountToken.purpose == Purpose.CHANGE_EMAIL.value,
        AccountToken.new_email == new_email,
        AccountToken.used_at.is_(None),
        AccountToken.created_at > utcnow() - SAME_EMAIL_CHANGE_WITHIN,
    )
    if db.session.scalar(asked_just_now.limit(1)) is not None:
        return
    if find_user(new_email) is not None:
        send_email(
            new_email,
            "email_in_use",
            "Someone tried to move a MentorMatch account to your email address",
        )
        return
    token = issue_token(user, Purpose.CHANGE_EMAIL, new_email=new_email)
    send_email(
        new_email,
        "confirm_new_email",
        "Confirm your new email address for MentorMatch",
        user=user,
        link=_link("settings.confirm_email", token),
    )
    send_email(
        user.email,
        "email_change_requested",
        "A change of email address was requested for your MentorMatch account",
        user=user,
        new_email=new_email,
    )


def change_email(user: User, new_email: str) -> bool:
    """Move the account to a confirmed new address; False if someone took it meanwhile."""
    if find_user(new_email) is not None:
        return False
    old_email = user.email
    user.email = new_email
    user.email_verified_at = utcnow()
    retire_tokens(user)  # links sent to the old address stop working
    send_email(
        old_email,
        "email_changed",
        "Your MentorMatch email address was changed",
        user=user,
        new_email=new_email,
    )
    return True


def delete_account(user: User) -> None:
    """Remove everything personal; the row stays only so others' history shows 'Former member'."""
    old_email = user.email
    account_deleting.send(user)
    db.session.execute(delete(AccountToken).where(AccountToken.user_id == user.id))
    db.session.execute(
        delete(OutboxMessage).where(func.lower(OutboxMessage.to_addr) == (old_email or "").lower())
    )
    user.email = None
    user.name = None
    user.career_stage = None
    user.password_hash = None
    user.is_admin = False
    user.digest_opt_in = False
    user.digest_consent_at = None
    user.deleted_at = utcnow()
    end_other_sessions(user)


def _link(endpoint: str, token: str) -> str:
    return absolute_url(endpoint, token=token)
