"""tda_pinet.sklearn: estimator conventions, pipelines, equality with the
native batch calls, learned ranges, errors and pickling."""

import pickle

import numpy as np
import pytest

import tda_pinet
from tda_pinet.sklearn import BettiCurve, EmphBarcodes, Landscape, PersistenceImage, Silhouette, SublevelH0

sklearn = pytest.importorskip("sklearn")
from sklearn.base import clone  # noqa: E402
from sklearn.exceptions import NotFittedError  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.model_selection import cross_val_score, train_test_split  # noqa: E402
from sklearn.pipeline import Pipeline, make_pipeline  # noqa: E402
from sklearn.utils.validation import check_is_fitted  # noqa: E402


def two_class_signals(n_per_class=60, length=200, seed=0):
    """White noise (class 0) against noisy sines of random frequency and
    phase (class 1)."""
    rng = np.random.default_rng(seed)
    t = np.linspace(0.0, 8.0 * np.pi, length)
    noise = rng.normal(size=(n_per_class, length))
    freq = rng.uniform(0.5, 2.0, (n_per_class, 1))
    phase = rng.uniform(0.0, 2.0 * np.pi, (n_per_class, 1))
    sines = np.sin(freq * t + phase) + 0.3 * rng.normal(size=(n_per_class, length))
    X = np.vstack([noise, sines])
    y = np.r_[np.zeros(n_per_class, int), np.ones(n_per_class, int)]
    return X, y


@pytest.fixture(scope="module")
def data():
    return two_class_signals()


@pytest.fixture(scope="module")
def diagrams(data):
    return tda_pinet.sublevel_h0(data[0])


ALL = [
    SublevelH0(superlevel=True, n_jobs=1),
    EmphBarcodes(k=4, dim=1, direction=[1.0, 1.5, 1.0, 2.0], n_jobs=1),
    PersistenceImage(birth_range=(-3, 3), resolution=(8, 6), sigma=0.3, weight="constant", n_jobs=2),
    Landscape(num_landscapes=3, sample_range=(-2.0, 2.0), resolution=50, essential=4.0),
    BettiCurve(resolution=30, essential="keep"),
    Silhouette(power=2.0, resolution=20),
]


@pytest.mark.parametrize("est", ALL, ids=lambda e: type(e).__name__)
def test_params_round_trip_and_clone(est):
    params = est.get_params()
    assert params == est.get_params(deep=False)
    rebuilt = type(est)(**params)
    assert rebuilt.get_params() == params
    c = clone(est)
    assert c is not est and c.get_params() == params
    # set_params returns self and changes only what it is given.
    name = "n_jobs"
    assert c.set_params(**{name: 3}) is c
    assert c.get_params()[name] == 3
    assert {k: v for k, v in c.get_params().items() if k != name} == {
        k: v for k, v in params.items() if k != name
    }
    with pytest.raises(ValueError, match="bogus"):
        c.set_params(bogus=1)
    assert type(est).__name__ in repr(est)


def test_pipeline_classifies_noise_against_sines(data):
    X, y = data
    Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.4, random_state=0, stratify=y)
    pipe = Pipeline(
        [
            ("h0", SublevelH0()),
            ("pi", PersistenceImage(resolution=(8, 8), sigma=0.3)),
            ("clf", LogisticRegression(max_iter=2000)),
        ]
    )
    assert pipe.fit(Xtr, ytr).score(Xte, yte) > 0.8
    # Also under cross-validation (clones every step) and with landscapes.
    for vec in (PersistenceImage(resolution=(8, 8), sigma=0.3), Landscape(num_landscapes=2, resolution=40)):
        scores = cross_val_score(make_pipeline(SublevelH0(), vec, LogisticRegression(max_iter=2000)), X, y, cv=3)
        assert scores.mean() > 0.8


def test_emph_pipeline_equals_native_and_classifies(data):
    X, y = data
    est = EmphBarcodes(k=6, dim=1, direction=np.linspace(1.0, 2.0, 6), endpoint=np.full(6, 0.1))
    want = tda_pinet.emph_barcodes(tda_pinet.emph_modes(X, 6), 1, est.direction, est.endpoint)
    got = est.fit(X).transform(X)
    assert all(np.array_equal(a, b) for a, b in zip(got, want))
    # EMPH-Betti: the sines' dominant modes give long H1 bars.
    scores = cross_val_score(
        make_pipeline(EmphBarcodes(k=6), BettiCurve(resolution=30), LogisticRegression(max_iter=2000)), X, y, cv=3
    )
    assert scores.mean() > 0.8
    with pytest.raises(ValueError):
        EmphBarcodes(k=0).fit(X)
    with pytest.raises(ValueError):
        EmphBarcodes(k=3, direction=[1.0, -1.0, 1.0]).fit(X)


def test_sublevel_transform_equals_native(data):
    X, _ = data
    for superlevel, native in ((False, tda_pinet.sublevel_h0), (True, tda_pinet.superlevel_h0)):
        got = SublevelH0(superlevel=superlevel).transform(X)  # stateless: no fit needed
        want = native(X)
        assert isinstance(got, list) and len(got) == len(X)
        assert all(np.array_equal(a, b) for a, b in zip(got, want))
    t = SublevelH0().fit(X)
    assert t.n_features_in_ == X.shape[1]


def test_vectorizers_equal_native_and_learn_documented_ranges(diagrams):
    finite = np.concatenate([d[np.isfinite(d).all(axis=1)] for d in diagrams])
    births, pers = finite[:, 0], np.abs(finite[:, 1] - finite[:, 0])

    pi = PersistenceImage(resolution=(7, 5), sigma=0.2, n_jobs=1).fit(diagrams)
    assert pi.birth_range_ == (births.min(), births.max())
    assert pi.pers_range_ == (pers.min(), pers.max())
    assert pi.image_shape_ == (7, 5) and pi.n_features_out_ == 35
    got = pi.transform(diagrams)
    want = tda_pinet.persistence_images(diagrams, pi.birth_range_, pi.pers_range_, (7, 5), sigma=0.2)
    assert got.shape == (len(diagrams), 35) and got.dtype == np.float32
    assert np.array_equal(got, want.reshape(len(diagrams), -1))

    legacy = PersistenceImage(grid="legacy", resolution=(6, 4)).fit(diagrams)
    assert legacy.birth_range_ == (min(0.0, births.min()), max(0.0, births.max(), pers.max()))
    assert legacy.image_shape_ == (4, 6)

    given = PersistenceImage(birth_range=(-1, 1), pers_range=[0, 2]).fit(diagrams)
    assert given.birth_range_ == (-1.0, 1.0) and given.pers_range_ == (0.0, 2.0)

    lo, hi = finite.min(), finite.max()
    ls = Landscape(num_landscapes=3, resolution=40).fit(diagrams)
    assert ls.sample_range_ == (lo, hi) and ls.n_features_out_ == 120
    assert np.array_equal(ls.transform(diagrams), tda_pinet.landscapes(diagrams, 3, (lo, hi), 40))

    bc = BettiCurve(resolution=25, essential="keep").fit(diagrams)
    assert bc.sample_range_ == (lo, hi)
    assert np.array_equal(bc.transform(diagrams), tda_pinet.betti_curves(diagrams, (lo, hi), 25, "keep"))

    sil = Silhouette(power=0.5, resolution=15).fit(diagrams)
    assert sil.sample_range_ == (lo, hi) and sil.n_features_out_ == 15
    assert np.array_equal(sil.transform(diagrams), tda_pinet.silhouettes(diagrams, 0.5, (lo, hi), 15))

    # Superlevel diagrams (death < birth): the same rules, with |d - b|.
    sup = tda_pinet.superlevel_h0(np.cumsum(np.random.default_rng(1).normal(size=(20, 100)), axis=1))
    f = np.concatenate([d[np.isfinite(d).all(axis=1)] for d in sup])
    assert Landscape().fit(sup).sample_range_ == (f.min(), f.max())
    assert PersistenceImage().fit(sup).pers_range_ == (np.abs(f[:, 1] - f[:, 0]).min(), np.abs(f[:, 1] - f[:, 0]).max())


@pytest.mark.parametrize("est", ALL[2:], ids=lambda e: type(e).__name__)
def test_transform_before_fit(est, diagrams):
    with pytest.raises(NotFittedError, match="not fitted"):
        clone(est).transform(diagrams)
    with pytest.raises(ValueError):  # NotFittedError is a ValueError too
        clone(est).transform(diagrams)
    check_is_fitted(SublevelH0())  # stateless
    check_is_fitted(clone(est).fit(diagrams))


@pytest.mark.parametrize(
    "est, name",
    [
        (PersistenceImage(resolution=(0, 5)), "resolution"),
        (PersistenceImage(sigma=-1.0), "sigma"),
        (PersistenceImage(weight="cubic"), "weight"),
        (PersistenceImage(grid="hexagonal"), "grid"),
        (PersistenceImage(normalize="l2"), "normalize"),
        (PersistenceImage(essential="clamp"), "essential"),
        (PersistenceImage(birth_range=(2, 1)), "birth_range"),
        (PersistenceImage(pers_range=(0, 1, 2)), "pers_range"),
        (PersistenceImage(min_persistence=-1.0), "min_persistence"),
        (PersistenceImage(n_jobs=0), "n_jobs"),
        (Landscape(num_landscapes=0), "num_landscapes"),
        (Landscape(resolution=0), "resolution"),
        (Landscape(sample_range=(1, 1)), "sample_range"),
        (BettiCurve(essential="all"), "essential"),
        (BettiCurve(sample_range=(0, np.inf)), "sample_range"),
    ],
    ids=lambda v: v if isinstance(v, str) else type(v).__name__,
)
def test_bad_parameters_raise_valueerror_naming_them(est, name, diagrams):
    with pytest.raises(ValueError, match=name):
        est.fit(diagrams)
    assert not hasattr(est, "n_features_out_")


def test_fit_errors_name_the_range():
    only_essential = [np.array([[0.0, np.inf]])]
    for est, name in ((PersistenceImage(), "birth_range"), (Landscape(), "sample_range"), (BettiCurve(), "sample_range")):
        with pytest.raises(ValueError, match=name):
            est.fit(only_essential)
    same_birth = [np.array([[0.0, 1.0], [0.0, 2.0]])]
    with pytest.raises(ValueError, match="birth_range"):
        PersistenceImage().fit(same_birth)
    with pytest.raises(ValueError, match="superlevel"):
        SublevelH0(superlevel="yes").fit(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="X"):
        SublevelH0().transform(np.zeros(3))


def test_pickle_round_trip(data):
    X, y = data
    pipe = make_pipeline(SublevelH0(), PersistenceImage(resolution=(8, 8), sigma=0.3), LogisticRegression(max_iter=2000))
    pipe.fit(X, y)
    again = pickle.loads(pickle.dumps(pipe))
    assert np.array_equal(again[:-1].transform(X), pipe[:-1].transform(X))
    assert np.array_equal(again.predict_proba(X), pipe.predict_proba(X))
    dg = tda_pinet.sublevel_h0(X)
    for est in (Landscape(resolution=20), BettiCurve(resolution=20)):
        est.fit(dg)
        copy = pickle.loads(pickle.dumps(est))
        assert copy.get_params() == est.get_params() and copy.sample_range_ == est.sample_range_
        assert np.array_equal(copy.transform(dg), est.transform(dg))
    unfitted = pickle.loads(pickle.dumps(PersistenceImage(sigma=0.5)))
    assert unfitted.get_params() == PersistenceImage(sigma=0.5).get_params()


def test_not_fitted_error_without_sklearn(monkeypatch, diagrams):
    import sys

    from tda_pinet.sklearn import NotFittedError as OwnNotFittedError

    monkeypatch.setitem(sys.modules, "sklearn.exceptions", None)  # import now fails
    with pytest.raises(OwnNotFittedError, match="not fitted") as info:
        Landscape().transform(diagrams)
    assert isinstance(info.value, ValueError)
