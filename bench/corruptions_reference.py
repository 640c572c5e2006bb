#!/usr/bin/python3
"""The reference for interp-bench-corruptions: each corruption as a user would
otherwise compute it, with NumPy, SciPy, scikit-image, OpenCV and Pillow, the
libraries the published generators call (hendrycks/robustness
ImageNet-C/create_c/make_cifar_c.py; google-research/mnist-c corruptions.py).

Timing only: the CIFAR-10-C 32x32 constants are used at both sizes (the 28x28
tables interp derives are its own), so the mean absolute changes printed next to
interp's are comparable at 32x32 and indicative at 28x28.  Corruptions whose
libraries are missing (or that need assets: frost) are reported as skipped with
the reason.  Reads N x H x W x C uint8 images from .npy files, runs the images
over --processes worker processes and writes
  {"NAME@SIZE": {"img_per_s": ..., "change": [s1..s5]} or {"skip": why}}.
"""
import argparse
import io
import json
import multiprocessing
import sys
import time

import numpy as np

try:
    import scipy.ndimage as ndi
except ImportError:  # reported per corruption
    ndi = None
try:
    import skimage
    import skimage.color
    import skimage.feature
    import skimage.filters
    import skimage.transform
    import skimage.util
except ImportError:
    skimage = None
try:
    import cv2
except ImportError:
    cv2 = None
try:
    from PIL import Image
except ImportError:
    Image = None

# make_cifar_c.py constants, severities 1..5.
C = {
    "gaussian-noise": [.04, .06, .08, .09, .10],
    "shot-noise": [500, 250, 100, 75, 50],
    "impulse-noise": [.01, .02, .03, .05, .07],
    "speckle-noise": [.06, .1, .12, .16, .2],
    "gaussian-blur": [.4, .6, .7, .8, 1],
    "glass-blur": [(.05, 1, 1), (.25, 1, 1), (.4, 1, 1), (.25, 1, 2), (.4, 1, 2)],
    "defocus-blur": [(.3, .4), (.4, .5), (.5, .6), (1, .2), (1.5, .1)],
    "motion-blur": [(6, 1), (6, 1.5), (6, 2), (8, 2), (9, 2.5)],
    "zoom-blur": [1.06, 1.11, 1.16, 1.21, 1.26],
    "fog": [(.2, 3), (.5, 3), (.75, 2.5), (1, 2), (1.5, 1.75)],
    "brightness": [.05, .1, .15, .2, .3],
    "contrast": [.75, .5, .4, .3, .15],
    "saturate": [(.3, 0), (.1, 0), (1.5, 0), (2, .1), (2.5, .2)],
    "jpeg-compression": [80, 65, 58, 50, 40],
    "pixelate": [.95, .9, .85, .75, .65],
    "elastic-transform": [(0, 0, .08), (.05, .2, .07), (.08, .06, .06), (.1, .04, .05),
                          (.1, .03, .03)],
    # MNIST-C: one released severity each; spread over five around it.
    "rotate": [.2, .3, .4, .5, .6],
    "shear": [.2, .3, .4, .5, .6],
    "scale": [1 / .9, 1 / .8, 1 / .7, 1 / .6, 1 / .5],
    "translate": [1, 2, 3, 4, 5],
}


def needs(*mods):
    missing = [name for name, mod in mods if mod is None]
    if missing:
        raise RuntimeError("needs " + ", ".join(missing))


def rgb(x):
    return np.repeat(x, 3, axis=2) if x.shape[2] == 1 else x


def back(y, x):
    """A greyscale input gets its result back as luma (ITU-R 601)."""
    if x.shape[2] == 1 and y.shape[2] == 3:
        return (y @ np.array([.299, .587, .114]))[..., None]
    return y


def gaussian(x, sigma):
    return np.stack([ndi.gaussian_filter(x[..., k], sigma, mode="nearest", truncate=4.0)
                     for k in range(x.shape[2])], axis=2)


def motion_kernel(radius, sigma, angle):
    side = 2 * radius + 1
    k = np.zeros((side, side))
    t = np.exp(-np.arange(radius + 1) ** 2 / (2 * sigma ** 2))
    for i, w in enumerate(t):
        yy = radius - int(round(i * np.sin(np.deg2rad(angle))))
        xx = radius + int(round(i * np.cos(np.deg2rad(angle))))
        k[yy, xx] += w
    return k / k.sum()


def filt(x, k):
    return np.stack([cv2.filter2D(x[..., i].astype(np.float32), -1, k.astype(np.float32))
                     for i in range(x.shape[2])], axis=2)


def disk(radius, alias):
    L = np.arange(-8, 9) if radius <= 8 else np.arange(-radius, radius + 1)
    X, Y = np.meshgrid(L, L)
    k = ((X ** 2 + Y ** 2) <= radius ** 2).astype(np.float32)
    k /= k.sum()
    return cv2.GaussianBlur(k, ksize=(3, 3), sigmaX=alias)


def clipped_zoom(img, z):
    h = img.shape[0]
    ch = int(np.ceil(h / z))
    top = (h - ch) // 2
    out = ndi.zoom(img[top:top + ch, top:top + ch], (z, z, 1), order=1)
    t = (out.shape[0] - h) // 2
    return out[t:t + h, t:t + h]


def plasma(mapsize, decay, rng):
    m = np.zeros((mapsize, mapsize))
    step, wib = mapsize, 100.0
    m[0, 0] = 0
    while step >= 2:
        half = step // 2
        corners = m[0:mapsize:step, 0:mapsize:step]
        sq = corners + np.roll(corners, -1, 0)
        sq = sq + np.roll(sq, -1, 1)
        m[half:mapsize:step, half:mapsize:step] = sq / 4 + rng.uniform(-wib, wib, sq.shape)
        d = m[half:mapsize:step, half:mapsize:step]
        c = m[0:mapsize:step, 0:mapsize:step]
        ltsum = d + np.roll(d, 1, 0) + c + np.roll(c, -1, 1)
        m[0:mapsize:step, half:mapsize:step] = ltsum / 4 + rng.uniform(-wib, wib, ltsum.shape)
        ttsum = d + np.roll(d, 1, 1) + c + np.roll(c, -1, 0)
        m[half:mapsize:step, 0:mapsize:step] = ttsum / 4 + rng.uniform(-wib, wib, ttsum.shape)
        step //= 2
        wib /= decay
    m -= m.min()
    return m / m.max()


def corrupt(name, x, s, rng):
    """x: H x W x C float in [0, 1]; s: severity 1..5."""
    c = C.get(name, [None] * 5)[s - 1]
    if name == "gaussian-noise":
        return x + rng.normal(size=x.shape, scale=c)
    if name == "shot-noise":
        return rng.poisson(x * c) / c
    if name == "impulse-noise":
        needs(("scikit-image", skimage))
        seed = int(rng.integers(1 << 31))
        try:
            return skimage.util.random_noise(x, mode="s&p", amount=c, rng=seed)
        except (TypeError, ValueError):  # scikit-image before 0.21 calls it seed
            return skimage.util.random_noise(x, mode="s&p", amount=c, seed=seed)
    if name == "speckle-noise":
        return x + x * rng.normal(size=x.shape, scale=c)
    if name == "gaussian-blur":
        needs(("scipy", ndi))
        return gaussian(x, c)
    if name == "glass-blur":
        needs(("scipy", ndi))
        sigma, delta, iters = c
        y = np.uint8(np.clip(gaussian(x, sigma), 0, 1) * 255)
        h, w = y.shape[:2]
        for _ in range(iters):
            for i in range(h - delta, delta, -1):
                for j in range(w - delta, delta, -1):
                    dx, dy = rng.integers(-delta, delta, size=2)
                    i2, j2 = i + dy, j + dx
                    y[i, j], y[i2, j2] = y[i2, j2].copy(), y[i, j].copy()
        return gaussian(y / 255.0, sigma)
    if name == "defocus-blur":
        needs(("opencv", cv2))
        return filt(x, disk(*c))
    if name == "motion-blur":
        needs(("opencv", cv2))
        return filt(x, motion_kernel(c[0], c[1], rng.uniform(-45, 45)))
    if name == "zoom-blur":
        needs(("scipy", ndi))
        out = np.zeros_like(x)
        zs = np.arange(1, c, 0.01)
        for z in zs:
            out += clipped_zoom(x, z)
        return (x + out) / (len(zs) + 1)
    if name == "fog":
        h = x.shape[0]
        mx = x.max()
        f = plasma(32 if h <= 32 else 64, c[1], rng)[:h, :h][..., None]
        return (x + c[0] * f) * mx / (mx + c[0])
    if name in ("brightness", "saturate"):
        needs(("scikit-image", skimage))
        hsv = skimage.color.rgb2hsv(rgb(x))
        if name == "brightness":
            hsv[..., 2] = np.clip(hsv[..., 2] + c, 0, 1)
        else:
            hsv[..., 1] = np.clip(hsv[..., 1] * c[0] + c[1], 0, 1)
        return back(skimage.color.hsv2rgb(hsv), x)
    if name == "contrast":
        m = x.mean(axis=(0, 1), keepdims=True)
        return (x - m) * c + m
    if name == "jpeg-compression":
        needs(("Pillow", Image))
        im = Image.fromarray(np.uint8(x[..., 0] * 255) if x.shape[2] == 1 else np.uint8(x * 255))
        buf = io.BytesIO()
        im.save(buf, "JPEG", quality=c)
        y = np.asarray(Image.open(buf), dtype=np.float64) / 255
        return y[..., None] if y.ndim == 2 else y
    if name == "pixelate":
        needs(("Pillow", Image))
        h = x.shape[0]
        im = Image.fromarray(np.uint8(x[..., 0] * 255) if x.shape[2] == 1 else np.uint8(x * 255))
        im = im.resize((int(h * c), int(h * c)), Image.BOX).resize((h, h), Image.BOX)
        y = np.asarray(im, dtype=np.float64) / 255
        return y[..., None] if y.ndim == 2 else y
    if name == "elastic-transform":
        needs(("opencv", cv2), ("scipy", ndi))
        h = x.shape[0]
        alpha, sigma, aff = h * c[0], h * c[1], h * c[2]
        cs, sq = h // 2, min(h, h) // 3
        pts1 = np.float32([[cs + sq, cs + sq], [cs + sq, cs - sq], [cs - sq, cs - sq]])
        pts2 = pts1 + rng.uniform(-aff, aff, size=pts1.shape).astype(np.float32)
        M = cv2.getAffineTransform(pts1, pts2)
        y = np.stack([cv2.warpAffine(x[..., k].astype(np.float32), M, (h, h),
                                     borderMode=cv2.BORDER_REFLECT_101)
                      for k in range(x.shape[2])], axis=2)
        dx = ndi.gaussian_filter(rng.uniform(-1, 1, (h, h)), sigma, mode="reflect",
                                 truncate=3) * alpha
        dy = ndi.gaussian_filter(rng.uniform(-1, 1, (h, h)), sigma, mode="reflect",
                                 truncate=3) * alpha
        yy, xx = np.meshgrid(np.arange(h), np.arange(h), indexing="ij")
        return np.stack([ndi.map_coordinates(y[..., k], (yy + dy, xx + dx), order=1,
                                             mode="reflect") for k in range(x.shape[2])], axis=2)
    if name in ("rotate", "shear", "scale", "translate"):
        needs(("scikit-image", skimage))
        h = x.shape[0]
        sign = 1 if rng.uniform() < .5 else -1
        if name == "rotate":
            t = skimage.transform.AffineTransform(rotation=sign * c)
        elif name == "shear":
            t = skimage.transform.AffineTransform(shear=sign * c)
        elif name == "scale":
            t = skimage.transform.AffineTransform(scale=(c, c))
        else:
            t = skimage.transform.AffineTransform(translation=rng.choice([-c, c], size=2))
        centre = skimage.transform.AffineTransform(translation=(-h / 2, -h / 2))
        inv = skimage.transform.AffineTransform(translation=(h / 2, h / 2))
        # MNIST-C passes the transform as the inverse map (output -> input coordinates).
        return skimage.transform.warp(x, centre + t + inv, order=1)
    if name == "stripe":
        y = x.copy()
        y[:, :7] = 1 - y[:, :7]
        y[:, -7:] = 1 - y[:, -7:]
        return y
    if name == "canny-edges":
        needs(("scikit-image", skimage))
        return np.stack([skimage.feature.canny(x[..., k]).astype(np.float64)
                         for k in range(x.shape[2])], axis=2)
    raise RuntimeError("not reimplemented in the reference")


def work(args):
    name, images, seed = args
    rng = np.random.default_rng(seed)
    change = np.zeros(5)
    for s in range(1, 6):
        for x in images:
            y = np.clip(corrupt(name, x, s, rng), 0, 1)
            y = np.uint8(y * 255) / 255.0
            change[s - 1] += np.abs(y - x).mean()
    return change


def time_one(pool, name, images, processes, reps):
    chunks = np.array_split(images, processes)
    best = []
    change = None
    for rep in range(reps + 1):
        t0 = time.perf_counter()
        parts = pool.map(work, [(name, ch, 1000 * rep + k) for k, ch in enumerate(chunks)])
        dt = time.perf_counter() - t0
        if rep == 0:
            change = (sum(parts) / len(images)).tolist()
        else:
            best.append(dt)
    return 5 * len(images) / float(np.median(best)), change


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--images-28", required=True)
    ap.add_argument("--images-32", required=True)
    ap.add_argument("--processes", type=int, default=2)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--only")
    ap.add_argument("--json", required=True)
    a = ap.parse_args()
    names = ["gaussian-noise", "shot-noise", "impulse-noise", "speckle-noise", "gaussian-blur",
             "glass-blur", "defocus-blur", "motion-blur", "zoom-blur", "snow", "frost", "fog",
             "brightness", "contrast", "saturate", "jpeg-compression", "pixelate",
             "elastic-transform", "spatter", "shear", "scale", "rotate", "translate", "stripe",
             "zigzag", "dotted-line", "canny-edges"]
    if a.only:
        names = [n for n in names if n in a.only.split(",")]
    out = {}
    with multiprocessing.Pool(a.processes) as pool:
        for label, path in (("28x28", a.images_28), ("32x32", a.images_32)):
            images = np.load(path).astype(np.float64) / 255.0
            for name in names:
                key = name + "@" + label
                try:
                    corrupt(name, images[0], 1, np.random.default_rng(0))
                    ips, change = time_one(pool, name, images, a.processes, a.reps)
                    out[key] = {"img_per_s": ips, "change": change}
                except Exception as e:  # reported, not fatal
                    out[key] = {"skip": str(e)}
                print(".", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    with open(a.json, "w") as f:
        json.dump(out, f, indent=1)


if __name__ == "__main__":
    main()
