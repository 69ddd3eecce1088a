"""The programme admins' pages: importing members now; mentor approval, rounds and reports later."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import abort
from flask_login import current_user, login_required


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
