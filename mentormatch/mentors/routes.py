"""Applying to mentor at /mentor/apply, and a mentor's own status (pause, resume)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("mentors", __name__)
