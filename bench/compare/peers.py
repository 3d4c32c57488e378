#!/usr/bin/env python3
"""Python peers of the side-by-side benchmark (issue 13): NumPy and TensorFlow-Python.

    .venv-bench/numpy/bin/python bench/compare/peers.py --impl numpy --size full|tiny [--cases a,b] [--threads N]
    .venv-bench/tf/bin/python    bench/compare/peers.py --impl tf    --size full|tiny [--cases a,b] [--threads N]
    .venv-bench/tf/bin/python    bench/compare/peers.py --selfcheck     # NumPy layers vs TF layers on tiny inputs

Sizes, warm-up and repetition counts come from bench/compare/cases.json (the single source of truth shared
with the TypeScript side). Prints ONE JSON document on stdout:
    {"info": {...}, "rows": [{"case", "impl", "ms", "minMs", "reps", ...}], "peakRssMB": ...}
Everything else (progress, TF's own logging) goes to stderr.

NumPy gets the course's NCHW layout; TensorFlow gets the same shapes in NHWC (its native CPU layout), with the
inputs generated directly in NHWC. All tensors are float32, labels int. Timings use time.perf_counter; TF outputs
are materialised (.numpy()) inside the timed region.
"""
import argparse
import json
import os
import platform
import resource
import statistics
import sys
import time
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))


def parse_args(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--impl", choices=["numpy", "tf"], help="which peer to run")
    ap.add_argument("--size", choices=["full", "tiny"], default="tiny")
    ap.add_argument("--cases", default="", help="comma-separated case ids (default: all cases the impl has)")
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 1,
                    help="BLAS / TF intra- and inter-op threads (default: os.cpu_count())")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--selfcheck", action="store_true",
                    help="compare the NumPy layers with the TF layers on tiny inputs (needs the tf venv)")
    args = ap.parse_args(argv)
    if not args.selfcheck and not args.impl:
        ap.error("--impl is required (or --selfcheck)")
    return args


# Thread settings must be in the environment before NumPy (OpenBLAS) is imported.
ARGS = parse_args() if __name__ == "__main__" else None
THREADS = ARGS.threads if ARGS else (os.cpu_count() or 1)
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = str(THREADS)
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # TF's INFO/WARNING banners; oneDNN state is read via the API

import numpy as np  # noqa: E402
from numpy.lib.stride_tricks import as_strided  # noqa: E402

F32 = np.float32
tf = None  # imported by setup_tf() only for --impl tf / --selfcheck


def log(*a):
    print("[peers]", *a, file=sys.stderr, flush=True)


# ===================================================================== timing

def bench(fn, warmup, reps):
    """Run fn warmup times untimed, then reps times timed. -> (median ms, min ms)."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(times), min(times)


def materialised(fn):
    """Wrap a TF function so that every output tensor is copied to NumPy (inside the caller's timing)."""
    def run(*args):
        return [t.numpy() for t in tf.nest.flatten(fn(*args))]
    return run


def case_rng(case_id, seed):
    return np.random.default_rng([seed, zlib.crc32(case_id.encode())])


def randn(rng, *shape):
    return rng.standard_normal(shape, dtype=F32)


def labels(rng, n, classes=10):
    return rng.integers(0, classes, size=n).astype(np.int64)


# ===================================================================== NumPy layers (NCHW, float32)

def np_knn_dists(te, tr):
    """te (M, D), tr (N, D) -> (M, N) Euclidean distances sqrt(max(0, |te|² + |tr|²ᵀ - 2 te trᵀ)), one GEMM."""
    d = te @ tr.T
    d *= F32(-2)
    d += np.einsum("ij,ij->i", te, te)[:, None]
    d += np.einsum("ij,ij->i", tr, tr)[None, :]
    np.maximum(d, F32(0), out=d)
    return np.sqrt(d, out=d)


def np_affine_relu_forward(x, w, b):
    """x (N, ...), w (D, M), b (M,) -> out (N, M) = relu(x w + b), cache."""
    x2 = x.reshape(x.shape[0], -1)
    out = x2 @ w
    out += b
    np.maximum(out, F32(0), out=out)
    return out, (x, w, out)


def np_affine_relu_backward(dout, cache, need_dx=True):
    """dout (N, M) -> dx (N, ...) (None unless need_dx), dw (D, M), db (M,), through the relu mask."""
    x, w, out = cache
    da = dout * (out > 0)
    dx = (da @ w.T).reshape(x.shape) if need_dx else None
    dw = x.reshape(x.shape[0], -1).T @ da
    return dx, dw, da.sum(axis=0)


def np_affine_forward(x, w, b):
    """x (N, D), w (D, M), b (M,) -> (N, M)."""
    out = x @ w
    out += b
    return out


def np_softmax_loss(scores, y):
    """scores (N, C), y (N,) int -> (mean cross-entropy loss, dscores (N, C)); stable (row max subtracted)."""
    n = scores.shape[0]
    rows = np.arange(n)
    shifted = scores - scores.max(axis=1, keepdims=True)
    e = np.exp(shifted)
    s = e.sum(axis=1, keepdims=True)
    loss = np.mean(np.log(s[:, 0]) - shifted[rows, y])
    dx = e
    dx /= s
    dx[rows, y] -= F32(1)
    dx /= F32(n)
    return loss, dx


def np_batchnorm_forward(x, gamma, beta, bn):
    """Train mode. x (N, D), gamma/beta (D,), bn: {eps, momentum, running_mean, running_var} (updated)."""
    mu = x.mean(axis=0)
    xc = x - mu
    var = np.mean(xc * xc, axis=0)
    inv_std = F32(1) / np.sqrt(var + F32(bn["eps"]))
    xhat = xc
    xhat *= inv_std
    out = xhat * gamma
    out += beta
    m = F32(bn["momentum"])
    bn["running_mean"] = m * bn["running_mean"] + (F32(1) - m) * mu
    bn["running_var"] = m * bn["running_var"] + (F32(1) - m) * var
    return out, (xhat, gamma, inv_std)


def np_batchnorm_backward(dout, cache):
    """Compact form: dx = inv_std (dxhat - mean(dxhat) - xhat mean(dxhat xhat)). -> dx, dgamma, dbeta."""
    xhat, gamma, inv_std = cache
    dbeta = dout.sum(axis=0)
    dgamma = (dout * xhat).sum(axis=0)
    dxhat = dout * gamma
    dx = dxhat - dxhat.mean(axis=0)
    dx -= xhat * (dxhat * xhat).mean(axis=0)
    dx *= inv_std
    return dx, dgamma, dbeta


def np_im2col(x, HH, WW, stride, pad):
    """x (N, C, H, W) -> cols (C·HH·WW, N·Ho·Wo) (a strided view of the padded input, copied once), Ho, Wo."""
    N, C, H, W = x.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad))) if pad else x
    Ho = (H + 2 * pad - HH) // stride + 1
    Wo = (W + 2 * pad - WW) // stride + 1
    sN, sC, sH, sW = xp.strides
    view = as_strided(xp, shape=(C, HH, WW, N, Ho, Wo),
                      strides=(sC, sH, sW, sN, sH * stride, sW * stride), writeable=False)
    return view.reshape(C * HH * WW, N * Ho * Wo), Ho, Wo


def np_conv_forward(x, w, b, stride, pad):
    """x (N, C, H, W), w (F, C, HH, WW), b (F,) -> out (N, F, Ho, Wo) by im2col + one GEMM, cache."""
    N = x.shape[0]
    F, _, HH, WW = w.shape
    cols, Ho, Wo = np_im2col(x, HH, WW, stride, pad)
    out = w.reshape(F, -1) @ cols  # (F, N·Ho·Wo)
    out += b[:, None]
    out = np.ascontiguousarray(out.reshape(F, N, Ho, Wo).transpose(1, 0, 2, 3))
    return out, (x.shape, w, cols, stride, pad, Ho, Wo)


def np_conv_backward(dout, cache, need_dx=True):
    """dout (N, F, Ho, Wo) -> dx (N, C, H, W) (None unless need_dx), dw (F, C, HH, WW), db (F,).

    dw is one GEMM with the im2col matrix; dx is a GEMM to the column gradient followed by col2im as HH·WW
    strided slice-adds into the padded gradient (kept as (C, N, Hp, Wp) so the adds need no transposes), unpadded.
    """
    (N, C, H, W), w, cols, stride, pad, Ho, Wo = cache
    F, _, HH, WW = w.shape
    d2 = dout.transpose(1, 0, 2, 3).reshape(F, -1)  # (F, N·Ho·Wo)
    db = d2.sum(axis=1)
    dw = (d2 @ cols.T).reshape(w.shape)
    if not need_dx:
        return None, dw, db
    dcols = (w.reshape(F, -1).T @ d2).reshape(C, HH, WW, N, Ho, Wo)
    dxp = np.zeros((C, N, H + 2 * pad, W + 2 * pad), dtype=F32)
    for i in range(HH):
        for j in range(WW):
            dxp[:, :, i:i + stride * Ho:stride, j:j + stride * Wo:stride] += dcols[:, i, j]
    dx = np.ascontiguousarray(dxp[:, :, pad:pad + H, pad:pad + W].transpose(1, 0, 2, 3))
    return dx, dw, db


def np_max_pool_forward(x, pool=2, stride=2):
    """x (N, C, H, W) -> (N, C, H/p, W/p) by reshape to (N, C, H/p, p, W/p, p) and max over the window axes."""
    N, C, H, W = x.shape
    assert pool == stride and H % pool == 0 and W % pool == 0, "reshape max pool needs pool == stride | H, W"
    xr = x.reshape(N, C, H // pool, pool, W // pool, pool)
    # Elementwise maximum over the p×p window views of the reshape; xr.max(axis=(3, 5)) gives the same result
    # but NumPy's reduction over the two short strided axes is ~25× slower (58 ms vs 2.5 ms at the full size).
    out = xr[:, :, :, 0, :, 0].copy()
    for i in range(pool):
        for j in range(pool):
            if i or j:
                np.maximum(out, xr[:, :, :, i, :, j], out=out)
    return out, (xr, out)


def np_max_pool_backward(dout, cache):
    """dout (N, C, H/p, W/p) -> dx (N, C, H, W): dout broadcast onto the positions equal to the window max.

    Ties route the gradient to every maximum (not divided); with random float inputs ties do not occur.
    """
    xr, out = cache
    N, C, Hp, p, Wp, q = xr.shape
    # Per window offset: mask (x == broadcast max) times dout, written into the (N, C, H/p, p, W/p, p) view.
    # Same values as (xr == out[:, :, :, None, :, None]) * dout[:, :, :, None, :, None], about 2× faster.
    dx = np.empty_like(xr)
    for i in range(p):
        for j in range(q):
            np.multiply(xr[:, :, :, i, :, j] == out, dout, out=dx[:, :, :, i, :, j])
    return dx.reshape(N, C, Hp * p, Wp * q)


# ===================================================================== NumPy models and solver

class NpThreeLayerConvNet:
    """conv (F filters f×f, pad (f-1)/2, stride 1) - relu - 2×2 max pool - affine - relu - affine - softmax."""

    def __init__(self, rng, C, H, W, F, filt, hidden, classes, weight_scale=1e-3, reg=0.0):
        self.filt, self.reg = filt, reg
        self.params = {
            "W1": F32(weight_scale) * randn(rng, F, C, filt, filt), "b1": np.zeros(F, F32),
            "W2": F32(weight_scale) * randn(rng, F * (H // 2) * (W // 2), hidden), "b2": np.zeros(hidden, F32),
            "W3": F32(weight_scale) * randn(rng, hidden, classes), "b3": np.zeros(classes, F32),
        }

    def loss(self, X, y=None):
        """X (N, C, H, W) -> scores (N, classes) if y is None, else (loss, grads of the six parameters).

        The first conv's dx is not computed (nothing needs it).
        """
        p = self.params
        a1, conv_cache = np_conv_forward(X, p["W1"], p["b1"], 1, (self.filt - 1) // 2)
        r1 = np.maximum(a1, F32(0), out=a1)
        p1, pool_cache = np_max_pool_forward(r1, 2, 2)
        h, hid_cache = np_affine_relu_forward(p1, p["W2"], p["b2"])
        scores = np_affine_forward(h, p["W3"], p["b3"])
        if y is None:
            return scores
        loss, ds = np_softmax_loss(scores, y)
        reg = F32(self.reg)
        loss += F32(0.5) * reg * sum(np.vdot(p[k], p[k]) for k in ("W1", "W2", "W3"))
        g = {"W3": h.T @ ds + reg * p["W3"], "b3": ds.sum(axis=0)}
        dp1, g["W2"], g["b2"] = np_affine_relu_backward(ds @ p["W3"].T, hid_cache)
        g["W2"] += reg * p["W2"]
        da1 = np_max_pool_backward(dp1, pool_cache)
        da1 *= r1 > 0
        _, g["W1"], g["b1"] = np_conv_backward(da1, conv_cache, need_dx=False)
        g["W1"] += reg * p["W1"]
        return loss, g


class NpFullyConnectedNet:
    """{affine - relu} × len(hidden) - affine - softmax, weights N(0, weight_scale²)."""

    def __init__(self, rng, dim, hidden, classes, weight_scale=5e-2, reg=0.0):
        dims = [dim] + list(hidden) + [classes]
        self.n, self.reg = len(dims) - 1, reg
        self.params = {}
        for i in range(self.n):
            self.params[f"W{i + 1}"] = F32(weight_scale) * randn(rng, dims[i], dims[i + 1])
            self.params[f"b{i + 1}"] = np.zeros(dims[i + 1], F32)

    def loss(self, X, y=None):
        """X (N, dim) -> scores (N, classes) if y is None, else (loss, grads). No gradient w.r.t. X is computed."""
        p, caches, h = self.params, [], X
        for i in range(1, self.n):
            h, c = np_affine_relu_forward(h, p[f"W{i}"], p[f"b{i}"])
            caches.append(c)
        scores = np_affine_forward(h, p[f"W{self.n}"], p[f"b{self.n}"])
        if y is None:
            return scores
        loss, ds = np_softmax_loss(scores, y)
        reg = F32(self.reg)
        loss += F32(0.5) * reg * sum(np.vdot(p[f"W{i}"], p[f"W{i}"]) for i in range(1, self.n + 1))
        g = {f"W{self.n}": h.T @ ds + reg * p[f"W{self.n}"], f"b{self.n}": ds.sum(axis=0)}
        dh = ds @ p[f"W{self.n}"].T
        for i in range(self.n - 1, 0, -1):
            dh, g[f"W{i}"], g[f"b{i}"] = np_affine_relu_backward(dh, caches[i - 1], need_dx=i > 1)
            g[f"W{i}"] += reg * p[f"W{i}"]
        return loss, g


class NpAdam:
    """Adam with bias correction: w -= lr · m̂ / (sqrt(v̂) + eps), in place, float32."""

    def __init__(self, params, lr, beta1=0.9, beta2=0.999, eps=1e-8):
        self.lr, self.b1, self.b2, self.eps, self.t = lr, beta1, beta2, eps, 0
        self.m = {k: np.zeros_like(v) for k, v in params.items()}
        self.v = {k: np.zeros_like(v) for k, v in params.items()}

    def step(self, params, grads):
        self.t += 1
        c1, c2 = F32(1 - self.b1 ** self.t), F32(1 - self.b2 ** self.t)
        b1, b2 = F32(self.b1), F32(self.b2)
        for k, w in params.items():
            g, m, v = grads[k], self.m[k], self.v[k]
            m *= b1
            m += (F32(1) - b1) * g
            v *= b2
            v += (F32(1) - b2) * (g * g)
            denom = np.sqrt(v / c2)
            denom += F32(self.eps)
            w -= (F32(self.lr) / c1) * m / denom


def np_check_accuracy(model, X, y, num_samples=None, batch=100, rng=None):
    """Solver.check_accuracy: accuracy on num_samples random rows (all if None), forward in batches."""
    if num_samples is not None and len(X) > num_samples:
        idx = rng.choice(len(X), num_samples, replace=False)
        X, y = X[idx], y[idx]
    pred = np.concatenate([np.argmax(model.loss(X[i:i + batch]), axis=1) for i in range(0, len(X), batch)])
    return float(np.mean(pred == y))


def np_train_steps(model, opt, X, y, order, batch, steps):
    loss = None
    for s in range(steps):
        idx = order[s * batch:(s + 1) * batch]
        loss, grads = model.loss(X[idx], y[idx])
        opt.step(model.params, grads)
    return loss


# ===================================================================== NumPy cases

def np_case_knn_no_loop(p, rng, W, R):
    te, tr = randn(rng, p["numTest"], p["dim"]), randn(rng, p["numTrain"], p["dim"])
    ms, mn = bench(lambda: np_knn_dists(te, tr), W, R)
    return [{"impl": "numpy", "ms": ms, "minMs": mn}]


def np_case_affine_relu(p, rng, W, R):
    x, w, b = randn(rng, p["N"], p["D"]), randn(rng, p["D"], p["M"]), randn(rng, p["M"])
    dout = randn(rng, p["N"], p["M"])

    def run():
        out, cache = np_affine_relu_forward(x, w, b)
        return out, np_affine_relu_backward(dout, cache)
    ms, mn = bench(run, W, R)
    return [{"impl": "numpy", "ms": ms, "minMs": mn}]


def np_case_softmax_loss(p, rng, W, R):
    scores, y = randn(rng, p["N"], p["C"]), labels(rng, p["N"], p["C"])
    ms, mn = bench(lambda: np_softmax_loss(scores, y), W, R)
    return [{"impl": "numpy", "ms": ms, "minMs": mn}]


def np_case_batchnorm(p, rng, W, R):
    N, D = p["N"], p["D"]
    x, gamma, beta, dout = randn(rng, N, D), randn(rng, D), randn(rng, D), randn(rng, N, D)
    bn = {"eps": 1e-5, "momentum": 0.9, "running_mean": np.zeros(D, F32), "running_var": np.zeros(D, F32)}

    def run():
        out, cache = np_batchnorm_forward(x, gamma, beta, bn)
        return out, np_batchnorm_backward(dout, cache)
    ms, mn = bench(run, W, R)
    return [{"impl": "numpy", "ms": ms, "minMs": mn}]


def np_case_conv(p, rng, W, R):
    x = randn(rng, p["N"], p["C"], p["H"], p["W"])
    w, b = randn(rng, p["F"], p["C"], p["HH"], p["WW"]), randn(rng, p["F"])
    Ho = (p["H"] + 2 * p["pad"] - p["HH"]) // p["stride"] + 1
    Wo = (p["W"] + 2 * p["pad"] - p["WW"]) // p["stride"] + 1
    dout = randn(rng, p["N"], p["F"], Ho, Wo)

    def run():
        out, cache = np_conv_forward(x, w, b, p["stride"], p["pad"])
        return out, np_conv_backward(dout, cache)
    ms, mn = bench(run, W, R)
    fwd, _ = bench(lambda: np_conv_forward(x, w, b, p["stride"], p["pad"]), W, R)
    return [{"impl": "numpy", "ms": ms, "minMs": mn, "fwdMs": fwd}]


def np_case_max_pool(p, rng, W, R):
    x = randn(rng, p["N"], p["C"], p["H"], p["W"])
    dout = randn(rng, p["N"], p["C"], p["H"] // p["stride"], p["W"] // p["stride"])

    def run():
        out, cache = np_max_pool_forward(x, p["pool"], p["stride"])
        return out, np_max_pool_backward(dout, cache)
    ms, mn = bench(run, W, R)
    return [{"impl": "numpy", "ms": ms, "minMs": mn}]


def np_case_cnn_step(p, rng, W, R):
    model = NpThreeLayerConvNet(rng, p["C"], p["H"], p["W"], p["F"], p["filter"], p["hidden"], p["classes"],
                                weight_scale=1e-3, reg=p["reg"])
    X, y = randn(rng, p["N"], p["C"], p["H"], p["W"]), labels(rng, p["N"], p["classes"])
    ms, mn = bench(lambda: model.loss(X, y), W, R)
    return [{"impl": "numpy", "ms": ms, "minMs": mn}]


def np_epoch(model, p, X, y, Xval, yval, rng, warmup_steps):
    """A few warm-up steps (untimed), then ONE timed Solver epoch: numTrain // batch Adam steps over a shuffled
    order, then accuracy on checkSamples training rows and on the validation set."""
    opt = NpAdam(model.params, p["learningRate"])
    batch = p["batch"]
    steps = max(p["numTrain"] // batch, 1)
    np_train_steps(model, opt, X, y, rng.permutation(len(X)), batch, warmup_steps)
    np_check_accuracy(model, X[:100], y[:100])
    t0 = time.perf_counter()
    # like the course's Solver (and the project's): accuracy checks after the first step and at the epoch's end
    order = rng.permutation(len(X))
    np_train_steps(model, opt, X, y, order, batch, 1)
    np_check_accuracy(model, X, y, p["checkSamples"], rng=rng)
    np_check_accuracy(model, Xval, yval)
    loss = np_train_steps(model, opt, X, y, order[batch:], batch, steps - 1) if steps > 1 else 0.0
    t1 = time.perf_counter()
    train_acc = np_check_accuracy(model, X, y, p["checkSamples"], rng=rng)
    val_acc = np_check_accuracy(model, Xval, yval)
    t2 = time.perf_counter()
    ms = (t2 - t0) * 1e3
    return [{"impl": "numpy", "ms": ms, "minMs": ms, "reps": 1, "warmupSteps": warmup_steps, "steps": steps,
             "trainMs": (t1 - t0) * 1e3, "checkMs": (t2 - t1) * 1e3,
             "loss": float(loss), "trainAcc": train_acc, "valAcc": val_acc}]


def np_case_fcn_epoch(p, rng, W, R):
    X, y = randn(rng, p["numTrain"], p["dim"]), labels(rng, p["numTrain"], p["classes"])
    Xval, yval = randn(rng, p["numVal"], p["dim"]), labels(rng, p["numVal"], p["classes"])
    model = NpFullyConnectedNet(rng, p["dim"], p["hidden"], p["classes"], weight_scale=5e-2, reg=p["reg"])
    return np_epoch(model, p, X, y, Xval, yval, rng, EPOCH_WARMUP_STEPS)


def np_case_cnn_epoch(p, rng, W, R):
    shape = (p["C"], p["H"], p["W"])
    X, y = randn(rng, p["numTrain"], *shape), labels(rng, p["numTrain"], p["classes"])
    Xval, yval = randn(rng, p["numVal"], *shape), labels(rng, p["numVal"], p["classes"])
    model = NpThreeLayerConvNet(rng, p["C"], p["H"], p["W"], p["F"], p["filter"], p["hidden"], p["classes"],
                                weight_scale=1e-3, reg=p["reg"])
    return np_epoch(model, p, X, y, Xval, yval, rng, EPOCH_WARMUP_STEPS)


EPOCH_WARMUP_STEPS = 3

NP_CASES = {
    "knn_no_loop": np_case_knn_no_loop, "affine_relu": np_case_affine_relu, "softmax_loss": np_case_softmax_loss,
    "batchnorm": np_case_batchnorm, "conv_7x7": np_case_conv, "conv_3x3": np_case_conv,
    "max_pool": np_case_max_pool, "cnn_step": np_case_cnn_step,
    "fcn_epoch": np_case_fcn_epoch, "cnn_epoch": np_case_cnn_epoch,
}


# ===================================================================== TensorFlow-Python (NHWC, float32)

def setup_tf(threads):
    """Import TF and set its thread pools before any op runs."""
    global tf
    import tensorflow
    tf = tensorflow
    tf.config.threading.set_intra_op_parallelism_threads(threads)
    tf.config.threading.set_inter_op_parallelism_threads(threads)
    return tf


def tf_knn_dists(te, tr):
    """te (M, D), tr (N, D) -> (M, N) distances, one matmul."""
    d = (tf.reduce_sum(te * te, axis=1, keepdims=True) + tf.reduce_sum(tr * tr, axis=1)[None, :]
         - 2.0 * tf.matmul(te, tr, transpose_b=True))
    return tf.sqrt(tf.maximum(d, 0.0))


def tf_affine_relu(x, w, b, dout):
    """x (N, D), w (D, M), b (M,), dout (N, M) -> out, dx, dw, db (tape with output_gradients=dout)."""
    with tf.GradientTape() as tape:
        tape.watch([x, w, b])
        out = tf.nn.relu(tf.matmul(x, w) + b)
    return (out, *tape.gradient(out, [x, w, b], output_gradients=dout))


def tf_softmax_loss(scores, y):
    """scores (N, C), y (N,) int -> loss, dscores (fused sparse softmax cross-entropy)."""
    with tf.GradientTape() as tape:
        tape.watch(scores)
        loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=scores))
    return loss, tape.gradient(loss, scores)


def tf_batchnorm(x, gamma, beta, dout, running_mean, running_var):
    """Train mode, x (N, D): batch moments, eps 1e-5, momentum 0.9 running stats -> out, dx, dgamma, dbeta, rm, rv."""
    with tf.GradientTape() as tape:
        tape.watch([x, gamma, beta])
        mean, var = tf.nn.moments(x, axes=[0])
        out = tf.nn.batch_normalization(x, mean, var, beta, gamma, 1e-5)
    dx, dgamma, dbeta = tape.gradient(out, [x, gamma, beta], output_gradients=dout)
    rm = 0.9 * running_mean + 0.1 * tf.stop_gradient(mean)
    rv = 0.9 * running_var + 0.1 * tf.stop_gradient(var)
    return out, dx, dgamma, dbeta, rm, rv


def tf_conv_forward(x, w, b, stride, pad):
    """x (N, H, W, C), w (HH, WW, C, F), b (F,) -> (N, Ho, Wo, F)."""
    return tf.nn.bias_add(tf.nn.conv2d(x, w, stride, [[0, 0], [pad, pad], [pad, pad], [0, 0]]), b)


def tf_conv(x, w, b, dout, stride, pad):
    """Forward + backward: -> out, dx, dw, db."""
    with tf.GradientTape() as tape:
        tape.watch([x, w, b])
        out = tf_conv_forward(x, w, b, stride, pad)
    return (out, *tape.gradient(out, [x, w, b], output_gradients=dout))


def tf_max_pool(x, dout, pool, stride):
    """x (N, H, W, C) -> out (N, H/p, W/p, C), dx. TF's MaxPoolGrad routes ties to one maximum."""
    with tf.GradientTape() as tape:
        tape.watch(x)
        out = tf.nn.max_pool2d(x, pool, stride, "VALID")
    return out, tape.gradient(out, x, output_gradients=dout)


class TfThreeLayerConvNet:
    """The ThreeLayerConvNet in NHWC with tf.Variables (W1 is HWIO)."""

    def __init__(self, rng, C, H, W, F, filt, hidden, classes, weight_scale=1e-3, reg=0.0):
        self.reg = reg
        self.W1 = tf.Variable(F32(weight_scale) * randn(rng, filt, filt, C, F), name="W1")
        self.b1 = tf.Variable(np.zeros(F, F32), name="b1")
        self.W2 = tf.Variable(F32(weight_scale) * randn(rng, (H // 2) * (W // 2) * F, hidden), name="W2")
        self.b2 = tf.Variable(np.zeros(hidden, F32), name="b2")
        self.W3 = tf.Variable(F32(weight_scale) * randn(rng, hidden, classes), name="W3")
        self.b3 = tf.Variable(np.zeros(classes, F32), name="b3")
        self.variables = [self.W1, self.b1, self.W2, self.b2, self.W3, self.b3]

    def scores(self, X):
        """X (N, H, W, C) -> (N, classes)."""
        a = tf.nn.relu(tf.nn.bias_add(tf.nn.conv2d(X, self.W1, 1, "SAME"), self.b1))
        a = tf.nn.max_pool2d(a, 2, 2, "VALID")
        a = tf.reshape(a, [tf.shape(a)[0], -1])
        a = tf.nn.relu(tf.matmul(a, self.W2) + self.b2)
        return tf.matmul(a, self.W3) + self.b3

    def loss(self, X, y):
        data = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=self.scores(X)))
        return data + self.reg * tf.add_n([tf.nn.l2_loss(w) for w in (self.W1, self.W2, self.W3)])


class TfFullyConnectedNet:
    """{affine - relu} × len(hidden) - affine - softmax with tf.Variables."""

    def __init__(self, rng, dim, hidden, classes, weight_scale=5e-2, reg=0.0):
        dims = [dim] + list(hidden) + [classes]
        self.reg = reg
        self.Ws = [tf.Variable(F32(weight_scale) * randn(rng, dims[i], dims[i + 1])) for i in range(len(dims) - 1)]
        self.bs = [tf.Variable(np.zeros(dims[i + 1], F32)) for i in range(len(dims) - 1)]
        self.variables = [v for wb in zip(self.Ws, self.bs) for v in wb]

    def scores(self, X):
        a = X
        for w, b in zip(self.Ws[:-1], self.bs[:-1]):
            a = tf.nn.relu(tf.matmul(a, w) + b)
        return tf.matmul(a, self.Ws[-1]) + self.bs[-1]

    def loss(self, X, y):
        data = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=self.scores(X)))
        if self.reg == 0:
            return data
        return data + self.reg * tf.add_n([tf.nn.l2_loss(w) for w in self.Ws])


def tf_loss_and_grads(model, X, y):
    with tf.GradientTape() as tape:
        loss = model.loss(X, y)
    return loss, tape.gradient(loss, model.variables)


def tf_layer_rows(fn, args, W, R, fwd=None):
    """Rows for the two flavours of a layer case: eager fn(*args), and tf.function(fn) (traced in warm-up)."""
    rows = []
    for impl, f, fw in (("tf_eager", fn, fwd), ("tf_function", tf.function(fn), fwd and tf.function(fwd))):
        run = materialised(f)
        ms, mn = bench(lambda: run(*args), W, R)
        row = {"impl": impl, "ms": ms, "minMs": mn}
        if fw is not None:
            run_fwd = materialised(fw)
            row["fwdMs"], _ = bench(lambda: run_fwd(*args[:3]), W, R)
        rows.append(row)
    return rows


def tf_case_knn_no_loop(p, rng, W, R):
    te, tr = tf.constant(randn(rng, p["numTest"], p["dim"])), tf.constant(randn(rng, p["numTrain"], p["dim"]))
    return tf_layer_rows(tf_knn_dists, (te, tr), W, R)


def tf_case_affine_relu(p, rng, W, R):
    args = [tf.constant(a) for a in (randn(rng, p["N"], p["D"]), randn(rng, p["D"], p["M"]), randn(rng, p["M"]),
                                     randn(rng, p["N"], p["M"]))]
    return tf_layer_rows(tf_affine_relu, args, W, R)


def tf_case_softmax_loss(p, rng, W, R):
    args = (tf.constant(randn(rng, p["N"], p["C"])), tf.constant(labels(rng, p["N"], p["C"])))
    return tf_layer_rows(tf_softmax_loss, args, W, R)


def tf_case_batchnorm(p, rng, W, R):
    N, D = p["N"], p["D"]
    args = [tf.constant(a) for a in (randn(rng, N, D), randn(rng, D), randn(rng, D), randn(rng, N, D),
                                     np.zeros(D, F32), np.zeros(D, F32))]
    return tf_layer_rows(tf_batchnorm, args, W, R)


def tf_case_conv(p, rng, W, R):
    s, pad = p["stride"], p["pad"]
    Ho = (p["H"] + 2 * pad - p["HH"]) // s + 1
    Wo = (p["W"] + 2 * pad - p["WW"]) // s + 1
    args = [tf.constant(a) for a in (randn(rng, p["N"], p["H"], p["W"], p["C"]),
                                     randn(rng, p["HH"], p["WW"], p["C"], p["F"]), randn(rng, p["F"]),
                                     randn(rng, p["N"], Ho, Wo, p["F"]))]
    return tf_layer_rows(lambda x, w, b, d: tf_conv(x, w, b, d, s, pad), args, W, R,
                         fwd=lambda x, w, b: tf_conv_forward(x, w, b, s, pad))


def tf_case_max_pool(p, rng, W, R):
    x = tf.constant(randn(rng, p["N"], p["H"], p["W"], p["C"]))
    dout = tf.constant(randn(rng, p["N"], p["H"] // p["stride"], p["W"] // p["stride"], p["C"]))
    return tf_layer_rows(lambda x, d: tf_max_pool(x, d, p["pool"], p["stride"]), (x, dout), W, R)


def tf_case_cnn_step(p, rng, W, R):
    model = TfThreeLayerConvNet(rng, p["C"], p["H"], p["W"], p["F"], p["filter"], p["hidden"], p["classes"],
                                weight_scale=1e-3, reg=p["reg"])
    X, y = tf.constant(randn(rng, p["N"], p["H"], p["W"], p["C"])), tf.constant(labels(rng, p["N"], p["classes"]))
    return tf_layer_rows(lambda X, y: tf_loss_and_grads(model, X, y), (X, y), W, R)


def tf_check_accuracy(scores_fn, X, y, num_samples=None, batch=100, rng=None):
    if num_samples is not None and len(X) > num_samples:
        idx = rng.choice(len(X), num_samples, replace=False)
        X, y = X[idx], y[idx]
    pred = np.concatenate([np.argmax(scores_fn(tf.constant(X[i:i + batch])).numpy(), axis=1)
                           for i in range(0, len(X), batch)])
    return float(np.mean(pred == y))


def tf_epoch_rows(make_model, p, X, y, Xval, yval, rng):
    """One timed epoch per flavour (fresh model and Keras Adam each): tf_eager = eager tape step, tf_function =
    the same train step in tf.function. Batches are NumPy rows copied to tensors, as a plain user does."""
    rows = []
    batch = p["batch"]
    steps = max(p["numTrain"] // batch, 1)
    for impl in ("tf_eager", "tf_function"):
        model = make_model()
        opt = tf.keras.optimizers.Adam(p["learningRate"], beta_1=0.9, beta_2=0.999, epsilon=1e-8)
        opt.build(model.variables)

        def train_step(Xb, yb):
            loss, grads = tf_loss_and_grads(model, Xb, yb)
            opt.apply_gradients(zip(grads, model.variables))
            return loss
        step_fn, scores_fn = (train_step, model.scores) if impl == "tf_eager" else \
            (tf.function(train_step), tf.function(model.scores))

        def run_steps(order, n):
            loss = None
            for s in range(n):
                idx = order[s * batch:(s + 1) * batch]
                loss = step_fn(tf.constant(X[idx]), tf.constant(y[idx]))
            return float(loss.numpy())

        run_steps(rng.permutation(len(X)), EPOCH_WARMUP_STEPS)
        tf_check_accuracy(scores_fn, X[:100], y[:100])
        t0 = time.perf_counter()
        # like the course's Solver (and the project's): accuracy checks after the first step and at the epoch's end
        order = rng.permutation(len(X))
        run_steps(order, 1)
        tf_check_accuracy(scores_fn, X, y, p["checkSamples"], rng=rng)
        tf_check_accuracy(scores_fn, Xval, yval)
        loss = run_steps(order[batch:], steps - 1) if steps > 1 else 0.0
        t1 = time.perf_counter()
        train_acc = tf_check_accuracy(scores_fn, X, y, p["checkSamples"], rng=rng)
        val_acc = tf_check_accuracy(scores_fn, Xval, yval)
        t2 = time.perf_counter()
        ms = (t2 - t0) * 1e3
        rows.append({"impl": impl, "ms": ms, "minMs": ms, "reps": 1, "warmupSteps": EPOCH_WARMUP_STEPS,
                     "steps": steps, "trainMs": (t1 - t0) * 1e3, "checkMs": (t2 - t1) * 1e3,
                     "loss": loss, "trainAcc": train_acc, "valAcc": val_acc})
        log(f"  {impl}: {ms:.0f} ms")
    return rows


def tf_case_fcn_epoch(p, rng, W, R):
    X, y = randn(rng, p["numTrain"], p["dim"]), labels(rng, p["numTrain"], p["classes"])
    Xval, yval = randn(rng, p["numVal"], p["dim"]), labels(rng, p["numVal"], p["classes"])
    return tf_epoch_rows(lambda: TfFullyConnectedNet(rng, p["dim"], p["hidden"], p["classes"], 5e-2, p["reg"]),
                         p, X, y, Xval, yval, rng)


def tf_case_cnn_epoch(p, rng, W, R):
    shape = (p["H"], p["W"], p["C"])
    X, y = randn(rng, p["numTrain"], *shape), labels(rng, p["numTrain"], p["classes"])
    Xval, yval = randn(rng, p["numVal"], *shape), labels(rng, p["numVal"], p["classes"])
    return tf_epoch_rows(lambda: TfThreeLayerConvNet(rng, p["C"], p["H"], p["W"], p["F"], p["filter"], p["hidden"],
                                                     p["classes"], 1e-3, p["reg"]),
                         p, X, y, Xval, yval, rng)


def tf_case_challenge_epoch(p, rng, W, R):
    """Keras Sequential conv-BN-ReLU-pool × len(filters), dense, softmax; Adam; one model.fit epoch (timed)
    after a warm-up fit on 2 batches (+ the epoch's last partial batch, so both batch shapes are traced)."""
    keras = tf.keras
    keras.utils.set_random_seed(int(rng.integers(2 ** 31)))
    layers = [keras.Input((p["H"], p["W"], p["C"]))]
    for f in p["filters"]:
        layers += [keras.layers.Conv2D(f, 3, padding="same", use_bias=False, kernel_initializer="he_normal"),
                   keras.layers.BatchNormalization(momentum=0.9, epsilon=1e-5), keras.layers.ReLU(),
                   keras.layers.MaxPooling2D(2)]
    layers += [keras.layers.Flatten(), keras.layers.Dense(p["dense"], kernel_initializer="he_normal"),
               keras.layers.ReLU(), keras.layers.Dense(p["classes"], activation="softmax")]
    model = keras.Sequential(layers)
    model.compile(optimizer=keras.optimizers.Adam(p["learningRate"]), loss="categorical_crossentropy")
    X = randn(rng, p["numTrain"], p["H"], p["W"], p["C"])
    Y = np.eye(p["classes"], dtype=F32)[labels(rng, p["numTrain"], p["classes"])]
    batch = p["batch"]
    nw = min(2 * batch + p["numTrain"] % batch, p["numTrain"])
    model.fit(X[:nw], Y[:nw], batch_size=batch, epochs=1, shuffle=True, verbose=0)
    t0 = time.perf_counter()
    hist = model.fit(X, Y, batch_size=batch, epochs=1, shuffle=True, verbose=0)
    ms = (time.perf_counter() - t0) * 1e3
    return [{"impl": "keras", "ms": ms, "minMs": ms, "reps": 1, "warmupSteps": -(-nw // batch), "warmupSamples": nw,
             "steps": -(-p["numTrain"] // batch), "loss": float(hist.history["loss"][-1]),
             "jitCompile": bool(model.jit_compile), "params": int(model.count_params())}]


TF_CASES = {
    "knn_no_loop": tf_case_knn_no_loop, "affine_relu": tf_case_affine_relu, "softmax_loss": tf_case_softmax_loss,
    "batchnorm": tf_case_batchnorm, "conv_7x7": tf_case_conv, "conv_3x3": tf_case_conv,
    "max_pool": tf_case_max_pool, "cnn_step": tf_case_cnn_step,
    "fcn_epoch": tf_case_fcn_epoch, "cnn_epoch": tf_case_cnn_epoch, "challenge_epoch": tf_case_challenge_epoch,
}


# ===================================================================== self-check (NumPy vs TF, tiny inputs)

def rel_error(a, b):
    """cs231n-style max elementwise relative error, and max |a - b| / max |b| (both in float64)."""
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    assert a.shape == b.shape, (a.shape, b.shape)
    elem = np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b)))
    return float(elem), float(np.max(np.abs(a - b)) / max(np.max(np.abs(b)), 1e-30))


def selfcheck(seed):
    rng = np.random.default_rng(seed)
    nhwc = lambda a: a.transpose(0, 2, 3, 1)  # noqa: E731
    nchw = lambda a: np.asarray(a).transpose(0, 3, 1, 2)  # noqa: E731
    res, np_dtypes = {}, set()

    def put(name, pairs):
        """pairs: {output name: (NumPy result, TF result)}; also records the NumPy results' dtypes."""
        res[name] = {k: dict(zip(("rel", "normMax"), rel_error(a, b))) for k, (a, b) in pairs.items()}
        np_dtypes.update(f"{name}.{k}:{np.asarray(a).dtype}" for k, (a, _) in pairs.items()
                         if np.asarray(a).dtype != np.float32)

    te, tr = randn(rng, 20, 64), randn(rng, 100, 64)
    put("knn_no_loop", {"dists": (np_knn_dists(te, tr), tf_knn_dists(tf.constant(te), tf.constant(tr)))})

    x, w, b, dout = randn(rng, 8, 64), randn(rng, 64, 16), randn(rng, 16), randn(rng, 8, 16)
    out, c = np_affine_relu_forward(x, w, b)
    got = np_affine_relu_backward(dout, c)
    ref = tf_affine_relu(*map(tf.constant, (x, w, b, dout)))
    put("affine_relu", dict(zip(("out", "dx", "dw", "db"), zip((out, *got), ref))))

    s, y = randn(rng, 20, 10), labels(rng, 20)
    got, ref = np_softmax_loss(s, y), tf_softmax_loss(tf.constant(s), tf.constant(y))
    put("softmax_loss", dict(zip(("loss", "dx"), zip(got, ref))))

    x, g, be, dout = randn(rng, 8, 16), randn(rng, 16), randn(rng, 16), randn(rng, 8, 16)
    bn = {"eps": 1e-5, "momentum": 0.9, "running_mean": np.zeros(16, F32), "running_var": np.zeros(16, F32)}
    out, c = np_batchnorm_forward(x, g, be, bn)
    got = (out, *np_batchnorm_backward(dout, c), bn["running_mean"], bn["running_var"])
    ref = tf_batchnorm(*map(tf.constant, (x, g, be, dout, np.zeros(16, F32), np.zeros(16, F32))))
    put("batchnorm", dict(zip(("out", "dx", "dgamma", "dbeta", "runMean", "runVar"), zip(got, ref))))

    for name, (N, C, H, W, F, k, pad) in {"conv_7x7": (2, 3, 8, 8, 4, 7, 3), "conv_3x3": (2, 4, 8, 8, 4, 3, 1),
                                          "conv_3x3_nopad": (2, 3, 7, 7, 2, 3, 0)}.items():
        x, w, b = randn(rng, N, C, H, W), randn(rng, F, C, k, k), randn(rng, F)
        Ho = H + 2 * pad - k + 1
        dout = randn(rng, N, F, Ho, Ho)
        out, c = np_conv_forward(x, w, b, 1, pad)
        dx, dw, db = np_conv_backward(dout, c)
        r = tf_conv(tf.constant(nhwc(x)), tf.constant(w.transpose(2, 3, 1, 0)), tf.constant(b),
                    tf.constant(nhwc(dout)), 1, pad)
        put(name, {"out": (out, nchw(r[0])), "dx": (dx, nchw(r[1])),
                   "dw": (dw, np.asarray(r[2]).transpose(3, 2, 0, 1)), "db": (db, r[3])})

    x, dout = randn(rng, 2, 4, 8, 8), randn(rng, 2, 4, 4, 4)
    out, c = np_max_pool_forward(x)
    dx = np_max_pool_backward(dout, c)
    r = tf_max_pool(tf.constant(nhwc(x)), tf.constant(nhwc(dout)), 2, 2)
    put("max_pool", {"out": (out, nchw(r[0])), "dx": (dx, nchw(r[1]))})

    # Whole ThreeLayerConvNet: TF copies of the NumPy weights (W1 OIHW -> HWIO, W2's rows from (F, h, w) to (h, w, F)).
    C, H, W, F, k, hid = 3, 8, 8, 4, 7, 16
    npm = NpThreeLayerConvNet(rng, C, H, W, F, k, hid, 10, weight_scale=1e-1, reg=1e-3)
    tfm = TfThreeLayerConvNet(rng, C, H, W, F, k, hid, 10, weight_scale=1e-1, reg=1e-3)
    P = npm.params
    W2_tf = P["W2"].reshape(F, H // 2, W // 2, hid).transpose(1, 2, 0, 3).reshape(-1, hid)
    for v, a in zip(tfm.variables, (P["W1"].transpose(2, 3, 1, 0), P["b1"], W2_tf, P["b2"], P["W3"], P["b3"])):
        v.assign(a)
    X, y = randn(rng, 4, C, H, W), labels(rng, 4)
    loss, g = npm.loss(X, y)
    tloss, tg = tf_loss_and_grads(tfm, tf.constant(nhwc(X)), tf.constant(y))
    tg = [np.asarray(t) for t in tg]
    tg_W2 = tg[2].reshape(H // 2, W // 2, F, hid).transpose(2, 0, 1, 3).reshape(-1, hid)
    put("cnn_step", {"loss": (loss, tloss), "W1": (g["W1"], tg[0].transpose(3, 2, 0, 1)), "b1": (g["b1"], tg[1]),
                     "W2": (g["W2"], tg_W2), "b2": (g["b2"], tg[3]), "W3": (g["W3"], tg[4]), "b3": (g["b3"], tg[5])})

    # FullyConnectedNet [16, 16] with reg: same weights in both.
    npf = NpFullyConnectedNet(rng, 64, [16, 16], 10, weight_scale=5e-2, reg=1e-2)
    tff = TfFullyConnectedNet(rng, 64, [16, 16], 10, weight_scale=5e-2, reg=1e-2)
    names = [f"{k}{i}" for i in range(1, 4) for k in ("W", "b")]
    for v, k in zip(tff.variables, names):
        v.assign(npf.params[k])
    X, y = randn(rng, 8, 64), labels(rng, 8)
    loss, g = npf.loss(X, y)
    tloss, tg = tf_loss_and_grads(tff, tf.constant(X), tf.constant(y))
    put("fcn", {"loss": (loss, tloss), **{k: (g[k], t) for k, t in zip(names, tg)}})

    worst = max(v["normMax"] for r in res.values() for v in r.values())
    # float32 discipline: every NumPy result above must be float32 (a float64 upcast would be listed here).
    return {"selfcheck": res, "worstNormMax": worst, "numpyNonFloat32": sorted(np_dtypes)}


# ===================================================================== info and main

def blas_info():
    try:
        cfg = np.show_config(mode="dicts")
        blas = cfg.get("Build Dependencies", {}).get("blas", {})
        return {k: blas.get(k) for k in ("name", "version", "openblas configuration") if k in blas}
    except Exception as e:  # older NumPy without mode="dicts"
        return {"error": repr(e)}


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def collect_info(args):
    info = {
        "python": platform.python_version(), "numpy": np.__version__, "numpyBlas": blas_info(),
        "threads": args.threads, "cpuCount": os.cpu_count(),
        "cpuAffinity": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "cpuModel": cpu_model(), "platform": platform.platform(),
        "env": {k: os.environ.get(k) for k in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS",
                                               "TF_ENABLE_ONEDNN_OPTS", "TF_CPP_MIN_LOG_LEVEL")},
        "size": args.size, "seed": args.seed,
    }
    if tf is not None:
        info["tensorflow"] = tf.__version__
        info["keras"] = tf.keras.__version__ if hasattr(tf.keras, "__version__") else None
        info["tfIntraOpThreads"] = tf.config.threading.get_intra_op_parallelism_threads()
        info["tfInterOpThreads"] = tf.config.threading.get_inter_op_parallelism_threads()
        info["TF_ENABLE_ONEDNN_OPTS"] = os.environ.get("TF_ENABLE_ONEDNN_OPTS")
        try:
            from tensorflow.python.util import _pywrap_util_port
            info["tfOneDnnEnabled"] = bool(_pywrap_util_port.IsMklEnabled())
        except Exception as e:
            info["tfOneDnnEnabled"] = repr(e)
    return info


def main(args):
    # Everything printed by libraries goes to stderr; the JSON document goes to the real stdout at the end.
    out_fd = os.dup(1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    if args.impl == "tf" or args.selfcheck:
        setup_tf(args.threads)
    if args.selfcheck:
        doc = selfcheck(args.seed)
        doc["info"] = collect_info(args)
    else:
        with open(os.path.join(HERE, "cases.json")) as f:
            spec = json.load(f)
        table = NP_CASES if args.impl == "numpy" else TF_CASES
        wanted = [c for c in args.cases.split(",") if c]
        known = {c["id"] for c in spec["cases"]}
        unknown = [c for c in wanted if c not in known]
        if unknown:
            raise SystemExit(f"unknown case ids: {unknown} (cases.json has {sorted(known)})")
        W, R = spec["warmup"][args.size], spec["reps"][args.size]
        rows = []
        for case in spec["cases"]:
            cid = case["id"]
            if (wanted and cid not in wanted) or cid not in table:
                continue
            p = case[args.size]
            log(f"{args.impl} {cid} {args.size} {json.dumps(p)}")
            t0 = time.perf_counter()
            for row in table[cid](p, case_rng(cid, args.seed), W, R):
                rows.append({"case": cid, **row, "reps": row.get("reps", R),
                             "warmup": row.get("warmupSteps", W) if case.get("epoch") else W})
                log(f"  {row['impl']}: median {row['ms']:.3f} ms, min {row['minMs']:.3f} ms")
            log(f"  ({time.perf_counter() - t0:.1f} s)")
        doc = {"info": collect_info(args), "rows": rows}
    doc["peakRssMB"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    with os.fdopen(out_fd, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main(ARGS)
