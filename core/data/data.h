/* libinterp internals: the data layer between a dataset plugin and the runner.
 *
 * A dataset plugin only decodes its format (include/interp/dataset.h).
 * InterpData adds what every dataset shares, configured by the keys in
 * interp_data_common_params (the pipeline parser validates them from the
 * [dataset] group next to the plugin's own keys):
 *
 *   limit        keep the first N training samples of the plugin (0 = all)
 *   test-limit   keep the first N test samples (0 = all)
 *   val-split    fraction of the (limited) training samples held out as the
 *                VAL split; chosen by the stream "data/val-split", so a
 *                seed fixes it and no sample is in both TRAIN and VAL
 *   normalize    dataset: per-channel mean and population std over the TRAIN
 *                split (after limit and val-split; a constant channel gets
 *                std 1); given: the `mean`/`std` lists (one
 *                value, or one per channel); none: mean 0, std 1
 *   augment-crop random crop after zero padding by this many pixels (0 = off)
 *   augment-flip random horizontal flip with probability 1/2
 *   permute-labels  the labels of the TRAIN split are shuffled among its
 *                samples, and those of VAL among its own, by the stream
 *                "data/permute-labels" (TRAIN's permutation drawn first);
 *                images and TEST labels stay true, so a network can only
 *                memorise and its test accuracy measures chance.  The data
 *                randomisation test of Adebayo et al. 2018 ("Sanity Checks
 *                for Saliency Maps", section 5: "we permute the training
 *                labels"); each split keeps its label histogram.
 *
 * Each key is read once, into an InterpDataConfig (interp_data_config_resolve).
 *
 * Positions: every split is addressed by position 0..size-1; the data layer
 * maps positions to the plugin's sample indices.  TRAIN and VAL positions
 * follow the plugin's order (ascending plugin index).
 *
 * Images served here are always in [0, 1]: normalisation is NOT applied to
 * batches.  Its statistics are exposed (interp_data_mean/std) for the
 * network's "normalize" node (interp_net_normalize), so attacks, corruptions
 * and saliency all work in pixel space.
 *
 * An InterpData is not thread-safe: reads share scratch buffers, so one
 * thread (or one InterpData per thread) reads at a time.
 *
 * Randomness (all from the seed given at open, by stream name):
 *   "data/val-split"                     which training samples become VAL
 *   "data/shuffle/<epoch>"               the order of an epoch
 *   "data/augment/<epoch>/<batch>"       crop offsets and flips of a batch
 *   "data/permute-labels"                permute-labels' permutations
 * so an epoch's batches and augmentations do not depend on anything that ran
 * before, and a resumed run sees the same data.
 */
#ifndef INTERP_DATA_H
#define INTERP_DATA_H

#include <glib.h>
#include <stdint.h>
#include <interp/context.h>
#include <interp/dataset.h>
#include <interp/params.h>
#include <interp/plugin.h>
#include <interp/tensor.h>

G_BEGIN_DECLS

/* The common [dataset] keys described above; ends with a { 0 } entry. */
extern const InterpParamSpec interp_data_common_params[];

typedef enum {
  INTERP_NORMALIZE_DATASET = 0,   /* statistics of the TRAIN split */
  INTERP_NORMALIZE_NONE,          /* mean 0, std 1 */
  INTERP_NORMALIZE_GIVEN,         /* the mean/std lists */
} InterpNormalize;

/* The common keys of a [dataset] group, resolved once (data-config.c). */
typedef struct {
  int64_t limit;                  /* 0 = all */
  int64_t test_limit;             /* 0 = all */
  double val_split;
  InterpNormalize normalize;
  double *mean, *std;             /* GIVEN: 1 or one per channel (checked at open); owned */
  size_t n_mean, n_std;
  int augment_crop;
  gboolean augment_flip;
  gboolean permute_labels;
  char *where;                    /* "file.ini: [dataset]" for messages; owned */
} InterpDataConfig;

/* Fills `config` from the common keys (validated against
 * interp_data_common_params; NULL = every default).  Errors: BAD_VALUE for
 * mean/std given without normalize = given, naming the keys. */
gboolean interp_data_config_resolve (const InterpParams *common, InterpDataConfig *config,
                                     GError **error);
void interp_data_config_clear (InterpDataConfig *config);

typedef struct InterpData InterpData;

/* Opens a dataset plugin instance through `vtable` (a component's vtable;
 * refused when shorter than this header's InterpDatasetVTable) with its
 * validated `params`, and wraps it with the common keys resolved in `config`
 * (NULL = all defaults).  Randomness comes from interp_context_seed (ctx).
 * Errors: the plugin's open()/read() errors, PLUGIN_INVALID (short vtable),
 * or those of interp_data_new. */
InterpData *interp_data_open (const InterpDatasetVTable *vtable, const InterpParams *params,
                              const InterpDataConfig *config, InterpContext *ctx,
                              GError **error);

/* Wraps an already open plugin instance, taking ownership of it (it is
 * closed through the vtable when the InterpData is freed, and also when this
 * call fails).  `name` (may be NULL) prefixes messages.  Reads the TRAIN
 * split once when normalize = dataset.  Errors: INVALID_ARGUMENT (a plugin
 * reporting an impossible shape), BAD_VALUE (mean/std lists of the wrong
 * length or a std <= 0, naming the key), OUT_OF_RANGE (val-split leaves no
 * training sample), or what the plugin's read() reports. */
InterpData *interp_data_new (const InterpDatasetVTable *vtable, gpointer instance,
                             const char *name, const InterpDataConfig *config, guint64 seed,
                             GError **error);

void interp_data_free (InterpData *data);

/* The dataset's shape and classes; borrowed, valid while data lives. */
const InterpDataInfo *interp_data_info (const InterpData *data);
/* "fashion-mnist": the name given at open. */
const char *interp_data_name (const InterpData *data);
/* Samples in a split after limit/test-limit/val-split. */
int64_t interp_data_size (const InterpData *data, InterpSplit split);
/* Floats per sample: C * H * W. */
int64_t interp_data_sample_size (const InterpData *data);

/* Per-channel normalisation statistics: `channels` floats, borrowed. */
const float *interp_data_mean (const InterpData *data);
const float *interp_data_std (const InterpData *data);

/* The plugin's sample index of position `pos` of `split` (for manifests and
 * tests: no index appears in both TRAIN and VAL). */
int64_t interp_data_plugin_index (const InterpData *data, InterpSplit split, int64_t pos);

/* Reads positions pos[0..n) of `split`, without augmentation: `images` is
 * reshaped to n x C x H x W (values in [0, 1]), labels (may be NULL)
 * receives n labels.  Errors: INVALID_ARGUMENT for a position out of range,
 * or the plugin's. */
gboolean interp_data_read (InterpData *data, InterpSplit split, const int64_t *pos, int64_t n,
                           InterpTensor *images, int32_t *labels, GError **error);
/* The same for the contiguous positions [first, first + n). */
gboolean interp_data_read_range (InterpData *data, InterpSplit split, int64_t first, int64_t n,
                                 InterpTensor *images, int32_t *labels, GError **error);

/* ------------------------------------------------------------------------
 * Batches.  An iterator walks one epoch of one split:
 *
 *   InterpDataIter *it = interp_data_iter_new (data, INTERP_SPLIT_TRAIN, 128, TRUE, epoch);
 *   const int32_t *labels;
 *   int64_t n;
 *   while ((n = interp_data_iter_next (it, x, &labels, &error)) > 0)
 *     train_step (x, labels, n);
 *   if (n < 0) ... error is set
 *   interp_data_iter_free (it);
 *
 * Only an index permutation is kept per epoch, never a copy of the data.
 */
typedef enum {
  INTERP_DATA_ITER_SHUFFLE = 1 << 0,    /* order from "data/shuffle/<epoch>"; else in order */
  INTERP_DATA_ITER_AUGMENT = 1 << 1,    /* apply augment-crop / augment-flip; TRAIN only
                                           (ignored for VAL and TEST) */
  INTERP_DATA_ITER_DROP_LAST = 1 << 2,  /* omit a last batch smaller than batch_size */
} InterpDataIterFlags;

typedef struct InterpDataIter InterpDataIter;

/* An iterator over `split` for epoch `epoch` (any number: it only names the
 * random streams).  batch_size > 0.  `data` must outlive the iterator. */
InterpDataIter *interp_data_iter_new_full (InterpData *data, InterpSplit split,
                                           int64_t batch_size, guint epoch,
                                           InterpDataIterFlags flags);
/* train = TRUE: SHUFFLE | AUGMENT (augmentation still only for TRAIN);
 * FALSE: in order, unaugmented.  The last partial batch is included. */
InterpDataIter *interp_data_iter_new (InterpData *data, InterpSplit split, int64_t batch_size,
                                      gboolean train, guint epoch);
/* Reads the next batch into `images` (reshaped to n x C x H x W, values in
 * [0, 1]) and points *labels at n labels owned by the iterator (valid until
 * the next call).  Returns n > 0, 0 at the end of the epoch, -1 on error
 * (error set). */
int64_t interp_data_iter_next (InterpDataIter *it, InterpTensor *images,
                               const int32_t **labels, GError **error);
/* The split positions of the batch last returned (n of them); borrowed. */
const int64_t *interp_data_iter_positions (const InterpDataIter *it);
/* Batches this epoch yields in total. */
int64_t interp_data_iter_n_batches (const InterpDataIter *it);
void interp_data_iter_free (InterpDataIter *it);

/* The augmentation of one batch, exposed for tests and for metrics that want
 * training-time views: for every sample of images (N x C x H x W, in place)
 * a crop offset in [-pad, pad]^2 over a zero-padded image, then a horizontal
 * flip with probability 1/2 when `flip`; draws (dy, dx, flip) per sample in
 * order from rng. */
void interp_data_augment (InterpTensor *images, int pad, gboolean flip, InterpRng *rng);

G_END_DECLS

#endif
