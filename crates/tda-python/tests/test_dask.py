"""tda_pinet.dask on a local two-process cluster: features equal to the
local call, work spread over both workers, joblib's dask backend."""

import numpy as np
import pytest

import tda_pinet

distributed = pytest.importorskip("distributed")
da = pytest.importorskip("dask.array")
db = pytest.importorskip("dask.bag")
pytest.importorskip("sklearn")

import joblib  # noqa: E402
from distributed import Client, LocalCluster, get_task_stream  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.model_selection import cross_val_score  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402

from tda_pinet.dask import map_diagrams, map_features  # noqa: E402
from tda_pinet.sklearn import Landscape, PersistenceImage, SublevelH0  # noqa: E402


@pytest.fixture(scope="module")
def client():
    cluster = LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=40
    )
    c = Client(cluster)
    try:
        yield c
    finally:
        c.close()
        cluster.close()


@pytest.fixture(scope="module")
def walks(client):
    """400 random walks of length 300 in 8 chunks, generated on the workers."""
    steps = da.random.default_rng(0).standard_normal((400, 300), chunks=(50, 300))
    x = steps.cumsum(axis=1).persist()
    distributed.wait(x)
    return x


def workers_used(tasks, prefix):
    return {t["worker"] for t in tasks if t["key"][0].startswith(prefix)}


def test_map_features_equals_local_and_uses_both_workers(client, walks):
    local = walks.compute()
    pipe = make_pipeline(SublevelH0(), PersistenceImage(resolution=(10, 10), sigma=0.5)).fit(local)
    features = map_features(walks, pipe)
    assert features.shape == (400, 100) and features.numblocks == (8, 1)
    assert features.dtype == np.float32
    with get_task_stream(client) as ts:
        got = features.compute()
    assert np.array_equal(got, pipe.transform(local))
    # Both workers computed features (the chunks live on both).
    assert len(workers_used(ts.data, "_apply_block")) == 2
    # A single fitted transformer on diagrams-less input, and a callable.
    ls = Landscape(num_landscapes=2, resolution=30)
    ls.fit(tda_pinet.sublevel_h0(local))
    fn = make_pipeline(SublevelH0(), ls)
    assert np.array_equal(map_features(walks, fn).compute(), fn.transform(local))
    q = map_features(walks, lambda b: np.quantile(b, [0.1, 0.9], axis=1).T)
    assert q.shape == (400, 2) and np.array_equal(q.compute(), np.quantile(local, [0.1, 0.9], axis=1).T)


def test_map_features_rechunks_columns_and_predicts(client, walks):
    local = walks.compute()
    y = (local[:, -1] > local[:, 0]).astype(int)
    clf = make_pipeline(SublevelH0(), PersistenceImage(resolution=(6, 6), sigma=1.0), LogisticRegression(max_iter=500))
    clf.fit(local, y)
    x = walks.rechunk((100, 75))  # columns split: map_features joins them
    pred = map_features(x, clf, method="predict")
    assert pred.ndim == 1 and pred.chunks == ((100,) * 4,)
    assert np.array_equal(pred.compute(), clf.predict(local))


def test_map_diagrams(client, walks):
    local = walks.compute()
    got = map_diagrams(walks).compute()
    assert len(got) == 400
    assert all(np.array_equal(a, b) for a, b in zip(got, tda_pinet.sublevel_h0(local)))
    rng = np.random.default_rng(3)
    theta = rng.uniform(0, 2 * np.pi, (6, 40))
    clouds = [np.c_[np.cos(t), np.sin(t)] + 0.05 * rng.normal(size=(40, 2)) for t in theta]
    dgms = map_diagrams(db.from_sequence(clouds, npartitions=3), maxdim=1).compute()
    for d, pc in zip(dgms, clouds):
        want = tda_pinet.rips(pc, maxdim=1)
        assert len(d) == 2 and all(np.array_equal(a, b) for a, b in zip(d, want))
        assert len(d[1]) >= 1  # the circle's loop


def test_joblib_dask_backend_cross_val_score(client):
    rng = np.random.default_rng(0)
    t = np.linspace(0, 8 * np.pi, 150)
    X = np.vstack([rng.normal(size=(40, 150)), np.sin(t * rng.uniform(0.5, 2, (40, 1))) + 0.3 * rng.normal(size=(40, 150))])
    y = np.r_[np.zeros(40), np.ones(40)]
    pipe = make_pipeline(SublevelH0(n_jobs=1), PersistenceImage(resolution=(8, 8), sigma=0.3), LogisticRegression(max_iter=2000))
    local = cross_val_score(pipe, X, y, cv=4)
    with get_task_stream(client) as ts, joblib.parallel_backend("dask"):
        remote = cross_val_score(pipe, X, y, cv=4)
    assert np.array_equal(local, remote) and remote.mean() > 0.8
    assert len(ts.data) > 0  # the folds ran on the cluster


def test_errors():
    x = da.zeros((10, 5), chunks=5)
    with pytest.raises(TypeError, match="x"):
        map_features(np.zeros((10, 5)), SublevelH0())
    with pytest.raises(ValueError, match="x"):
        map_features(da.zeros(10, chunks=5), SublevelH0())
    with pytest.raises(TypeError, match="transformer"):
        map_features(x, 42)
    with pytest.raises(TypeError, match="data"):
        map_diagrams([np.zeros((3, 2))])
