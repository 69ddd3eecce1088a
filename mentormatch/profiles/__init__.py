"""Profiles: what a member tells others about themselves, onboarding, and the people directory."""
