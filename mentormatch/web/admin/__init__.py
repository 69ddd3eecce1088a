"""The programme admins' pages, all under /admin on one blueprint.

Each page area is its own module attaching views to `bp`: routes.py (member import),
mentors.py (mentor approval), audit.py (the audit log), rounds.py (cohort matching rounds) and
reports.py; create_app imports them all before registering the blueprint.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import Blueprint, abort
from flask_login import current_user, login_required

bp = Blueprint("admin", __name__, url_prefix="/admin")


def admin_required(view: Callable) -> Callable:
    """Programme admins only: others are sent to log in (anonymous) or refused with a 403."""

    @wraps(view)
    @login_required
    def wrapped(*args: object, **kwargs: object):
        # create-admin verifies the address it promotes; an unverified admin is refused all the same.
        if not (current_user.is_admin and current_user.is_verified):
            abort(403)
        return view(*args, **kwargs)

    return wrapped
