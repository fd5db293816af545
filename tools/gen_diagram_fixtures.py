#!/usr/bin/env python3
"""Regenerate and check the tda-io diagram fixtures (JSON and .npz).

Run from the repository root:

    python3 tools/gen_diagram_fixtures.py           # write the numpy fixtures
    TDA_BLESS=1 cargo test -p tda-io --test diagram_files   # Rust writes rust_written.npz
    python3 tools/gen_diagram_fixtures.py --check   # numpy reads rust_written.npz

The script uses `.venv/bin/python` (numpy) when it is not already running
inside it. It writes into crates/tda-io/tests/fixtures/diagrams/:

- `expected.json`: the diagram set below in the JSON diagram format
  (infinities as "inf" / "-inf");
- `numpy_savez.npz`, `numpy_savez_compressed.npz`: the same set written by
  `np.savez` / `np.savez_compressed` with keys `dgm_<i>_dim<dim>` (one
  member in Fortran order, one member listed out of order);
- bad archives, each of which tda-io must refuse with a typed error:
  `numpy_int.npz` (an int64 member), `numpy_3cols.npz` (shape (2, 3)),
  `numpy_nan.npz` (a NaN death), `numpy_1d.npz` (a 1-D member),
  `numpy_default_names.npz` (`np.savez(path, a)`: key `arr_0`),
  `numpy_gap.npz` (indices 0 and 2), `numpy_inf_birth.npz`,
  `huge_shape.npz` (a member's header claims 2^40 rows, one follows).

`--check` loads `rust_written.npz` (written by tda-io's
`write_diagrams_npz` from `expected.json`) with `np.load` and asserts that
every key and array equals the set below, bit for bit.
"""

import json
import os
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
VENV_PY = ROOT / ".venv" / "bin" / "python"
if pathlib.Path(sys.prefix).resolve() != (ROOT / ".venv").resolve() and VENV_PY.exists():
    os.execv(str(VENV_PY), [str(VENV_PY), *sys.argv])

import numpy as np  # noqa: E402

OUT = ROOT / "crates" / "tda-io" / "tests" / "fixtures" / "diagrams"
INF = float("inf")

# (dim, pairs), pairs already in canonical order (by birth, then death).
DIAGRAMS = [
    (0, [[0.0, INF], [0.1, 0.30000000000000004], [0.5, 1.25]]),
    (1, []),
    (1, [[-1.7976931348623157e308, 1.7976931348623157e308], [5e-324, 1e-310]]),
    (0, [[-0.0, 2.0], [3.0, -INF]]),
]


def arrays():
    return {
        f"dgm_{i}_dim{dim}": np.array(pairs, dtype="<f8").reshape(len(pairs), 2)
        for i, (dim, pairs) in enumerate(DIAGRAMS)
    }


def to_json_value(v):
    if v == INF:
        return "inf"
    if v == -INF:
        return "-inf"
    return v


def write():
    OUT.mkdir(parents=True, exist_ok=True)
    with open(OUT / "expected.json", "w") as f:
        f.write("[\n")
        f.write(
            ",\n".join(
                json.dumps({"dim": d, "pairs": [[to_json_value(b), to_json_value(e)] for b, e in p]})
                for d, p in DIAGRAMS
            )
        )
        f.write("\n]\n")
    a = arrays()
    # One member in Fortran order, and the members not in index order.
    a["dgm_0_dim0"] = np.asfortranarray(a["dgm_0_dim0"])
    shuffled = dict(reversed(list(a.items())))
    np.savez(OUT / "numpy_savez.npz", **shuffled)
    np.savez_compressed(OUT / "numpy_savez_compressed.npz", **a)

    np.savez(OUT / "numpy_int.npz", dgm_0_dim0=np.array([[0, 1], [2, 3]], dtype=np.int64))
    np.savez(OUT / "numpy_3cols.npz", dgm_0_dim0=np.zeros((2, 3)))
    np.savez(OUT / "numpy_nan.npz", dgm_0_dim0=np.array([[0.0, 1.0], [0.5, np.nan]]))
    np.savez(OUT / "numpy_1d.npz", dgm_0_dim0=np.array([0.0, 1.0]))
    np.savez(OUT / "numpy_default_names.npz", np.array([[0.0, 1.0]]))
    np.savez(OUT / "numpy_gap.npz", dgm_0_dim0=np.zeros((0, 2)), dgm_2_dim0=np.zeros((0, 2)))
    np.savez(OUT / "numpy_inf_birth.npz", dgm_0_dim0=np.array([[INF, INF]]))
    # A member whose .npy header claims 2^40 rows but holds one.
    import zipfile

    header = "{'descr': '<f8', 'fortran_order': False, 'shape': (1099511627776, 2), }"
    header = header + " " * (117 - len(header)) + "\n"
    member = b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header.encode() + bytes(16)
    with zipfile.ZipFile(OUT / "huge_shape.npz", "w") as z:
        z.writestr(zipfile.ZipInfo("dgm_0_dim0.npy", (1980, 1, 1, 0, 0, 0)), member)
    print(f"wrote fixtures under {OUT.relative_to(ROOT)}")


def check():
    path = OUT / "rust_written.npz"
    expected = arrays()
    with np.load(path) as z:
        assert sorted(z.files) == sorted(expected), (z.files, list(expected))
        for key, want in expected.items():
            got = z[key]
            assert got.dtype == np.dtype("<f8"), (key, got.dtype)
            assert got.shape == want.shape, (key, got.shape, want.shape)
            assert got.tobytes() == want.tobytes(), (key, got, want)
    print(f"numpy reads {path.relative_to(ROOT)}: {len(expected)} diagrams, bit for bit")


if __name__ == "__main__":
    if "--check" in sys.argv[1:]:
        check()
    else:
        write()
