/* dataset:synthetic: shape from its keys, deterministic by seed, and
 * learnable (a nearest-class-mean classifier fitted on train separates the
 * test set). */
#include "config.h"

#include <math.h>
#include <string.h>

#include <criterion/criterion.h>

#include "data/data.h"
#include "host/params-private.h"
#include "datasets-util.h"

static float *
read_all (TdsDataset *ds, InterpSplit s, int64_t *n, int32_t **labels)
{
  *n = ds->vt->size (ds->self, s);
  int64_t ss = ds->info.channels * ds->info.height * ds->info.width;
  int64_t *idx = g_new (int64_t, *n);
  for (int64_t i = 0; i < *n; i++)
    idx[i] = i;
  float *x = g_new (float, *n * ss);
  *labels = g_new (int32_t, *n);
  cr_assert (ds->vt->read (ds->self, s, idx, *n, x, *labels, NULL));
  g_free (idx);
  return x;
}

static const char *const small[] = {
  "channels=3", "height=5", "width=4", "classes=4", "train-size=40", "test-size=12", NULL
};

Test (synthetic, shape_and_labels)
{
  TdsDataset ds;
  GError *error = NULL;
  cr_assert (tds_open ("synthetic", small, 1, &ds, &error), "%s", error ? error->message : "");
  cr_assert_eq (ds.info.channels, 3);
  cr_assert_eq (ds.info.height, 5);
  cr_assert_eq (ds.info.width, 4);
  cr_assert_eq (ds.info.n_classes, 4);
  cr_assert_str_eq (ds.info.class_names[3], "class-3");
  int64_t n;
  int32_t *labels;
  float *x = read_all (&ds, INTERP_SPLIT_TRAIN, &n, &labels);
  cr_assert_eq (n, 40);
  for (int64_t i = 0; i < n; i++)
    cr_assert_eq (labels[i], i % 4);
  for (int64_t i = 0; i < n * 60; i++)
    cr_assert (x[i] >= 0 && x[i] <= 1);
  g_free (x);
  g_free (labels);
  cr_assert_eq (ds.vt->size (ds.self, INTERP_SPLIT_TEST), 12);
  tds_close (&ds);
}

Test (synthetic, deterministic_by_seed)
{
  float *runs[3];
  int64_t n;
  for (int r = 0; r < 3; r++)
    {
      TdsDataset ds;
      cr_assert (tds_open ("synthetic", small, r == 2 ? 8 : 7, &ds, NULL));
      int32_t *labels;
      runs[r] = read_all (&ds, INTERP_SPLIT_TEST, &n, &labels);
      g_free (labels);
      tds_close (&ds);
    }
  cr_assert (memcmp (runs[0], runs[1], (size_t) n * 60 * sizeof (float)) == 0,
             "same seed, different data");
  cr_assert (memcmp (runs[0], runs[2], (size_t) n * 60 * sizeof (float)) != 0,
             "different seeds, same data");
  for (int r = 0; r < 3; r++)
    g_free (runs[r]);
}

Test (synthetic, noise_free_samples_are_the_class_pattern)
{
  TdsDataset ds;
  const char *pairs[] = { "classes=3", "train-size=9", "test-size=3", "noise=0", NULL };
  cr_assert (tds_open ("synthetic", pairs, 3, &ds, NULL));
  int64_t n;
  int32_t *labels;
  float *x = read_all (&ds, INTERP_SPLIT_TRAIN, &n, &labels);
  for (int64_t i = 3; i < n; i++)
    cr_assert (memcmp (x + i * 256, x + (i % 3) * 256, 256 * sizeof (float)) == 0);
  cr_assert (memcmp (x, x + 256, 256 * sizeof (float)) != 0);
  g_free (x);
  g_free (labels);
  tds_close (&ds);
}

Test (synthetic, learnable_by_nearest_class_mean)
{
  TdsDataset ds;
  cr_assert (tds_open ("synthetic", NULL, 11, &ds, NULL));    /* the defaults */
  const int64_t d = ds.info.channels * ds.info.height * ds.info.width;
  const int k = ds.info.n_classes;
  int64_t n_train, n_test;
  int32_t *y_train, *y_test;
  float *x_train = read_all (&ds, INTERP_SPLIT_TRAIN, &n_train, &y_train);
  float *x_test = read_all (&ds, INTERP_SPLIT_TEST, &n_test, &y_test);
  double *mean = g_new0 (double, k * d);
  int64_t *count = g_new0 (int64_t, k);
  for (int64_t i = 0; i < n_train; i++)
    {
      count[y_train[i]]++;
      for (int64_t j = 0; j < d; j++)
        mean[y_train[i] * d + j] += x_train[i * d + j];
    }
  for (int c = 0; c < k; c++)
    for (int64_t j = 0; j < d; j++)
      mean[c * d + j] /= (double) count[c];
  int64_t correct = 0;
  for (int64_t i = 0; i < n_test; i++)
    {
      int best = 0;
      double best_d = INFINITY;
      for (int c = 0; c < k; c++)
        {
          double dist = 0;
          for (int64_t j = 0; j < d; j++)
            dist += pow (x_test[i * d + j] - mean[c * d + j], 2);
          if (dist < best_d)
            {
              best_d = dist;
              best = c;
            }
        }
      correct += best == y_test[i];
    }
  cr_assert (correct >= n_test * 9 / 10, "%ld of %ld correct", (long) correct, (long) n_test);
  g_free (mean);
  g_free (count);
  g_free (x_train);
  g_free (x_test);
  g_free (y_train);
  g_free (y_test);
  tds_close (&ds);
}

Test (synthetic, refuses_huge_sizes)
{
  TdsDataset ds;
  GError *error = NULL;
  const char *pairs[] = { "height=1024", "width=1024", "train-size=2000", NULL };
  cr_assert_not (tds_open ("synthetic", pairs, 1, &ds, &error));
  cr_assert (g_error_matches (error, INTERP_ERROR, INTERP_ERROR_OUT_OF_RANGE));
  cr_assert (strstr (error->message, "train-size") != NULL, "%s", error->message);
  g_error_free (error);
}

/* The data layer over the real component: an augmented, shuffled epoch is
 * the same for the same seed and differs for another one. */
static float *
augmented_epoch (guint64 seed)
{
  const InterpComponent *c = tds_component ("synthetic");
  GError *error = NULL;
  InterpParams *p = interp_params_new_from_pairs (c->params, "test.ini: [dataset]",
                                                  (const char *[]) { "train-size=64", NULL },
                                                  &error);
  InterpParams *common = interp_params_new_from_pairs (interp_data_common_params,
                                                       "test.ini: [dataset]",
                                                       (const char *[]) { "val-split=0.25",
                                                                          "augment-crop=2",
                                                                          "augment-flip=true",
                                                                          NULL }, &error);
  cr_assert (p && common, "%s", error ? error->message : "");
  InterpContext *ctx = interp_context_new (seed, 1, NULL);
  InterpDataConfig config;
  cr_assert (interp_data_config_resolve (common, &config, &error), "%s", error->message);
  InterpData *d = interp_data_open (c->vtable, p, &config, ctx, &error);
  interp_data_config_clear (&config);
  cr_assert_not_null (d, "%s", error ? error->message : "");
  cr_assert_eq (interp_data_size (d, INTERP_SPLIT_TRAIN), 48);
  cr_assert_eq (interp_data_size (d, INTERP_SPLIT_VAL), 16);
  float *all = g_new (float, 48 * 256);
  InterpDataIter *it = interp_data_iter_new (d, INTERP_SPLIT_TRAIN, 20, TRUE, 0);
  InterpTensor *x = interp_tensor_new_4d (1, 1, 1, 1);
  const int32_t *labels;
  int64_t n, at = 0;
  while ((n = interp_data_iter_next (it, x, &labels, &error)) > 0)
    {
      memcpy (all + at * 256, x->data, (size_t) n * 256 * sizeof (float));
      at += n;
    }
  cr_assert_eq (at, 48);
  interp_tensor_free (x);
  interp_data_iter_free (it);
  interp_data_free (d);
  interp_context_free (ctx);
  interp_params_free (p);
  interp_params_free (common);
  return all;
}

Test (synthetic, through_the_data_layer)
{
  float *a = augmented_epoch (21), *b = augmented_epoch (21), *c = augmented_epoch (22);
  cr_assert (memcmp (a, b, 48 * 256 * sizeof (float)) == 0);
  cr_assert (memcmp (a, c, 48 * 256 * sizeof (float)) != 0);
  g_free (a);
  g_free (b);
  g_free (c);
}
