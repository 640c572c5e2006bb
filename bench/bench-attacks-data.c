/* interp-bench-attacks: the data side and the reference.  Fashion-MNIST through the dataset
 * plugin's own loader (compiled into the harness), the models trained
 * briefly so that robust accuracy means something (random weights give a
 * chance-level clean accuracy and no robustness to measure), and the files
 * bench/attacks_reference.py reads: the weights (interp's safetensors
 * checkpoint, as PyTorch's state_dict names them) and the test images;
 * running that script. */
#include "config.h"

#include "bench-attacks.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include <interp/checkpoint.h>

#include "../plugins/datasets/datasets.h"
#include "host/params-private.h"

enum { TRAIN_BATCH = 128, CHUNK = 128 };

static double
now_seconds (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec + 1e-9 * (double) ts.tv_nsec;
}

gboolean
ba_data_open (BaData *d, const char *path, GError **error)
{
  memset (d, 0, sizeof *d);
  d->comp = &interp_dataset_fashion_mnist;
  g_autofree char *pair = g_strconcat ("path=", path, NULL);
  const char *pairs[] = { pair, NULL };
  InterpParams *params = interp_params_new_from_pairs (d->comp->params, "bench: [dataset]",
                                                       pairs, error);
  if (params == NULL)
    return FALSE;
  const InterpDatasetVTable *vt = d->comp->vtable;
  d->ds = vt->open (params, NULL, error);
  interp_params_free (params);
  if (d->ds == NULL)
    return FALSE;
  InterpDataInfo info;
  vt->info (d->ds, &info);
  if (info.channels != 1 || info.height != 28 || info.width != 28)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_FORMAT,
                   "%s: images are %" G_GINT64_FORMAT "x%" G_GINT64_FORMAT "x%" G_GINT64_FORMAT
                   ", not Fashion-MNIST's 1x28x28", path, info.channels, info.height,
                   info.width);
      ba_data_close (d);
      return FALSE;
    }
  d->n_train = vt->size (d->ds, INTERP_SPLIT_TRAIN);
  return TRUE;
}

void
ba_data_close (BaData *d)
{
  if (d->ds)
    ((const InterpDatasetVTable *) d->comp->vtable)->close (d->ds);
  d->ds = NULL;
}

gboolean
ba_data_read (BaData *d, InterpSplit split, const int64_t *idx, int64_t n, int64_t c, int64_t h,
              int64_t w, InterpTensor *x, int32_t *labels, GError **error)
{
  const InterpDatasetVTable *vt = d->comp->vtable;
  g_assert (x->ndim == 4 && x->shape[0] == n && x->shape[1] == c && x->shape[2] == h
            && x->shape[3] == w);
  if (c == 1 && h == 28 && w == 28)
    return vt->read (d->ds, split, idx, n, x->data, labels, error);
  g_assert (c == 3 && h == 32 && w == 32);
  float *grey = g_new (float, n * 28 * 28);
  gboolean ok = vt->read (d->ds, split, idx, n, grey, labels, error);
  if (ok)
    {
      memset (x->data, 0, x->numel * sizeof (float));
      for (int64_t i = 0; i < n; i++)
        for (int64_t ch = 0; ch < 3; ch++)
          for (int64_t r = 0; r < 28; r++)
            memcpy (x->data + ((i * 3 + ch) * 32 + r + 2) * 32 + 2, grey + (i * 28 + r) * 28,
                    28 * sizeof (float));
    }
  g_free (grey);
  return ok;
}

int64_t
ba_count_correct (const InterpTensor *logits, const int32_t *labels)
{
  const int64_t n = logits->shape[0], k = logits->shape[1];
  int64_t correct = 0;
  for (int64_t i = 0; i < n; i++)
    {
      const float *z = logits->data + i * k;
      int64_t best = 0;
      for (int64_t j = 1; j < k; j++)
        if (z[j] > z[best])
          best = j;
      correct += best == labels[i];
    }
  return correct;
}

static gboolean
train (BaData *d, InterpNet *net, int64_t c, int64_t h, int64_t w, int steps, uint64_t seed,
       GError **error)
{
  InterpRng rng;
  interp_rng_derive (&rng, seed, "bench-attacks-train");
  interp_net_init (net, &rng);
  InterpOptimConfig config;
  memset (&config, 0, sizeof config);
  config.kind = INTERP_OPTIM_SGD;
  config.momentum = 0.9;
  config.weight_decay = 5e-4;
  InterpOptim *opt = interp_optim_new (net, &config);
  interp_net_set_mode (net, INTERP_MODE_TRAIN);
  InterpTensor *x = interp_tensor_new_4d (TRAIN_BATCH, c, h, w);
  int32_t labels[TRAIN_BATCH];
  int64_t idx[TRAIN_BATCH];
  int out = interp_net_output_node (net);
  gboolean ok = TRUE;
  for (int s = 0; s < steps && ok; s++)
    {
      for (int i = 0; i < TRAIN_BATCH; i++)
        idx[i] = (int64_t) interp_rng_below (&rng, (uint64_t) d->n_train);
      ok = ba_data_read (d, INTERP_SPLIT_TRAIN, idx, TRAIN_BATCH, c, h, w, x, labels, error);
      if (!ok)
        break;
      interp_net_zero_param_grad (net);
      ok = interp_net_forward (net, x, error);
      if (!ok)
        break;
      interp_net_zero_grad (net);
      double loss = interp_softmax_cross_entropy (interp_net_value (net, out), labels, 0.0f,
                                                 interp_net_grad (net, out), 1.0f, NULL);
      if (!isfinite (loss))
        {
          g_set_error (error, INTERP_ERROR, INTERP_ERROR_FAILED,
                       "training diverged at step %d (loss %g)", s, loss);
          ok = FALSE;
          break;
        }
      interp_net_backward (net);
      /* A fixed lr: a few hundred steps need no schedule to reach a
       * model whose robustness is worth measuring. */
      interp_optim_step (opt, 0.05);
    }
  interp_tensor_free (x);
  interp_optim_free (opt);
  interp_net_set_mode (net, INTERP_MODE_EVAL);
  return ok;
}

gboolean
ba_train_or_load (BaData *d, InterpNet *net, int64_t c, int64_t h, int64_t w, int steps,
                  uint64_t seed, const char *path, double *trained_s, GError **error)
{
  *trained_s = 0;
  if (g_file_test (path, G_FILE_TEST_EXISTS))
    {
      fprintf (stderr, "interp: loading %s\n", path);
      if (interp_net_load (net, path, error))
        {
          interp_net_set_mode (net, INTERP_MODE_EVAL);
          return TRUE;
        }
      return FALSE;
    }
  fprintf (stderr, "interp: training %d steps of batch %d on Fashion-MNIST -> %s\n", steps,
           TRAIN_BATCH, path);
  double t0 = now_seconds ();
  if (!train (d, net, c, h, w, steps, seed, error))
    return FALSE;
  *trained_s = now_seconds () - t0;
  return interp_net_save (net, path, error);
}

gboolean
ba_write_images (InterpNet *net, const InterpTensor *x, const int32_t *labels, const char *path,
                 double *clean_acc, GError **error)
{
  const int64_t n = x->shape[0];
  const size_t d = interp_tensor_sample_size (x);
  InterpTensor *logits = NULL, *chunk = NULL;
  InterpTensor *lab = interp_tensor_new_2d (n, 1);
  for (int64_t i = 0; i < n; i++)
    lab->data[i] = (float) labels[i];   /* exact: labels are < 2^24 */
  interp_net_set_mode (net, INTERP_MODE_EVAL);
  int out = interp_net_output_node (net);
  gboolean ok = TRUE;
  /* In chunks: one forward of every image at once would hold every
   * activation of ResNet-20 for all of them. */
  for (int64_t s = 0; s < n && ok; s += CHUNK)
    {
      int64_t m = MIN (CHUNK, n - s);
      if (chunk == NULL || chunk->shape[0] != m)
        {
          interp_tensor_free (chunk);
          chunk = interp_tensor_new_4d (m, x->shape[1], x->shape[2], x->shape[3]);
        }
      memcpy (chunk->data, x->data + s * d, (size_t) m * d * sizeof (float));
      ok = interp_net_forward (net, chunk, error);
      if (!ok)
        break;
      const InterpTensor *z = interp_net_value (net, out);
      if (logits == NULL)
        logits = interp_tensor_new_2d (n, z->shape[1]);
      memcpy (logits->data + s * z->shape[1], z->data, z->numel * sizeof (float));
    }
  if (ok)
    {
      *clean_acc = (double) ba_count_correct (logits, labels) / (double) n;
      const char *names[] = { "x", "labels", "logits" };
      InterpTensor *tensors[] = { (InterpTensor *) x, lab, logits };
      if (path)
        ok = interp_safetensors_write (path, names, tensors, 3, NULL, error);
    }
  interp_tensor_free (chunk);
  interp_tensor_free (logits);
  interp_tensor_free (lab);
  return ok;
}

