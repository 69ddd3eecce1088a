"""`flask digests send [--dry-run]`: the cron job that sends the digests that are due."""

from __future__ import annotations

from flask.cli import AppGroup

digests_cli = AppGroup("digests", help="Email digests.")
