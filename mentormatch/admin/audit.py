"""The append-only audit log of admin actions, at /admin/audit."""

from __future__ import annotations

from mentormatch.admin import admin_required, bp  # noqa: F401
