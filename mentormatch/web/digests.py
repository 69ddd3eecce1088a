"""One-click unsubscribe at /unsubscribe/<token>, and the admins' digest preview."""

from __future__ import annotations

from flask import Blueprint, Response, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select, update

from mentormatch.accounts.models import User
from mentormatch.core.database import utcnow
from mentormatch.core.extensions import csrf, db
from mentormatch.digests import privacy  # noqa: F401  (its signal receivers)
from mentormatch.digests.content import build_digests
from mentormatch.digests.models import Digest
from mentormatch.digests.periods import WEEKLY, period_key
from mentormatch.digests.rendering import render_digest
from mentormatch.digests.tokens import UnsubscribeLinkError, read_unsubscribe_token
from mentormatch.web.admin import admin_required

bp = Blueprint("digests", __name__)

STOP, SWITCH_TO_WEEKLY = "never", "weekly"


def _subscriber(token: str) -> User | UnsubscribeLinkError:
    """The person the link is for, or why it can't be used. An unknown person's link is 'invalid',
    exactly like a forged one, so a link never tells whether someone has an account."""
    try:
        user_id = read_unsubscribe_token(token)
    except UnsubscribeLinkError as error:
        return error
    user = db.session.get(User, user_id)
    if user is None or user.deleted_at is not None or user.email is None:
        return UnsubscribeLinkError("invalid")
    return user


def _link_problem(error: UnsubscribeLinkError) -> ResponseReturnValue:
    return render_template("digests/link_problem.html", reason=error.reason), 400


def _masked(email: str) -> str:
    """a•••@example.org: enough to tell your accounts apart, not enough to read an address off a screen."""
    local, _, domain = email.partition("@")
    return f"{local[:1]}•••@{domain}"


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # the signed token is the authority: mail providers POST with no cookies and no form
def unsubscribe(token: str) -> ResponseReturnValue:
    """GET: the choices (nothing changes: mail scanners open links). POST: stop digests, or go weekly.

    A mail provider's RFC 8058 one-click POST sends `List-Unsubscribe=One-Click` and gets the
    answer at once; the page's own buttons send `choice` and are redirected back to the page.
    """
    subscriber = _subscriber(token)
    if isinstance(subscriber, UnsubscribeLinkError):
        return _link_problem(subscriber)
    if request.method == "GET":
        return render_template(
            "digests/unsubscribe.html",
            user=subscriber,
            email=_masked(subscriber.email),
            token=token,
            done=request.args.get("done"),
        )
    one_click = request.form.get("List-Unsubscribe") == "One-Click"
    choice = STOP if one_click else request.form.get("choice")
    if choice == STOP:
        # One conditional UPDATE each: repeating it (a provider retrying) changes nothing more.
        db.session.execute(
            update(User)
            .where(User.id == subscriber.id, User.deleted_at.is_(None))
            .values(digest_opt_in=False, digest_consent_at=None)
        )
    elif choice == SWITCH_TO_WEEKLY:
        # Only fewer emails: an unsubscribed person starts again from their settings, not from a link.
        db.session.execute(
            update(User)
            .where(User.id == subscriber.id, User.deleted_at.is_(None), User.digest_opt_in.is_(True))
            .values(digest_frequency=WEEKLY)
        )
    else:
        return render_template("digests/link_problem.html", reason="choice"), 400
    db.session.commit()
    if one_click:
        return render_template("digests/unsubscribed.html")
    return redirect(url_for("digests.unsubscribe", token=token, done=choice), 303)


@bp.get("/admin/digests/<int:user_id>")
@admin_required
def preview(user_id: int) -> ResponseReturnValue:
    """An admin's view of someone's next digest, as it would be sent now (nothing is recorded)."""
    user = db.get_or_404(User, user_id)
    if user.deleted_at is not None:
        return render_template("digests/preview.html", user=user, deleted=True), 404
    now = utcnow()
    [content] = build_digests([user], now)
    current = period_key(content.frequency, now)
    decided = db.session.scalar(select(Digest).where(Digest.user_id == user.id, Digest.period_key == current))
    rendered = None if content.is_empty else render_digest(content)
    if request.args.get("format") == "html" and rendered:
        # The email's own HTML, as a download to open from disk: this site's Content-Security-Policy
        # (no inline styles, no framing) would show it unstyled in the browser.
        return Response(
            rendered.html,
            mimetype="text/html",
            headers={"Content-Disposition": f'attachment; filename="digest-{user.id}-{current}.html"'},
        )
    return render_template(
        "digests/preview.html",
        user=user,
        content=content,
        rendered=rendered,
        period=current,
        decided=decided,
        deleted=False,
    )
