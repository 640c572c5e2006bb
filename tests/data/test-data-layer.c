/* The core data layer (core/data/data.h) over an in-test dataset whose every
 * pixel says which sample it belongs to: limits, the seeded validation split,
 * normalisation statistics, epoch batching and augmentation. */
#include "config.h"

#include <math.h>
#include <string.h>

#include <criterion/criterion.h>

#include <interp/interp.h>

#include "data/data.h"
#include "host/params-private.h"

#define FC 2
#define FH 3
#define FW 4
#define FSS (FC * FH * FW)
#define N_CLASSES 5

typedef struct {
  int64_t n_train, n_test;
  gboolean bad_label;
} Fake;

/* Pixel (c, y, x) of plugin sample i of a split; distinct per sample. */
static float
fake_value (InterpSplit s, int64_t i, int64_t c, int64_t y, int64_t x)
{
  int64_t k = i + (s == INTERP_SPLIT_TEST ? 1000 : 0);
  return (float) ((k * 37 + c * 13 + y * 5 + x) % 251 + 1) / 255.0f;
}

static int32_t
fake_label (InterpSplit s, int64_t i)
{
  return (int32_t) ((i + (s == INTERP_SPLIT_TEST ? 2 : 0)) % N_CLASSES);
}

static gpointer
fake_open (const InterpParams *params, InterpContext *ctx, GError **error)
{
  (void) params;
  (void) ctx;
  g_set_error (error, INTERP_ERROR, INTERP_ERROR_NOT_FOUND, "fake: cannot open");
  return NULL;
}

static void
fake_close (gpointer self)
{
  g_free (self);
}

static void
fake_info (gpointer self, InterpDataInfo *info)
{
  (void) self;
  info->channels = FC;
  info->height = FH;
  info->width = FW;
  info->n_classes = N_CLASSES;
  info->class_names = NULL;
}

static int64_t
fake_size (gpointer self, InterpSplit split)
{
  Fake *f = self;
  return split == INTERP_SPLIT_TRAIN ? f->n_train : f->n_test;
}

static gboolean
fake_read (gpointer self, InterpSplit split, const int64_t *idx, int64_t n, float *images,
           int32_t *labels, GError **error)
{
  Fake *f = self;
  cr_assert (split == INTERP_SPLIT_TRAIN || split == INTERP_SPLIT_TEST,
             "the plugin was asked for split %d", split);
  for (int64_t i = 0; i < n; i++)
    {
      cr_assert (idx[i] >= 0 && idx[i] < fake_size (self, split));
      for (int64_t c = 0; c < FC; c++)
        for (int64_t y = 0; y < FH; y++)
          for (int64_t x = 0; x < FW; x++)
            images[i * FSS + (c * FH + y) * FW + x] = fake_value (split, idx[i], c, y, x);
      labels[i] = f->bad_label ? N_CLASSES : fake_label (split, idx[i]);
    }
  (void) error;
  return TRUE;
}

static const InterpDatasetVTable fake_vtable = {
  INTERP_VTABLE_SIZE (InterpDatasetVTable),
  .open = fake_open, .close = fake_close, .info = fake_info, .size = fake_size,
  .read = fake_read,
};

static InterpParams *
common (const char *const *pairs)
{
  GError *error = NULL;
  InterpParams *p = interp_params_new_from_pairs (interp_data_common_params,
                                                  "test.ini: [dataset]", pairs, &error);
  cr_assert_not_null (p, "%s", error ? error->message : "");
  return p;
}

/* A fake of n_train/n_test samples wrapped with the given common pairs. */
static InterpData *
open_fake (int64_t n_train, int64_t n_test, const char *const *pairs, guint64 seed,
           GError **error)
{
  Fake *f = g_new0 (Fake, 1);
  f->n_train = n_train;
  f->n_test = n_test;
  InterpParams *p = common (pairs);
  InterpDataConfig config;
  InterpData *d = NULL;
  if (interp_data_config_resolve (p, &config, error))
    d = interp_data_new (&fake_vtable, f, "fake", &config, seed, error);
  else
    fake_vtable.close (f);
  interp_data_config_clear (&config);
  interp_params_free (p);
  return d;
}

static void
expect_open_error (int64_t n_train, const char *const *pairs, int code, const char *key)
{
  GError *error = NULL;
  InterpData *d = open_fake (n_train, 10, pairs, 1, &error);
  cr_assert_null (d);
  cr_assert_not_null (error);
  cr_assert_eq (error->code, code, "code %d, expected %d: %s", error->code, code,
                error->message);
  char *quoted = g_strdup_printf ("'%s'", key);
  cr_assert (strstr (error->message, quoted) != NULL, "'%s' does not name %s", error->message,
             quoted);
  cr_assert (strstr (error->message, "test.ini: [dataset]") != NULL, "%s", error->message);
  g_free (quoted);
  g_error_free (error);
}

/* Asserts that images/labels hold plugin samples idx of split s. */
static void
check_samples (const InterpTensor *images, const int32_t *labels, InterpSplit s,
               const int64_t *idx, int64_t n)
{
  cr_assert_eq (images->ndim, 4);
  cr_assert_eq (images->shape[0], n);
  cr_assert_eq (images->shape[1], FC);
  cr_assert_eq (images->shape[2], FH);
  cr_assert_eq (images->shape[3], FW);
  for (int64_t i = 0; i < n; i++)
    {
      cr_assert_eq (labels[i], fake_label (s, idx[i]));
      for (int64_t j = 0; j < FSS; j++)
        cr_assert_eq (images->data[i * FSS + j],
                      fake_value (s, idx[i], j / (FH * FW), (j / FW) % FH, j % FW));
    }
}

Test (data, defaults_and_dataset_statistics)
{
  GError *error = NULL;
  InterpData *d = open_fake (50, 20, NULL, 1, &error);
  cr_assert_not_null (d, "%s", error ? error->message : "");
  cr_assert_eq (interp_data_size (d, INTERP_SPLIT_TRAIN), 50);
  cr_assert_eq (interp_data_size (d, INTERP_SPLIT_VAL), 0);
  cr_assert_eq (interp_data_size (d, INTERP_SPLIT_TEST), 20);
  cr_assert_eq (interp_data_sample_size (d), FSS);
  cr_assert_eq (interp_data_info (d)->channels, FC);
  /* normalize = dataset: population mean/std of each channel over TRAIN. */
  for (int c = 0; c < FC; c++)
    {
      double s = 0, s2 = 0;
      for (int64_t i = 0; i < 50; i++)
        for (int y = 0; y < FH; y++)
          for (int x = 0; x < FW; x++)
            {
              double v = fake_value (INTERP_SPLIT_TRAIN, i, c, y, x);
              s += v;
              s2 += v * v;
            }
      double m = s / (50 * FH * FW);
      double sd = sqrt (s2 / (50 * FH * FW) - m * m);
      cr_assert_float_eq (interp_data_mean (d)[c], m, 1e-6);
      cr_assert_float_eq (interp_data_std (d)[c], sd, 1e-6);
    }
  interp_data_free (d);
}

Test (data, limits)
{
  InterpData *d = open_fake (50, 20, (const char *[]) { "limit=30", "test-limit=7", NULL }, 1,
                             NULL);
  cr_assert_eq (interp_data_size (d, INTERP_SPLIT_TRAIN), 30);
  cr_assert_eq (interp_data_size (d, INTERP_SPLIT_TEST), 7);
  for (int64_t i = 0; i < 30; i++)
    cr_assert_eq (interp_data_plugin_index (d, INTERP_SPLIT_TRAIN, i), i);
  interp_data_free (d);
  /* A limit above the dataset's size is the whole dataset. */
  d = open_fake (50, 20, (const char *[]) { "limit=500", NULL }, 1, NULL);
  cr_assert_eq (interp_data_size (d, INTERP_SPLIT_TRAIN), 50);
  interp_data_free (d);
}

/* The plugin indices of TRAIN and VAL of a split with `seed`. */
static GArray *
val_indices (guint64 seed, const char *const *pairs)
{
  InterpData *d = open_fake (101, 10, pairs, seed, NULL);
  cr_assert_not_null (d);
  GArray *v = g_array_new (FALSE, FALSE, sizeof (int64_t));
  int64_t n_train = interp_data_size (d, INTERP_SPLIT_TRAIN);
  int64_t n_val = interp_data_size (d, INTERP_SPLIT_VAL);
  gboolean seen[101] = { FALSE };
  for (int64_t i = 0; i < n_train; i++)
    {
      int64_t k = interp_data_plugin_index (d, INTERP_SPLIT_TRAIN, i);
      cr_assert (!seen[k]);
      seen[k] = TRUE;
      if (i > 0)
        cr_assert_gt (k, interp_data_plugin_index (d, INTERP_SPLIT_TRAIN, i - 1));
    }
  for (int64_t i = 0; i < n_val; i++)
    {
      int64_t k = interp_data_plugin_index (d, INTERP_SPLIT_VAL, i);
      cr_assert (!seen[k], "sample %ld is in TRAIN and VAL", (long) k);
      seen[k] = TRUE;
      g_array_append_val (v, k);
    }
  for (int64_t k = 0; k < n_train + n_val; k++)
    cr_assert (seen[k], "sample %ld is in neither split", (long) k);
  /* VAL reads the plugin's TRAIN samples it names. */
  InterpTensor *x = interp_tensor_new_4d (1, 1, 1, 1);
  int32_t labels[101];
  cr_assert (interp_data_read_range (d, INTERP_SPLIT_VAL, 0, n_val, x, labels, NULL));
  check_samples (x, labels, INTERP_SPLIT_TRAIN, (const int64_t *) (void *) v->data, n_val);
  interp_tensor_free (x);
  interp_data_free (d);
  return v;
}

Test (data, val_split_is_seeded_and_disjoint)
{
  const char *const pairs[] = { "val-split=0.2", NULL };
  GArray *a = val_indices (3, pairs), *b = val_indices (3, pairs), *c = val_indices (4, pairs);
  cr_assert_eq (a->len, 20);    /* round (0.2 * 101) */
  cr_assert_eq (b->len, a->len);
  cr_assert (memcmp (a->data, b->data, a->len * sizeof (int64_t)) == 0, "same seed differs");
  cr_assert (memcmp (a->data, c->data, a->len * sizeof (int64_t)) != 0,
             "another seed, same split");
  g_array_unref (a);
  g_array_unref (b);
  g_array_unref (c);
  /* The split is taken from the limited training set. */
  GArray *l = val_indices (3, (const char *[]) { "val-split=0.5", "limit=40", NULL });
  cr_assert_eq (l->len, 20);
  for (guint i = 0; i < l->len; i++)
    cr_assert_lt (g_array_index (l, int64_t, i), 40);
  g_array_unref (l);
}

Test (data, bad_common_values)
{
  expect_open_error (10, (const char *[]) { "val-split=0.95", NULL }, INTERP_ERROR_OUT_OF_RANGE,
                     "val-split");
  expect_open_error (10, (const char *[]) { "augment-crop=3", NULL }, INTERP_ERROR_OUT_OF_RANGE,
                     "augment-crop");
  expect_open_error (10, (const char *[]) { "normalize=given", NULL }, INTERP_ERROR_MISSING,
                     "mean");
  expect_open_error (10, (const char *[]) { "normalize=given", "mean=0.5", "std=0.1,0.2,0.3",
                                            NULL }, INTERP_ERROR_BAD_VALUE, "std");
  expect_open_error (10, (const char *[]) { "normalize=given", "mean=0.5", "std=0", NULL },
                     INTERP_ERROR_OUT_OF_RANGE, "std");
  expect_open_error (10, (const char *[]) { "mean=0.5", NULL }, INTERP_ERROR_BAD_VALUE, "mean");
}

Test (data, given_and_no_normalisation)
{
  InterpData *d = open_fake (10, 5, (const char *[]) { "normalize=given", "mean=0.25",
                                                      "std=0.5, 2", NULL }, 1, NULL);
  cr_assert_not_null (d);
  cr_assert_eq (interp_data_mean (d)[0], 0.25f);
  cr_assert_eq (interp_data_mean (d)[1], 0.25f);
  cr_assert_eq (interp_data_std (d)[0], 0.5f);
  cr_assert_eq (interp_data_std (d)[1], 2.0f);
  interp_data_free (d);
  d = open_fake (10, 5, (const char *[]) { "normalize=none", NULL }, 1, NULL);
  for (int c = 0; c < FC; c++)
    {
      cr_assert_eq (interp_data_mean (d)[c], 0.0f);
      cr_assert_eq (interp_data_std (d)[c], 1.0f);
    }
  interp_data_free (d);
}

/* Walks a whole epoch; returns the positions in the order served and checks
 * every batch's contents (when not augmented) and sizes. */
static GArray *
walk (InterpData *d, InterpSplit s, int64_t batch, gboolean train, guint epoch,
      InterpDataIterFlags flags, gboolean full, gboolean check)
{
  InterpDataIter *it = full ? interp_data_iter_new_full (d, s, batch, epoch, flags)
                            : interp_data_iter_new (d, s, batch, train, epoch);
  InterpTensor *x = interp_tensor_new_4d (1, 1, 1, 1);
  GArray *order = g_array_new (FALSE, FALSE, sizeof (int64_t));
  const int32_t *labels;
  int64_t n, batches = 0;
  GError *error = NULL;
  InterpSplit ps = s == INTERP_SPLIT_TEST ? INTERP_SPLIT_TEST : INTERP_SPLIT_TRAIN;
  while ((n = interp_data_iter_next (it, x, &labels, &error)) > 0)
    {
      const int64_t *pos = interp_data_iter_positions (it);
      int64_t idx[256];
      for (int64_t i = 0; i < n; i++)
        idx[i] = interp_data_plugin_index (d, s, pos[i]);
      if (check)
        check_samples (x, labels, ps, idx, n);
      g_array_append_vals (order, pos, (guint) n);
      batches++;
    }
  cr_assert_eq (n, 0, "%s", error ? error->message : "");
  cr_assert_eq (batches, interp_data_iter_n_batches (it));
  interp_tensor_free (x);
  interp_data_iter_free (it);
  return order;
}

Test (data, batches_in_order_with_the_last_partial_batch)
{
  InterpData *d = open_fake (50, 20, NULL, 1, NULL);
  GArray *o = walk (d, INTERP_SPLIT_TRAIN, 16, FALSE, 0, 0, FALSE, TRUE);
  cr_assert_eq (o->len, 50);
  for (guint i = 0; i < o->len; i++)
    cr_assert_eq (g_array_index (o, int64_t, i), i);
  g_array_unref (o);
  o = walk (d, INTERP_SPLIT_TRAIN, 16, FALSE, 0, INTERP_DATA_ITER_DROP_LAST, TRUE, TRUE);
  cr_assert_eq (o->len, 48);
  g_array_unref (o);
  o = walk (d, INTERP_SPLIT_TEST, 7, FALSE, 0, 0, FALSE, TRUE);
  cr_assert_eq (o->len, 20);
  g_array_unref (o);
  interp_data_free (d);
}

Test (data, epoch_shuffle_is_seeded_per_epoch)
{
  InterpData *d = open_fake (60, 10, (const char *[]) { "val-split=0.25", NULL }, 9, NULL);
  InterpData *e = open_fake (60, 10, (const char *[]) { "val-split=0.25", NULL }, 9, NULL);
  cr_assert_eq (interp_data_size (d, INTERP_SPLIT_TRAIN), 45);
  GArray *a = walk (d, INTERP_SPLIT_TRAIN, 8, TRUE, 3, 0, FALSE, TRUE);
  GArray *b = walk (e, INTERP_SPLIT_TRAIN, 8, TRUE, 3, 0, FALSE, TRUE);
  GArray *c = walk (d, INTERP_SPLIT_TRAIN, 8, TRUE, 4, 0, FALSE, TRUE);
  /* Every position exactly once; the order a function of (seed, epoch). */
  gboolean seen[45] = { FALSE };
  gboolean identity = TRUE;
  for (guint i = 0; i < a->len; i++)
    {
      int64_t p = g_array_index (a, int64_t, i);
      cr_assert (!seen[p]);
      seen[p] = TRUE;
      identity = identity && p == (int64_t) i;
    }
  cr_assert_eq (a->len, 45);
  cr_assert_not (identity, "the shuffled epoch is in order");
  cr_assert (memcmp (a->data, b->data, a->len * sizeof (int64_t)) == 0);
  cr_assert (memcmp (a->data, c->data, a->len * sizeof (int64_t)) != 0);
  g_array_unref (a);
  g_array_unref (b);
  g_array_unref (c);
  interp_data_free (d);
  interp_data_free (e);
}

/* One batch of `split` with the given augmentation keys. */
static InterpTensor *
first_batch (const char *const *pairs, InterpSplit split, guint epoch, int64_t **pos)
{
  InterpData *d = open_fake (40, 40, pairs, 5, NULL);
  cr_assert_not_null (d);
  InterpDataIter *it = interp_data_iter_new (d, split, 40, TRUE, epoch);
  InterpTensor *x = interp_tensor_new_4d (1, 1, 1, 1);
  const int32_t *labels;
  cr_assert_eq (interp_data_iter_next (it, x, &labels, NULL), 40);
  *pos = g_memdup2 (interp_data_iter_positions (it), 40 * sizeof (int64_t));
  interp_data_iter_free (it);
  interp_data_free (d);
  return x;
}

Test (data, flip_augmentation_on_train_only)
{
  const char *const pairs[] = { "augment-flip=true", NULL };
  int64_t *pos, *pos2;
  InterpTensor *x = first_batch (pairs, INTERP_SPLIT_TRAIN, 1, &pos);
  InterpTensor *y = first_batch (pairs, INTERP_SPLIT_TRAIN, 1, &pos2);
  cr_assert (memcmp (x->data, y->data, x->numel * sizeof (float)) == 0, "not deterministic");
  int flipped = 0, kept = 0;
  for (int64_t i = 0; i < 40; i++)
    {
      gboolean same = TRUE, mirror = TRUE;
      for (int64_t c = 0; c < FC; c++)
        for (int64_t r = 0; r < FH; r++)
          for (int64_t q = 0; q < FW; q++)
            {
              float v = x->data[i * FSS + (c * FH + r) * FW + q];
              same = same && v == fake_value (INTERP_SPLIT_TRAIN, pos[i], c, r, q);
              mirror = mirror && v == fake_value (INTERP_SPLIT_TRAIN, pos[i], c, r, FW - 1 - q);
            }
      cr_assert (same || mirror, "sample %ld is neither kept nor mirrored", (long) i);
      flipped += mirror;
      kept += same;
    }
  cr_assert (flipped > 5 && kept > 5, "%d flipped, %d kept", flipped, kept);
  interp_tensor_free (x);
  interp_tensor_free (y);
  g_free (pos);
  g_free (pos2);
  /* TEST and VAL batches are never augmented. */
  x = first_batch (pairs, INTERP_SPLIT_TEST, 1, &pos);
  for (int64_t i = 0; i < 40; i++)
    for (int64_t j = 0; j < FSS; j++)
      cr_assert_eq (x->data[i * FSS + j],
                    fake_value (INTERP_SPLIT_TEST, pos[i], j / (FH * FW), (j / FW) % FH, j % FW));
  interp_tensor_free (x);
  g_free (pos);
}

Test (data, crop_augmentation_shifts_with_zero_padding)
{
  const char *const pairs[] = { "augment-crop=2", "augment-flip=true", NULL };
  int64_t *pos;
  InterpTensor *x = first_batch (pairs, INTERP_SPLIT_TRAIN, 2, &pos);
  int moved = 0;
  for (int64_t i = 0; i < 40; i++)
    {
      /* Some offset in [-2, 2]^2 and flip explain the sample exactly. */
      gboolean found = FALSE;
      for (int dy = -2; dy <= 2 && !found; dy++)
        for (int dx = -2; dx <= 2 && !found; dx++)
          for (int m = 0; m < 2 && !found; m++)
            {
              gboolean ok = TRUE;
              for (int64_t c = 0; c < FC && ok; c++)
                for (int64_t r = 0; r < FH && ok; r++)
                  for (int64_t q = 0; q < FW && ok; q++)
                    {
                      int64_t sy = r + dy, sx = (m ? FW - 1 - q : q) + dx;
                      float want = (sy >= 0 && sy < FH && sx >= 0 && sx < FW)
                                   ? fake_value (INTERP_SPLIT_TRAIN, pos[i], c, sy, sx) : 0.0f;
                      ok = x->data[i * FSS + (c * FH + r) * FW + q] == want;
                    }
              if (ok)
                {
                  found = TRUE;
                  moved += dy != 0 || dx != 0;
                }
            }
      cr_assert (found, "sample %ld is not a padded crop of its image", (long) i);
    }
  cr_assert_gt (moved, 20);
  interp_tensor_free (x);
  g_free (pos);
}

Test (data, augment_follows_its_documented_draws)
{
  InterpTensor *x = interp_tensor_new_4d (2, 1, 2, 3);
  for (size_t i = 0; i < x->numel; i++)
    x->data[i] = (float) (i + 1);
  InterpRng rng, copy;
  interp_rng_seed (&rng, 42);
  copy = rng;
  interp_data_augment (x, 1, TRUE, &rng);
  for (int64_t i = 0; i < 2; i++)
    {
      int64_t dy = (int64_t) interp_rng_below (&copy, 3) - 1;
      int64_t dx = (int64_t) interp_rng_below (&copy, 3) - 1;
      gboolean m = interp_rng_below (&copy, 2) == 1;
      for (int64_t r = 0; r < 2; r++)
        for (int64_t q = 0; q < 3; q++)
          {
            int64_t sy = r + dy, sx = (m ? 2 - q : q) + dx;
            float want = (sy >= 0 && sy < 2 && sx >= 0 && sx < 3)
                         ? (float) (i * 6 + sy * 3 + sx + 1) : 0.0f;
            cr_assert_eq (x->data[i * 6 + r * 3 + q], want);
          }
    }
  cr_assert_eq (rng.s[0], copy.s[0], "the augmentation drew more than documented");
  interp_tensor_free (x);
}

Test (data, read_errors)
{
  InterpData *d = open_fake (10, 5, NULL, 1, NULL);
  InterpTensor *x = interp_tensor_new_4d (1, 1, 1, 1);
  int32_t labels[2];
  GError *error = NULL;
  int64_t pos[2] = { 3, 10 };
  cr_assert_not (interp_data_read (d, INTERP_SPLIT_TRAIN, pos, 2, x, labels, &error));
  cr_assert (g_error_matches (error, INTERP_ERROR, INTERP_ERROR_INVALID_ARGUMENT));
  g_clear_error (&error);
  cr_assert_not (interp_data_read_range (d, INTERP_SPLIT_TEST, 4, 2, x, labels, &error));
  cr_assert (g_error_matches (error, INTERP_ERROR, INTERP_ERROR_INVALID_ARGUMENT));
  g_clear_error (&error);
  interp_tensor_free (x);
  interp_data_free (d);

  /* A plugin that returns a label outside [0, n_classes). */
  Fake *f = g_new0 (Fake, 1);
  f->n_train = 10;
  f->n_test = 5;
  f->bad_label = TRUE;
  d = interp_data_new (&fake_vtable, f, "fake", NULL, 1, &error);
  cr_assert_null (d);
  cr_assert (g_error_matches (error, INTERP_ERROR, INTERP_ERROR_FAILED));
  cr_assert (strstr (error->message, "fake") != NULL);
  g_clear_error (&error);
}

Test (data, open_through_a_vtable)
{
  InterpContext *ctx = interp_context_new (1, 1, NULL);
  GError *error = NULL;
  /* The plugin's own error comes back unchanged. */
  InterpData *d = interp_data_open (&fake_vtable, NULL, NULL, ctx, &error);
  cr_assert_null (d);
  cr_assert (g_error_matches (error, INTERP_ERROR, INTERP_ERROR_NOT_FOUND));
  g_clear_error (&error);
  /* A vtable shorter than this build's is refused before it is called. */
  InterpDatasetVTable short_vt = fake_vtable;
  short_vt.struct_size = sizeof (uint32_t) + sizeof (void *);
  d = interp_data_open (&short_vt, NULL, NULL, ctx, &error);
  cr_assert_null (d);
  cr_assert (g_error_matches (error, INTERP_ERROR, INTERP_ERROR_PLUGIN_INVALID));
  g_clear_error (&error);
  interp_context_free (ctx);
}
