"""One-click unsubscribe at /unsubscribe/<token>, and the admins' digest preview."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("digests", __name__)
