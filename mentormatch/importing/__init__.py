"""Bulk import of programme members from a CSV file (`flask users import` and /admin/import).

validate.py checks a file without touching the database, service.py creates the people, their
profiles and invitations in one transaction, cli.py is the command.
"""
