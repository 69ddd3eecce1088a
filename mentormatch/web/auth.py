"""Signup, email verification, login, logout and password reset."""

from __future__ import annotations

from flask import (
    Blueprint,
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
from sqlalchemy.exc import IntegrityError

from mentormatch.accounts import service
from mentormatch.accounts.forms import (
    AcceptInvitationForm,
    LoginForm,
    ResetRequestForm,
    SetPasswordForm,
    SignupForm,
)
from mentormatch.accounts.tokens import Purpose, TokenError, check_token, consume_token
from mentormatch.core.database import utcnow
from mentormatch.core.extensions import db, limiter
from mentormatch.core.logs import SECURITY
from mentormatch.core.views import safe_next

bp = Blueprint("auth", __name__, url_prefix="/auth")


def _limit(key: str) -> str:
    return current_app.config[key]


def _account_key() -> str:
    """Rate-limit key for the account a form names, whichever address the request comes from."""
    return f"{request.endpoint}:" + request.form.get("email", "").strip().lower()


@bp.route("/signup", methods=["GET", "POST"])
@limiter.limit(lambda: _limit("RATELIMIT_SIGNUP"), methods=["POST"])
def signup() -> ResponseReturnValue:
    """Create an account; the same answer whether or not the email is already registered."""
    if current_user.is_authenticated:
        return redirect(url_for("pages.index"), 303)
    form = SignupForm()
    if form.validate_on_submit():
        try:
            service.register(
                name=form.name.data,
                email=form.email.data,
                password=form.password.data,
                career_stage=form.career_stage.data,
                digest_opt_in=form.digest_opt_in.data,
            )
            db.session.commit()
        except IntegrityError:
            # Two signups for one address raced; the other one created the account.
            db.session.rollback()
        session["check_email"] = form.email.data
        return redirect(url_for("auth.check_email"), 303)
    return render_template("auth/signup.html", form=form), 422 if form.errors else 200


@bp.get("/check-email")
def check_email() -> ResponseReturnValue:
    """Where signup sends people: what to do next, without saying whether the account is new."""
    return render_template("auth/check_email.html", email=session.get("check_email"))


@bp.post("/check-email")
@limiter.limit(lambda: _limit("RATELIMIT_RESET"))
def resend_after_signup() -> ResponseReturnValue:
    """Send the verification link again to the address just signed up with (kept in the session).

    The same answer whether or not that address has an account waiting to be confirmed.
    """
    email = session.get("check_email")  # the CSRF token is checked for every POST
    if not email:
        return redirect(url_for("auth.signup"), 303)
    user = service.find_user(email)
    if user is not None and not user.is_verified:
        service.send_verification(user)
        db.session.commit()
    flash(
        f"If {email} is waiting to be confirmed, a new link is on its way. It works for 48 hours.", "success"
    )
    return redirect(url_for("auth.check_email"), 303)


@bp.get("/verify/<token>")
def verify_email(token: str) -> ResponseReturnValue:
    """Confirm an email address from the link we sent."""
    try:
        account_token = consume_token(token, Purpose.VERIFY_EMAIL)
    except TokenError as error:
        return render_template("auth/link_problem.html", reason=error.reason, kind="verify"), 400
    user = account_token.user
    service.mark_verified(user)
    db.session.commit()
    flash("Thank you, your email address is confirmed.", "success")
    # Straight on to setting up a profile (after logging in, if this browser isn't yet).
    onboarding = url_for("profiles.edit_step", slug="about")
    if current_user.is_authenticated and current_user.id == user.id:
        return redirect(onboarding, 303)
    flash("Log in to set up your profile.", "info")
    return redirect(url_for("auth.login", email=user.email, next=onboarding), 303)


@bp.post("/verify/resend")
@login_required
@limiter.limit(lambda: _limit("RATELIMIT_RESET"))
def resend_verification() -> ResponseReturnValue:
    """Send the verification email again."""
    if current_user.is_verified:
        flash("Your email address is already confirmed.", "info")
    else:
        service.send_verification(current_user)
        db.session.commit()
        flash(f"We've sent a new link to {current_user.email}. It works for 48 hours.", "success")
    return redirect(url_for("pages.index"), 303)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: _limit("RATELIMIT_LOGIN"), methods=["POST"])
@limiter.limit(lambda: _limit("RATELIMIT_LOGIN_ACCOUNT"), key_func=_account_key, methods=["POST"])
def login() -> ResponseReturnValue:
    """Log in with email and password, optionally remembered on this device."""
    if current_user.is_authenticated:
        return redirect(url_for("pages.index"), 303)
    form = LoginForm()
    if request.method == "GET" and request.args.get("email"):
        form.email.data = request.args["email"]
    if form.validate_on_submit():
        user = service.authenticate(form.email.data, form.password.data)
        if user is not None:
            db.session.commit()
            next_page = safe_next(request.args.get("next"))
            session.clear()  # a fresh session (and CSRF token) for the signed-in person
            login_user(user, remember=form.remember.data)
            return redirect(next_page or url_for("pages.index"), 303)
        form.password.errors.append("The email address or password is incorrect.")
    return render_template("auth/login.html", form=form), 422 if form.errors else 200


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    """Log out (a POST, so no other site can log you out with a link)."""
    SECURITY.info("logout user_id=%s", current_user.get_id())
    session.clear()
    logout_user()  # after clear(): it leaves the flag that deletes the remember-me cookie
    flash("You've logged out.", "success")
    return redirect(url_for("pages.index"), 303)


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit(lambda: _limit("RATELIMIT_RESET"), methods=["POST"])
@limiter.limit(lambda: _limit("RATELIMIT_RESET"), key_func=_account_key, methods=["POST"])
def request_reset() -> ResponseReturnValue:
    """Ask for a password reset link; the same answer whether or not the account exists."""
    form = ResetRequestForm()
    if form.validate_on_submit():
        service.request_password_reset(form.email.data)
        db.session.commit()
        return render_template("auth/reset_sent.html", email=form.email.data)
    return render_template("auth/reset_request.html", form=form), 422 if form.errors else 200


@bp.route("/reset/<token>", methods=["GET", "POST"], endpoint="reset_password")
@bp.route("/invitation/<token>", methods=["GET", "POST"], endpoint="accept_invitation")
def set_password_from_link(token: str) -> ResponseReturnValue:
    """Choose a new password from a reset or invitation link; then log in as usual."""
    invitation = request.endpoint == "auth.accept_invitation"
    purpose = Purpose.INVITATION if invitation else Purpose.RESET_PASSWORD
    kind = "invitation" if invitation else "reset"
    try:
        user = check_token(token, purpose).user
    except TokenError as error:
        return render_template("auth/link_problem.html", reason=error.reason, kind=kind), 400
    form_class = AcceptInvitationForm if invitation else SetPasswordForm
    form = form_class(account_email=user.email, account_name=user.name or "")
    if form.validate_on_submit():
        try:
            consume_token(token, purpose)
        except TokenError as error:
            return render_template("auth/link_problem.html", reason=error.reason, kind=kind), 400
        service.set_password(user, form.password.data, notify=not invitation)
        service.mark_verified(user)  # the link proved they read this mailbox
        if invitation:
            user.terms_accepted_at = utcnow()
        db.session.commit()
        if current_user.is_authenticated:
            logout_user()
        flash("Your password is set. Log in with your new password.", "success")
        return redirect(url_for("auth.login", email=user.email), 303)
    return (
        render_template("auth/set_password.html", form=form, kind=kind, user=user),
        422 if form.errors else 200,
    )
