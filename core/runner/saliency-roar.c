/* ROAR and KAR (Hooker, Erhan, Kindermans & Kim 2019, "A benchmark for
 * interpretability methods in deep neural networks"; their code:
 * google-research/google-research interpretability_benchmark): remove (or
 * keep only) the inputs a method ranks highest, retrain from scratch, and
 * measure the test accuracy.  saliency-stage.h gives the contract. */
#include "config.h"

#include "runner/saliency-roar.h"
#include "runner/saliency-stage.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "runner/trial.h"
#include "train/supervised.h"
#include "train/train.h"
#include "util/error-prefix.h"
#include "util/fs.h"

int64_t
interp_roar_count (double t, int64_t numel)
{
  double k = floor (t * (double) numel * (1.0 + 1e-9));
  return CLAMP ((int64_t) k, 0, numel);
}

typedef struct {
  float key;
  int64_t index;
} Ranked;

static int
ranked_compare (const void *a, const void *b)
{
  const Ranked *x = a, *y = b;
  if (x->key != y->key)
    return x->key > y->key ? -1 : 1;
  return (x->index > y->index) - (x->index < y->index);
}

void
interp_roar_rank (const float *attr, int64_t numel, int64_t *order)
{
  /* Their default ranks the squared value (train_resnet.py: squared_value =
   * True), i.e. by |attr|; the rescaling to [0, 1] and the 1e-5 added before
   * tf.nn.top_k (data_input.py) keep that order. */
  Ranked *r = g_new (Ranked, numel);
  for (int64_t e = 0; e < numel; e++)
    r[e] = (Ranked) { fabsf (attr[e]), e };
  qsort (r, (size_t) numel, sizeof *r, ranked_compare);
  for (int64_t e = 0; e < numel; e++)
    order[e] = r[e].index;
  g_free (r);
}

void
interp_roar_random_rank (InterpRng *rng, int64_t numel, int64_t *order)
{
  for (int64_t e = 0; e < numel; e++)
    order[e] = e;
  interp_rng_shuffle (rng, order, (size_t) numel);
}

void
interp_roar_mask (float *image, int64_t channels, int64_t hw, const int64_t *order,
                  int64_t count, gboolean keep, const float *mean)
{
  const int64_t numel = channels * hw;
  int64_t first = keep ? count : 0, last = keep ? numel : count;
  for (int64_t q = first; q < last; q++)
    image[order[q]] = mean[order[q] / hw];
}

/* ---- an in-memory dataset of the modified images ------------------------ */

typedef struct {
  InterpDataInfo info;          /* class names borrowed from the trial's data */
  InterpTensor *x[2];           /* TRAIN, TEST */
  int32_t *y[2];
} MemorySet;

static void
memory_close (gpointer self)
{
  MemorySet *s = self;
  for (int k = 0; k < 2; k++)
    {
      interp_tensor_free (s->x[k]);
      g_free (s->y[k]);
    }
  g_free (s);
}

static void
memory_info (gpointer self, InterpDataInfo *info)
{
  *info = ((MemorySet *) self)->info;
}

static int64_t
memory_size (gpointer self, InterpSplit split)
{
  return ((MemorySet *) self)->x[split == INTERP_SPLIT_TEST]->shape[0];
}

static gboolean
memory_read (gpointer self, InterpSplit split, const int64_t *idx, int64_t n, float *images,
             int32_t *labels, GError **error)
{
  (void) error;
  MemorySet *s = self;
  int k = split == INTERP_SPLIT_TEST;
  size_t per = interp_tensor_sample_size (s->x[k]);
  for (int64_t i = 0; i < n; i++)
    {
      memcpy (images + (size_t) i * per, s->x[k]->data + (size_t) idx[i] * per,
              per * sizeof (float));
      labels[i] = s->y[k][idx[i]];
    }
  return TRUE;
}

static const InterpDatasetVTable memory_vtable = {
  INTERP_VTABLE_SIZE (InterpDatasetVTable),
  .close = memory_close,
  .info = memory_info,
  .size = memory_size,
  .read = memory_read,
};

/* ---- the benchmark --------------------------------------------------------- */

typedef struct {
  const InterpPipeline *p;
  InterpNet *net;                 /* the trial's trained network */
  InterpData *data;
  InterpContext *ctx;
  InterpTrainConfig train;
  InterpDataConfig data_config;   /* the trial's, with limits and val-split off */
  InterpTensor *x[2];             /* TRAIN (the first roar-train-images), TEST */
  int32_t *y[2];
  float *mean;                    /* per channel, over x[TRAIN] */
  int64_t channels, hw, batch;
} Roar;

/* The modified copy of split k: each image masked by its own order. */
typedef gboolean (*OrderFunc) (gpointer self, int k, int64_t i, int64_t *order, GError **error);

static InterpTensor *
masked_copy (const Roar *r, int k, double t, gboolean keep, OrderFunc order_of, gpointer self,
             GError **error)
{
  const int64_t n = r->x[k]->shape[0], per = r->channels * r->hw;
  const int64_t count = interp_roar_count (t, per);
  InterpTensor *out = interp_tensor_copy (r->x[k]);
  int64_t *order = g_new (int64_t, per);
  for (int64_t i = 0; i < n; i++)
    if (!order_of (self, k, i, order, error))
      {
        interp_tensor_free (out);
        out = NULL;
        break;
      }
    else
      interp_roar_mask (out->data + i * per, r->channels, r->hw, order, count, keep, r->mean);
  g_free (order);
  return out;
}

/* Trains a fresh network on the modified images and returns its test
 * accuracy (NAN on an error).  Checkpoints go to a temporary folder that is
 * removed afterwards: nothing lands in the trial folder. */
static double
retrain (Roar *r, const char *source, double t, gboolean keep, OrderFunc order_of,
         gpointer self, GError **error)
{
  MemorySet *s = g_new0 (MemorySet, 1);
  s->info = *interp_data_info (r->data);
  for (int k = 0; k < 2; k++)
    {
      s->x[k] = masked_copy (r, k, t, keep, order_of, self, error);
      s->y[k] = g_memdup2 (r->y[k], (gsize) r->x[k]->shape[0] * sizeof (int32_t));
      if (s->x[k] == NULL)
        {
          memory_close (s);
          return NAN;
        }
    }
  guint64 seed = interp_context_seed (r->ctx);
  InterpData *mdata = interp_data_new (&memory_vtable, s, "roar", &r->data_config, seed, error);
  if (mdata == NULL)
    return NAN;
  char *level = g_strdup_printf ("%.6g", t);
  char *init = g_strdup_printf ("roar/%s/%s/init", source, level);
  InterpNet *net = interp_trial_build_net (r->p, mdata, init, seed, error);
  g_free (init);
  double acc = NAN;
  char *dir = net ? g_dir_make_tmp ("interp-roar-XXXXXX", error) : NULL;
  if (dir)
    {
      g_message ("%s %s t=%s: retraining on %" G_GINT64_FORMAT " images", source,
                 keep ? "kar" : "roar", level, r->x[0]->shape[0]);
      GPtrArray *no_regs = g_ptr_array_new ();
      InterpSupervisedTrainer supervised = { .label_smoothing = r->train.label_smoothing,
                                              .regularizers = no_regs };
      InterpTrainJob job = { .net = net, .data = mdata, .config = &r->train,
                             .trainer = { &interp_supervised_trainer, &supervised },
                             .seed = seed, .dir = dir };
      gboolean diverged = FALSE;
      if (interp_train (&job, &diverged, error))
        acc = interp_split_accuracy (net, mdata, INTERP_SPLIT_TEST, r->train.eval_batch_size,
                                     error);
      g_ptr_array_unref (no_regs);
      GError *rm_error = NULL;
      if (!interp_remove_tree (dir, &rm_error))
        {
          g_warning ("%s", rm_error->message);
          g_error_free (rm_error);
        }
      g_free (dir);
    }
  g_free (level);
  interp_net_free (net);
  interp_data_free (mdata);
  return acc;
}

/* A method's ranking: its maps of both splits. */
typedef struct {
  InterpTensor *maps[2];
} MapOrder;

static gboolean
map_order (gpointer self, int k, int64_t i, int64_t *order, GError **error)
{
  (void) error;
  MapOrder *mo = self;
  size_t per = interp_tensor_sample_size (mo->maps[k]);
  interp_roar_rank (mo->maps[k]->data + (size_t) i * per, (int64_t) per, order);
  return TRUE;
}

/* The random ranking: one stream per fraction, the training images then the
 * test images drawn in order, so ROAR and KAR see the same ranking. */
typedef struct {
  InterpRng rng;
  int64_t per;
} RandomOrder;

static gboolean
random_order (gpointer self, int k, int64_t i, int64_t *order, GError **error)
{
  (void) k;
  (void) i;
  (void) error;
  RandomOrder *ro = self;
  interp_roar_random_rank (&ro->rng, ro->per, order);
  return TRUE;
}

/* Which of roar / kar a group asks for. */
static gboolean
wanted_modes (const InterpSaliencyMethod *m, gboolean *roar, gboolean *kar, GError **error)
{
  size_t n;
  const char *const *v = interp_params_get_string_list (m->stage->common, "roar", &n);
  *roar = *kar = FALSE;
  for (size_t k = 0; k < n; k++)
    if (strcmp (v[k], "roar") == 0)
      *roar = TRUE;
    else if (strcmp (v[k], "kar") == 0)
      *kar = TRUE;
    else
      {
        g_set_error (error, INTERP_ERROR, INTERP_ERROR_BAD_VALUE,
                     "%s: key 'roar': unknown benchmark '%s' (roar, kar)",
                     interp_params_where (m->stage->common), v[k]);
        return FALSE;
      }
  return TRUE;
}

/* Retrains for every fraction and wanted mode with one ranking; rows with
 * perturbation = source. */
static gboolean
run_source (Roar *r, const char *source, gboolean roar, gboolean kar, const double *fractions,
            size_t n_fractions, MapOrder *maps, JsonArray *rows, GError **error)
{
  for (size_t f = 0; f < n_fractions; f++)
    for (int mode = 0; mode < 2; mode++)
      {
        gboolean keep = mode == 1;
        if (!(keep ? kar : roar))
          continue;
        char *level = g_strdup_printf ("%.6g", fractions[f]);
        RandomOrder ro = { .per = r->channels * r->hw };
        if (maps == NULL)
          {
            char *stream = g_strdup_printf ("roar/random/%s", level);
            interp_context_rng (r->ctx, stream, &ro.rng);
            g_free (stream);
          }
        double acc = maps ? retrain (r, source, fractions[f], keep, map_order, maps, error)
                          : retrain (r, source, fractions[f], keep, random_order, &ro, error);
        if (isnan (acc) && error && *error)
          {
            g_free (level);
            return FALSE;
          }
        interp_saliency_add_row (rows, keep ? "kar-accuracy" : "roar-accuracy", "", source,
                                 level, acc);
        g_free (level);
      }
  return TRUE;
}

/* The maps of both splits with the trained network, targets as the stage's. */
static gboolean
compute_maps (Roar *r, const InterpSaliencyMethod *m, MapOrder *mo, GError **error)
{
  const char *target = interp_params_get_string (r->p->pipeline, "saliency-target");
  static const char *const what[2] = { "roar/train", "roar/test" };
  for (int k = 0; k < 2; k++)
    {
      int64_t n = r->x[k]->shape[0];
      int32_t *targets = g_new (int32_t, n);
      gboolean ok = TRUE;
      if (strcmp (target, "label") == 0)
        memcpy (targets, r->y[k], (size_t) n * sizeof (int32_t));
      else
        ok = interp_saliency_predict (r->net, r->x[k], r->batch, targets, error);
      mo->maps[k] = interp_tensor_new_4d (1, 1, 1, 1);
      if (ok)
        ok = interp_saliency_maps (m, r->net, r->x[k], targets, r->batch, what[k], r->ctx,
                                   mo->maps[k], NULL, error);
      g_free (targets);
      if (!ok)
        return FALSE;
    }
  return TRUE;
}

static gboolean
roar_setup (Roar *r, GError **error)
{
  if (!interp_train_config_resolve (r->p->train, &r->train, error))
    return FALSE;
  int64_t epochs = interp_params_get_int (r->p->pipeline, "roar-epochs");
  if (epochs > 0)
    r->train.epochs = epochs;
  const InterpStage *dataset = interp_pipeline_singleton (r->p, INTERP_KIND_DATASET);
  if (!interp_data_config_resolve (dataset->common, &r->data_config, error))
    return FALSE;
  /* The retrained networks normalise as the trial's network does (the
   * benchmark uses fixed dataset constants, not the modified images'
   * statistics); every given training image trains, none is held out. */
  const InterpDataInfo *info = interp_data_info (r->data);
  r->channels = info->channels;
  r->hw = info->height * info->width;
  g_free (r->data_config.mean);
  g_free (r->data_config.std);
  r->data_config.normalize = INTERP_NORMALIZE_GIVEN;
  r->data_config.n_mean = r->data_config.n_std = (size_t) r->channels;
  r->data_config.mean = g_new (double, r->channels);
  r->data_config.std = g_new (double, r->channels);
  for (int64_t c = 0; c < r->channels; c++)
    {
      r->data_config.mean[c] = interp_data_mean (r->data)[c];
      r->data_config.std[c] = interp_data_std (r->data)[c];
    }
  r->data_config.limit = r->data_config.test_limit = 0;
  r->data_config.val_split = 0.0;

  int64_t n_train = interp_data_size (r->data, INTERP_SPLIT_TRAIN);
  int64_t want = interp_params_get_int (r->p->pipeline, "roar-train-images");
  if (want > 0)
    n_train = MIN (n_train, want);
  int64_t n[2] = { n_train, interp_data_size (r->data, INTERP_SPLIT_TEST) };
  InterpSplit split[2] = { INTERP_SPLIT_TRAIN, INTERP_SPLIT_TEST };
  for (int k = 0; k < 2; k++)
    {
      r->x[k] = interp_tensor_new_4d (1, 1, 1, 1);
      r->y[k] = g_new (int32_t, MAX (n[k], 1));
      if (!interp_data_read_range (r->data, split[k], 0, n[k], r->x[k], r->y[k], error))
        return FALSE;
    }
  /* The per-channel mean of the training images (the replacement value). */
  r->mean = g_new (float, r->channels);
  for (int64_t c = 0; c < r->channels; c++)
    {
      double s = 0.0;
      for (int64_t i = 0; i < n_train; i++)
        for (int64_t p = 0; p < r->hw; p++)
          s += r->x[0]->data[(i * r->channels + c) * r->hw + p];
      r->mean[c] = (float) (s / (double) (n_train * r->hw));
    }
  return TRUE;
}

static void
roar_clear (Roar *r)
{
  interp_train_config_clear (&r->train);
  interp_data_config_clear (&r->data_config);
  for (int k = 0; k < 2; k++)
    {
      interp_tensor_free (r->x[k]);
      g_free (r->y[k]);
    }
  g_free (r->mean);
}

gboolean
interp_saliency_roar (const InterpPipeline *p, GPtrArray *methods, InterpNet *net,
                      InterpData *data, InterpContext *ctx, JsonArray *rows, GError **error)
{
  gboolean any_roar = FALSE, any_kar = FALSE;
  for (guint i = 0; i < methods->len; i++)
    {
      const InterpSaliencyMethod *m = g_ptr_array_index (methods, i);
      gboolean roar, kar;
      if (!wanted_modes (m, &roar, &kar, error))
        return FALSE;
      any_roar |= roar;
      any_kar |= kar;
    }
  if (!any_roar && !any_kar)
    return TRUE;
  Roar r = { .p = p, .net = net, .data = data, .ctx = ctx,
             .batch = interp_params_get_int (p->pipeline, "saliency-batch-size") };
  size_t n_fractions;
  const double *fractions = interp_params_get_double_list (p->pipeline, "roar-fractions",
                                                           &n_fractions);
  gboolean ok = roar_setup (&r, error);
  for (guint i = 0; ok && i < methods->len; i++)
    {
      const InterpSaliencyMethod *m = g_ptr_array_index (methods, i);
      gboolean roar, kar;
      wanted_modes (m, &roar, &kar, NULL);
      if (!roar && !kar)
        continue;
      MapOrder mo = { { NULL, NULL } };
      ok = compute_maps (&r, m, &mo, error);
      if (ok)
        {
          ok = run_source (&r, m->stage->group, roar, kar, fractions, n_fractions, &mo, rows,
                           error);
          if (!ok)
            interp_error_prefix_group (error, m->stage->group);
        }
      interp_tensor_free (mo.maps[0]);
      interp_tensor_free (mo.maps[1]);
    }
  /* The baseline once per fraction, for the modes any method asked for. */
  if (ok)
    ok = run_source (&r, INTERP_SALIENCY_RANDOM_RANKING, any_roar, any_kar, fractions,
                     n_fractions, NULL, rows, error);
  roar_clear (&r);
  return ok;
}
