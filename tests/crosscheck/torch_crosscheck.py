#!/usr/bin/python3
"""PyTorch side of tests/test-torch-crosscheck.c.

Usage: torch_crosscheck.py DIR

DIR holds what interp computed (see the C test): weights.safetensors (the
initial parameters and buffers); step.safetensors with, for each of two
batches (prefix "ties." for image-like inputs whose max-pool windows have
exact ties, "distinct." for inputs without ties), the input, labels, logits,
loss, grad.input, grad.<param>, buffer.<name> after the forward pass and
value.<node> / nodegrad.<node> of the probed nodes (every ReLU), plus
step<k>.input / step<k>.labels and <opt>.step<k>.value.<node> for the
optimiser runs (the metadata names the architecture, the normalisation and
the optimiser settings); and sgd.safetensors / adam.safetensors, the
parameters and buffers after the optimiser steps.

This script builds the same layers in PyTorch (float32), repeats the
computation from the same weights and compares: the logits, loss, every
parameter gradient, the input gradient, the BatchNorm running statistics,
the intermediate node values it can name, and the parameters after the
optimiser steps.  It prints one line per tensor and exits 1 when a relative
error exceeds its tolerance.

Relative error of a tensor: max |ours - torch| / max |torch| (the tensor's
scale, so entries near zero do not dominate).
"""
import json
import struct
import sys

import torch
import torch.nn.functional as F

# Float32 with different summation orders: values and gradients agree to
# ~1e-6 of their scale; 1e-4 leaves room for BatchNorm's batch statistics and
# deep chains and still catches any wrong term.
TOL = {"forward": 1e-4, "grad": 1e-4, "buffer": 1e-4, "sgd": 1e-4}
# Adam divides by sqrt(v): a parameter whose gradient is nearly zero (a sum
# that cancels) steps by about lr in a direction that rounding decides, so
# float32 Adam runs legitimately differ by up to ~1e-2 of lr, and more when
# the gradients were summed in another order (ours: up to 1.2e-3 where
# PyTorch's float32 run is within 3e-4 of float64).  Both ours and
# PyTorch's float32 run are measured against a float64 run; ours may be off
# by ADAM_FACTOR times PyTorch's own error, and always by ADAM_MIN.  A wrong
# update rule (bias correction, eps, betas) moves every entry by ~lr and
# stays far outside; the rule itself is checked exactly on given gradients
# by tests/nn/test-optim.c.
ADAM_FACTOR, ADAM_MIN = 3.0, 1e-2


def read_safetensors(path):
    with open(path, "rb") as f:
        blob = f.read()
    (n,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8:8 + n].decode("utf-8"))
    meta = header.pop("__metadata__", {})
    data = blob[8 + n:]
    out = {}
    for name, entry in header.items():
        if entry["dtype"] != "F32":
            raise SystemExit("%s: %s has dtype %s" % (path, name, entry["dtype"]))
        begin, end = entry["data_offsets"]
        t = torch.frombuffer(bytearray(data[begin:end]), dtype=torch.float32)
        out[name] = t.reshape(entry["shape"]).clone()
    return out, meta


# ---- models, written functionally over a dict of named tensors --------------

def normalize(x, meta):
    mean = torch.tensor([float(v) for v in meta["mean"].split(",")], dtype=x.dtype)
    std = torch.tensor([float(v) for v in meta["std"].split(",")], dtype=x.dtype)
    return (x - mean.view(1, -1, 1, 1)) / std.view(1, -1, 1, 1)


def relu(x, interp_y):
    """ReLU that keeps the entries interp kept (interp_y > 0, interp's own
    output of this node).  A pre-activation within rounding of zero has a
    sign decided by the last bits of the layers below; one such entry
    changes the gradients of everything before it by ~1e-3 of their scale
    (BatchNorm centres pre-activations at zero, so ResNets have a few per
    batch).  The forward comparison of interp_y shows the choice was
    within rounding."""
    if interp_y is None:
        return F.relu(x)
    return x * (interp_y > 0).to(x.dtype)


def max_pool(x, interp_x):
    """2x2 max pool of x that takes, in every window, the element interp
    took: the first maximum of interp's own values interp_x of the same
    tensor.  Both are correct, but where two entries of a window are equal
    up to rounding, the last bits of the convolution below decide which one
    is the maximum and so where the gradient goes; a single such window
    moves a weight gradient by ~1e-4 of its scale.  With interp's choice
    (validated by the forward comparison of interp_x) the comparison measures
    arithmetic, not coin flips."""
    if interp_x is None:
        return F.max_pool2d(x, 2)
    _, idx = F.max_pool2d_with_indices(interp_x.to(x.dtype), 2)
    return x.flatten(2).gather(2, idx.flatten(2)).view(idx.shape)


def cnn_forward(p, x, meta, keep, probes=None):
    """model:cnn with its defaults: per conv<k>, 3x3 valid conv, relu<k>,
    2x2 max pool<k>; flatten; per fc<j>, linear + relu; fc.  keep receives
    the node values under interp's node names; probes holds interp's values
    of relu<k> for max_pool."""
    probes = probes or {}
    x = keep["normalize"] = normalize(x, meta)
    k = 1
    while "conv%d.weight" % k in p:
        x = keep["conv%d" % k] = F.conv2d(x, p["conv%d.weight" % k], p.get("conv%d.bias" % k))
        x = keep["relu%d" % k] = relu(x, probes.get("relu%d" % k))
        x = keep["pool%d" % k] = max_pool(x, probes.get("relu%d" % k))
        k += 1
    x = x.flatten(1)
    j = 1
    while "fc%d.weight" % j in p:
        x = keep["fc%d" % j] = F.linear(x, p["fc%d.weight" % j], p["fc%d.bias" % j])
        name = "relu%d" % (k + j - 1)
        x = keep[name] = relu(x, probes.get(name))
        j += 1
    return F.linear(x, p["fc.weight"], p["fc.bias"])


def bn(p, name, x, keep):
    # Train mode: batch statistics, and p[name.running_*] updated in place
    # as nn.BatchNorm2d does (momentum 0.1, unbiased running variance).
    y = F.batch_norm(x, p[name + ".running_mean"], p[name + ".running_var"],
                     p[name + ".weight"], p[name + ".bias"], True, 0.1, 1e-5)
    keep[name] = y
    return y


def resnet20_forward(p, x, meta, keep, probes=None):
    """CIFAR ResNet-20 (He et al. 2016, section 4.2) with option-A
    shortcuts, BatchNorm in train mode.  probes holds interp's values of
    the ReLU nodes for relu()."""
    probes = probes or {}
    x = keep["normalize"] = normalize(x, meta)
    x = keep["conv1"] = F.conv2d(x, p["conv1.weight"], padding=1)
    x = keep["relu"] = relu(bn(p, "bn1", x, keep), probes.get("relu"))
    channels = 16
    for s, planes in enumerate((16, 32, 64)):
        for b in range(3):
            pre = "layer%d.%d" % (s + 1, b)
            stride = 2 if s > 0 and b == 0 else 1
            y = keep[pre + ".conv1"] = F.conv2d(x, p[pre + ".conv1.weight"], stride=stride,
                                                padding=1)
            y = keep[pre + ".relu1"] = relu(bn(p, pre + ".bn1", y, keep),
                                            probes.get(pre + ".relu1"))
            y = keep[pre + ".conv2"] = F.conv2d(y, p[pre + ".conv2.weight"], padding=1)
            y = bn(p, pre + ".bn2", y, keep)
            if stride != 1 or channels != planes:
                before = (planes - channels) // 2
                short = F.pad(x[:, :, ::stride, ::stride],
                              (0, 0, 0, 0, before, planes - channels - before))
                keep[pre + ".shortcut"] = short
            else:
                short = x
            y = keep[pre + ".add"] = y + short
            x = keep[pre + ".relu2"] = relu(y, probes.get(pre + ".relu2"))
            channels = planes
    x = keep["avgpool"] = F.adaptive_avg_pool2d(x, 1)
    return F.linear(x.flatten(1), p["fc.weight"], p["fc.bias"])


MODELS = {"cnn": cnn_forward, "resnet20": resnet20_forward}


def is_buffer(name):
    return (name.endswith(".running_mean") or name.endswith(".running_var")
            or name in ("normalize.mean", "normalize.std"))


def load_params(weights, dtype=torch.float32):
    """Trainable parameters as leaves requiring grad, buffers as plain
    tensors, in the file's (the network's) order."""
    p = {}
    for name, t in weights.items():
        t = t.to(dtype)
        p[name] = t.clone() if is_buffer(name) else t.clone().requires_grad_()
    return p


# ---- comparison -------------------------------------------------------------

failures = []


def rel_error(ours, ref, scale=None):
    ours = ours.detach().double().reshape(ref.shape)
    ref = ref.detach().double()
    if scale is None:
        scale = ref.abs().max().item()
    return (ours - ref).abs().max().item() / max(scale, 1e-30), scale


def report(kind, name, err, scale, tol):
    ok = err <= tol
    if not ok:
        failures.append(name)
    print("%s %-8s %-40s rel err %.2e (scale %.3g, tol %.0e)"
          % ("ok  " if ok else "FAIL", kind, name, err, scale, tol))


def compare(kind, name, ours, ref, scale=None):
    if ours.numel() != ref.numel():
        failures.append(name)
        print("FAIL %-8s %-40s shape %s, torch %s" % (kind, name, list(ours.shape),
                                                      list(ref.shape)))
        return
    err, scale = rel_error(ours, ref, scale)
    report(kind, name, err, scale, TOL[kind])


def probes_of(step, prefix):
    """interp's values of the probed nodes: {node: tensor}."""
    key = prefix + "value."
    return {k[len(key):]: v for k, v in step.items() if k.startswith(key)}


def check_pass(step, weights, meta, prefix):
    """One forward + cross-entropy + backward in train mode."""
    forward = MODELS[meta["arch"]]
    p = load_params(weights)
    x = step[prefix + "input"].clone().requires_grad_()
    keep = {}
    probes = probes_of(step, prefix)
    logits = forward(p, x, meta, keep, probes)
    for t in keep.values():
        if t.requires_grad:
            t.retain_grad()
    loss = F.cross_entropy(logits, step[prefix + "labels"].long())
    loss.backward()
    probes = {node: t for node, t in probes.items() if node in keep}
    for node, t in probes.items():
        compare("forward", prefix + node, t, keep[node])
    for node in probes:
        if keep[node].grad is not None:
            compare("grad", prefix + node + " (node)", step[prefix + "nodegrad." + node],
                    keep[node].grad)
    compare("forward", prefix + "logits", step[prefix + "logits"], logits)
    compare("forward", prefix + "loss", step[prefix + "loss"], loss.reshape(1))
    compare("grad", prefix + "input", step[prefix + "grad.input"], x.grad)
    for name, t in p.items():
        if is_buffer(name):
            compare("buffer", prefix + name, step[prefix + "buffer." + name], t)
        else:
            compare("grad", prefix + name, step[prefix + "grad." + name], t.grad)


def run_optimizer(step, weights, meta, opt_name, dtype):
    forward = MODELS[meta["arch"]]
    lr = float(meta[opt_name + ".lr"])
    wd = float(meta[opt_name + ".weight_decay"])
    p = load_params(weights, dtype)
    params = [t for n, t in p.items() if not is_buffer(n)]
    if opt_name == "sgd":
        opt = torch.optim.SGD(params, lr=lr, momentum=float(meta["sgd.momentum"]),
                              weight_decay=wd)
    else:
        opt = torch.optim.Adam(params, lr=lr, weight_decay=wd)
    for s in range(int(meta["steps"])):
        opt.zero_grad()
        probes = probes_of(step, "%s.step%d." % (opt_name, s))
        out = forward(p, step["step%d.input" % s].to(dtype), meta, {}, probes)
        F.cross_entropy(out, step["step%d.labels" % s].long()).backward()
        opt.step()
    return p


def check_optimizers(step, weights, meta, d):
    n_steps = int(meta["steps"])
    for opt_name in ("sgd", "adam"):
        ours, _ = read_safetensors("%s/%s.safetensors" % (d, opt_name))
        p = run_optimizer(step, weights, meta, opt_name, torch.float32)
        p64 = run_optimizer(step, weights, meta, opt_name, torch.float64) \
            if opt_name == "adam" else None
        for name, t in p.items():
            # The distance travelled, so the comparison is about the steps.
            moved_ours = ours[name].double() - weights[name].double()
            moved = t.detach().double() - weights[name].double()
            if is_buffer(name) and opt_name == "adam":
                # Running statistics follow the weights Adam moved (above),
                # so they are held to the same measure: against float64,
                # within ADAM_FACTOR times PyTorch's own float32 error.
                torch_err, scale = rel_error(t, p64[name])
                err, _ = rel_error(ours[name], p64[name])
                report("buffer", opt_name + ":" + name + " (vs float64)", err, scale,
                       max(TOL["buffer"], ADAM_FACTOR * torch_err))
            elif is_buffer(name):
                compare("buffer", opt_name + ":" + name, ours[name], t)
            elif opt_name == "sgd":
                compare("sgd", name, moved_ours, moved, scale=moved.abs().max().item())
            else:
                moved64 = p64[name].detach().double() - weights[name].double()
                scale = n_steps * float(meta["adam.lr"])
                torch_err, _ = rel_error(moved, moved64, scale)
                err, _ = rel_error(moved_ours, moved64, scale)
                report("adam", name + " (vs float64)", err, scale,
                       max(ADAM_MIN, ADAM_FACTOR * torch_err))


def main():
    d = sys.argv[1]
    torch.manual_seed(0)
    torch.set_num_threads(1)
    weights, _ = read_safetensors(d + "/weights.safetensors")
    step, meta = read_safetensors(d + "/step.safetensors")
    for prefix in ("ties.", "distinct."):
        check_pass(step, weights, meta, prefix)
    check_optimizers(step, weights, meta, d)
    if failures:
        print("%d tensors differ: %s" % (len(failures), ", ".join(failures)))
        return 1
    print("all tensors agree")
    return 0


if __name__ == "__main__":
    sys.exit(main())
