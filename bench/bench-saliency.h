/* interp-bench-saliency internals shared by bench-saliency.c (options,
 * main, timing the methods, the table and the JSON) and
 * bench-saliency-data.c (the methods as the plugin builds them, the
 * recording of SmoothGrad's noisy inputs, the file the PyTorch side reads,
 * the tolerance of the map comparison). */
#ifndef INTERP_BENCH_SALIENCY_H
#define INTERP_BENCH_SALIENCY_H

#include "bench-attacks.h"

#include <interp/saliency.h>

/* What is computed, the same on both sides. */
typedef enum {
  BS_GRADIENT,     /* the vanilla gradient of the target logit */
  BS_IG,           /* integrated gradients, 50 Gauss-Legendre steps, zero baseline */
  BS_SMOOTHGRAD,   /* SmoothGrad: mean of 50 vanilla gradients at x + N(0, sd^2) */
} BsKind;

/* The name the reference script knows a kind by ("gradient", "ig", "smoothgrad"). */
const char *bs_kind_name (BsKind kind);
/* Forward + backward passes per image. */
int bs_kind_passes (BsKind kind);

/* A method as a pipeline would create it: the plugin component with the
 * bench's keys.  SmoothGrad is the noise-tunnel around the gradient; its
 * inner method is handed to it through the context's saliency lookup,
 * wrapped so that, while `recording` is set, every batch of noisy inputs
 * it attributes is appended to `recorded` (floats, image after image):
 * those inputs are what the PyTorch side is given, so its SmoothGrad sees
 * the same noise. */
typedef struct {
  BsKind kind;
  const InterpSaliencyVTable *vt;
  gpointer self;
  InterpContext *ctx;
  /* the gradient inside the noise tunnel */
  const InterpSaliencyVTable *inner_vt;
  gpointer inner;
  gboolean recording;
  GArray *recorded;
} BsMethod;

/* internal_batch bounds the images (IG: scaled inputs, SmoothGrad: noisy
 * samples) one forward/backward of the method holds. */
gboolean bs_method_create (BsMethod *m, BsKind kind, int internal_batch, int threads,
                           GError **error);
void bs_method_destroy (BsMethod *m);

/* The map tolerance of a comparison with PyTorch: the largest difference
 * float32 rounding explains, relative to the map's largest |value|, for
 * the network `net` and the method's own sum (see the derivation). */
double bs_map_tolerance (InterpNet *net, BsKind kind);

/* Eval-mode logits of every image of x, n x K (in chunks). */
InterpTensor *bs_logits (InterpNet *net, const InterpTensor *x, GError **error);

#endif
