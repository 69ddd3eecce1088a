"""/settings: password, email address, email preferences, data download and account deletion."""

from __future__ import annotations

import json

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required, login_user, logout_user

from mentormatch.accounts import service
from mentormatch.accounts.forms import ChangeEmailForm, ChangePasswordForm, DeleteAccountForm
from mentormatch.accounts.passwords import verify_password
from mentormatch.accounts.privacy import export_personal_data
from mentormatch.accounts.tokens import Purpose, TokenError, consume_token
from mentormatch.core.database import utcnow
from mentormatch.core.extensions import db
from mentormatch.core.views import is_htmx, render_fragment
from mentormatch.digests.forms import DigestPreferencesForm, current_frequency
from mentormatch.digests.periods import NEVER

bp = Blueprint("settings", __name__, url_prefix="/settings")


def _forms(**overrides: object) -> dict[str, object]:
    """Every settings form; fresh from the account unless passed in (the one just submitted)."""
    forms = {
        "password_form": ChangePasswordForm(
            prefix="password",
            account_email=current_user.email,
            account_name=current_user.name,
            formdata=None,
        ),
        "email_form": ChangeEmailForm(prefix="email", formdata=None),
        "preferences_form": DigestPreferencesForm(
            prefix="prefs", digest_frequency=current_frequency(current_user), formdata=None
        ),
        "delete_form": DeleteAccountForm(prefix="delete", formdata=None),
    }
    forms.update(overrides)
    return forms


def _section(fragment: str, form_name: str, form: object) -> ResponseReturnValue:
    """After a settings POST: the section fragment for htmx, else the page or a redirect."""
    status = 422 if form.errors else 200
    if is_htmx():
        return render_fragment(f"settings/{fragment}", status, **{form_name: form})
    if form.errors:
        return render_template("settings/index.html", **_forms(**{form_name: form})), 422
    return redirect(url_for("settings.index"), 303)


@bp.get("")
@login_required
def index() -> ResponseReturnValue:
    """The settings page."""
    return render_template("settings/index.html", **_forms())


@bp.post("/password")
@login_required
def change_password() -> ResponseReturnValue:
    """Change the password; every other session is logged out."""
    form = ChangePasswordForm(
        prefix="password", account_email=current_user.email, account_name=current_user.name
    )
    if form.validate_on_submit():
        user = service.locked(current_user._get_current_object())  # a second tab's submit waits here
        if not verify_password(user.password_hash, form.current_password.data):
            form.current_password.errors.append("That isn't your current password.")
        else:
            service.set_password(user, form.new_password.data)
            db.session.commit()
            remembered = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies
            login_user(user, remember=remembered)  # this session continues with the new version
            flash("Your password is changed. You've been logged out everywhere else.", "success")
            form = ChangePasswordForm(
                prefix="password", account_email=user.email, account_name=user.name, formdata=None
            )
    return _section("_password.html", "password_form", form)


@bp.post("/email")
@login_required
def change_email() -> ResponseReturnValue:
    """Start moving the account to a new address, confirmed by a link sent there."""
    form = ChangeEmailForm(prefix="email")
    if form.validate_on_submit():
        user = service.locked(current_user._get_current_object())
        if not verify_password(user.password_hash, form.current_password.data):
            form.current_password.errors.append("That isn't your current password.")
        elif form.new_email.data == user.email:
            form.new_email.errors.append("That is already your email address.")
        else:
            service.request_email_change(user, form.new_email.data)
            db.session.commit()
            flash(
                f"We've sent a link to {form.new_email.data}. Your address changes when you "
                "open it (within 48 hours).",
                "success",
            )
            form = ChangeEmailForm(prefix="email", formdata=None)
    return _section("_email.html", "email_form", form)


@bp.get("/email/confirm/<token>")
def confirm_email(token: str) -> ResponseReturnValue:
    """Finish an email change from the link sent to the new address."""
    try:
        account_token = consume_token(token, Purpose.CHANGE_EMAIL)
    except TokenError as error:
        return render_template("auth/link_problem.html", reason=error.reason, kind="email"), 400
    if not service.change_email(account_token.user, account_token.new_email):
        db.session.rollback()
        return render_template("auth/link_problem.html", reason="taken", kind="email"), 409
    db.session.commit()
    flash(f"Your email address is now {account_token.new_email}.", "success")
    return redirect(url_for("settings.index" if current_user.is_authenticated else "auth.login"), 303)


@bp.post("/preferences")
@login_required
def preferences() -> ResponseReturnValue:
    """Digests weekly, daily or never; consent is recorded with its time when given."""
    form = DigestPreferencesForm(prefix="prefs")
    if form.validate_on_submit():
        user = current_user._get_current_object()
        choice = form.digest_frequency.data
        if choice == NEVER:
            user.digest_opt_in, user.digest_consent_at = False, None
        else:
            if not user.digest_opt_in:  # consent is given now; changing weekly/daily keeps its time
                user.digest_opt_in, user.digest_consent_at = True, utcnow()
            user.digest_frequency = choice
        db.session.commit()
        flash("Your email preferences are saved.", "success")
    return _section("_preferences.html", "preferences_form", form)


@bp.get("/export")
@login_required
def export() -> Response:
    """Download everything stored about you, as JSON."""
    data = json.dumps(export_personal_data(current_user), indent=2, ensure_ascii=False)
    return Response(
        data,
        mimetype="application/json",
        headers={"Content-Disposition": 'attachment; filename="mentormatch-my-data.json"'},
    )


@bp.post("/delete")
@login_required
def delete() -> ResponseReturnValue:
    """Delete the account after the password is entered again."""
    form = DeleteAccountForm(prefix="delete")
    if form.validate_on_submit():
        user = service.locked(current_user._get_current_object())
        # Deleted by this same form a moment ago (a double click): done, as the first one said.
        if user.deleted_at is not None or verify_password(user.password_hash, form.password.data):
            if user.deleted_at is None:
                service.delete_account(user)
            db.session.commit()
            session.clear()
            logout_user()  # after clear(): it leaves the flag that deletes the remember-me cookie
            flash("Your account has been deleted. Thank you for being part of MentorMatch.", "success")
            if is_htmx():
                return Response(status=204, headers={"HX-Redirect": url_for("pages.index")})
            return redirect(url_for("pages.index"), 303)
        form.password.errors.append("That isn't your password.")
    return _section("_delete.html", "delete_form", form)
