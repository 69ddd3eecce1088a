"""Mentors: applying to mentor, pausing, and the people a mentor must not be matched with."""
