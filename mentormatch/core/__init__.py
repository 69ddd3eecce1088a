"""The core layer: what every area stands on; it imports nothing above it.

Database, extensions, settings, ids, vocabulary, limits, the mail outbox, the audit log, matching's
change log, shared forms and templating.
"""
