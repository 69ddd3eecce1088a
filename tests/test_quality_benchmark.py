"""The matching quality benchmark at a tiny size: well-formed figures, and the engine beats random."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

from mentormatch.matching.vocabulary import codes_in

PATH = Path(__file__).resolve().parent.parent / "benchmarks" / "quality.py"


@pytest.fixture(scope="module")
def quality():
    spec = importlib.util.spec_from_file_location("benchmarks_quality", PATH)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    yield module
    del sys.modules[spec.name]


@pytest.fixture(scope="module")
def results(quality):
    return quality.evaluate(members=300, seed=1, k=10)


def test_metrics_are_well_formed(quality, results):
    assert set(results) == {"mentor", "peer"}
    for by_method in results.values():
        assert set(by_method) == set(quality.METHODS)
        for metrics in by_method.values():
            assert 0 <= metrics.ndcg <= 1
            assert 0 <= metrics.precision_at_5 <= 1
            assert 0 < metrics.coverage <= 1
            assert 0 <= metrics.gini <= 1


def test_table_has_every_method(quality, results):
    lines = quality.table(results["mentor"]).splitlines()
    assert lines[0] == (
        "| method | NDCG@10 | P@5 | coverage | Gini | specialties | goals | region | hobbies |"
    )
    assert [line.split(" | ")[0].removeprefix("| ") for line in lines[2:]] == list(quality.METHODS)


def test_ours_beats_random(results):
    for by_method in results.values():
        assert by_method["ours"].ndcg > by_method["random"].ndcg


def test_same_seed_same_population(quality):
    first, second = quality.generate_population(200, 7), quality.generate_population(200, 7)
    assert [p.member for p in first] == [p.member for p in second]
    assert [p.member.text for p in quality.generate_population(200, 8)] != [p.member.text for p in first]


def test_part_of_the_truth_is_only_in_the_text(quality):
    people = quality.generate_population(300, 1)
    written_only = [p for p in people if (p.specialties - p.member.specialties) & codes_in(p.member.text)]
    assert len(written_only) > len(people) // 4


def test_gini(quality):
    assert quality.gini(np.array([3, 3, 3, 3])) == pytest.approx(0)
    assert quality.gini(np.array([0, 0, 0, 12])) == pytest.approx(0.75)
    assert quality.gini(np.zeros(4)) == 0
