"""Mentoring and peer requests, and connections."""
