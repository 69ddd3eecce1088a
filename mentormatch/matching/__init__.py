"""Matching: the engine (NumPy/SciPy/scikit-learn, no Flask) and the clinical vocabulary it reads with."""

from mentormatch.matching.engine import MatchingEngine, Member, Suggestion

__all__ = ["MatchingEngine", "Member", "Suggestion"]
