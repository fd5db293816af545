"""W8 anchors: the PyTorch way to do tda-pinet's two differentiable persistence layers.

What a PyTorch user runs, computed the way torch-topological (aidos-lab/pytorch-topological,
nn/cubical_complex.py + nn/perslay.py) does it: gudhi computes persistence *pairs* on the
host (CubicalComplex(top_dimensional_cells=...) + cofaces_of_persistence_pairs(), i.e. the
critical cell indices), births/deaths are then gathered from the input tensor with ordinary
(differentiable) torch indexing, and the vectorisation is plain torch ops, so autograd
routes gradients to the critical samples.  Everything is timed end to end (gudhi included),
on the CPU with ONE thread (OMP/MKL env vars set before importing torch, set_num_threads(1)).

Timings: best wall time per call (and median), plus the best process CPU time per call,
which on a shared/overloaded machine is the better estimate of the uncontended figure.

  W8a  Persistent-CNN landscape branch, fwd+bwd: x ~ N(0,1) of shape (10, 64, 228); each
       curve is cut into 7 segments of 32 steps (tail of 4 dropped); superlevel H0 of each
       segment (= sublevel of the negated segment); the essential class becomes the pair
       (argmax, argmin) of the segment; zero-persistence bars dropped; landscapes
       lambda_1..5 at t = 0, 0.5, ..., 4.5 via tent = relu(min(t-lo, hi-t)) + topk over
       pairs; output (10, 64, 7, 5, 10); loss = sum; backward.  ms per call (10 clips).
  W8b  exact persistence-image layer, fwd+bwd, one 32x32x3 image (PI-Net's recipe): per
       channel, sublevel H0 of the row-major flattened 1024-long channel (values k/255),
       essential bar dropped, bars with persistence <= 1.5/255 dropped, (birth, persistence)
       coordinates, weight p / max(p), persim 0.1 PersImage's legacy grid (50x50, lower
       edges linspace(0,1,50), pixel width 1/50, sigma 0.05), exact pixel integrals via
       torch.special.ndtr, image.T[::-1] as persim, normalised by its max; loss = sum of
       image * fixed random weights; backward.  us per image.  A second line times
       torch-topological's Image-layer shortcut (a full 2-D Gaussian per pair evaluated at
       pixel centres, no integral) with the rest of the recipe unchanged.

Batching: to give PyTorch its best case, gudhi runs once per diagram (a Python loop, as in
torch-topological), but the gathered pairs of all diagrams are padded into one index tensor
(padding pairs (0, 0) have zero length, so they contribute nothing and get no gradient) and
vectorised in one batched op, rather than one small torch call per diagram.

Requirements (in the repo venv, never committed):
    .venv/bin/pip install numpy scipy gudhi
    .venv/bin/pip install torch --index-url https://download.pytorch.org/whl/cpu
    # (where that index is unreachable: plain `.venv/bin/pip install torch` from PyPI; its CUDA
    #  build runs on the CPU just the same.  persim, if installed, adds one more cross-check.)
Run:
    .venv/bin/python tools/anchors_w8.py            # correctness checks, then timings
    .venv/bin/python tools/anchors_w8.py --check    # checks only
"""
import os
for _v in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ[_v] = "1"
import math, sys, time
import numpy as np
import gudhi
import torch

torch.set_num_threads(1)
SEG, NSEG, K = 32, 7, 5
T_SAMPLES = torch.arange(10, dtype=torch.float32) * 0.5          # 0, 0.5, ..., 4.5
NPIX, SIGMA, PI_MIN_PERS = 50, 0.05, 1.5 / 255
EDGES64 = torch.linspace(0.0, 1.0, NPIX, dtype=torch.float64)    # persim legacy lower edges
DX = 1.0 / NPIX                                                  # legacy: maxBD / ny


def h0_pairs(sig):
    """Sublevel H0 of a 1-D signal (numpy) as critical indices: (finite (n,2) array, essential birth idx)."""
    cc = gudhi.CubicalComplex(top_dimensional_cells=sig)
    cc.compute_persistence()
    reg, ess = cc.cofaces_of_persistence_pairs()
    fin = reg[0] if len(reg) and len(reg[0]) else np.zeros((0, 2), dtype=np.int64)
    return fin, int(ess[0][0])


def pad_pairs(lists, min_len):
    """Stack per-diagram (n_i, 2) index arrays into (D, P, 2), padding with zero-length (0, 0) pairs."""
    P = max(min_len, max(len(a) for a in lists))
    out = np.zeros((len(lists), P, 2), dtype=np.int64)
    for i, a in enumerate(lists):
        out[i, :len(a)] = a
    return torch.from_numpy(out)


# ---------------------------------------------------------------- W8a: landscape branch
def landscape_branch(x):
    """x: (B, C, L) float tensor -> landscapes (B, C, NSEG, K, len(T_SAMPLES))."""
    B, C, _ = x.shape
    seg = x[..., :NSEG * SEG].reshape(-1, SEG)                   # (B*C*NSEG, 32), a view
    host = seg.detach().numpy()
    pairs = []
    for s in host:
        fin, ess = h0_pairs(-s)                                  # superlevel = sublevel of -s
        fin = np.vstack([fin, [[ess, int(np.argmin(s))]]])       # essential -> (max, min)
        pairs.append(fin[s[fin[:, 0]] != s[fin[:, 1]]])          # drop zero persistence
    idx = pad_pairs(pairs, K)                                    # (D, P, 2)
    b = torch.gather(seg, 1, idx[..., 0])                        # differentiable gathers
    d = torch.gather(seg, 1, idx[..., 1])
    lo, hi = torch.minimum(b, d)[..., None], torch.maximum(b, d)[..., None]
    tents = torch.relu(torch.minimum(T_SAMPLES - lo, hi - T_SAMPLES))  # (D, P, T)
    lam = torch.topk(tents, K, dim=1).values                     # (D, K, T), lambda_1 >= ...
    return lam.reshape(B, C, NSEG, K, len(T_SAMPLES))


# ---------------------------------------------------------------- W8b: persistence image
def pi_pairs(xc):
    """PI-Net's bars for each channel of xc (C, N): finite H0 pairs with persistence > 1.5/255."""
    host = xc.detach().numpy()
    out = []
    for s in host:
        fin, _ = h0_pairs(s)                                     # essential bar dropped
        out.append(fin[s[fin[:, 1]] - s[fin[:, 0]] > PI_MIN_PERS])
    return pad_pairs(out, 1)


def pi_layer(xc, centres=False):
    """xc: (C, N) -> persim-legacy persistence images (C, 50, 50), each divided by its max."""
    idx = pi_pairs(xc)
    b = torch.gather(xc, 1, idx[..., 0])                         # (C, P)
    p = torch.gather(xc, 1, idx[..., 1]) - b
    w = p / p.amax(1, keepdim=True)                              # legacy linear weighting
    EDGES = EDGES64.to(xc.dtype)
    if not centres:                                              # exact Gaussian mass per pixel
        ex = (torch.special.ndtr((EDGES + DX - b[..., None]) / SIGMA)
              - torch.special.ndtr((EDGES - b[..., None]) / SIGMA))     # (C, P, 50) birth axis
        ey = (torch.special.ndtr((EDGES + DX - p[..., None]) / SIGMA)
              - torch.special.ndtr((EDGES - p[..., None]) / SIGMA))     # (C, P, 50) pers axis
        img = torch.bmm((w[..., None] * ey).transpose(1, 2), ex)  # (C, pers, birth) = persim img.T
    else:                                                        # torch-topological Image layer
        c = EDGES + DX / 2
        g = torch.exp(-0.5 * (((c[None, None, :, None] - p[..., None, None]) / SIGMA) ** 2
                              + ((c[None, None, None, :] - b[..., None, None]) / SIGMA) ** 2))
        img = (w[..., None, None] * g / (2 * math.pi * SIGMA ** 2) * DX * DX).sum(1)
    img = torch.flip(img, (1,))                                  # persim's [::-1]
    return img / img.amax((1, 2), keepdim=True)


# ---------------------------------------------------------------- correctness checks
def check():
    # W8b on a hand-made channel: bars (0.2,0.5) idx (2,1), (0.3,0.6) idx (6,5), (0.1,0.9) idx (0,3);
    # essential bar born at idx 4 (value 0.0) is dropped, so idx 4 must get no gradient.
    sig = torch.tensor([[0.1, 0.5, 0.2, 0.9, 0.0, 0.6, 0.3]], dtype=torch.float64, requires_grad=True)
    got_pairs = sorted(map(tuple, pi_pairs(sig)[0].tolist()))
    assert got_pairs == [(0, 3), (2, 1), (6, 5)], got_pairs
    img = pi_layer(sig)[0]
    bars, Phi = [(0.2, 0.3), (0.3, 0.3), (0.1, 0.8)], lambda z: 0.5 * (1 + math.erf(z / math.sqrt(2)))
    ref = np.zeros((NPIX, NPIX))                                 # closed form, persim layout
    for i in range(NPIX):                                        # birth axis
        for j in range(NPIX):                                    # persistence axis
            x0, y0 = i / (NPIX - 1), j / (NPIX - 1)
            ref[NPIX - 1 - j, i] = sum(p / 0.8 * (Phi((x0 + DX - b) / SIGMA) - Phi((x0 - b) / SIGMA))
                                       * (Phi((y0 + DX - p) / SIGMA) - Phi((y0 - p) / SIGMA)) for b, p in bars)
    ref /= ref.max()
    err_pi = np.abs(img.detach().numpy() - ref).max()
    assert err_pi < 1e-9, err_pi
    try:                                                         # optional: persim's own PersImage
        import warnings; warnings.filterwarnings("ignore")
        from persim import PersImage
        pim = PersImage(pixels=[NPIX, NPIX], spread=SIGMA, specs={"minBD": 0, "maxBD": 1}, verbose=False)
        pref = pim.transform(np.array([[0.2, 0.5], [0.3, 0.6], [0.1, 0.9]]))
        assert np.abs(img.detach().numpy() - pref / pref.max()).max() < 1e-9
        print("check: W8b image == persim PersImage (legacy) too")
    except ImportError:
        pass
    wts = torch.from_numpy(np.random.default_rng(1).random((NPIX, NPIX)))
    (img * wts).sum().backward()
    g = sig.grad[0]
    assert all(g[i] != 0 for i in (0, 1, 2, 3, 5, 6)) and g[4] == 0, g
    for centres in (False, True):                                 # float32 image path runs, grads flow
        x = torch.tensor(np.random.default_rng(2).integers(0, 256, (3, 1024)) / 255, dtype=torch.float32,
                         requires_grad=True)
        pi_layer(x, centres).sum().backward()
        assert x.grad.abs().sum() > 0
    # W8a on one random segment: lambda_k(t) from gudhi's own intervals, in numpy.
    x = torch.from_numpy(np.random.default_rng(3).standard_normal((1, 1, 228)).astype(np.float32) * 2)
    x.requires_grad_(True)
    lam = landscape_branch(x)
    s = x.detach().numpy()[0, 0, :SEG].astype(np.float64)
    cc = gudhi.CubicalComplex(top_dimensional_cells=-s)
    iv = [(-bb, -dd if np.isfinite(dd) else s.min()) for _, (bb, dd) in cc.persistence()]  # (birth, death) of x
    tent = np.array([[max(0.0, min(t - d_, b_ - t)) for t in T_SAMPLES.tolist()] for b_, d_ in iv])
    ref = -np.sort(-np.vstack([tent, np.zeros((K, len(T_SAMPLES)))]), axis=0)[:K]
    err = np.abs(lam[0, 0, 0].detach().numpy() - ref).max()
    assert err < 1e-5, err
    lam.sum().backward()
    nz = set(torch.nonzero(x.grad[0, 0, :SEG]).flatten().tolist())
    crit = {i for a in h0_pairs(-s)[0] for i in a} | {int(s.argmax()), int(s.argmin())}
    assert nz and nz <= crit, (nz, crit)
    print(f"check: W8b image == closed form (max err {err_pi:.1e}), grads nonzero at the 6 critical "
          f"indices and 0 at the dropped essential; W8a landscape == numpy from gudhi intervals, "
          f"grads only at critical indices ({len(nz)} of {SEG})")


# ---------------------------------------------------------------- timings
def bench():
    rng = np.random.default_rng(8)
    xa = torch.from_numpy(rng.standard_normal((10, 64, 228)).astype(np.float32)).requires_grad_(True)
    im = rng.integers(0, 256, (32, 32, 3))
    xb = torch.from_numpy(np.stack([im[:, :, c].reshape(-1) for c in range(3)]) / 255.0).float()
    xb.requires_grad_(True)
    wb = torch.from_numpy(rng.random((3, NPIX, NPIX)).astype(np.float32))

    def w8a():
        xa.grad = None
        landscape_branch(xa).sum().backward()

    def w8b(centres):
        xb.grad = None
        (pi_layer(xb, centres) * wb).sum().backward()

    def timed(f, reps, inner):
        """Best and median wall time per call over `reps` batches of `inner` calls, and the best
        process CPU time per call (one thread, so CPU time ~ wall time on an idle machine; the
        gap shows how much a busy machine is stealing)."""
        f()                                                      # warm-up
        wall, cpu = [], []
        for _ in range(reps):
            t, c = time.perf_counter(), time.process_time()
            for _ in range(inner):
                f()
            wall.append((time.perf_counter() - t) / inner)
            cpu.append((time.process_time() - c) / inner)
        return min(wall), float(np.median(wall)), min(cpu)

    print(f"torch {torch.__version__} (threads={torch.get_num_threads()}), gudhi {gudhi.__version__}, "
          f"numpy {np.__version__}")
    lo, med, cpu = timed(w8a, 7, 1)
    print(f"W8a landscape branch fwd+bwd (10x64x228, k=5): {lo * 1e3:.2f} ms "
          f"(best of 7; median {med * 1e3:.2f} ms; best CPU time {cpu * 1e3:.2f} ms)")
    lo, med, cpu = timed(lambda: w8b(False), 5, 100)
    print(f"W8b PI layer fwd+bwd (32x32x3, PI-Net recipe): {lo * 1e6:.1f} us "
          f"(best of 5 x 100-call means; median {med * 1e6:.1f} us; best CPU time {cpu * 1e6:.1f} us)")
    lo, med, cpu = timed(lambda: w8b(True), 3, 10)
    print(f"W8b [reference: torch-topological Image-layer shortcut, per-pair Gaussians at pixel "
          f"centres, no integral] fwd+bwd: {lo * 1e6:.1f} us (best of 3 x 10; median {med * 1e6:.1f} us; "
          f"best CPU time {cpu * 1e6:.1f} us)")

if __name__ == "__main__":
    check()
    if "--check" not in sys.argv:
        bench()
