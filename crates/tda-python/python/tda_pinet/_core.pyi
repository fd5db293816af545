"""Type stubs of the compiled module `tda_pinet._core` (see src/*.rs)."""

from typing import Optional, Sequence, Tuple, Union

import numpy as np
import numpy.typing as npt

F64 = npt.NDArray[np.float64]
F32 = npt.NDArray[np.float32]
I64 = npt.NDArray[np.int64]
Essential = Union[str, float, None]

__version__: str

def h0(x: F64, superlevel: bool = False) -> F64: ...
def h0_batch(x: F64, superlevel: bool = False, n_jobs: Optional[int] = None) -> list[F64]: ...
def cubical(image: F64, connectivity: int = 4) -> list[F64]: ...
def rips(
    x: F64,
    maxdim: int = 1,
    thresh: float = ...,
    metric_name: str = "euclidean",
    distance_matrix: bool = False,
    coeff: int = 2,
    do_cocycles: bool = False,
    n_perm: Optional[int] = None,
    n_jobs: Optional[int] = None,
    dperm2all: bool = True,
) -> Tuple[list[F64], list[list[I64]], int, Optional[F64], Optional[I64], float]: ...
def rips_batch(
    xs: Sequence[F64],
    maxdim: int = 1,
    thresh: float = ...,
    metric_name: str = "euclidean",
    distance_matrix: bool = False,
    coeff: int = 2,
    n_jobs: Optional[int] = None,
) -> list[list[F64]]: ...
def rips_sparse(
    n: int,
    rows: I64,
    cols: I64,
    values: F64,
    maxdim: int = 1,
    thresh: float = ...,
    coeff: int = 2,
    do_cocycles: bool = False,
    n_jobs: Optional[int] = None,
) -> Tuple[list[F64], list[list[I64]], int]: ...
def persistence_images(
    diagrams: Sequence[F64],
    birth_range: Tuple[float, float],
    pers_range: Tuple[float, float],
    resolution: Tuple[int, int],
    sigma: float,
    weight_name: str = "persistence",
    n: float = 1.0,
    ramp: Optional[Tuple[float, float, float, float]] = None,
    grid_name: str = "contiguous",
    essential_policy: Essential = None,
    min_persistence: Optional[float] = None,
    normalize_name: str = "none",
    n_jobs: Optional[int] = None,
) -> F32: ...
def landscapes(
    diagrams: Sequence[F64],
    num_landscapes: int,
    sample_range: Tuple[float, float],
    resolution: int,
    essential_policy: Essential = None,
    n_jobs: Optional[int] = None,
) -> F32: ...
def betti_curves(
    diagrams: Sequence[F64],
    sample_range: Tuple[float, float],
    resolution: int,
    essential_policy: Essential = None,
    n_jobs: Optional[int] = None,
) -> F32: ...
def wasserstein(
    a: F64, b: F64, order: float = 1.0, internal_p: float = ..., matching: bool = False
) -> Union[float, Tuple[float, I64]]: ...
def bottleneck(a: F64, b: F64, matching: bool = False) -> Union[float, Tuple[float, I64]]: ...
def silhouettes(
    diagrams: Sequence[F64],
    power: float,
    sample_range: Tuple[float, float],
    resolution: int,
    essential_policy: Essential = None,
    n_jobs: Optional[int] = None,
) -> F32: ...
def entropies(
    diagrams: Sequence[F64],
    base: float = ...,
    normalization: str = "raw",
    essential_policy: Essential = None,
    undefined_value: float = 0.0,
    n_jobs: Optional[int] = None,
) -> F32: ...
def emph_modes(x: F64, k: int, n_jobs: Optional[int] = None) -> F64: ...
def emph_barcodes(
    radii: F64,
    dim: int = 1,
    direction: Optional[F64] = None,
    endpoint: Optional[F64] = None,
    n_jobs: Optional[int] = None,
) -> list[F64]: ...
def emph_collection_barcodes(
    radii: F64, directions: F64, endpoints: F64, n_jobs: Optional[int] = None
) -> list[F64]: ...
def emph_random_rays(k: int, count: int, seed: int) -> Tuple[F64, F64]: ...

class PiNet:
    @staticmethod
    def signal(bytes: bytes, length: int, channels: int, filters: list[int], kernel: int, resolution: int) -> "PiNet": ...
    @staticmethod
    def image(
        bytes: bytes, height: int, width: int, channels: int, filters: list[int], kernel: int, resolution: int
    ) -> "PiNet": ...
    def predict(self, x: F32) -> F32: ...
