"""The k best candidates of each member over blocks of scores: exact, without sorting the blocks."""

from __future__ import annotations

import numpy as np

GROUP_ROWS = 32  # candidates whose best score is taken together to bound each member's k-th best


def _bits(masks: np.ndarray, width: int) -> np.ndarray:
    """Bit masks as a (len(masks), width) boolean array."""
    return (masks[:, None] >> np.arange(width, dtype=np.uint64) & np.uint64(1)).astype(bool)


def _first_k(cols: np.ndarray, keys: np.ndarray, vals: np.ndarray, k: int):
    """Up to k entries per column, best score first; equal scores go to the lower key."""
    order = np.lexsort((keys, -vals, cols))
    cols, keys, vals = cols[order], keys[order], vals[order]
    keep = np.arange(len(cols)) - np.searchsorted(cols, cols) < k
    return cols[keep], keys[keep], vals[keep]


def _group_maxima(block: np.ndarray) -> np.ndarray:
    """The best score in each run of GROUP_ROWS candidates, per member: (groups × members)."""
    rows, width = block.shape
    full = rows - rows % GROUP_ROWS
    maxima = [block[:full].reshape(-1, GROUP_ROWS, width).max(axis=1)] if full else []
    if full < rows:
        maxima.append(block[full:].max(axis=0, keepdims=True))
    return np.concatenate(maxima) if len(maxima) > 1 else maxima[0]


def _best_rows(blocks: list[tuple[int, np.ndarray]], maxima: list[np.ndarray], k: int):
    """The k best candidates of each member over (first position, candidates × members) score blocks.

    Returns (member columns, positions, scores), exact, ties to the lower position, without sorting
    or partitioning the blocks: k groups reach the k-th best of the groups' maxima, so every one of
    the k best candidates sits in a group whose maximum reaches it, and only those groups are read.
    """
    group_maxima = np.concatenate(maxima)
    n, width = group_maxima.shape
    if n > k:
        floor = np.partition(group_maxima, n - k, axis=0)[n - k]
    else:
        floor = np.full(width, -np.inf, group_maxima.dtype)
    group, col = np.nonzero((group_maxima >= floor) & (group_maxima > -np.inf))
    ends = np.cumsum([len(m) for m in maxima])
    in_block = np.searchsorted(ends, group, side="right")
    found_col, found_at, found_score = [], [], []
    for b in np.unique(in_block).tolist():
        first, block = blocks[b]
        here = in_block == b
        row = (group[here] - (ends[b] - len(maxima[b])))[:, None] * GROUP_ROWS + np.arange(GROUP_ROWS)
        inside = row < len(block)
        row = np.minimum(row, len(block) - 1)
        here_col = col[here][:, None]
        score = block[row, here_col]
        keep = inside & (score >= floor[here_col]) & (score > -np.inf)
        found_col.append(np.broadcast_to(here_col, row.shape)[keep])
        found_at.append(first + row[keep])
        found_score.append(score[keep])
    if not found_col:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.float32)
    return _first_k(np.concatenate(found_col), np.concatenate(found_at), np.concatenate(found_score), k)
