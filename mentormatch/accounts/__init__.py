"""Accounts: signup, email verification, login, password reset, settings and privacy."""
