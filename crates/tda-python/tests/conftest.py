"""Shared helpers of the pytest suite: random inputs with ties, and diagram
comparison as multisets (row order is not part of any API compared here)."""

import numpy as np
import pytest


@pytest.fixture
def rng():
    return np.random.default_rng(20261129)


def sorted_rows(d):
    """A diagram's rows sorted lexicographically (infinite values last)."""
    d = np.asarray(d, dtype=np.float64).reshape(-1, 2)
    return d[np.lexsort((d[:, 1], d[:, 0]))]


def assert_same_diagram(ours, theirs, rtol=1e-12, atol=0.0):
    """Equal multisets of bars, values to `rtol` (infinite ends exactly)."""
    a, b = sorted_rows(ours), sorted_rows(theirs)
    assert a.shape == b.shape, f"{a.shape} bars here, {b.shape} there"
    np.testing.assert_allclose(a, b, rtol=rtol, atol=atol)
