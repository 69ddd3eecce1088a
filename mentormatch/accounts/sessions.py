"""Flask-Login wiring: the session identity carries a version, so a password change ends sessions."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import Flask, Response, current_app, flash, redirect, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm.interfaces import ORMOption

from mentormatch.accounts.models import User
from mentormatch.core.extensions import db, login_manager
from mentormatch.core.views import is_htmx

LOAD_OPTIONS = "mentormatch.signed_in_load_options"
MEMBER_STATEMENT = "mentormatch.signed_in_member_statement"


def init_login(app: Flask, load_options: tuple[ORMOption, ...] = ()) -> None:
    """Bind Flask-Login to the app. `load_options` join what nearly every signed-in page reads to
    the one query that loads the member (create_app passes the profile, which this layer can't name)."""
    app.extensions[LOAD_OPTIONS] = load_options
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "basic"


@login_manager.user_loader
def load_user(identity: str) -> User | None:
    """The user for a session identity 'id:version', if that session is still valid."""
    user_id, _, version = identity.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    # One query per request: the account, its session version and what create_app joined to it.
    user = db.session.scalar(_signed_in_member_statement(), {"user_id": int(user_id)})
    if user is None or user.deleted_at is not None or user.session_version != int(version):
        return None
    return user


def _signed_in_member_statement() -> Select[tuple[User]]:
    """The loader's statement, built once per app with the id as a parameter: a statement built
    afresh on every request costs more Python than running it (its cache key, its options)."""
    extensions = current_app.extensions
    statement = extensions.get(MEMBER_STATEMENT)
    if statement is None:
        statement = select(User).where(User.id == bindparam("user_id")).options(*extensions[LOAD_OPTIONS])
        extensions[MEMBER_STATEMENT] = statement
    return statement


@login_manager.unauthorized_handler
def unauthorized() -> Response:
    """Send people to log in, and back here afterwards; htmx gets a redirect it can follow."""
    # Only a page can be returned to: after logging in, a form's POST address would answer 405.
    target = request.full_path.rstrip("?") if request.method == "GET" else None
    login_url = url_for("auth.login", next=target)
    if is_htmx():
        return Response(status=401, headers={"HX-Redirect": login_url})
    flash("Please log in to see that page.", "info")
    return redirect(login_url)


def end_other_sessions(user: User) -> None:
    """Invalidate every session and remember-me cookie of this user (the caller commits)."""
    user.session_version += 1


def verified_required(view: Callable) -> Callable:
    """Signed in with a confirmed email address: what seeing other members takes."""

    @wraps(view)
    @login_required
    def wrapped(*args: object, **kwargs: object):
        if not current_user.is_verified:
            from mentormatch.core.errors import render_error

            return render_error(
                403,
                "Confirm your email address first",
                "Only members who have confirmed their email address can see other members. "
                "Open the link we emailed you, or ask for a new one on your dashboard.",
            )
        return view(*args, **kwargs)

    return wrapped
