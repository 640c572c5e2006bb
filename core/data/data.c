#include "config.h"

#include "data/data.h"

#include <math.h>
#include <string.h>

#include <interp/error.h>


/* Below this a channel is constant: dividing by its std would blow up. */
#define MIN_STD 1e-6
/* Samples read at a time while computing normalisation statistics. */
#define STATS_CHUNK 512

struct InterpData {
  const InterpDatasetVTable *vtable;
  gpointer instance;
  char *name;
  guint64 seed;
  InterpDataInfo info;
  int64_t sample_size;
  /* Per InterpSplit: the plugin's sample index of every position.  TRAIN
   * and VAL index the plugin's TRAIN split, TEST its TEST split. */
  int64_t *index[3];
  int64_t n[3];
  float *mean, *std;
  int augment_crop;
  gboolean augment_flip;
  /* permute-labels: the label of every position of TRAIN and VAL (NULL
   * otherwise, and always for TEST). */
  int32_t *labels[3];
  /* Scratch for read(): plugin indices and labels of one request. */
  GArray *scratch_idx;
  GArray *scratch_labels;
};

static InterpSplit
plugin_split (InterpSplit s)
{
  return s == INTERP_SPLIT_TEST ? INTERP_SPLIT_TEST : INTERP_SPLIT_TRAIN;
}

static gboolean
valid_split (InterpSplit s)
{
  return s == INTERP_SPLIT_TRAIN || s == INTERP_SPLIT_TEST || s == INTERP_SPLIT_VAL;
}

void
interp_data_free (InterpData *data)
{
  if (data == NULL)
    return;
  if (data->instance && data->vtable && data->vtable->close)
    data->vtable->close (data->instance);
  for (int s = 0; s < 3; s++)
    {
      g_free (data->index[s]);
      g_free (data->labels[s]);
    }
  g_free (data->mean);
  g_free (data->std);
  g_free (data->name);
  if (data->scratch_idx)
    g_array_unref (data->scratch_idx);
  if (data->scratch_labels)
    g_array_unref (data->scratch_labels);
  g_free (data);
}

/* Holds out round(frac * n) (at least 1 when frac > 0) of the n training
 * positions as VAL, chosen by "data/val-split"; both lists ascending. */
static gboolean
make_split (InterpData *data, int64_t n_train, double frac, const char *where,
            GError **error)
{
  int64_t n_val = frac > 0 ? MAX ((int64_t) 1, (int64_t) llround (frac * (double) n_train)) : 0;
  if (n_train - n_val < 1)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_OUT_OF_RANGE,
                   "%s: key 'val-split': %g of %" G_GINT64_FORMAT
                   " training samples leaves none to train on",
                   where, frac, n_train);
      return FALSE;
    }
  gboolean *is_val = g_new0 (gboolean, (gsize) n_train + 1);
  if (n_val > 0)
    {
      int64_t *perm = g_new (int64_t, (gsize) n_train);
      for (int64_t i = 0; i < n_train; i++)
        perm[i] = i;
      InterpRng rng;
      interp_rng_derive (&rng, data->seed, "data/val-split");
      interp_rng_shuffle (&rng, perm, (size_t) n_train);
      for (int64_t i = 0; i < n_val; i++)
        is_val[perm[i]] = TRUE;
      g_free (perm);
    }
  data->n[INTERP_SPLIT_TRAIN] = n_train - n_val;
  data->n[INTERP_SPLIT_VAL] = n_val;
  data->index[INTERP_SPLIT_TRAIN] = g_new (int64_t, (gsize) (n_train - n_val) + 1);
  data->index[INTERP_SPLIT_VAL] = g_new (int64_t, (gsize) n_val + 1);
  int64_t t = 0, v = 0;
  for (int64_t i = 0; i < n_train; i++)
    {
      if (is_val[i])
        data->index[INTERP_SPLIT_VAL][v++] = i;
      else
        data->index[INTERP_SPLIT_TRAIN][t++] = i;
    }
  g_free (is_val);
  return TRUE;
}

/* Per-channel mean and population std over the TRAIN split, in double. */
static gboolean
dataset_stats (InterpData *data, GError **error)
{
  const int64_t c = data->info.channels, hw = data->info.height * data->info.width;
  const int64_t n = data->n[INTERP_SPLIT_TRAIN];
  double *sum = g_new0 (double, (gsize) c), *sumsq = g_new0 (double, (gsize) c);
  InterpTensor *x = interp_tensor_new_4d (1, c, data->info.height, data->info.width);
  gboolean ok = TRUE;
  for (int64_t first = 0; ok && first < n; first += STATS_CHUNK)
    {
      int64_t m = MIN ((int64_t) STATS_CHUNK, n - first);
      ok = interp_data_read_range (data, INTERP_SPLIT_TRAIN, first, m, x, NULL, error);
      for (int64_t i = 0; ok && i < m; i++)
        for (int64_t k = 0; k < c; k++)
          {
            const float *p = x->data + (i * c + k) * hw;
            double s = 0, s2 = 0;
            for (int64_t j = 0; j < hw; j++)
              {
                s += p[j];
                s2 += (double) p[j] * p[j];
              }
            sum[k] += s;
            sumsq[k] += s2;
          }
    }
  for (int64_t k = 0; ok && k < c; k++)
    {
      double count = (double) n * (double) hw;
      double mean = sum[k] / count;
      double var = MAX (0.0, sumsq[k] / count - mean * mean);
      double sd = sqrt (var);
      data->mean[k] = (float) mean;
      data->std[k] = (float) (sd < MIN_STD ? 1.0 : sd);
    }
  interp_tensor_free (x);
  g_free (sum);
  g_free (sumsq);
  return ok;
}

/* permute-labels: reads the true labels of TRAIN and VAL (chunks of
 * STATS_CHUNK samples) and deals each split's labels out again in the order
 * of a shuffle of its positions, TRAIN first, from one stream. */
static gboolean
permute_labels (InterpData *data, GError **error)
{
  InterpRng rng;
  interp_rng_derive (&rng, data->seed, "data/permute-labels");
  InterpTensor *x = interp_tensor_new_4d (1, data->info.channels, data->info.height,
                                          data->info.width);
  const InterpSplit splits[2] = { INTERP_SPLIT_TRAIN, INTERP_SPLIT_VAL };
  gboolean ok = TRUE;
  for (int k = 0; ok && k < 2; k++)
    {
      InterpSplit s = splits[k];
      const int64_t n = data->n[s];
      int32_t *truth = g_new (int32_t, (gsize) n + 1);
      for (int64_t first = 0; ok && first < n; first += STATS_CHUNK)
        ok = interp_data_read_range (data, s, first, MIN ((int64_t) STATS_CHUNK, n - first), x,
                                     truth + first, error);
      int64_t *perm = g_new (int64_t, (gsize) n + 1);
      for (int64_t i = 0; i < n; i++)
        perm[i] = i;
      interp_rng_shuffle (&rng, perm, (size_t) n);
      data->labels[s] = g_new (int32_t, (gsize) n + 1);
      for (int64_t i = 0; i < n; i++)
        data->labels[s][i] = truth[perm[i]];
      g_free (perm);
      g_free (truth);
    }
  interp_tensor_free (x);
  return ok;
}

/* normalize = given: one value for all channels or one per channel. */
static gboolean
given_stats (InterpData *data, const InterpDataConfig *c, GError **error)
{
  const char *keys[2] = { "mean", "std" };
  const double *values[2] = { c->mean, c->std };
  size_t lens[2] = { c->n_mean, c->n_std };
  float *out[2] = { data->mean, data->std };
  for (int q = 0; q < 2; q++)
    {
      size_t len = lens[q];
      const double *v = values[q];
      if (len != 1 && len != (size_t) data->info.channels)
        {
          g_set_error (error, INTERP_ERROR, len == 0 ? INTERP_ERROR_MISSING
                       : INTERP_ERROR_BAD_VALUE,
                       "%s: key '%s': normalize = given needs 1 or %" G_GINT64_FORMAT
                       " values (one per channel), got %zu", c->where,
                       keys[q], data->info.channels, len);
          return FALSE;
        }
      for (int64_t k = 0; k < data->info.channels; k++)
        {
          double x = v[len == 1 ? 0 : k];
          if (q == 1 && x <= 0)
            {
              g_set_error (error, INTERP_ERROR, INTERP_ERROR_OUT_OF_RANGE,
                           "%s: key 'std': %g is not a positive standard deviation",
                           c->where, x);
              return FALSE;
            }
          out[q][k] = (float) x;
        }
    }
  return TRUE;
}

static gboolean
set_normalization (InterpData *data, const InterpDataConfig *c, GError **error)
{
  data->mean = g_new0 (float, (gsize) data->info.channels);
  data->std = g_new (float, (gsize) data->info.channels);
  if (c->normalize == INTERP_NORMALIZE_GIVEN)
    return given_stats (data, c, error);
  if (c->normalize == INTERP_NORMALIZE_DATASET)
    return dataset_stats (data, error);
  for (int64_t k = 0; k < data->info.channels; k++)
    data->std[k] = 1.0f;
  return TRUE;
}

InterpData *
interp_data_new (const InterpDatasetVTable *vtable, gpointer instance, const char *name,
                 const InterpDataConfig *config, guint64 seed, GError **error)
{
  InterpData *data = g_new0 (InterpData, 1);
  data->vtable = vtable;
  data->instance = instance;
  data->name = g_strdup (name ? name : "dataset");
  data->seed = seed;
  data->scratch_idx = g_array_new (FALSE, FALSE, sizeof (int64_t));
  data->scratch_labels = g_array_new (FALSE, FALSE, sizeof (int32_t));
  InterpDataConfig defaults = { 0 };
  if (config == NULL)
    {
      if (!interp_data_config_resolve (NULL, &defaults, error))
        goto fail;
      config = &defaults;
    }

  vtable->info (instance, &data->info);
  InterpDataInfo *info = &data->info;
  int64_t n_train = vtable->size (instance, INTERP_SPLIT_TRAIN);
  int64_t n_test = vtable->size (instance, INTERP_SPLIT_TEST);
  if (info->channels <= 0 || info->height <= 0 || info->width <= 0 || info->n_classes < 1
      || n_train < 0 || n_test < 0)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_INVALID_ARGUMENT,
                   "%s: the plugin reports an impossible shape (%" G_GINT64_FORMAT "x%"
                   G_GINT64_FORMAT "x%" G_GINT64_FORMAT ", %d classes, %" G_GINT64_FORMAT
                   " train, %" G_GINT64_FORMAT " test samples)", data->name, info->channels,
                   info->height, info->width, info->n_classes, n_train, n_test);
      goto fail;
    }
  if (n_train == 0)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_FORMAT,
                   "%s: the training split is empty", data->name);
      goto fail;
    }
  data->sample_size = info->channels * info->height * info->width;

  if (config->limit > 0)
    n_train = MIN (n_train, config->limit);
  if (config->test_limit > 0)
    n_test = MIN (n_test, config->test_limit);
  if (!make_split (data, n_train, config->val_split, config->where, error))
    goto fail;
  data->n[INTERP_SPLIT_TEST] = n_test;
  data->index[INTERP_SPLIT_TEST] = g_new (int64_t, (gsize) n_test + 1);
  for (int64_t i = 0; i < n_test; i++)
    data->index[INTERP_SPLIT_TEST][i] = i;

  data->augment_crop = config->augment_crop;
  data->augment_flip = config->augment_flip;
  if (data->augment_crop >= info->height || data->augment_crop >= info->width)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_OUT_OF_RANGE,
                   "%s: key 'augment-crop': padding %d is not smaller than the %"
                   G_GINT64_FORMAT "x%" G_GINT64_FORMAT " images",
                   config->where, data->augment_crop, info->height, info->width);
      goto fail;
    }
  if (!set_normalization (data, config, error))
    goto fail;
  if (config->permute_labels && !permute_labels (data, error))
    goto fail;
  interp_data_config_clear (&defaults);
  return data;

fail:
  interp_data_config_clear (&defaults);
  interp_data_free (data);
  return NULL;
}

InterpData *
interp_data_open (const InterpDatasetVTable *vtable, const InterpParams *params,
                  const InterpDataConfig *config, InterpContext *ctx, GError **error)
{
  if (vtable == NULL || vtable->struct_size < sizeof (InterpDatasetVTable) || !vtable->open
      || !vtable->close || !vtable->info || !vtable->size || !vtable->read)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_PLUGIN_INVALID,
                   "%s: the dataset vtable is missing or incomplete",
                   params ? interp_params_where (params) : "[dataset]");
      return NULL;
    }
  GError *local = NULL;
  gpointer instance = vtable->open (params, ctx, &local);
  if (instance == NULL)
    {
      if (local)
        g_propagate_error (error, local);
      else
        g_set_error (error, INTERP_ERROR, INTERP_ERROR_FAILED,
                     "%s: the dataset failed to open without saying why",
                     params ? interp_params_where (params) : "[dataset]");
      return NULL;
    }
  return interp_data_new (vtable, instance, params ? interp_params_where (params) : NULL,
                          config, interp_context_seed (ctx), error);
}

const InterpDataInfo *
interp_data_info (const InterpData *data)
{
  return &data->info;
}

const char *
interp_data_name (const InterpData *data)
{
  return data->name;
}

int64_t
interp_data_size (const InterpData *data, InterpSplit split)
{
  return valid_split (split) ? data->n[split] : 0;
}

int64_t
interp_data_sample_size (const InterpData *data)
{
  return data->sample_size;
}

const float *
interp_data_mean (const InterpData *data)
{
  return data->mean;
}

const float *
interp_data_std (const InterpData *data)
{
  return data->std;
}

int64_t
interp_data_plugin_index (const InterpData *data, InterpSplit split, int64_t pos)
{
  g_return_val_if_fail (valid_split (split) && pos >= 0 && pos < data->n[split], -1);
  return data->index[split][pos];
}

/* Reads the plugin samples whose indices are in data->scratch_idx. */
static gboolean
read_scratch (InterpData *data, InterpSplit split, int64_t n, InterpTensor *images,
              int32_t *labels, GError **error)
{
  const int64_t shape[4] = { n, data->info.channels, data->info.height, data->info.width };
  interp_tensor_reshape (images, 4, shape);
  if (labels == NULL)
    {
      g_array_set_size (data->scratch_labels, (guint) n);
      labels = (int32_t *) (void *) data->scratch_labels->data;
    }
  if (n == 0)
    return TRUE;
  if (!data->vtable->read (data->instance, plugin_split (split),
                           (const int64_t *) (void *) data->scratch_idx->data, n, images->data,
                           labels, error))
    return FALSE;
  for (int64_t i = 0; i < n; i++)
    if (labels[i] < 0 || labels[i] >= data->info.n_classes)
      {
        g_set_error (error, INTERP_ERROR, INTERP_ERROR_FAILED,
                     "%s: the plugin returned label %d outside [0, %d)", data->name,
                     (int) labels[i], data->info.n_classes);
        return FALSE;
      }
  return TRUE;
}

gboolean
interp_data_read (InterpData *data, InterpSplit split, const int64_t *pos, int64_t n,
                  InterpTensor *images, int32_t *labels, GError **error)
{
  if (!valid_split (split) || n < 0)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_INVALID_ARGUMENT,
                   "%s: bad split %d or count %" G_GINT64_FORMAT, data->name, (int) split, n);
      return FALSE;
    }
  g_array_set_size (data->scratch_idx, (guint) n);
  int64_t *idx = (int64_t *) (void *) data->scratch_idx->data;
  for (int64_t i = 0; i < n; i++)
    {
      if (pos[i] < 0 || pos[i] >= data->n[split])
        {
          g_set_error (error, INTERP_ERROR, INTERP_ERROR_INVALID_ARGUMENT,
                       "%s: position %" G_GINT64_FORMAT " is outside a split of %"
                       G_GINT64_FORMAT " samples", data->name, pos[i], data->n[split]);
          return FALSE;
        }
      idx[i] = data->index[split][pos[i]];
    }
  if (!read_scratch (data, split, n, images, labels, error))
    return FALSE;
  if (labels && data->labels[split])
    for (int64_t i = 0; i < n; i++)
      labels[i] = data->labels[split][pos[i]];
  return TRUE;
}

gboolean
interp_data_read_range (InterpData *data, InterpSplit split, int64_t first, int64_t n,
                        InterpTensor *images, int32_t *labels, GError **error)
{
  if (!valid_split (split) || n < 0 || first < 0 || first + n > data->n[split])
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_INVALID_ARGUMENT,
                   "%s: positions [%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT
                   ") are outside the split", data->name, first, first + n);
      return FALSE;
    }
  g_array_set_size (data->scratch_idx, (guint) n);
  int64_t *idx = (int64_t *) (void *) data->scratch_idx->data;
  for (int64_t i = 0; i < n; i++)
    idx[i] = data->index[split][first + i];
  if (!read_scratch (data, split, n, images, labels, error))
    return FALSE;
  if (labels && data->labels[split])
    for (int64_t i = 0; i < n; i++)
      labels[i] = data->labels[split][first + i];
  return TRUE;
}

void
interp_data_augment (InterpTensor *images, int pad, gboolean flip, InterpRng *rng)
{
  g_return_if_fail (images->ndim == 4);
  const int64_t n = images->shape[0], c = images->shape[1];
  const int64_t h = images->shape[2], w = images->shape[3];
  const int64_t ss = c * h * w;
  float *tmp = g_new (float, (gsize) ss);
  for (int64_t i = 0; i < n; i++)
    {
      float *x = images->data + i * ss;
      int64_t dy = 0, dx = 0;
      gboolean mirror = FALSE;
      if (pad > 0)
        {
          dy = (int64_t) interp_rng_below (rng, (uint64_t) (2 * pad + 1)) - pad;
          dx = (int64_t) interp_rng_below (rng, (uint64_t) (2 * pad + 1)) - pad;
        }
      if (flip)
        mirror = interp_rng_below (rng, 2) == 1;
      if (dy == 0 && dx == 0 && !mirror)
        continue;
      /* Output pixel (y, x) is input pixel (y + dy, x + dx) of the zero-padded
       * image, read mirrored when flipping. */
      memcpy (tmp, x, (size_t) ss * sizeof (float));
      for (int64_t k = 0; k < c; k++)
        for (int64_t y = 0; y < h; y++)
          for (int64_t xo = 0; xo < w; xo++)
            {
              int64_t xc = mirror ? w - 1 - xo : xo;
              int64_t sy = y + dy, sx = xc + dx;
              x[(k * h + y) * w + xo] = (sy >= 0 && sy < h && sx >= 0 && sx < w)
                                        ? tmp[(k * h + sy) * w + sx] : 0.0f;
            }
    }
  g_free (tmp);
}

struct InterpDataIter {
  InterpData *data;
  InterpSplit split;
  int64_t batch_size;
  guint epoch;
  InterpDataIterFlags flags;
  int64_t *order;          /* positions in epoch order */
  int64_t n;               /* positions served this epoch */
  int64_t next;            /* first position of the next batch in order[] */
  int64_t batch_index;
  int64_t last_n;
  GArray *labels;          /* int32_t, one batch */
};

InterpDataIter *
interp_data_iter_new_full (InterpData *data, InterpSplit split, int64_t batch_size, guint epoch,
                           InterpDataIterFlags flags)
{
  g_return_val_if_fail (data != NULL && valid_split (split) && batch_size > 0, NULL);
  InterpDataIter *it = g_new0 (InterpDataIter, 1);
  it->data = data;
  it->split = split;
  it->batch_size = batch_size;
  it->epoch = epoch;
  it->flags = flags;
  int64_t total = data->n[split];
  it->order = g_new (int64_t, (gsize) total + 1);
  for (int64_t i = 0; i < total; i++)
    it->order[i] = i;
  if (flags & INTERP_DATA_ITER_SHUFFLE)
    {
      char *stream = g_strdup_printf ("data/shuffle/%u", epoch);
      InterpRng rng;
      interp_rng_derive (&rng, data->seed, stream);
      g_free (stream);
      interp_rng_shuffle (&rng, it->order, (size_t) total);
    }
  it->n = (flags & INTERP_DATA_ITER_DROP_LAST) ? total - total % batch_size : total;
  it->labels = g_array_new (FALSE, FALSE, sizeof (int32_t));
  return it;
}

InterpDataIter *
interp_data_iter_new (InterpData *data, InterpSplit split, int64_t batch_size, gboolean train,
                      guint epoch)
{
  return interp_data_iter_new_full (data, split, batch_size, epoch,
                                    train ? INTERP_DATA_ITER_SHUFFLE | INTERP_DATA_ITER_AUGMENT
                                          : 0);
}

int64_t
interp_data_iter_next (InterpDataIter *it, InterpTensor *images, const int32_t **labels,
                       GError **error)
{
  if (it->next >= it->n)
    return 0;
  int64_t m = MIN (it->batch_size, it->n - it->next);
  g_array_set_size (it->labels, (guint) m);
  int32_t *lab = (int32_t *) (void *) it->labels->data;
  if (!interp_data_read (it->data, it->split, it->order + it->next, m, images, lab, error))
    return -1;
  InterpData *data = it->data;
  if ((it->flags & INTERP_DATA_ITER_AUGMENT) && it->split == INTERP_SPLIT_TRAIN
      && (data->augment_crop > 0 || data->augment_flip))
    {
      char *stream = g_strdup_printf ("data/augment/%u/%" G_GINT64_FORMAT, it->epoch,
                                      it->batch_index);
      InterpRng rng;
      interp_rng_derive (&rng, data->seed, stream);
      g_free (stream);
      interp_data_augment (images, data->augment_crop, data->augment_flip, &rng);
    }
  it->last_n = m;
  it->next += m;
  it->batch_index++;
  if (labels)
    *labels = lab;
  return m;
}

const int64_t *
interp_data_iter_positions (const InterpDataIter *it)
{
  return it->order + it->next - it->last_n;
}

int64_t
interp_data_iter_n_batches (const InterpDataIter *it)
{
  return (it->n + it->batch_size - 1) / it->batch_size;
}

void
interp_data_iter_free (InterpDataIter *it)
{
  if (it == NULL)
    return;
  g_free (it->order);
  g_array_unref (it->labels);
  g_free (it);
}
