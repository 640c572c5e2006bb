#!/usr/bin/env python3
"""PyTorch reference for interp's benchmark (bench/, interp-bench).

Builds the same two networks as interp's model plugins with their default
parameters, and times them the same way: after warm-up, the MEDIAN over
timed iterations of
  - a training step (forward, mean softmax cross-entropy, backward, SGD with
    momentum 0.9 and weight decay 5e-4, lr 0.01) at batch 128, and
  - inference (eval mode, no autograd) at batch 256,
on random images in [0, 1] with a fixed per-channel (x - 0.5) / 0.5
normalisation as the first layer (interp's "normalize" node).

  small CNN (model:cnn defaults), 1x28x28, 10 classes:
    conv 32 3x3, relu, maxpool 2, conv 64 3x3, relu, maxpool 2,
    flatten (1600), fc 128, relu, fc 10
  CIFAR ResNet-20 (model:resnet defaults; He et al. 2016), 3x32x32:
    3x3 conv 16 + BN + relu, 3 stages x 3 basic blocks (16, 32, 64 channels),
    option-A shortcuts (subsample + zero-pad channels), global avg pool, fc 10

Prints one JSON object on stdout (bench-reference.c reads it); progress goes to
stderr.  Exits with status 3 when torch cannot be imported.
"""
import argparse
import json
import resource
import statistics
import sys
import time

try:
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
except ImportError as exc:  # interp-bench reports the reference as unavailable
    print(f"pytorch_reference.py: cannot import torch: {exc}", file=sys.stderr)
    sys.exit(3)


class Normalize(nn.Module):
    """Fixed per-channel (x - mean) / std, no parameters."""

    def __init__(self, channels):
        super().__init__()
        self.register_buffer("mean", torch.full((1, channels, 1, 1), 0.5))
        self.register_buffer("std", torch.full((1, channels, 1, 1), 0.5))

    def forward(self, x):
        return (x - self.mean) / self.std


class SmallCNN(nn.Module):
    def __init__(self, classes=10):
        super().__init__()
        self.normalize = Normalize(1)
        self.conv1 = nn.Conv2d(1, 32, 3)
        self.conv2 = nn.Conv2d(32, 64, 3)
        self.fc1 = nn.Linear(64 * 5 * 5, 128)
        self.fc = nn.Linear(128, classes)

    def forward(self, x):
        x = self.normalize(x)
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = F.relu(self.fc1(torch.flatten(x, 1)))
        return self.fc(x)


class OptionAShortcut(nn.Module):
    """Every stride-th pixel, channels zero-padded evenly before and after."""

    def __init__(self, in_channels, out_channels, stride):
        super().__init__()
        self.stride = stride
        self.before = (out_channels - in_channels) // 2
        self.after = out_channels - in_channels - self.before

    def forward(self, x):
        x = x[:, :, :: self.stride, :: self.stride]
        return F.pad(x, (0, 0, 0, 0, self.before, self.after))


class BasicBlock(nn.Module):
    def __init__(self, in_channels, channels, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, channels, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(channels)
        self.conv2 = nn.Conv2d(channels, channels, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(channels)
        if stride != 1 or in_channels != channels:
            self.shortcut = OptionAShortcut(in_channels, channels, stride)
        else:
            self.shortcut = nn.Identity()

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        return F.relu(y + self.shortcut(x))


class CifarResNet(nn.Module):
    def __init__(self, depth=20, classes=10):
        super().__init__()
        n = (depth - 2) // 6
        self.normalize = Normalize(3)
        self.conv1 = nn.Conv2d(3, 16, 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(16)
        in_channels = 16
        # layer1..layer3, as interp's node names, so state_dicts match.
        for stage, channels in enumerate((16, 32, 64)):
            blocks = []
            for b in range(n):
                stride = 2 if stage > 0 and b == 0 else 1
                blocks.append(BasicBlock(in_channels, channels, stride))
                in_channels = channels
            setattr(self, f"layer{stage + 1}", nn.Sequential(*blocks))
        self.fc = nn.Linear(64, classes)

    def forward(self, x):
        x = F.relu(self.bn1(self.conv1(self.normalize(x))))
        x = self.layer3(self.layer2(self.layer1(x)))
        x = torch.flatten(F.adaptive_avg_pool2d(x, 1), 1)
        return self.fc(x)


def read_check(path):
    """Records written by bench-reference.c's bench_write_check: int32 name length, name,
    int32 ndim, int64 dims, float32 data."""
    import struct
    records, data, o = {}, open(path, "rb").read(), 0
    while o < len(data):
        (n,) = struct.unpack_from("<i", data, o)
        name = data[o + 4:o + 4 + n].decode()
        o += 4 + n
        (ndim,) = struct.unpack_from("<i", data, o)
        shape = struct.unpack_from(f"<{ndim}q", data, o + 4)
        o += 4 + 8 * ndim
        count = 1
        for d in shape:
            count *= d
        t = torch.frombuffer(bytearray(data[o:o + 4 * count]), dtype=torch.float32)
        records[name] = t.reshape(shape)
        o += 4 * count
    return records


def check_same_function(model, path):
    """Loads interp's weights into `model` and compares train-mode logits,
    every parameter gradient of the mean cross-entropy, the BN running
    statistics after that step and the eval-mode logits."""
    rec = read_check(path)
    special = {"x", "train_logits", "eval_logits"}
    weights = {k: v for k, v in rec.items() if ":" not in k and k not in special}
    state = model.state_dict()
    unknown = sorted(k for k in weights if k not in state)
    missing = sorted(k for k in state if k not in weights
                     and not k.endswith("num_batches_tracked") and not k.startswith("normalize."))
    if unknown or missing:
        return {"same": False, "unknown": unknown, "missing": missing}
    for k, v in weights.items():
        if state[k].shape != v.shape:
            return {"same": False, "shape_mismatch": k}
    model.load_state_dict(weights, strict=False)
    model.train()
    x = rec["x"]
    labels = torch.arange(x.shape[0]) % 10
    model.zero_grad()
    out = model(x)
    F.cross_entropy(out, labels).backward()
    train_diff = (out.detach() - rec["train_logits"]).abs().max().item()
    params, buffers = dict(model.named_parameters()), dict(model.named_buffers())
    grad_rel = 0.0
    for k in weights:
        ours = rec.get("grad:" + k)
        theirs = params[k].grad if ours is not None else buffers[k]
        if ours is None:
            ours = rec["after:" + k]
        rel = ((theirs - ours).norm() / max(theirs.norm().item(), 1e-12)).item()
        grad_rel = max(grad_rel, rel)
    model.eval()
    with torch.no_grad():
        out_eval = model(x)
    eval_diff = (out_eval - rec["eval_logits"]).abs().max().item()
    scale = max(out.abs().max().item(), 1.0)
    return {
        "train_logits_max_abs": train_diff,
        "eval_logits_max_abs": eval_diff,
        "grad_max_rel": grad_rel,
        # float32 with different summation orders: 1e-4 of the logits' scale
        # and 1e-3 relative on gradients separate rounding from a real bug.
        "same": train_diff <= 1e-4 * scale and eval_diff <= 1e-4 * scale and grad_rel <= 1e-3,
    }


def median_seconds(step, warmup, iters):
    for _ in range(warmup):
        step()
    times = []
    for _ in range(iters):
        t0 = time.perf_counter()
        step()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), min(times), max(times)


def time_training(model, shape, batch, warmup, iters, gen):
    model.train()
    x = torch.rand((batch,) + shape, generator=gen)
    y = torch.randint(0, 10, (batch,), generator=gen)
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, weight_decay=5e-4)

    def step():
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()

    return median_seconds(step, warmup, iters)


def time_inference(model, shape, batch, warmup, iters, gen):
    model.eval()
    x = torch.rand((batch,) + shape, generator=gen)

    def step():
        with torch.no_grad():
            model(x)

    return median_seconds(step, warmup, iters)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--iters", type=int, default=30)
    ap.add_argument("--train-batch", type=int, default=128)
    ap.add_argument("--infer-batch", type=int, default=256)
    ap.add_argument("--check", action="append", default=[], metavar="MODEL=PATH",
                    help="compare with interp's weights and outputs (interp-bench writes these)")
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    gen = torch.Generator().manual_seed(0)
    models = {
        "cnn": (SmallCNN(), (1, 28, 28)),
        "resnet20": (CifarResNet(20), (3, 32, 32)),
    }
    check = {}
    for item in args.check:
        name, _, path = item.partition("=")
        if name not in models:
            ap.error(f"--check: unknown model {name}")
        print(f"pytorch: checking {name} against {path}", file=sys.stderr)
        check[name] = check_same_function(models[name][0], path)
    cases = {}
    for name, (model, shape) in models.items():
        for kind, batch, fn in (("train", args.train_batch, time_training),
                                ("infer", args.infer_batch, time_inference)):
            case = f"{name}-{kind}"
            print(f"pytorch: {case} batch {batch}", file=sys.stderr)
            med, lo, hi = fn(model, shape, batch, args.warmup, args.iters, gen)
            cases[case] = {
                "batch": batch,
                "median_s": med,
                "min_s": lo,
                "max_s": hi,
                "img_per_s": batch / med,
            }
    out = {
        "torch_version": torch.__version__,
        "threads": torch.get_num_threads(),
        "params": {name: sum(p.numel() for p in m.parameters())
                   for name, (m, _) in models.items()},
        "cases": cases,
        "check": check,
        # Linux reports kilobytes.
        "peak_rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    }
    json.dump(out, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
