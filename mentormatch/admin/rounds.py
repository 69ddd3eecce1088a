"""Cohort matching rounds at /admin/rounds: create, run, adjust, publish, export."""

from __future__ import annotations

from mentormatch.admin import admin_required, bp  # noqa: F401
