"""Requests at /requests and connections at /connections."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("mentoring", __name__)
