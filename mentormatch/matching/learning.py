"""A programme's own blend, learned from what its members did with suggestions.

Each outcome is a (member, suggested person) pair with the engine's per-part scores
(`MatchingEngine.part_scores`) and whether it went well (a request accepted, a round pair
published) or not (declined, expired, ended early). A logistic regression on the parts gives
their relative worth; the learned weights move from the defaults only as far as the evidence
allows (`PRIOR` outcomes count as the defaults), and only with `MIN_OUTCOMES` or more. Plain
Python with scikit-learn: no Flask, no database.
"""

from __future__ import annotations

import numpy as np
from sklearn.linear_model import LogisticRegression

MIN_OUTCOMES = 200  # fewer than this and the defaults stay
PRIOR = 200  # the defaults weigh as much as this many outcomes


class NotEnoughOutcomes(ValueError):
    """Too few outcomes, or only one kind of them, to learn from."""


def learn_weights(
    parts: np.ndarray,
    went_well: np.ndarray,
    defaults: dict[str, float],
    *,
    min_outcomes: int = MIN_OUTCOMES,
    prior: float = PRIOR,
) -> dict[str, float]:
    """Weights for the blend's parts (the keys of `defaults`, in order), summing to 1.

    `parts` is (outcomes × parts), `went_well` a boolean per outcome. Raises NotEnoughOutcomes
    below `min_outcomes` or when every outcome went the same way.
    """
    went_well = np.asarray(went_well, dtype=bool)
    if len(went_well) < min_outcomes:
        raise NotEnoughOutcomes(f"{len(went_well)} outcomes; at least {min_outcomes} are needed")
    if went_well.all() or not went_well.any():
        raise NotEnoughOutcomes("every outcome went the same way: nothing to tell the parts apart")
    model = LogisticRegression(C=1.0, max_iter=1000).fit(np.asarray(parts, dtype=np.float64), went_well)
    # A part that made acceptance less likely earns nothing, rather than a negative weight.
    worth = np.clip(model.coef_[0], 0.0, None)
    names = list(defaults)
    base = np.array([defaults[name] for name in names])
    learned = worth / worth.sum() if worth.sum() > 0 else base
    share = len(went_well) / (len(went_well) + prior)
    blended = (1 - share) * base + share * learned
    blended /= blended.sum()
    return {name: round(float(value), 4) for name, value in zip(names, blended, strict=True)}
