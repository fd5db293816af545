"""Signal and Image PI-Net inference (Som et al. 2020): persistence images
predicted from raw signals or images in one forward pass, from a
checkpoint that tda-pinet's Rust trainers wrote (``save_checkpoint``,
safetensors).

The configuration must be the one the network was trained with (the
checkpoint holds only the weights; a mismatch raises ``ValueError`` naming
the tensor). Inference runs on the CPU in float32 with the GIL released.
Objects pickle with their weights, so Dask and joblib can ship them to
other processes without the checkpoint file.
"""

import os

import numpy as np

from . import _core
from ._arrays import as_float64

__all__ = ["SignalPiNet", "ImagePiNet"]


def _checkpoint_bytes(checkpoint):
    if isinstance(checkpoint, (bytes, bytearray, memoryview)):
        return bytes(checkpoint)
    with open(os.fspath(checkpoint), "rb") as f:
        return f.read()


class _PiNet:
    """The shared half: the weights' bytes, the configuration, predict and pickling."""

    _kind = None

    def __init__(self, checkpoint, **config):
        self._bytes = _checkpoint_bytes(checkpoint)
        self._config = config
        self._net = getattr(_core.PiNet, self._kind)(self._bytes, **config)

    @property
    def config(self):
        """The network's configuration (a dict)."""
        return dict(self._config)

    def predict(self, x):
        """The predicted persistence images of the batch ``x``: a float32
        array ``(batch, channels, resolution, resolution)``."""
        return self._net.predict(as_float64(x, "x", self._rank, np.float32))

    def __getstate__(self):
        return {"bytes": self._bytes, "config": self._config}

    def __setstate__(self, state):
        self.__init__(state["bytes"], **state["config"])

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self._config.items())
        return f"{type(self).__name__}(<{len(self._bytes)} bytes>, {args})"


class SignalPiNet(_PiNet):
    """A trained Signal PI-Net: ``(batch, channels, length)`` signals to
    ``(batch, channels, resolution, resolution)`` persistence images.
    Defaults are the paper's network (3 channels of 100 samples, filters
    128-256-512-1024, kernel 3, 50 x 50 images). ``checkpoint``: a path or
    the file's bytes."""

    _kind = "signal"
    _rank = 3

    def __init__(self, checkpoint, length=100, channels=3, filters=(128, 256, 512, 1024), kernel=3, resolution=50):
        super().__init__(
            checkpoint,
            length=int(length),
            channels=int(channels),
            filters=[int(f) for f in filters],
            kernel=int(kernel),
            resolution=int(resolution),
        )


class ImagePiNet(_PiNet):
    """A trained Image PI-Net: ``(batch, channels, height, width)`` images
    to ``(batch, channels, resolution, resolution)`` persistence images.
    Defaults are the paper's network for 32 x 32 x 3 images."""

    _kind = "image"
    _rank = 4

    def __init__(
        self, checkpoint, height=32, width=32, channels=3, filters=(128, 256, 512, 1024), kernel=3, resolution=50
    ):
        super().__init__(
            checkpoint,
            height=int(height),
            width=int(width),
            channels=int(channels),
            filters=[int(f) for f in filters],
            kernel=int(kernel),
            resolution=int(resolution),
        )
