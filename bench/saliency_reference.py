#!/usr/bin/env python3
"""PyTorch reference for interp's saliency benchmark (bench/, interp-bench-saliency).

For every --case NAME=MODEL,METHOD,WEIGHTS,FILE: builds MODEL ("cnn" or
"resnet20", the networks of pytorch_reference.py), loads interp's trained
weights (WEIGHTS, interp's safetensors checkpoint) and FILE (safetensors
written by bench-saliency.c: "x" the timed images in [0, 1], "targets" as
floats, interp's eval-mode "logits", "cmaps" interp's maps of the first
images, "cdelta" their completeness deltas, and for SmoothGrad "noisy", the
noisy inputs interp's noise tunnel attributed, image after image), checks
that its clean logits are interp's, computes the maps of the compared
images with autograd in float32 and in float64 (a float64 copy of the
model: the near-exact map) and reports the largest differences interp -
float32, interp - float64 and float32 - float64, relative to the largest
|value| of interp's map, then times METHOD on the
timed images, --batch images per call:

  gradient    d z_t / d x (Simonyan et al. 2014), one pass
  ig          integrated gradients (Sundararajan et al. 2017) with a zero
              baseline: x * sum_k w_k grad z_t(alpha_k x), alpha_k and w_k
              the 50-point Gauss-Legendre rule mapped to [0, 1] (Captum's
              default "gausslegendre", pytorch/captum
              captum/attr/_utils/approximation_methods.py); the scaled
              inputs in forward/backward passes of --internal-batch images
  smoothgrad  (Smilkov et al. 2017) the mean of 50 gradients at
              x + N(0, sd^2), sd = 0.15 (max(x) - min(x)), the noisy
              samples in passes of --internal-batch images

model.eval() and parameters with requires_grad False (only d/dx is
computed, as interp's methods turn parameter gradients off).  The first
--warmup calls are untimed; images per second from the MEDIAN (and the best)
of the --iters timed calls.  The comparison runs before the timing and is
not timed.

Prints one JSON object on stdout (bench-saliency.c reads it); progress goes
to stderr.  Exits with status 3 when torch cannot be imported.
"""
import argparse
import copy
import json
import os
import resource
import statistics
import sys
import time

try:
    import numpy as np
    import torch
except ImportError as exc:  # interp-bench-saliency reports the reference as unavailable
    print(f"saliency_reference.py: cannot import torch: {exc}", file=sys.stderr)
    sys.exit(3)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from attacks_reference import load_weights, read_safetensors  # noqa: E402
from pytorch_reference import CifarResNet, SmallCNN  # noqa: E402

STEPS = 50      # IG steps
SAMPLES = 50    # SmoothGrad samples
STDEV = 0.15    # SmoothGrad's noise, a fraction of the image's range


def gauss_legendre(n, dtype=torch.float32):
    """Nodes and weights of the n-point Gauss-Legendre rule on [0, 1]."""
    x, w = np.polynomial.legendre.leggauss(n)
    return torch.tensor(0.5 * (x + 1), dtype=dtype), torch.tensor(0.5 * w, dtype=dtype)


def target_grad(model, inputs, targets):
    """d/d inputs of the sum of each row's target logit (rows do not interact in eval mode)."""
    inputs = inputs.detach().requires_grad_(True)
    z = model(inputs)
    (g,) = torch.autograd.grad(z.gather(1, targets[:, None]).sum(), inputs)
    return g, z.detach()


def gradient(model, x, t, internal):
    return target_grad(model, x, t)[0]


def integrated_gradients(model, x, t, internal, alphas, weights):
    """Zero baseline: the path alpha x, alpha in (0, 1); image-major scaled inputs."""
    n, steps = len(x), len(alphas)
    scaled = (alphas.view(1, steps, 1, 1, 1) * x[:, None]).reshape(n * steps, *x.shape[1:])
    rows_t = t.repeat_interleave(steps)
    wsum = torch.empty_like(scaled)
    for s in range(0, len(scaled), internal):
        wsum[s:s + internal] = target_grad(model, scaled[s:s + internal], rows_t[s:s + internal])[0]
    wsum = (wsum.view(n, steps, *x.shape[1:]) * weights.view(1, steps, 1, 1, 1)).sum(1)
    return x * wsum


def smooth_grad_from(model, noisy, t, internal, samples):
    """The mean gradient over each image's `samples` consecutive noisy inputs."""
    n = len(t)
    rows_t = t.repeat_interleave(samples)
    g = torch.empty_like(noisy)
    for s in range(0, len(noisy), internal):
        g[s:s + internal] = target_grad(model, noisy[s:s + internal], rows_t[s:s + internal])[0]
    return g.view(n, samples, *noisy.shape[1:]).mean(1)


def smooth_grad(model, x, t, internal, gen):
    n = len(x)
    flat = x.view(n, -1)
    sd = STDEV * (flat.max(1).values - flat.min(1).values)
    noise = torch.randn((n, SAMPLES) + tuple(x.shape[1:]), generator=gen)
    noisy = (x[:, None] + sd.view(n, 1, 1, 1, 1) * noise).reshape(n * SAMPLES, *x.shape[1:])
    return smooth_grad_from(model, noisy, t, internal, SAMPLES)


def run_case(model, method, path, args, gen):
    rec = read_safetensors(path)
    x, t, logits = rec["x"], rec["targets"].reshape(-1).long(), rec["logits"]
    cmaps, cdelta = rec["cmaps"], rec["cdelta"].reshape(-1)
    model.eval()
    for p in model.parameters():
        p.requires_grad_(False)
    with torch.no_grad():
        clean = torch.cat([model(x[s:s + 128]) for s in range(0, len(x), 128)])
    logits_diff = (clean - logits).abs().max().item()
    scale = max(logits.abs().max().item(), 1.0)
    alphas, weights = gauss_legendre(STEPS)
    internal = args.internal_batch

    # The comparison: the same maps of the first len(cmaps) images, in
    # float32 as timed, and in float64 (a copy of the model) as the
    # near-exact map both float32 computations are judged against.
    nc = len(cmaps)
    cx, ct = x[:nc], t[:nc]
    model64 = copy.deepcopy(model).double()

    def maps_of(m, dtype):
        if method == "gradient":
            return gradient(m, cx.to(dtype), ct, internal)
        if method == "ig":
            a, w = gauss_legendre(STEPS, dtype)
            return integrated_gradients(m, cx.to(dtype), ct, internal, a, w)
        return smooth_grad_from(m, rec["noisy"].to(dtype), ct, internal, SAMPLES)

    maps = maps_of(model, torch.float32)
    maps64 = maps_of(model64, torch.float64)
    delta = None
    if method == "ig":
        with torch.no_grad():
            f_x = model(cx).gather(1, ct[:, None]).reshape(-1)
            f_0 = model(torch.zeros_like(cx)).gather(1, ct[:, None]).reshape(-1)
        delta = maps.reshape(nc, -1).double().sum(1) - (f_x - f_0).double()
    ref_max = cmaps.abs().max().item()

    def rel(d):  # None (JSON null: no NaN in JSON) for an all-zero map
        return d.abs().max().item() / ref_max if ref_max > 0 else None

    diff = rel(maps - cmaps)
    diff_interp64 = rel(cmaps.double() - maps64)
    diff_torch64 = rel(maps.double() - maps64)

    n_calls = args.warmup + args.iters
    if len(x) < n_calls * args.batch:
        raise ValueError(f"{path}: {len(x)} images, fewer than {n_calls} batches")
    times = []
    for r in range(n_calls):
        xb, tb = x[r * args.batch:(r + 1) * args.batch], t[r * args.batch:(r + 1) * args.batch]
        t0 = time.perf_counter()
        if method == "gradient":
            gradient(model, xb, tb, internal)
        elif method == "ig":
            integrated_gradients(model, xb, tb, internal, alphas, weights)
        else:
            smooth_grad(model, xb, tb, internal, gen)
        if r >= args.warmup:
            times.append(time.perf_counter() - t0)
    med = statistics.median(times)
    return {
        "batch": args.batch,
        "median_s": med,
        "min_s": min(times),
        "img_per_s": args.batch / med,
        "best_img_per_s": args.batch / min(times),
        "map_max_abs_diff_rel": diff,
        "map_max_abs": ref_max,
        "map_max_abs_diff_rel_interp_f64": diff_interp64,
        "map_max_abs_diff_rel_pytorch_f64": diff_torch64,
        "delta_mean_abs": delta.abs().mean().item() if delta is not None else None,
        "delta_mean_abs_interp": cdelta.abs().mean().item() if delta is not None else None,
        "logits_max_abs": logits_diff,
        # float32 with different summation orders: 1e-4 of the logits' scale
        # separates rounding (measured ~1e-6) from different weights.
        "same_weights": 1.0 if logits_diff <= 1e-4 * scale else 0.0,
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--iters", type=int, default=3)
    ap.add_argument("--batch", type=int, default=4)
    ap.add_argument("--internal-batch", type=int, default=50)
    ap.add_argument("--case", action="append", default=[],
                    metavar="NAME=MODEL,METHOD,WEIGHTS,FILE")
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    gen = torch.Generator().manual_seed(0)
    builders = {"cnn": SmallCNN, "resnet20": lambda: CifarResNet(20)}
    cases = {}
    for item in args.case:
        name, _, rest = item.partition("=")
        parts = rest.split(",")
        if len(parts) != 4 or parts[0] not in builders \
                or parts[1] not in ("gradient", "ig", "smoothgrad"):
            ap.error(f"--case {item}: expected NAME=cnn|resnet20,gradient|ig|smoothgrad,WEIGHTS,FILE")
        kind, method, weights, path = parts
        model = builders[kind]()
        load_weights(model, weights)
        print(f"pytorch: {name}: batch {args.batch}", file=sys.stderr)
        cases[name] = run_case(model, method, path, args, gen)
    out = {
        "torch_version": torch.__version__,
        "threads": torch.get_num_threads(),
        "cases": cases,
        # Linux reports kilobytes.
        "peak_rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    }
    json.dump(out, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
