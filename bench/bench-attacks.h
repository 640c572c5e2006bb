/* interp-bench-attacks internals shared by bench-attacks.c (options, main,
 * timing the attack, the table and the JSON) and bench-attacks-data.c
 * (Fashion-MNIST, training the models, the files the PyTorch side reads,
 * running it). */
#ifndef INTERP_BENCH_ATTACKS_H
#define INTERP_BENCH_ATTACKS_H

#include "bench.h"

/* The test images of the benchmark and the open dataset they come from. */
typedef struct {
  const InterpComponent *comp;
  gpointer ds;                 /* the dataset component's instance */
  int64_t n_train;
} BaData;

/* Opens Fashion-MNIST at `path` (the component's own loader, compiled in). */
gboolean ba_data_open (BaData *d, const char *path, GError **error);
void ba_data_close (BaData *d);

/* Images idx[0..n) of `split` in a model's input geometry: 1 x 28 x 28 as
 * stored, or (c = 3, h = w = 32) zero-padded by 2 pixels on every side and
 * the grey channel repeated three times, so ResNet-20 sees Fashion-MNIST
 * in CIFAR's shape.  x must be n x c x h x w; labels n entries. */
gboolean ba_data_read (BaData *d, InterpSplit split, const int64_t *idx, int64_t n, int64_t c,
                       int64_t h, int64_t w, InterpTensor *x, int32_t *labels, GError **error);

/* The model's weights: loaded from `path` when that file exists (a run
 * before this one trained them), otherwise trained here for `steps` SGD
 * steps (batch 128, lr 0.05, momentum 0.9, weight decay 5e-4, the
 * training split sampled with replacement from `seed`) from
 * interp_net_init and saved to `path` (safetensors).  *trained_s is the
 * training time (0 when loaded). */
gboolean ba_train_or_load (BaData *d, InterpNet *net, int64_t c, int64_t h, int64_t w,
                           int steps, uint64_t seed, const char *path, double *trained_s,
                           GError **error);

/* Writes the images, their labels and interp's clean eval-mode logits as a
 * safetensors file ("x": n x c x h x w, "labels": n floats, "logits":
 * n x K) for attacks_reference.py (path NULL: nothing written);
 * *clean_acc is interp's clean accuracy on them. */
gboolean ba_write_images (InterpNet *net, const InterpTensor *x, const int32_t *labels,
                          const char *path, double *clean_acc, GError **error);


/* Number of rows of logits (n x K) whose argmax is labels[i]. */
int64_t ba_count_correct (const InterpTensor *logits, const int32_t *labels);

#endif
