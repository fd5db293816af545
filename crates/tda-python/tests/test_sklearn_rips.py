"""tda_pinet.sklearn.VietorisRipsPersistence against giotto-tda 0.6.2's
``gtda.homology.VietorisRipsPersistence``: its outputs on 35 seeded inputs
(tests/data/gtda_vr_fixtures.npz, written by tools/gen_gtda_fixtures.py;
giotto-tda itself is not needed here), estimator conventions, pipelines,
pickling, n_jobs and every parameter and input error.

How outputs are compared: giotto-ph rounds every distance to float32, so
its values are float32 numbers. Ours are exact float64 distances; rounded
to float32 they must equal giotto-tda's array exactly, row for row (the
same padding, the same order within each dimension). Where the distances
are float32 numbers already (distance matrices built so, manhattan and
chebyshev distances of integer points) both see the very same values and
the arrays must be equal without rounding. The one value giotto-tda rounds
besides distances is an infinite death replaced by ``infinity_values_``
(written into its float32 diagrams); ours is that value exactly.
"""

import json
import pickle
import warnings
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp

import tda_pinet
from tda_pinet.ripser import ripser
from tda_pinet.sklearn import BettiCurve, PersistenceImage, VietorisRipsPersistence

from conftest import sorted_rows

sklearn = pytest.importorskip("sklearn")
from sklearn.base import clone  # noqa: E402
from sklearn.exceptions import DataDimensionalityWarning, NotFittedError  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.model_selection import GridSearchCV, cross_val_score  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import FunctionTransformer, StandardScaler  # noqa: E402
from sklearn.utils.validation import check_is_fitted  # noqa: E402

FIXTURES = np.load(Path(__file__).parent / "data" / "gtda_vr_fixtures.npz")
N_CASES = int(FIXTURES["n_cases"])

# Cases whose distances are float32 numbers in float64 too: equal arrays.
EXACT = {
    "grid_manhattan",
    "grid_chebyshev",
    "dims_1_1",
    "precomputed",
    "precomputed_array3d",
    "precomputed_vertex_births",
    "precomputed_vertex_births_ties",
    "precomputed_vertex_births_ties_reduced",
    "precomputed_inf_entries",
    "precomputed_inf_entries_reduced",
    "precomputed_upper_only",
    "rp2_coeff2",
    "rp2_coeff3",
    "sparse",
    "sparse_births_threshold",
    "vertex_births_components",
    "vertex_births_components_reduced",
}


def load_case(k):
    """(name, params, X as giotto-tda got it, giotto-tda's output, its
    infinity_values_)."""
    meta = json.loads(str(FIXTURES[f"case{k}_params"]))
    n = int(FIXTURES[f"case{k}_n_inputs"])
    if meta["kind"] == "array3d":
        X = FIXTURES[f"case{k}_X"]
    elif meta["kind"] == "sparse":
        X = [
            sp.coo_matrix(
                (FIXTURES[f"case{k}_X{i}_data"], (FIXTURES[f"case{k}_X{i}_row"], FIXTURES[f"case{k}_X{i}_col"])),
                shape=tuple(FIXTURES[f"case{k}_X{i}_shape"]),
            ).tocsr()
            for i in range(n)
        ]
    else:
        X = [FIXTURES[f"case{k}_X{i}"] for i in range(n)]
    return meta["name"], meta["params"], X, FIXTURES[f"case{k}_out"], float(FIXTURES[f"case{k}_infinity_values"])


CASES = [load_case(k) for k in range(N_CASES)]


def quiet_fit_transform(est, X):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataDimensionalityWarning)
        return est.fit_transform(X)


def test_fixture_file_covers_the_brief():
    names = {c[0] for c in CASES}
    assert str(FIXTURES["gtda_version"]) == "0.6.2"
    assert len(CASES) == 35 and EXACT <= names
    kinds = {json.loads(str(FIXTURES[f"case{k}_params"]))["kind"] for k in range(N_CASES)}
    assert kinds == {"list", "array3d", "sparse"}
    params = [c[1] for c in CASES]
    assert any(p.get("metric") == "manhattan" for p in params)
    assert any(p.get("coeff") == 3 for p in params)
    assert {tuple(p["homology_dimensions"]) for p in params if "homology_dimensions" in p} >= {(0, 1, 2), (1,), (2, 0)}


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_equals_giotto_tda(case):
    name, params, X, want, inf_values = case
    est = VietorisRipsPersistence(**params)
    got = quiet_fit_transform(est, X)
    assert got.dtype == np.float64 and got.shape == want.shape
    assert est.infinity_values_ == inf_values
    # Dimensions (the padding layout) exactly; values after float32 rounding.
    assert np.array_equal(got[:, :, 2], want[:, :, 2])
    assert np.array_equal(got.astype(np.float32).astype(np.float64), want)
    if name in EXACT:
        assert np.array_equal(got, want)
    # And the same through fit then transform, on one thread.
    one = VietorisRipsPersistence(**params, n_jobs=1) if "n_jobs" not in params else est
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataDimensionalityWarning)
        assert np.array_equal(one.fit(X).transform(X), got)


def test_padding_layout_by_hand():
    # Two unit squares' corners (one H1 bar each, born at 1, dying at
    # sqrt 2) and a segment of two points (no H1 bar).
    square = np.array([[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]])
    X = [square, 2 * square, np.array([[0.0, 0.0], [3.0, 0.0]])]
    got = VietorisRipsPersistence(homology_dimensions=(1, 0)).fit_transform(X)
    s2 = np.sqrt(2.0)
    h0 = [[[0, 1, 0]] * 3, [[0, 2, 0]] * 3, [[0, 3, 0], [0, 0, 0], [0, 0, 0]]]
    h1 = [[[1, s2, 1]], [[2, 2 * s2, 1]], [[1, 1, 1]]]  # padded with the smallest H1 birth
    assert np.array_equal(got, np.array([a + b for a, b in zip(h0, h1)], dtype=float))
    # No bar at all in a dimension: one (0, 0, q) row.
    none = VietorisRipsPersistence(homology_dimensions=(2,)).fit_transform(X)
    assert np.array_equal(none, np.tile([[[0.0, 0.0, 2.0]]], (3, 1, 1)))
    # Unreduced: the essential bar stays, infinite or replaced.
    keep = VietorisRipsPersistence(homology_dimensions=(0,), reduced_homology=False).fit_transform(X[:1])
    assert np.array_equal(keep[0, -1], [0.0, np.inf, 0.0])
    est = VietorisRipsPersistence(homology_dimensions=(0,), reduced_homology=False, infinity_values=9)
    keep = est.fit_transform(X[:1])
    assert np.array_equal(keep[0, -1], [0.0, 9.0, 0.0])


def test_fit_stores_giotto_attributes_and_computes_nothing():
    X = [np.random.default_rng(0).random((8, 2))]
    est = VietorisRipsPersistence(homology_dimensions=[2, 0, 1], max_edge_length=3)
    assert est.fit(X) is est
    assert est.infinity_values_ == 3 and est._homology_dimensions == [0, 1, 2]
    assert est.homology_dimensions_ == (0, 1, 2) and est._max_homology_dimension == 2
    est.set_params(infinity_values=0.5)
    assert est.fit(X).infinity_values_ == 0.5
    assert VietorisRipsPersistence().fit(X).infinity_values_ == np.inf
    # Parameters changed after fit take effect at the next fit.
    before = est.transform(X)
    est.set_params(homology_dimensions=(0,))
    assert np.array_equal(est.transform(X), before)
    assert est.fit(X).transform(X).shape[1] < before.shape[1]


def test_inputs_three_d_array_and_list_agree_and_match_native():
    rng = np.random.default_rng(1)
    X = rng.random((6, 15, 3))
    est = VietorisRipsPersistence(homology_dimensions=(0, 1, 2), reduced_homology=False)
    got = est.fit_transform(X)
    assert np.array_equal(got, est.fit_transform(list(X)))
    # Per dimension, the multiset of rows is the native diagram's (all bars
    # have positive persistence; padding has birth == death).
    for s, dgms in enumerate(tda_pinet.rips_batch(X, maxdim=2)):
        for q in range(3):
            rows = got[s][(got[s, :, 2] == q) & (got[s, :, 0] < got[s, :, 1])][:, :2]
            assert np.array_equal(sorted_rows(rows), sorted_rows(dgms[q]))


def test_vertex_births_h0_equals_the_engine():
    """giotto-ph's H0 order (reproduced in Python for vertex births) holds
    the engine's bars."""
    rng = np.random.default_rng(2)
    X = []
    for n in (30, 45):
        d = np.sqrt(((rng.random((n, 1, 2)) - rng.random((1, n, 2))) ** 2).sum(-1))
        d = np.minimum(d, d.T)
        w = rng.random(n) * 0.3
        m = np.maximum(d, np.maximum(w[:, None], w[None, :]))
        np.fill_diagonal(m, w)
        X.append(m)
    got = VietorisRipsPersistence(metric="precomputed", reduced_homology=False).fit_transform(X)
    for s, m in enumerate(X):
        want = ripser(m, maxdim=1, distance_matrix=True)["dgms"]
        for q in (0, 1):
            rows = got[s][(got[s, :, 2] == q) & (got[s, :, 0] < got[s, :, 1])][:, :2]
            assert np.array_equal(sorted_rows(rows), sorted_rows(want[q][want[q][:, 0] < want[q][:, 1]]))


def test_metric_aliases_collapse_edges_and_metric_params():
    rng = np.random.default_rng(3)
    X = [rng.random((12, 3)), rng.random((9, 3))]
    base = VietorisRipsPersistence().fit_transform(X)
    assert np.array_equal(VietorisRipsPersistence(metric="l2").fit_transform(X), base)
    assert np.array_equal(VietorisRipsPersistence(collapse_edges=True).fit_transform(X), base)
    man = VietorisRipsPersistence(metric="manhattan").fit_transform(X)
    for alias in ("cityblock", "l1"):
        assert np.array_equal(VietorisRipsPersistence(metric=alias).fit_transform(X), man)
    dms = [np.abs(x[:, None, :] - x[None, :, :]).sum(-1) for x in X]
    pre = VietorisRipsPersistence(metric="precomputed", metric_params={"ignored": 1}).fit_transform(dms)
    np.testing.assert_allclose(pre, man, rtol=1e-15)  # sums in another order


def test_params_round_trip_clone_and_repr():
    est = VietorisRipsPersistence(
        metric="manhattan", homology_dimensions=[0, 2], coeff=3, max_edge_length=2.0, n_jobs=2
    )
    params = est.get_params()
    assert params == est.get_params(deep=False)
    assert sorted(params) == sorted(
        [
            "metric",
            "metric_params",
            "homology_dimensions",
            "collapse_edges",
            "coeff",
            "max_edge_length",
            "infinity_values",
            "reduced_homology",
            "n_jobs",
        ]
    )
    assert VietorisRipsPersistence(**params).get_params() == params
    c = clone(est)
    assert c is not est and c.get_params() == params
    assert c.set_params(n_jobs=3) is c and c.get_params()["n_jobs"] == 3
    with pytest.raises(ValueError, match="bogus"):
        c.set_params(bogus=1)
    assert repr(VietorisRipsPersistence()) == "VietorisRipsPersistence()"
    assert "coeff=3" in repr(est) and "metric='manhattan'" in repr(est)
    defaults = VietorisRipsPersistence().get_params()
    assert defaults == {
        "metric": "euclidean",
        "metric_params": {},
        "homology_dimensions": (0, 1),
        "collapse_edges": False,
        "coeff": 2,
        "max_edge_length": np.inf,
        "infinity_values": None,
        "reduced_homology": True,
        "n_jobs": None,
    }


def test_tags_and_fitted_state():
    from sklearn.utils import get_tags

    tags = get_tags(VietorisRipsPersistence())
    assert tags.input_tags.three_d_array and not tags.input_tags.two_d_array
    assert tags.requires_fit and tags.transformer_tags is not None
    X = [np.random.default_rng(4).random((6, 2))]
    with pytest.raises(NotFittedError, match="not fitted"):
        VietorisRipsPersistence().transform(X)
    est = VietorisRipsPersistence().fit(X)
    check_is_fitted(est)
    # A failed fit leaves it unfitted.
    with pytest.raises(ValueError, match="coeff"):
        est.set_params(coeff=4).fit(X)
    with pytest.raises(NotFittedError):
        est.transform(X)


def circles_and_blobs(n_per_class=20, seed=5):
    """Noisy circles (class 1: one long H1 bar) against Gaussian blobs."""
    rng = np.random.default_rng(seed)
    X, y = [], []
    for _ in range(n_per_class):
        t = rng.random(int(rng.integers(20, 30))) * 2 * np.pi
        X.append(np.c_[np.cos(t), np.sin(t)] + 0.1 * rng.normal(size=(len(t), 2)))
        y.append(1)
        X.append(0.6 * rng.normal(size=(int(rng.integers(20, 30)), 2)))
        y.append(0)
    return X, np.array(y)


def select_dimension(Xt, q):
    """giotto-tda's triples to this library's diagrams: a list of the
    (birth, death) rows of dimension q of each sample."""
    return [x[x[:, 2] == q][:, :2] for x in Xt]


def dimension(q):
    """A pipeline step from giotto-tda's 3-D arrays to the lists of (n, 2)
    diagrams the vectorisers here take (they do not read giotto-tda's
    format). Padding triples have zero persistence, so keeping them changes
    no Betti curve or persistence image. Picklable (no lambda)."""
    return FunctionTransformer(select_dimension, kw_args={"q": q})


def test_pipeline_with_vectorisers_classifies_circles():
    X, y = circles_and_blobs()
    for vec in (BettiCurve(resolution=30), PersistenceImage(resolution=(6, 6), sigma=0.1)):
        pipe = make_pipeline(
            VietorisRipsPersistence(homology_dimensions=(1,)), dimension(1), vec, StandardScaler(), LogisticRegression()
        )
        scores = cross_val_score(pipe, X, y, cv=3)
        assert scores.mean() > 0.9
    grid = GridSearchCV(
        make_pipeline(VietorisRipsPersistence(), dimension(1), BettiCurve(resolution=20), LogisticRegression()),
        {"vietorisripspersistence__max_edge_length": [0.5, np.inf]},
        cv=2,
    )
    assert grid.fit(X, y).best_score_ > 0.9


def test_pickle_round_trip():
    X, y = circles_and_blobs(6)
    est = VietorisRipsPersistence(homology_dimensions=(0, 1), coeff=3)
    unfitted = pickle.loads(pickle.dumps(est))
    assert unfitted.get_params() == est.get_params()
    est.fit(X)
    copy = pickle.loads(pickle.dumps(est))
    assert copy.infinity_values_ == est.infinity_values_ and copy.homology_dimensions_ == (0, 1)
    assert np.array_equal(copy.transform(X), est.transform(X))
    pipe = make_pipeline(VietorisRipsPersistence(), dimension(1), BettiCurve(resolution=10), LogisticRegression())
    pipe.fit(X, y)
    again = pickle.loads(pickle.dumps(pipe))
    assert np.array_equal(again.predict_proba(X), pipe.predict_proba(X))


def test_results_do_not_depend_on_n_jobs():
    rng = np.random.default_rng(6)
    clouds = [rng.random((int(n), 3)) for n in rng.integers(3, 40, size=24)]
    clouds += [rng.random((2, 3)), rng.random((1, 3)), rng.random((10, 5))]
    births = CASES[[c[0] for c in CASES].index("vertex_births_components")][2]
    sparse = CASES[[c[0] for c in CASES].index("sparse")][2]
    for X, params in (
        (clouds, {"homology_dimensions": (0, 1, 2)}),
        (list(births) + list(sparse), {"metric": "precomputed", "max_edge_length": 0.25}),
    ):
        outs = [VietorisRipsPersistence(**params, n_jobs=j).fit_transform(X) for j in (1, 2, 5, -1, None)]
        assert all(np.array_equal(o, outs[0]) for o in outs[1:])


@pytest.mark.parametrize(
    "params, error, name",
    [
        ({"metric": "cosine"}, ValueError, "metric"),
        ({"metric": "minkowski"}, ValueError, "metric"),
        ({"metric": lambda a, b: 0.0}, ValueError, "metric"),
        ({"metric": 3}, TypeError, "metric"),
        ({"metric_params": {"p": 3}}, ValueError, "metric_params"),
        ({"metric_params": [("p", 3)]}, TypeError, "metric_params"),
        ({"homology_dimensions": 1}, TypeError, "homology_dimensions"),
        ({"homology_dimensions": np.array([0, 1])}, TypeError, "homology_dimensions"),
        ({"homology_dimensions": ()}, ValueError, "homology_dimensions"),
        ({"homology_dimensions": (0, -1)}, ValueError, r"homology_dimensions\[1\]"),
        ({"homology_dimensions": (0, 1.0)}, TypeError, r"homology_dimensions\[1\]"),
        ({"homology_dimensions": (True,)}, TypeError, r"homology_dimensions\[0\]"),
        ({"collapse_edges": "yes"}, TypeError, "collapse_edges"),
        ({"coeff": 4}, ValueError, "coeff"),
        ({"coeff": 1}, ValueError, "coeff"),
        ({"coeff": 2**31 + 11}, ValueError, "coeff"),
        ({"coeff": 10**40 + 1}, ValueError, "coeff"),
        ({"coeff": 3.0}, TypeError, "coeff"),
        ({"coeff": True}, TypeError, "coeff"),
        ({"max_edge_length": -1.0}, ValueError, "max_edge_length"),
        ({"max_edge_length": np.nan}, ValueError, "max_edge_length"),
        ({"max_edge_length": "1"}, TypeError, "max_edge_length"),
        ({"infinity_values": "inf"}, TypeError, "infinity_values"),
        ({"infinity_values": np.nan}, ValueError, "infinity_values"),
        ({"reduced_homology": 1}, TypeError, "reduced_homology"),
        ({"n_jobs": 0}, ValueError, "n_jobs"),
        ({"n_jobs": 1.5}, TypeError, "n_jobs"),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_bad_parameters_raise_naming_them(params, error, name):
    est = VietorisRipsPersistence(**params)
    X = [np.random.default_rng(7).random((5, 2))]
    with pytest.raises(error, match=name):
        est.fit(X)
    assert not hasattr(est, "infinity_values_")
    with pytest.raises(error, match=name):
        VietorisRipsPersistence(**params).fit_transform(X)


def test_numpy_scalars_are_accepted():
    X = [np.random.default_rng(8).random((7, 2))]
    a = VietorisRipsPersistence(
        homology_dimensions=(np.int64(0), np.int32(1)),
        coeff=np.int64(3),
        max_edge_length=np.float32(0.5),
        infinity_values=np.float64(2.0),
        reduced_homology=np.bool_(False),
    ).fit_transform(X)
    b = VietorisRipsPersistence(coeff=3, max_edge_length=0.5, infinity_values=2.0, reduced_homology=False)
    b = b.fit_transform(X)
    assert np.array_equal(a, b)


@pytest.mark.parametrize(
    "X, metric, error, match",
    [
        (np.zeros((4, 3)), "euclidean", ValueError, "3-D"),
        (np.zeros((2, 4, 3, 1)), "euclidean", ValueError, "3-D"),
        (np.zeros((0, 4, 3)), "euclidean", ValueError, "no samples"),
        ([], "euclidean", ValueError, "no samples"),
        (5, "euclidean", TypeError, "X"),
        ([np.zeros((3, 2)), np.zeros((0, 2))], "euclidean", ValueError, r"X\[1\]"),
        ([np.zeros((3, 2)), np.zeros((3, 0))], "euclidean", ValueError, r"X\[1\]"),
        ([np.zeros((3, 2)), np.zeros(3)], "euclidean", ValueError, r"X\[1\]"),
        ([np.zeros((3, 2)), np.array([[0.0, np.nan]])], "euclidean", ValueError, r"X\[1\]"),
        ([np.array([[0.0, np.inf], [1.0, 1.0]])], "euclidean", ValueError, r"X\[0\]"),
        ([np.array([["a", "b"]])], "euclidean", TypeError, r"X\[0\]"),
        ([sp.csr_matrix(np.eye(3))], "euclidean", ValueError, r"X\[0\].*precomputed"),
        (sp.csr_matrix(np.eye(3)), "precomputed", ValueError, "list"),
        (np.zeros((2, 3, 4)), "precomputed", ValueError, "square"),
        ([np.zeros((3, 3)), np.zeros((3, 4))], "precomputed", ValueError, r"X\[1\].*square"),
        ([sp.csr_matrix((3, 4))], "precomputed", ValueError, r"X\[0\].*square"),
        ([np.array([[0.0, np.nan], [np.nan, 0.0]])], "precomputed", ValueError, "NaN"),
        ([sp.csr_matrix(np.array([[0.0, np.nan], [0.0, 0.0]]))], "precomputed", ValueError, "NaN"),
        ([np.array([[0.0, -1.0], [-1.0, 0.0]])], "precomputed", ValueError, "negative"),
    ],
    ids=lambda v: v if isinstance(v, str) and v not in ("euclidean", "precomputed") else None,
)
def test_bad_inputs_raise(X, metric, error, match):
    est = VietorisRipsPersistence(metric=metric)
    with pytest.raises(error, match=match):
        est.fit_transform(X)


def test_transform_checks_its_input_and_edge_cases():
    est = VietorisRipsPersistence().fit([np.zeros((3, 2))])
    with pytest.raises(ValueError, match=r"X\[0\]"):
        est.transform([np.array([[np.nan, 0.0]])])
    # One point: only its essential H0 bar, dropped; fewer points than a
    # dimension needs: an empty diagram there.
    out = VietorisRipsPersistence(homology_dimensions=(0, 1, 2)).fit_transform([np.zeros((1, 2))])
    assert np.array_equal(out, [[[0.0, 0.0, 0.0], [0.0, 0.0, 1.0], [0.0, 0.0, 2.0]]])
    # A sparse matrix holding an entry twice is refused.
    dup = sp.coo_matrix((np.array([1.0, 2.0]), (np.array([0, 0]), np.array([1, 1]))), shape=(2, 2))
    with pytest.raises(ValueError):
        VietorisRipsPersistence(metric="precomputed").fit_transform([dup])
    # A lower-triangle entry counts when its transpose is absent.
    lower = sp.coo_matrix((np.array([2.0]), (np.array([1]), np.array([0]))), shape=(2, 2))
    out = VietorisRipsPersistence(metric="precomputed", homology_dimensions=(0,)).fit_transform([lower])
    assert np.array_equal(out, [[[0.0, 2.0, 0.0]]])


def test_square_point_clouds_warn_as_giotto():
    with pytest.warns(DataDimensionalityWarning):
        VietorisRipsPersistence().fit(np.zeros((2, 3, 3)))
    with pytest.warns(DataDimensionalityWarning):
        VietorisRipsPersistence().fit([np.zeros((3, 3)), np.ones((2, 2))])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        VietorisRipsPersistence().fit([np.zeros((3, 3)), np.zeros((4, 3))])
        VietorisRipsPersistence(metric="precomputed").fit([np.zeros((3, 3))])
