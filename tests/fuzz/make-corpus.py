#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz harnesses into tests/fuzz/corpus/NAME/.

Small valid inputs of every format, built from the formats' descriptions
(cited in each reader's header comment).  The JPEG seeds come from
make-jpeg-seeds.c (libjpeg), the report's run folder from the report tests'
fixture: run this with --report RUN_DIR (a folder tests/report/report-fixture
wrote; fuzz-report leaves one under its scratch folder, "fixture", when run
with INTERP_FUZZ_KEEP=1) to refresh those.  Usage: make-corpus.py [--report RUN_DIR]
"""
import gzip
import json
import os
import shutil
import struct
import sys
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "corpus")
TOP = os.path.dirname(os.path.dirname(HERE))
SEP = b"\n--8<--\n"   # fuzz_split's separator (fuzz-util.h)


def put(name, fname, data):
    d = os.path.join(CORPUS, name)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, fname), "wb") as f:
        f.write(data)


# ---- .npy (numpy/lib/format.py) -------------------------------------------
def npy(descr, shape, payload, version=1):
    shp = "(" + ", ".join(str(s) for s in shape) + ("," if len(shape) == 1 else "") + ")"
    head = "{'descr': '%s', 'fortran_order': False, 'shape': %s, }" % (descr, shp)
    lenfmt, pre = ("<H", 10) if version == 1 else ("<I", 12)
    pad = 64 - (pre + len(head) + 1) % 64
    head = head + " " * pad + "\n"
    return b"\x93NUMPY" + bytes([version, 0]) + struct.pack(lenfmt, len(head)) + head.encode() + payload


def make_npy():
    put("npy", "f4-2x3.npy", npy("<f4", (2, 3), struct.pack("<6f", *range(6))))
    put("npy", "u1-4.npy", npy("|u1", (4,), bytes([0, 1, 2, 255])))
    put("npy", "i8-v2.npy", npy("<i8", (3,), struct.pack("<3q", 1, -2, 3), version=2))
    put("npy", "i4-2x1x2x1.npy", npy("<i4", (2, 1, 2, 1), struct.pack("<4i", 1, 2, 3, 4)))
    put("npy", "f4-be.npy", npy(">f4", (2,), struct.pack(">2f", 0.5, -1.0), version=3))


# ---- IDX (LeCun's MNIST page) ---------------------------------------------
def idx_pair(n=2, rows=3, cols=3):
    images = struct.pack(">IIII", 0x803, n, rows, cols) + bytes((i * 37) % 256 for i in range(n * rows * cols))
    labels = struct.pack(">II", 0x801, n) + bytes(i % 10 for i in range(n))
    return images, labels


def make_idx():
    for n, r, c in ((2, 3, 3), (1, 1, 1), (3, 2, 4)):
        im, la = idx_pair(n, r, c)
        put("idx", "idx-%dx%dx%d" % (n, r, c), im + SEP + la)
        put("idx-gz", "idx-gz-%dx%dx%d" % (n, r, c),
            gzip.compress(im, mtime=0) + SEP + gzip.compress(la, mtime=0))


# ---- CIFAR binary batches (Krizhevsky's dataset page) ---------------------
def make_cifar():
    px = bytes((i * 7) % 256 for i in range(3072))
    r10 = lambda lab: bytes([lab]) + px
    r100 = lambda c, f: bytes([c, f]) + px
    put("cifar", "cifar10-1-1", b"\x00" + r10(3) + SEP + r10(9))
    put("cifar", "cifar10-2-1", b"\x00" + r10(0) + r10(1) + SEP + r10(2))
    put("cifar", "cifar100-fine", b"\x01" + r100(19, 99) + SEP + r100(0, 0))
    names = "\n".join("c%d" % i for i in range(20)).encode()
    put("cifar", "cifar100-coarse-names", b"\x03" + r100(5, 42) + SEP + r100(1, 7) + SEP + names)


# ---- PNG (RFC 2083 / the PNG specification) -------------------------------
def png(w, h, colour, depth, rows, plte=None, trns=None):
    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
    raw = b"".join(b"\x00" + r for r in rows)
    out = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, depth, colour, 0, 0, 0))
    if plte:
        out += chunk(b"PLTE", plte)
    if trns:
        out += chunk(b"tRNS", trns)
    return out + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def make_png():
    put("png", "grey-2x2.png", png(2, 2, 0, 8, [b"\x00\xff", b"\x80\x40"]))
    put("png", "rgb-2x1.png", png(2, 1, 2, 8, [b"\xff\x00\x00\x00\xff\x00"]))
    put("png", "rgba-1x2.png", png(1, 2, 6, 8, [b"\x01\x02\x03\x04", b"\x05\x06\x07\x08"]))
    put("png", "grey16-1x1.png", png(1, 1, 0, 16, [b"\x12\x34"]))
    put("png", "palette-2x2.png", png(2, 2, 3, 8, [b"\x00\x01", b"\x01\x00"],
                                       plte=b"\x00\x00\x00\xff\xff\xff", trns=b"\x80"))
    put("png", "greyalpha-1x1.png", png(1, 1, 4, 8, [b"\x10\x20"]))
    put("png", "grey1bit-8x1.png", png(8, 1, 0, 1, [b"\xa5"]))


# ---- safetensors (huggingface/safetensors README: the format) -------------
def st(tensors, meta=None):
    head, data = {}, b""
    if meta is not None:
        head["__metadata__"] = meta
    for name, dtype, shape, payload in tensors:
        head[name] = {"dtype": dtype, "shape": shape, "data_offsets": [len(data), len(data) + len(payload)]}
        data += payload
    h = json.dumps(head, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    return struct.pack("<Q", len(h)) + h + data


def make_safetensors():
    f = lambda *v: struct.pack("<%df" % len(v), *v)
    put("safetensors", "one.safetensors", st([("w", "F32", [2, 2], f(1, 2, 3, 4))]))
    put("safetensors", "two-meta.safetensors",
        st([("a.weight", "F32", [3], f(0.5, 1, 2)), ("a.bias", "F32", [], f(7))],
           {"format": "pt", "interp.version": "0.1.0"}))
    put("safetensors", "i64-skip.safetensors",
        st([("bn.num_batches_tracked", "I64", [], struct.pack("<q", 5)),
            ("bn.running_mean", "F32", [1, 2, 1, 1], f(0, 1))]))
    put("safetensors", "empty.safetensors", st([]))


# ---- pipeline key files and hypothesis groups -----------------------------
def make_pipeline():
    pdir = os.path.join(TOP, "share", "interp", "pipelines")
    for fn in sorted(os.listdir(pdir)):
        if fn.endswith(".ini"):
            with open(os.path.join(pdir, fn), "rb") as f:
                put("pipeline", fn, f.read())


HYPOTHESES = [
    b"""[hypothesis:h]
claim = it helps
metric = accuracy
target = conv1
condition = regularizer:selectivity.alpha=-1, model.width = 2
control = regularizer:selectivity.alpha=0
expect = less
""",
    b"""[hypothesis:ratio]
metric = accuracy
condition = train.lr=0.1
control = train.lr=0.01
expect = greater
effect = ratio
test = welch
level = 0.01
""",
    b"""[hypothesis:robust]
metric = accuracy
perturbation = attack:fgsm
perturbation-level = 0.03
control-perturbation = clean
condition = model.width=2
control = model.width=1
expect = greater
margin = 0.01
test = bootstrap
resamples = 2000
requires = other

[hypothesis:other]
metric = loss
condition = model.width=2
control = model.width=1
expect = less
""",
]


def make_hypothesis():
    for i, h in enumerate(HYPOTHESES):
        put("hypothesis", "h%d.ini" % i, h)
    pdir = os.path.join(TOP, "share", "interp", "pipelines")
    for fn in ("selectivity.ini", "robustness.ini"):
        with open(os.path.join(pdir, fn), "rb") as f:
            put("hypothesis", fn, f.read())


def make_report(run_dir):
    def rd(rel):
        with open(os.path.join(run_dir, rel), "rb") as f:
            return f.read()
    put("report", "fixture", rd("manifest.json") + SEP + rd("summary.json") + SEP
        + rd("trials/trial-000/metrics.json"))


def main():
    args = sys.argv[1:]
    keep = {"jpeg", "report"}
    if os.path.isdir(CORPUS):
        for d in os.listdir(CORPUS):
            if d not in keep:
                shutil.rmtree(os.path.join(CORPUS, d))
    make_npy()
    make_idx()
    make_cifar()
    make_png()
    make_safetensors()
    make_pipeline()
    make_hypothesis()
    if len(args) == 2 and args[0] == "--report":
        make_report(args[1])


if __name__ == "__main__":
    main()
