"""tda_pinet.persim against persim 0.4 on the same inputs."""

import pickle
import warnings

import numpy as np
import pytest

persim = pytest.importorskip("persim")
from tda_pinet import persim as ours  # noqa: E402

# The engine writes float32 pixels.
F32 = 2e-7


def diagrams(rng, count=3, n=40):
    out = []
    for _ in range(count):
        b = rng.uniform(-1, 1, n)
        out.append(np.column_stack([b, b + rng.exponential(0.5, n)]))
    # Ties: repeated points and equal births.
    out[0][1] = out[0][0]
    out[0][2] = [out[0][3, 0], out[0][3, 0] + 0.3]
    return out


def assert_same_images(a, b):
    a, b = np.asarray(a), np.asarray(b)
    assert a.shape == b.shape and a.dtype == b.dtype == np.float64
    scale = max(np.abs(b).max(), 1e-300)
    np.testing.assert_allclose(a, b, rtol=0, atol=F32 * scale)


IMAGERS = [
    {},
    dict(pixel_size=0.1),
    dict(birth_range=(-1.0, 1.3), pers_range=(0.0, 2.0), pixel_size=0.3, kernel_params={"sigma": 0.01}),
    dict(birth_range=(-1, 1), pers_range=(0, 3), pixel_size=0.25, weight_params={"n": 2.0}),
    dict(weight="linear_ramp", weight_params={"low": 0.0, "high": 2.0, "start": 0.1, "end": 1.0}),
    dict(pixel_size=0.05, kernel_params={"sigma": [[0.02, 0.0], [0.0, 0.02]]}),
]


@pytest.mark.parametrize("kw", IMAGERS)
def test_transform_equals_persim(rng, kw):
    ds = diagrams(rng)
    t, p = ours.PersistenceImager(**kw), persim.PersistenceImager(**kw)
    assert t.resolution == p.resolution
    for a, b in zip(t.transform(ds), p.transform(ds)):
        assert_same_images(a, b)
    assert_same_images(t.transform(ds[0]), p.transform(ds[0]))
    bp = np.column_stack([ds[1][:, 0], ds[1][:, 1] - ds[1][:, 0]])
    assert_same_images(t.transform(bp, skew=False), p.transform(bp, skew=False))


@pytest.mark.parametrize("kw", IMAGERS[:3])
def test_fit_and_setters_equal_persim(rng, kw):
    ds = diagrams(rng)
    t, p = ours.PersistenceImager(**kw), persim.PersistenceImager(**kw)
    t.fit(ds)
    p.fit(ds)
    assert t.birth_range == p.birth_range and t.pers_range == p.pers_range
    assert t.resolution == p.resolution and t.width == p.width and t.height == p.height
    for a, b in zip(t.transform(ds), p.transform(ds)):
        assert_same_images(a, b)
    t.pixel_size = p.pixel_size = 0.07
    t.birth_range = p.birth_range = (-0.5, 0.77)
    assert t.resolution == p.resolution
    for a, b in zip(t.fit_transform(ds), p.fit_transform(ds)):
        assert_same_images(a, b)


def test_weight_functions_of_persim_are_understood(rng):
    from persim import images_weights

    ds = diagrams(rng, 1)
    kw = dict(weight=images_weights.linear_ramp, weight_params={"low": 0.5, "high": 1.0, "start": 0.0, "end": 0.5})
    assert_same_images(ours.PersistenceImager(**kw).transform(ds[0]), persim.PersistenceImager(**kw).transform(ds[0]))


def test_infinite_bars_are_dropped(rng):
    d = diagrams(rng, 1)[0]
    with_inf = np.vstack([d, [[0.0, np.inf]]])
    img = ours.PersistenceImager().transform(with_inf)
    assert np.isfinite(img).all()
    assert_same_images(img, persim.PersistenceImager().transform(d))


def test_empty_inputs_as_persim():
    t, p = ours.PersistenceImager(), persim.PersistenceImager()
    assert_same_images(t.transform([]), p.transform([]))
    assert_same_images(t.transform(np.zeros((0, 2))), p.transform(np.zeros((0, 2))))


def test_unsupported_kernels_and_weights_raise():
    with pytest.raises(NotImplementedError):
        ours.PersistenceImager(kernel="uniform")
    with pytest.raises(NotImplementedError):
        ours.PersistenceImager(kernel_params={"sigma": [[1.0, 0.2], [0.2, 1.0]]})
    with pytest.raises(NotImplementedError):
        ours.PersistenceImager(weight=lambda b, p: p)
    with pytest.raises(ValueError):
        ours.PersistenceImager(weight="nope")
    with pytest.raises(ValueError):
        ours.PersistenceImager(birth_range=[0, 1])
    with pytest.raises(ValueError, match="pixel_size"):
        ours.PersistenceImager(pixel_size=0)


def test_bad_diagrams_raise_naming_them(rng):
    t = ours.PersistenceImager()
    with pytest.raises(ValueError, match=r"pers_dgms\[1\]"):
        t.transform([np.zeros((2, 2)), np.zeros((2, 3))])
    with pytest.raises(ValueError, match="finite"):
        t.transform(np.array([[np.nan, 1.0]]))
    with pytest.raises(ValueError, match="negative persistence"):
        t.transform(np.array([[1.0, 0.5]]))
    with pytest.raises(ValueError, match="n_jobs"):
        t.transform(diagrams(rng, 1), n_jobs=0)


def test_imager_pickles(rng):
    t = ours.PersistenceImager(pixel_size=0.1)
    t.fit(diagrams(rng))
    u = pickle.loads(pickle.dumps(t))
    d = diagrams(rng, 1)[0]
    np.testing.assert_array_equal(t.transform(d), u.transform(d))
    assert repr(t) == repr(u)


def test_threads_do_not_change_images(rng):
    ds = diagrams(rng, 16)
    t = ours.PersistenceImager(pixel_size=0.1)
    one = t.transform(ds, n_jobs=1)
    for a, b in zip(one, t.transform(ds, n_jobs=2)):
        np.testing.assert_array_equal(a, b)


def pairs_with_inf(rng, n):
    b = rng.uniform(0, 1, n)
    d = np.column_stack([b, b + rng.exponential(0.3, n)])
    return np.vstack([d, [[0.0, np.inf]]])


@pytest.mark.parametrize("seed", range(4))
def test_distances_equal_persim(seed):
    rng = np.random.default_rng(seed)
    a, b = pairs_with_inf(rng, 15 + seed), pairs_with_inf(rng, 12)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert ours.bottleneck(a, b) == pytest.approx(persim.bottleneck(a, b), rel=1e-12)
        assert ours.wasserstein(a, b) == pytest.approx(persim.wasserstein(a, b), rel=1e-9)
        for f, g in ((ours.bottleneck, persim.bottleneck), (ours.wasserstein, persim.wasserstein)):
            d, m = f(a, b, matching=True)
            e, n = g(a, b, matching=True)
            assert d == pytest.approx(e, rel=1e-9)
            assert m.shape[1] == n.shape[1] == 3
            # Every finite point matched once, to a point or the diagonal.
            assert sorted(m[m[:, 0] >= 0, 0]) == list(range(len(a) - 1))
            assert sorted(m[m[:, 1] >= 0, 1]) == list(range(len(b) - 1))
            if f is ours.bottleneck:
                assert m[:, 2].max() == pytest.approx(d, rel=1e-12)
            else:
                assert m[:, 2].sum() == pytest.approx(d, rel=1e-9)


def test_distances_warn_about_infinite_points_as_persim(rng):
    a = pairs_with_inf(rng, 5)
    with pytest.warns(UserWarning, match="non-finite"):
        ours.bottleneck(a, a[:-1])
    assert ours.bottleneck([], []) == 0.0
