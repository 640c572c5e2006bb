/* A seeded class-conditional dataset for tests and smoke runs.
 *
 * Each class k has a fixed pattern P_k (every pixel uniform in [0, 1]);
 * sample i of a split has label i mod classes and pixels
 * clip(P_k + noise * N(0, 1), 0, 1), quantised to 1/255 like real images.
 * With the default noise a small network separates the classes within an
 * epoch, and `noise` makes the task as hard as wanted.  Everything is drawn
 * from the trial's stream "dataset:synthetic": same seed, same data.
 */
#include "config.h"

#include "datasets.h"

#include <math.h>
#include <interp/context.h>

/* 1 GiB of pixels is far beyond what a synthetic run needs. */
#define SYNTHETIC_MAX_BYTES ((int64_t) 1 << 30)

static const InterpParamSpec synthetic_params[] = {
  { "channels", INTERP_PARAM_INT, "1", "image channels", 1, 4, NULL },
  { "height", INTERP_PARAM_INT, "16", "image height in pixels", 1, 1024, NULL },
  { "width", INTERP_PARAM_INT, "16", "image width in pixels", 1, 1024, NULL },
  { "classes", INTERP_PARAM_INT, "10", "number of classes", 2, 1000, NULL },
  { "train-size", INTERP_PARAM_INT, "2000", "training samples", 1, 10000000, NULL },
  { "test-size", INTERP_PARAM_INT, "500", "test samples", 1, 10000000, NULL },
  { "noise", INTERP_PARAM_DOUBLE, "0.5",
    "standard deviation of the Gaussian noise added to the class pattern", 0, 10, NULL },
  { 0 }
};

static void
synthetic_fill (DsStore *store, InterpSplit s, const float *patterns, double noise,
                InterpRng *rng)
{
  const int64_t ss = ds_store_sample_size (store);
  DsSplit *sp = &store->split[s];
  for (int64_t i = 0; i < sp->n; i++)
    {
      int32_t k = (int32_t) (i % store->n_classes);
      const float *p = patterns + k * ss;
      uint8_t *dst = sp->pixels + i * ss;
      sp->labels[i] = k;
      for (int64_t j = 0; j < ss; j++)
        {
          double v = p[j] + (noise > 0 ? noise * interp_rng_normal (rng) : 0.0);
          v = CLAMP (v, 0.0, 1.0);
          dst[j] = (uint8_t) lrint (v * 255.0);
        }
    }
}

static gpointer
synthetic_open (const InterpParams *params, InterpContext *ctx, GError **error)
{
  DsStore *store = ds_store_new ("synthetic");
  store->channels = interp_params_get_int (params, "channels");
  store->height = interp_params_get_int (params, "height");
  store->width = interp_params_get_int (params, "width");
  store->n_classes = (int) interp_params_get_int (params, "classes");
  int64_t n_train = interp_params_get_int (params, "train-size");
  int64_t n_test = interp_params_get_int (params, "test-size");
  double noise = interp_params_get_double (params, "noise");
  const int64_t ss = ds_store_sample_size (store);
  if ((n_train + n_test) > SYNTHETIC_MAX_BYTES / ss)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_OUT_OF_RANGE,
                   "%s: keys 'train-size', 'test-size': %" G_GINT64_FORMAT " samples of %"
                   G_GINT64_FORMAT " pixels exceed the %" G_GINT64_FORMAT "-byte limit",
                   interp_params_where (params), n_train + n_test, ss, SYNTHETIC_MAX_BYTES);
      ds_store_close (store);
      return NULL;
    }

  InterpRng rng;
  interp_context_rng (ctx, "dataset:synthetic", &rng);
  float *patterns = g_new (float, (gsize) (store->n_classes * ss));
  for (int64_t j = 0; j < store->n_classes * ss; j++)
    patterns[j] = (float) interp_rng_uniform (&rng);

  ds_store_alloc (store, INTERP_SPLIT_TRAIN, n_train);
  ds_store_alloc (store, INTERP_SPLIT_TEST, n_test);
  synthetic_fill (store, INTERP_SPLIT_TRAIN, patterns, noise, &rng);
  synthetic_fill (store, INTERP_SPLIT_TEST, patterns, noise, &rng);
  g_free (patterns);

  GPtrArray *names = g_ptr_array_new ();
  for (int k = 0; k < store->n_classes; k++)
    g_ptr_array_add (names, g_strdup_printf ("class-%d", k));
  g_ptr_array_add (names, NULL);
  store->class_names = (char **) g_ptr_array_free (names, FALSE);
  return store;
}

static const InterpDatasetVTable synthetic_vtable = {
  INTERP_VTABLE_SIZE (InterpDatasetVTable),
  .open = synthetic_open,
  .close = ds_store_close,
  .info = ds_store_info,
  .size = ds_store_size,
  .read = ds_store_read,
};

const InterpComponent interp_dataset_synthetic = INTERP_COMPONENT (
  .kind = INTERP_KIND_DATASET, .name = "synthetic",
  .description = "Seeded synthetic images: a fixed random pattern per class plus Gaussian noise",
  .params = synthetic_params, .vtable = &synthetic_vtable);
