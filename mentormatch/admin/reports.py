"""Programme reports at /admin/reports: tables, SVG charts and CSV exports."""

from __future__ import annotations

from mentormatch.admin import admin_required, bp  # noqa: F401
