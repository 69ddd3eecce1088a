"""Suggested mentors and peers at /matches, with "Not for me" and its undo."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("matching", __name__)
