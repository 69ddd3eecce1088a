"""Cohort matching rounds: an optimal capacity-constrained assignment of mentees to mentors."""
