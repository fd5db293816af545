"""The native API against gudhi (and itself): persistence of signals and
images, vectorisations, distances; dtypes, layouts, threads and errors."""

import pickle

import numpy as np
import pytest
from conftest import assert_same_diagram

import tda_pinet as tp

gudhi = pytest.importorskip("gudhi")


def walks(rng, n, length, ties=False):
    x = np.cumsum(rng.normal(size=(n, length)), axis=1)
    return np.round(x) if ties else x


def gudhi_h0(x):
    c = gudhi.CubicalComplex(vertices=x)
    c.compute_persistence()
    d = c.persistence_intervals_in_dimension(0)
    return d[d[:, 1] > d[:, 0]]


@pytest.mark.parametrize("ties", [False, True])
def test_sublevel_h0_equals_gudhi(rng, ties):
    X = walks(rng, 20, 200, ties)
    batch = tp.sublevel_h0(X)
    assert len(batch) == len(X)
    for x, d in zip(X, batch):
        assert_same_diagram(d, gudhi_h0(x))
        np.testing.assert_array_equal(d, tp.sublevel_h0(x))


def test_superlevel_h0_is_sublevel_of_the_negation(rng):
    X = walks(rng, 10, 100, ties=True)
    for x, d in zip(X, tp.superlevel_h0(X)):
        assert_same_diagram(-d, tp.sublevel_h0(-x))
        assert np.all(d[:, 1] <= d[:, 0])


@pytest.mark.parametrize("connectivity,key", [(4, "vertices"), (8, "top_dimensional_cells")])
def test_cubical_equals_gudhi(rng, connectivity, key):
    for _ in range(5):
        img = rng.integers(0, 6, size=(12, 9)).astype(float)
        c = gudhi.CubicalComplex(**{key: img})
        c.compute_persistence()
        ours = tp.cubical_persistence(img, connectivity)
        for dim in range(2):
            d = c.persistence_intervals_in_dimension(dim)
            assert_same_diagram(ours[dim], d[d[:, 1] > d[:, 0]])


def test_gudhi_dropin_cubical_complex(rng):
    from tda_pinet.gudhi import CubicalComplex

    for shape in [(8, 8), (5, 11), (30,)]:
        img = rng.integers(0, 4, size=shape).astype(float)
        for key in ("vertices", "top_dimensional_cells"):
            a, b = gudhi.CubicalComplex(**{key: img}), CubicalComplex(**{key: img})
            pa, pb = a.persistence(), b.persistence()
            assert sorted(pa) == sorted(pb)
            assert [dim for dim, _ in pa] == [dim for dim, _ in pb]
            assert a.num_simplices() == b.num_simplices()
            for dim in range(2):
                assert_same_diagram(
                    b.persistence_intervals_in_dimension(dim), a.persistence_intervals_in_dimension(dim)
                )
    c = CubicalComplex(vertices=img)
    assert pickle.loads(pickle.dumps(c)).persistence() == c.persistence()
    with pytest.raises(NotImplementedError):
        CubicalComplex(vertices=np.zeros((2, 2, 2)))
    with pytest.raises(ValueError):
        CubicalComplex()


def test_landscapes_and_betti_curves_equal_gudhi(rng):
    from gudhi.representations import BettiCurve, Landscape

    ds = [d[np.isfinite(d[:, 1])] for d in tp.sublevel_h0(walks(rng, 6, 150))]
    lo = min(d.min() for d in ds)
    hi = max(d.max() for d in ds)
    gl = Landscape(num_landscapes=3, resolution=50, sample_range=[lo, hi], keep_endpoints=True).fit_transform(ds)
    ours = tp.landscapes(ds, 3, (lo, hi), 50)
    assert ours.shape == (6, 150) and ours.dtype == np.float32
    np.testing.assert_allclose(ours * np.sqrt(2), gl, rtol=1e-6, atol=1e-5)
    gb = BettiCurve(resolution=40, sample_range=[lo, hi]).fit_transform(ds)
    np.testing.assert_array_equal(tp.betti_curves(ds, (lo, hi), 40), gb)


def test_distances_equal_gudhi(rng):
    from gudhi.wasserstein import wasserstein_distance

    for _ in range(5):
        a, b = tp.sublevel_h0(walks(rng, 2, 60))
        assert tp.bottleneck(a, b) == pytest.approx(gudhi.bottleneck_distance(a, b), rel=1e-12)
        for order, q in [(1.0, np.inf), (2.0, 2.0), (1.0, 1.0)]:
            want = wasserstein_distance(a, b, order=order, internal_p=q)
            assert tp.wasserstein(a, b, order, q) == pytest.approx(want, rel=1e-9)
    a = np.array([[0.0, 1.0], [0.0, np.inf]])
    assert tp.bottleneck(a, a[:1]) == np.inf


def test_persistence_images_equal_the_drop_in_imager(rng):
    from tda_pinet.persim import PersistenceImager

    ds = [d[np.isfinite(d[:, 1])] for d in tp.sublevel_h0(walks(rng, 5, 100))]
    imager = PersistenceImager(pixel_size=0.5)
    imager.fit(ds)
    want = np.stack(imager.transform(ds))
    got = tp.persistence_images(
        ds, imager._bpnts[[0, -1]], imager._ppnts[[0, -1]], imager.resolution, sigma=1.0, n_jobs=2
    )
    assert got.shape == want.shape and got.dtype == np.float32
    np.testing.assert_array_equal(got, want.astype(np.float32))


def test_legacy_grid_is_pinet_recipe(rng):
    x = rng.integers(0, 256, size=1024) / 255.0
    d = tp.sublevel_h0(x)
    img = tp.persistence_images(
        [d], (0.0, 1.0), (0.0, 1.0), (50, 50), sigma=0.05, grid="legacy", normalize="max", min_persistence=1.5 / 255
    )
    assert img.shape == (1, 50, 50) and img.max() == 1.0


def test_any_dtype_and_layout_without_changing_results(rng):
    X = walks(rng, 8, 64)
    want = tp.sublevel_h0(X)
    views = [np.asfortranarray(X), X.tolist()]
    big = np.zeros((16, 128))
    big[::2, ::2] = X
    views.append(big[::2, ::2])
    for v in views:
        for a, b in zip(tp.sublevel_h0(v), want):
            np.testing.assert_array_equal(a, b)
    for a, b in zip(tp.sublevel_h0(X[:, ::2]), tp.sublevel_h0(np.ascontiguousarray(X[:, ::2]))):
        np.testing.assert_array_equal(a, b)
    x32 = X.astype(np.float32)
    for a, b in zip(tp.sublevel_h0(x32), tp.sublevel_h0(x32.astype(np.float64))):
        np.testing.assert_array_equal(a, b)
    ints = rng.integers(0, 9, size=(3, 40))
    for a, b in zip(tp.sublevel_h0(ints), tp.sublevel_h0(ints.astype(float))):
        np.testing.assert_array_equal(a, b)


def test_results_do_not_depend_on_threads(rng):
    X = walks(rng, 64, 300)
    one = tp.sublevel_h0(X, n_jobs=1)
    for n_jobs in (2, 3, -1, None):
        for a, b in zip(tp.sublevel_h0(X, n_jobs=n_jobs), one):
            np.testing.assert_array_equal(a, b)
    ds = [d[np.isfinite(d[:, 1])] for d in one]
    np.testing.assert_array_equal(
        tp.landscapes(ds, 2, (-5, 5), 20, n_jobs=1), tp.landscapes(ds, 2, (-5, 5), 20, n_jobs=2)
    )


def test_errors_name_the_argument(rng):
    x = rng.normal(size=50)
    bad = x.copy()
    bad[17] = np.nan
    with pytest.raises(ValueError, match="17"):
        tp.sublevel_h0(bad)
    X = rng.normal(size=(4, 10))
    X[2, 3] = np.inf
    with pytest.raises(ValueError, match="23"):  # flat index 2 * 10 + 3
        tp.superlevel_h0(X)
    with pytest.raises(ValueError, match="x"):
        tp.sublevel_h0(np.zeros((2, 2, 2)))
    with pytest.raises(ValueError):
        tp.sublevel_h0(np.array([]))
    with pytest.raises(TypeError, match="x"):
        tp.sublevel_h0(np.array(["a", "b"]))
    with pytest.raises(TypeError, match="x"):
        tp.sublevel_h0(np.ones(4, dtype=complex))
    for n_jobs in (0, -2, 10**6):
        with pytest.raises(ValueError, match="n_jobs"):
            tp.sublevel_h0(np.ones((2, 4)), n_jobs=n_jobs)
    with pytest.raises(ValueError, match="connectivity"):
        tp.cubical_persistence(np.ones((3, 3)), connectivity=6)
    d = [np.array([[0.0, 1.0]])]
    with pytest.raises(ValueError, match="sigma"):
        tp.persistence_images(d, (0, 1), (0, 1), sigma=-1)
    with pytest.raises(ValueError, match="weight"):
        tp.persistence_images(d, (0, 1), (0, 1), weight="cubic")
    with pytest.raises(ValueError, match="ramp"):
        tp.persistence_images(d, (0, 1), (0, 1), weight="linear_ramp")
    with pytest.raises(ValueError, match="grid"):
        tp.persistence_images(d, (0, 1), (0, 1), grid="hex")
    with pytest.raises(ValueError, match="essential"):
        tp.persistence_images(d, (0, 1), (0, 1), essential="sometimes")
    with pytest.raises(TypeError, match="resolution"):
        tp.persistence_images(d, (0, 1), (0, 1), resolution=(2.5, 3))
    with pytest.raises(ValueError, match="birth_range"):
        tp.persistence_images(d, (0, 1, 2), (0, 1))
    with pytest.raises(ValueError, match=r"diagrams\[0\]"):
        tp.landscapes([np.zeros((3, 3))])
    with pytest.raises(ValueError):
        tp.landscapes(d, num_landscapes=0)
    with pytest.raises(ValueError, match="finite"):
        tp.betti_curves([np.array([[np.nan, 1.0]])])
    with pytest.raises(ValueError):
        tp.wasserstein(d[0], d[0], order=0.5)


def test_memory_limit_is_an_exception(rng):
    # 10^6 diagrams x a 1000 x 1000 image: 4 TB of output, refused up front.
    d = [np.array([[0.0, 1.0]])] * 1_000_000
    with pytest.raises(MemoryError):
        tp.persistence_images(d, (0, 1), (0, 1), resolution=(1000, 1000))


def test_entropy_and_silhouettes_equal_gudhi(rng):
    from gudhi.representations import Entropy, Silhouette

    ds = [d[np.isfinite(d[:, 1])] for d in tp.sublevel_h0(walks(rng, 5, 120))]
    want = Entropy(mode="scalar").fit_transform(ds)[:, 0]
    np.testing.assert_allclose(tp.entropy(ds), want, rtol=1e-6)
    lo = min(d.min() for d in ds)
    hi = max(d.max() for d in ds)
    sil = Silhouette(weight=lambda p: (p[1] - p[0]) ** 2, resolution=30, sample_range=[lo, hi], keep_endpoints=True)
    want = sil.fit_transform(ds)
    # gudhi's tents are sqrt(2) times the paper's.
    np.testing.assert_allclose(tp.silhouettes(ds, 2.0, (lo, hi), 30) * np.sqrt(2), want, rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match="normalization"):
        tp.entropy(ds, normalization="bits")


def test_emph_closed_forms():
    # f = cos t + 2 cos 2t (the EMPH paper's worked example): radii 1 and 2; the
    # diagonal ray's H1 barcode is {[0, sqrt 3), [0, 2 sqrt 3)}.
    n = 100
    t = 2 * np.pi * np.arange(n) / n
    f = np.cos(t) + 2 * np.cos(2 * t)
    r = tp.emph_modes(f, 2)
    np.testing.assert_allclose(r, [1.0, 2.0], atol=1e-12)
    assert_same_diagram(tp.emph_barcodes(r, dim=1), [[0, np.sqrt(3)], [0, 2 * np.sqrt(3)]], rtol=1e-12)
    batch = tp.emph_modes(np.stack([f, 2 * f]), 2)
    np.testing.assert_allclose(batch, [[1, 2], [2, 4]], atol=1e-12)
    # Each mode on a ray of its own: the same bars, read one by one.
    own = tp.emph_collection_barcodes(r, np.ones((2, 2)), np.zeros((2, 2)))
    assert_same_diagram(own, [[0, np.sqrt(3)], [0, 2 * np.sqrt(3)]], rtol=1e-12)
    # An endpoint shifts bar j's ends by -b_j / v_j; here v = 1.
    shifted = tp.emph_barcodes(r, dim=1, direction=[1.0, 1.0], endpoint=[0.5, 0.5])
    assert_same_diagram(shifted, [[-0.5, np.sqrt(3) - 0.5], [-0.5, 2 * np.sqrt(3) - 0.5]], rtol=1e-12)


def test_emph_rays_are_reproducible_and_searched():
    v1, b1 = tp.emph_random_rays(3, 8, seed=7)
    v2, b2 = tp.emph_random_rays(3, 8, seed=7)
    np.testing.assert_array_equal(v1, v2)
    np.testing.assert_array_equal(b1, b2)
    assert not np.array_equal(v1, tp.emph_random_rays(3, 8, seed=8)[0])
    np.testing.assert_allclose(np.linalg.norm(v1, axis=1), np.sqrt(3))
    v, b, s = tp.emph_search_rays(3, 8, lambda d, e: float(e.sum()), seed=7)
    i = int(np.argmax(b1.sum(axis=1)))
    np.testing.assert_array_equal(v, v1[i])
    assert s == b1[i].sum()
    with pytest.raises(ValueError, match="k"):
        tp.emph_random_rays(0, 3)


def test_emph_errors_name_the_problem():
    with pytest.raises(ValueError, match="TooShort|short|2k"):
        tp.emph_modes(np.ones((2, 4)), 5)
    bad = np.ones((2, 20))
    bad[1, 3] = np.nan
    with pytest.raises(ValueError, match="23"):
        tp.emph_modes(bad, 2)
    with pytest.raises(ValueError):
        tp.emph_barcodes(np.array([[1.0, -2.0]]))
    with pytest.raises(ValueError):
        tp.emph_barcodes(np.array([[1.0, 2.0]]), direction=[1.0, 0.0])
    with pytest.raises(ValueError, match="endpoints"):
        tp.emph_collection_barcodes(np.array([[1.0, 2.0]]), np.ones((2, 2)), np.zeros((2, 3)))
