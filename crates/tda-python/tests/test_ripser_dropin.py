"""tda_pinet.ripser.ripser against ripser.py on the same inputs."""

import warnings

import numpy as np
import pytest
from conftest import assert_same_diagram

ripser_py = pytest.importorskip("ripser")
from tda_pinet.ripser import ripser  # noqa: E402

# ripser.py rounds every distance to float32.
F32 = 1e-6


def both(X, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ripser(X, **kw), ripser_py.ripser(X, **kw)


def assert_same_result(ours, theirs, maxdim, cocycles=False):
    assert set(ours) == set(theirs)
    assert len(ours["dgms"]) == len(theirs["dgms"]) == maxdim + 1
    for a, b in zip(ours["dgms"], theirs["dgms"]):
        assert a.dtype == np.float64 and a.ndim == 2 and a.shape[1] == 2
        assert_same_diagram(a, b, rtol=F32, atol=1e-7)
    assert ours["num_edges"] == theirs["num_edges"]
    if hasattr(theirs["dperm2all"], "toarray"):
        assert ours["dperm2all"] is not None
    else:
        np.testing.assert_allclose(ours["dperm2all"], theirs["dperm2all"], rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(ours["idx_perm"], theirs["idx_perm"])
    assert ours["r_cover"] == pytest.approx(theirs["r_cover"], rel=1e-12)
    if not cocycles:
        assert ours["cocycles"] == [[] for _ in range(maxdim + 1)]
        return
    assert len(ours["cocycles"]) == maxdim + 1 and ours["cocycles"][0] == []
    for dim in range(1, maxdim + 1):
        assert bars_with_cocycles(ours, dim) == bars_with_cocycles(theirs, dim)


def bars_with_cocycles(result, dim):
    """The bars of dimension `dim` (float32 ends) with their cocycles, as a
    sorted list: the two libraries list bars in different orders."""
    dgm, cocycles = result["dgms"][dim], result["cocycles"][dim]
    assert len(cocycles) == len(dgm)
    out = []
    for (b, d), c in zip(dgm, cocycles):
        c = np.asarray(c)
        assert c.dtype == np.int64 and c.shape[1] == dim + 2
        out.append((float(np.float32(b)), float(np.float32(d)), tuple(map(tuple, c.tolist()))))
    return sorted(out)


@pytest.mark.parametrize("seed", range(5))
def test_random_clouds(seed):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(40 + 10 * seed, 3))
    assert_same_result(*both(X), maxdim=1)


def test_ties_on_a_grid():
    # Integer points: many equal distances, equal in float32 too.
    g = np.array([(i, j) for i in range(6) for j in range(5)], dtype=float)
    assert_same_result(*both(g, maxdim=2), maxdim=2)


def test_circle_has_one_long_bar(rng):
    t = rng.uniform(0, 2 * np.pi, 80)
    X = np.column_stack([np.cos(t), np.sin(t)]) + 0.05 * rng.normal(size=(80, 2))
    ours, theirs = both(X)
    assert_same_result(ours, theirs, maxdim=1)
    h1 = ours["dgms"][1]
    assert np.sum(h1[:, 1] - h1[:, 0] > 1.0) == 1


@pytest.mark.parametrize("thresh", [0.5, 1.0, 1.5])
def test_threshold_and_infinite_bars(rng, thresh):
    X = rng.normal(size=(50, 2))
    ours, theirs = both(X, thresh=thresh)
    assert_same_result(ours, theirs, maxdim=1)


def test_distance_matrix_input(rng):
    X = rng.normal(size=(45, 4))
    D = np.sqrt(((X[:, None, :] - X[None, :, :]) ** 2).sum(-1))
    ours, theirs = both(D, distance_matrix=True, maxdim=2)
    assert_same_result(ours, theirs, maxdim=2)
    assert ours["dperm2all"] is not None


@pytest.mark.parametrize("metric", ["manhattan", "cityblock", "chebyshev", "l1", "l2", "cosine"])
def test_metrics(rng, metric):
    X = rng.normal(size=(35, 3))
    assert_same_result(*both(X, metric=metric), maxdim=1)


def test_fewer_points_than_dimensions():
    X = np.array([[0.0, 0.0], [1.0, 0.0]])
    assert_same_result(*both(X, maxdim=2), maxdim=2)
    ours = ripser(np.array([[3.0, 4.0]]), maxdim=1)
    np.testing.assert_array_equal(ours["dgms"][0], [[0.0, np.inf]])
    assert ours["dgms"][1].shape == (0, 2)


def test_inputs_of_any_dtype_and_layout(rng):
    X = rng.normal(size=(30, 3))
    want = ripser(X)["dgms"]
    for variant in (np.asfortranarray(X), X.tolist()):
        got = ripser(variant)["dgms"]
        for a, b in zip(got, want):
            assert_same_diagram(a, b)
    for other in (X.astype(np.float32), (10 * X).astype(np.int32)):
        for a, b in zip(ripser(other)["dgms"], ripser(other.astype(np.float64))["dgms"]):
            assert_same_diagram(a, b)
    big = np.zeros((60, 6))
    big[::2, ::2] = X
    strided = big[::2, ::2]
    for a, b in zip(ripser(strided)["dgms"], want):
        assert_same_diagram(a, b)


def projective_plane(n, rng):
    """Points of the real projective plane: unit vectors of R^3 under the
    Veronese map v -> (v_i v_j), which identifies v with -v."""
    v = rng.normal(size=(n, 3))
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    return np.stack([v[:, 0] ** 2, v[:, 1] ** 2, v[:, 2] ** 2, v[:, 0] * v[:, 1], v[:, 0] * v[:, 2], v[:, 1] * v[:, 2]], 1)


@pytest.mark.parametrize("coeff", [2, 3, 5])
def test_coefficients(rng, coeff):
    X = projective_plane(60, rng)
    ours, theirs = both(X, maxdim=2, coeff=coeff)
    assert_same_result(ours, theirs, maxdim=2)


def test_coefficients_change_the_answer():
    # RP^2 has H1 = Z/2: a long bar with Z/2 coefficients, none with Z/3.
    X = projective_plane(80, np.random.default_rng(0))
    lengths = [np.diff(ripser(X, coeff=p)["dgms"][1], axis=1).max() for p in (2, 3)]
    assert lengths[0] > 0.55 and lengths[1] < 0.45


@pytest.mark.parametrize("coeff", [2, 3])
def test_cocycles(coeff):
    # Integer points: exact in float32, so both libraries see one filtration.
    g = np.array([(i, j, (i * j) % 3) for i in range(5) for j in range(4)], dtype=float)
    ours, theirs = both(g, maxdim=2, coeff=coeff, do_cocycles=True)
    assert_same_result(ours, theirs, maxdim=2, cocycles=True)
    D = np.abs(g[:, None, :] - g[None, :, :]).sum(-1)
    ours, theirs = both(D, distance_matrix=True, maxdim=1, coeff=coeff, do_cocycles=True, thresh=3)
    assert_same_result(ours, theirs, maxdim=1, cocycles=True)


@pytest.mark.parametrize("distance_matrix", [False, True])
def test_greedy_subsample(rng, distance_matrix):
    X = rng.normal(size=(60, 3))
    if distance_matrix:
        X = np.sqrt(((X[:, None, :] - X[None, :, :]) ** 2).sum(-1))
    for n_perm in (5, 20, 60):
        ours, theirs = both(X, n_perm=n_perm, distance_matrix=distance_matrix)
        assert_same_result(ours, theirs, maxdim=1)
    g = np.array([(i, j) for i in range(6) for j in range(5)], dtype=float)
    ours, theirs = both(g, n_perm=12, do_cocycles=True)
    assert_same_result(ours, theirs, maxdim=1, cocycles=True)


def test_sparse_matrices(rng):
    from scipy import sparse

    X = rng.integers(0, 8, size=(40, 2)).astype(float)
    D = np.sqrt(((X[:, None, :] - X[None, :, :]) ** 2).sum(-1))
    D[D > 3] = 0  # absent pairs
    upper = sparse.coo_matrix(np.triu(D))
    for M in (upper, sparse.csr_matrix(D), sparse.coo_matrix(D)):
        ours, theirs = both(M, distance_matrix=True, maxdim=1, do_cocycles=True)
        assert_same_result(ours, theirs, maxdim=1, cocycles=True)
    ours, theirs = both(upper, distance_matrix=True, maxdim=1, thresh=2.0)
    assert_same_result(ours, theirs, maxdim=1)


def test_vertex_birth_times(rng):
    X = rng.integers(0, 6, size=(25, 2)).astype(float)
    D = np.abs(X[:, None, :] - X[None, :, :]).sum(-1)
    np.fill_diagonal(D, rng.integers(0, 3, size=25).astype(float))
    ours, theirs = both(D, distance_matrix=True, maxdim=1)
    assert_same_result(ours, theirs, maxdim=1)
    with pytest.raises(NotImplementedError, match="diagonal"):
        ripser(D, distance_matrix=True, n_perm=5)


def test_bad_options_name_the_problem(rng):
    from scipy import sparse

    X = rng.normal(size=(20, 2))
    for p in (0, 1, 4, 9):
        with pytest.raises(ValueError, match="coeff"):
            ripser(X, coeff=p)
    dup = sparse.coo_matrix(([1.0, 2.0], ([0, 0], [1, 1])), shape=(3, 3))
    with pytest.raises(ValueError, match="two entries at \\(0, 1\\)"):
        ripser(dup, distance_matrix=True)
    bad = sparse.coo_matrix(([-1.0], ([0], [1])), shape=(3, 3))
    with pytest.raises(ValueError, match="-1"):
        ripser(bad, distance_matrix=True)
    with pytest.raises(ValueError, match="not supported for sparse"):
        ripser(sparse.coo_matrix(np.ones((3, 3))), distance_matrix=True, n_perm=2)


def test_errors_name_the_problem(rng):
    X = rng.normal(size=(10, 2))
    with pytest.raises(ValueError, match="not square"):
        ripser(X, distance_matrix=True)
    bad = X.copy()
    bad[3, 1] = np.nan
    with pytest.raises(ValueError, match="7"):  # flat index of the NaN
        ripser(bad)
    D = np.abs(rng.normal(size=(5, 5)))
    np.fill_diagonal(D, 0)
    with pytest.raises(ValueError, match="symmetric"):
        ripser(D, distance_matrix=True)
    with pytest.raises(ValueError):
        ripser(X, maxdim=-1)
    with pytest.raises(ValueError):
        ripser(X, thresh=np.nan)
    with pytest.raises(TypeError, match="thresh"):
        ripser(X, thresh="far")
    with pytest.raises(ValueError, match="metric"):
        ripser(X, metric="no-such-metric")
    with pytest.raises(ValueError, match="greater"):
        ripser(X, n_perm=11)
    with pytest.raises(TypeError):
        ripser(X.astype(complex))
    with pytest.raises(ValueError):
        ripser(np.zeros((0, 2)))


def test_warnings_as_ripser_py(rng):
    with pytest.warns(UserWarning, match="square"):
        ripser(rng.normal(size=(3, 3)))
    with pytest.warns(UserWarning, match="transpose"):
        ripser(rng.normal(size=(2, 5)))


def test_memory_limit_is_an_exception_not_an_abort():
    # 200,000 points: a 320 GB distance matrix, refused before allocation.
    X = np.zeros((200_000, 1))
    with pytest.raises(MemoryError):
        ripser(X)


def test_native_batches_equal_one_by_one_on_any_thread_count(rng):
    import tda_pinet as tp

    clouds = [rng.normal(size=(20 + 5 * i, 3)) for i in range(6)]
    one_by_one = [tp.rips(X, maxdim=2) for X in clouds]
    for n_jobs in (1, 2, 4):
        got = tp.rips_batch(clouds, maxdim=2, n_jobs=n_jobs)
        for dgms, want in zip(got, one_by_one):
            for a, b in zip(dgms, want):
                np.testing.assert_array_equal(a, b)
    # Against ripser.py too, over Z/3.
    for dgms, X in zip(tp.rips_batch(clouds, coeff=3), clouds):
        for a, b in zip(dgms, ripser_py.ripser(X, coeff=3)["dgms"]):
            assert_same_diagram(a, b, rtol=F32, atol=1e-7)
    with pytest.raises(ValueError, match="2"):
        tp.rips_batch([clouds[0], clouds[1], rng.normal(size=(10, 2))])
