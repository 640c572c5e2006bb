#!/usr/bin/env python3
"""PyTorch reference for interp's PGD benchmark (bench/, interp-bench-attacks).

For every --case NAME=MODEL,WEIGHTS,IMAGES: builds MODEL ("cnn" or
"resnet20", the networks of pytorch_reference.py), loads interp's trained
weights (WEIGHTS, interp's safetensors checkpoint) and the images interp
attacked (IMAGES: safetensors with "x" N x C x H x W in [0, 1], "labels" as
floats, and interp's clean eval-mode "logits"), checks that its clean logits
are interp's, then attacks the images batch by batch with PGD written here:

  Linf, eps 8/255, step 2/255, 10 steps; start x + U(-eps, eps) clamped to
  [0, 1]; each step x' = x' + step * sign(grad_x' CE(sum)), projected onto
  the eps-ball around x and clamped to [0, 1]; the last iterate is returned
  (Madry et al. 2018; as torchattacks' PGD, Harry24k/adversarial-attacks-pytorch).

model.eval() and parameters with requires_grad False (only d/dx is
computed, as interp's attack turns parameter gradients off).  The first
--warmup batches are untimed, the next --iters are timed one attack call
each; images per second come from the MEDIAN (and the best) call, robust
accuracy from every attacked image.

Prints one JSON object on stdout (bench-attacks.c reads it); progress goes
to stderr.  Exits with status 3 when torch cannot be imported.  Reads
safetensors itself (the format is an 8-byte header length, a JSON header and
raw little-endian data), so the safetensors package is not needed.
"""
import argparse
import json
import os
import resource
import statistics
import struct
import sys
import time

try:
    import torch
    import torch.nn.functional as F
except ImportError as exc:  # interp-bench-attacks reports the reference as unavailable
    print(f"attacks_reference.py: cannot import torch: {exc}", file=sys.stderr)
    sys.exit(3)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pytorch_reference import CifarResNet, SmallCNN  # noqa: E402  (after the torch check)


def read_safetensors(path):
    """name -> float32 tensor of a safetensors file (F32 only, as interp writes)."""
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack_from("<Q", data, 0)
    header = json.loads(data[8:8 + n])
    base, out = 8 + n, {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        if info["dtype"] != "F32":
            raise ValueError(f"{path}: {name}: dtype {info['dtype']}, expected F32")
        begin, end = info["data_offsets"]
        t = torch.frombuffer(bytearray(data[base + begin:base + end]), dtype=torch.float32)
        out[name] = t.reshape(info["shape"])
    return out


def load_weights(model, path):
    """interp's checkpoint into the model; the fixed normalisation (0.5, 0.5 on
    both sides) is the module's own buffers, and PyTorch's num_batches_tracked
    has no interp counterpart."""
    weights = {k: v for k, v in read_safetensors(path).items() if not k.startswith("normalize.")}
    state = model.state_dict()
    unknown = sorted(k for k in weights if k not in state)
    missing = sorted(k for k in state if k not in weights
                     and not k.endswith("num_batches_tracked") and not k.startswith("normalize."))
    if unknown or missing:
        raise ValueError(f"{path}: tensors unknown to the model {unknown}, missing {missing}")
    model.load_state_dict(weights, strict=False)


def pgd(model, x, y, eps, alpha, steps, gen):
    delta = (torch.rand(x.shape, generator=gen) * 2 - 1) * eps
    adv = (x + delta).clamp(0, 1)
    for _ in range(steps):
        adv.requires_grad_(True)
        loss = F.cross_entropy(model(adv), y, reduction="sum")
        (grad,) = torch.autograd.grad(loss, adv)
        adv = adv.detach() + alpha * grad.sign()
        adv = torch.min(torch.max(adv, x - eps), x + eps).clamp(0, 1)
    return adv.detach()


def run_case(model, images, args, gen):
    rec = read_safetensors(images)
    x, labels, logits = rec["x"], rec["labels"].reshape(-1).long(), rec["logits"]
    model.eval()
    for p in model.parameters():
        p.requires_grad_(False)
    with torch.no_grad():
        clean = torch.cat([model(x[s:s + args.batch]) for s in range(0, len(x), args.batch)])
    diff = (clean - logits).abs().max().item()
    scale = max(logits.abs().max().item(), 1.0)
    eps, alpha = 8.0 / 255.0, 2.0 / 255.0
    n_batches = args.warmup + args.iters
    if len(x) < n_batches * args.batch:
        raise ValueError(f"{images}: {len(x)} images, fewer than {n_batches} batches")
    times, correct = [], 0
    for r in range(n_batches):
        xb, yb = x[r * args.batch:(r + 1) * args.batch], labels[r * args.batch:(r + 1) * args.batch]
        t0 = time.perf_counter()
        adv = pgd(model, xb, yb, eps, alpha, args.steps, gen)
        t = time.perf_counter() - t0
        if r >= args.warmup:
            times.append(t)
        with torch.no_grad():
            correct += (model(adv).argmax(1) == yb).sum().item()
    med = statistics.median(times)
    return {
        "batch": args.batch,
        "median_s": med,
        "min_s": min(times),
        "img_per_s": args.batch / med,
        "best_img_per_s": args.batch / min(times),
        "robust_acc": correct / (n_batches * args.batch),
        "clean_acc": (clean.argmax(1) == labels[:len(clean)]).float().mean().item(),
        "logits_max_abs": diff,
        # float32 with different summation orders: 1e-4 of the logits' scale
        # separates rounding (measured ~1e-6) from different weights.
        "same_weights": 1.0 if diff <= 1e-4 * scale else 0.0,
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--iters", type=int, default=5)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("--case", action="append", default=[], metavar="NAME=MODEL,WEIGHTS,IMAGES")
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    gen = torch.Generator().manual_seed(0)
    builders = {"cnn": SmallCNN, "resnet20": lambda: CifarResNet(20)}
    cases = {}
    for item in args.case:
        name, _, rest = item.partition("=")
        parts = rest.split(",")
        if len(parts) != 3 or parts[0] not in builders:
            ap.error(f"--case {item}: expected NAME=cnn|resnet20,WEIGHTS,IMAGES")
        kind, weights, images = parts
        model = builders[kind]()
        load_weights(model, weights)
        print(f"pytorch: {name}: PGD-{args.steps}, batch {args.batch}", file=sys.stderr)
        cases[name] = run_case(model, images, args, gen)
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
