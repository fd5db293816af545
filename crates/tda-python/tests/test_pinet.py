"""PI-Net inference from checkpoints the Rust trainers wrote: the outputs
the Rust models give (committed by crates/tda-nn/tests/pinet_checkpoint_fixture.rs)."""

import pathlib
import pickle

import numpy as np
import pytest

from tda_pinet.pinet import ImagePiNet, SignalPiNet

FIXTURES = pathlib.Path(__file__).resolve().parents[2] / "tda-nn" / "tests" / "fixtures" / "pinet_tiny"

NETS = {
    "signal": (SignalPiNet, dict(length=16, channels=2, filters=(4, 6), kernel=3, resolution=5)),
    "image": (ImagePiNet, dict(height=8, width=6, channels=3, filters=(4, 6), kernel=3, resolution=4)),
}


@pytest.mark.parametrize("name", NETS)
def test_predictions_equal_the_rust_models(name):
    cls, config = NETS[name]
    net = cls(FIXTURES / f"{name}.safetensors", **config)
    x = np.load(FIXTURES / f"{name}_input.npy")
    want = np.load(FIXTURES / f"{name}_output.npy")
    got = net.predict(x)
    assert got.dtype == np.float32 and got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    # Any dtype and layout; the same network from the file's bytes; pickled.
    np.testing.assert_allclose(net.predict(np.asfortranarray(x.astype(np.float64))), want, rtol=1e-5, atol=1e-6)
    from_bytes = cls((FIXTURES / f"{name}.safetensors").read_bytes(), **config)
    np.testing.assert_array_equal(from_bytes.predict(x), got)
    np.testing.assert_array_equal(pickle.loads(pickle.dumps(net)).predict(x), got)


def test_bad_checkpoints_and_inputs_raise():
    cls, config = NETS["signal"]
    path = FIXTURES / "signal.safetensors"
    with pytest.raises(ValueError):  # another configuration than the weights'
        cls(path, **{**config, "resolution": 6})
    with pytest.raises(ValueError):
        cls(path.read_bytes()[:100], **config)
    with pytest.raises(FileNotFoundError):
        cls(FIXTURES / "missing.safetensors", **config)
    with pytest.raises(ValueError):
        cls(path, **{**config, "filters": ()})
    net = cls(path, **config)
    with pytest.raises(ValueError, match="x"):
        net.predict(np.zeros((2, 16)))
    with pytest.raises(ValueError):
        net.predict(np.zeros((2, 3, 16), dtype=np.float32))
    x = np.zeros((1, 2, 16), dtype=np.float32)
    x[0, 1, 5] = np.nan
    with pytest.raises(ValueError, match="NaN|finite"):
        net.predict(x)
