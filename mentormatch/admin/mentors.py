"""Mentor approval at /admin/mentors: the queue, decisions with reasons, bulk approval."""

from __future__ import annotations

from mentormatch.admin import admin_required, bp  # noqa: F401
