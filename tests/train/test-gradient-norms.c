/* [train] gradient-norms: the recorded norms are those of each loss
 * source's gradient (checked against finite differences and against the
 * vectors themselves), recording does not change training by a bit, the
 * cadence follows the global step, and a resumed run writes the same
 * gradient-norms.csv as an uninterrupted one. */
#include "config.h"

#include <math.h>
#include <string.h>

#include <criterion/criterion.h>
#include <glib/gstdio.h>

#include <interp/interp.h>

#include "data/data.h"
#include "host/params-private.h"
#include "pipeline/pipeline.h"
#include "plugin/registry.h"
#include "train/gradient-norms.h"
#include "train/supervised.h"
#include "train/train.h"
#include "util/fs.h"

extern const InterpComponent interp_regularizer_class_selectivity;
extern const InterpComponent interp_regularizer_l2;

#define FC 1
#define FH 2
#define FW 2
#define FEATURES (FC * FH * FW)
#define N_CLASSES 3
#define N_TRAIN 40
#define N_TEST 8
#define BATCH 8
#define STEPS_PER_EPOCH ((N_TRAIN + BATCH - 1) / BATCH)

/* ---- a deterministic in-memory dataset ------------------------------------ */

static int32_t
fake_label (InterpSplit s, int64_t i)
{
  return (int32_t) ((i + (s == INTERP_SPLIT_TEST ? 1 : 0)) % N_CLASSES);
}

/* Feature j of sample i: a class-dependent bump plus a fixed pattern, in [0, 1]. */
static float
fake_value (InterpSplit s, int64_t i, int64_t j)
{
  int64_t k = i + (s == INTERP_SPLIT_TEST ? 1000 : 0);
  float bump = j == fake_label (s, i) ? 0.5f : 0.0f;
  return bump + (float) ((k * 37 + j * 13) % 17) / 34.0f;
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
  *info = (InterpDataInfo) { FC, FH, FW, N_CLASSES, NULL };
}

static int64_t
fake_size (gpointer self, InterpSplit split)
{
  (void) self;
  return split == INTERP_SPLIT_TRAIN ? N_TRAIN : N_TEST;
}

static gboolean
fake_read (gpointer self, InterpSplit split, const int64_t *idx, int64_t n, float *images,
           int32_t *labels, GError **error)
{
  (void) self;
  (void) error;
  for (int64_t i = 0; i < n; i++)
    {
      for (int64_t j = 0; j < FEATURES; j++)
        images[i * FEATURES + j] = fake_value (split, idx[i], j);
      labels[i] = fake_label (split, idx[i]);
    }
  return TRUE;
}

static const InterpDatasetVTable fake_vtable = {
  INTERP_VTABLE_SIZE (InterpDatasetVTable),
  .close = fake_close, .info = fake_info, .size = fake_size, .read = fake_read,
};

static InterpData *
fake_data (void)
{
  GError *error = NULL;
  InterpData *d = interp_data_new (&fake_vtable, g_new0 (int, 1), "fake", NULL, 3, &error);
  cr_assert_not_null (d, "%s", error ? error->message : "");
  cr_assert_eq (interp_data_size (d, INTERP_SPLIT_TRAIN), N_TRAIN);
  return d;
}

/* The first n training samples as one batch. */
static InterpTensor *
fake_batch (int64_t n, int32_t *labels)
{
  InterpTensor *x = interp_tensor_new_4d (n, FC, FH, FW);
  for (int64_t i = 0; i < n; i++)
    {
      for (int64_t j = 0; j < FEATURES; j++)
        x->data[i * FEATURES + j] = fake_value (INTERP_SPLIT_TRAIN, i, j);
      labels[i] = fake_label (INTERP_SPLIT_TRAIN, i);
    }
  return x;
}

/* ---- networks and regularisers -------------------------------------------- */

static void
init_net (InterpNet *net)
{
  InterpRng rng;
  interp_rng_seed (&rng, 11);
  interp_net_init (net, &rng);
}

/* conv1 (1x1, 3 channels) -> bn1 -> relu1 -> flat -> drop -> fc: batchnorm
 * running statistics and dropout draws are the side effects a repeated
 * forward would have. */
static InterpNet *
small_cnn (void)
{
  GError *error = NULL;
  InterpNet *net = interp_net_new (FC, FH, FW);
  int h = interp_net_conv2d (net, "conv1", 0, 3, 1, 1, 0, 1, TRUE, &error);
  h = interp_net_batchnorm (net, "bn1", h, 1e-5f, 0.1f, &error);
  h = interp_net_relu (net, "relu1", h, &error);
  h = interp_net_flatten (net, "flat", h, &error);
  h = interp_net_dropout (net, "drop", h, 0.25f, &error);
  cr_assert_geq (interp_net_linear (net, "fc", h, N_CLASSES, TRUE, &error), 0, "%s",
                 error ? error->message : "");
  init_net (net);
  return net;
}

/* flat -> fc1 (3) -> fc: every coordinate of every parameter enters the
 * logits affinely, which bounds the finite-difference truncation error. */
static InterpNet *
two_linear (void)
{
  GError *error = NULL;
  InterpNet *net = interp_net_new (FC, FH, FW);
  int h = interp_net_flatten (net, "flat", 0, &error);
  h = interp_net_linear (net, "fc1", h, 3, TRUE, &error);
  cr_assert_geq (interp_net_linear (net, "fc", h, N_CLASSES, TRUE, &error), 0, "%s",
                 error ? error->message : "");
  init_net (net);
  return net;
}

static void
free_regularizer (gpointer ptr)
{
  InterpRegularizerInstance *r = ptr;
  r->vtable->destroy (r->instance);
  g_free (r);
}

static void
add_regularizer (GPtrArray *regs, const InterpComponent *component, const char *group,
                 const char *const *pairs, InterpNet *net)
{
  GError *error = NULL;
  InterpParams *p = interp_params_new_from_pairs (component->params, group, pairs, &error);
  cr_assert_not_null (p, "%s", error ? error->message : "");
  InterpDataInfo info = { FC, FH, FW, N_CLASSES, NULL };
  InterpRegularizerInstance *r = g_new0 (InterpRegularizerInstance, 1);
  r->vtable = component->vtable;
  r->group = group;
  r->instance = r->vtable->create (p, net, &info, NULL, &error);
  cr_assert_not_null (r->instance, "%s", error ? error->message : "");
  interp_params_free (p);
  g_ptr_array_add (regs, r);
}

/* An activation regulariser (node gradients) and a weight one (parameter
 * gradients). */
static GPtrArray *
both_regularizers (InterpNet *net, const char *alpha)
{
  GPtrArray *regs = g_ptr_array_new_with_free_func (free_regularizer);
  add_regularizer (regs, &interp_regularizer_class_selectivity, "regularizer:selectivity",
                   (const char *const[]) { alpha, "layers=relu1", NULL }, net);
  add_regularizer (regs, &interp_regularizer_l2, "regularizer:l2",
                   (const char *const[]) { "lambda=0.1", NULL }, net);
  return regs;
}

/* ---- reading the recorded rows -------------------------------------------- */

/* The norm recorded for (step, parameter, source); exactly one row must match. */
static double
recorded (const char *rows, int64_t step, const char *param, const char *source)
{
  char **lines = g_strsplit (rows, "\n", -1);
  double value = NAN;
  int found = 0;
  for (char **l = lines; *l; l++)
    {
      if (**l == '\0')
        continue;
      char **f = g_strsplit (*l, ",", -1);
      cr_assert_eq (g_strv_length (f), 5, "bad row '%s'", *l);
      if (g_ascii_strtoll (f[1], NULL, 10) == step && g_str_equal (f[2], param)
          && g_str_equal (f[3], source))
        {
          value = g_ascii_strtod (f[4], NULL);
          found++;
        }
      g_strfreev (f);
    }
  g_strfreev (lines);
  cr_assert_eq (found, 1, "%d rows for step %" G_GINT64_FORMAT " %s %s", found, step, param,
                source);
  return value;
}

static int
n_recorded_params (InterpNet *net)
{
  int k = 0;
  for (int i = 0; i < interp_net_n_params (net); i++)
    k += interp_grad_norms_wanted (interp_net_param (net, i));
  return k;
}

/* One training step's gradient work as the loop does it: zero, the
 * trainer's on_batch (which records the sources), backward, "total". */
static void
one_step (InterpNet *net, GPtrArray *regs, InterpGradNorms *gn, const InterpTensor *x,
          const int32_t *labels, int64_t n)
{
  GError *error = NULL;
  InterpSupervisedTrainer sup = { .regularizers = regs, .grad_norms = gn };
  InterpTrainBatch b = { .net = net, .x = x, .labels = labels, .n = n };
  interp_net_set_mode (net, INTERP_MODE_TRAIN);
  interp_net_set_input_grad (net, FALSE);
  interp_net_zero_param_grad (net);
  interp_net_zero_grad (net);
  cr_assert (interp_supervised_trainer.on_batch (&sup, &b, &error), "%s",
             error ? error->message : "");
  interp_net_backward (net);
  interp_grad_norms_record (gn, net, 0, 0, INTERP_GRAD_NORMS_TOTAL);
}

/* ---- the recorded norms ---------------------------------------------------- */

static double
batch_loss (InterpNet *net, const InterpTensor *x, const int32_t *labels)
{
  GError *error = NULL;
  cr_assert (interp_net_forward (net, x, &error));
  int out = interp_net_output_node (net);
  int64_t hits;
  return interp_softmax_cross_entropy (interp_net_value (net, out), labels, 0.0f, NULL, 1.0f,
                                       &hits);
}

static double
max_abs (const InterpTensor *t)
{
  double m = 0;
  for (size_t i = 0; i < t->numel; i++)
    m = MAX (m, fabs (t->data[i]));
  return m;
}

Test (gradient_norms, cross_entropy_norm_matches_finite_differences)
{
  enum { N = 6 };
  int32_t labels[N];
  InterpTensor *x = fake_batch (N, labels);
  InterpNet *net = two_linear ();
  InterpGradNorms *gn = interp_grad_norms_new (1);
  one_step (net, NULL, gn, x, labels, N);
  const char *rows = interp_grad_norms_rows (gn);

  /* The tolerance.  u = 2^-24 is float32's unit roundoff.  A logit is two
   * float32 affine maps deep, each a sum of at most m = 4 products plus a
   * bias, so its absolute rounding error is at most 2 (m + 1) u S, S the
   * largest logit magnitude sum |W2||h| + |b2| with |h| itself bounded by
   * its own sum (we take S = 4 max(1, max|z|) max(1, max|h|), generous).
   * The loss is the batch mean of log-sum-exp minus the label's logit, whose
   * gradient in the logits has L1 norm <= 2 per sample, so each loss
   * evaluation is off by at most dL = 4 (m + 1) u S.  A central difference
   * (L(w + h) - L(w - h)) / (2h) then carries a rounding error <= dL / h.
   * Its truncation error is h^2 / 6 |L'''|: each coordinate enters the
   * logits affinely with slope c (|c| <= C = 2 max(1, |W2|) max(1, |x|,
   * |h|)), and the third derivative of log-sum-exp along c is the third
   * central moment of c under the softmax, at most r^3 / 4 for a range r =
   * max c - min c <= 2C (|c - Ec| <= r and Var c <= r^2 / 4).  The step h =
   * 1/128 roughly balances the two terms.  Over a tensor of k elements the norm of
   * the error vector is at most sqrt(k) times the per-element bound; the
   * recorded norm adds its own float32 backward rounding (relative, well
   * under 1e-5). */
  const double u = 0x1p-24, h = 1.0 / 128;
  double zmax = 0, hmax = 0;
  batch_loss (net, x, labels);
  zmax = max_abs (interp_net_value (net, interp_net_output_node (net)));
  hmax = max_abs (interp_net_value (net, interp_net_find (net, "fc1")));
  double w2max = max_abs (interp_net_find_param (net, "fc.weight")->value);
  double S = 4.0 * MAX (1.0, zmax) * MAX (1.0, hmax);
  double dL = 4.0 * 5.0 * u * S;
  double C = 2.0 * MAX (1.0, w2max) * MAX (1.0, MAX (max_abs (x), hmax));
  double per_element = dL / h + h * h / 6.0 * pow (2.0 * C, 3.0) / 4.0;

  for (int i = 0; i < interp_net_n_params (net); i++)
    {
      InterpParam *p = interp_net_param (net, i);
      double sum = 0;
      for (size_t j = 0; j < p->value->numel; j++)
        {
          float w = p->value->data[j];
          float up = w + (float) h, down = w - (float) h;
          p->value->data[j] = up;
          double l_up = batch_loss (net, x, labels);
          p->value->data[j] = down;
          double l_down = batch_loss (net, x, labels);
          p->value->data[j] = w;
          /* The step actually taken, in float32. */
          double g = (l_up - l_down) / ((double) up - (double) down);
          sum += g * g;
        }
      double fd = sqrt (sum);
      double got = recorded (rows, 0, p->name, INTERP_GRAD_NORMS_CROSS_ENTROPY);
      double tol = sqrt ((double) p->value->numel) * per_element + 1e-5 * fd;
      cr_log_info ("%s: recorded %.9g, finite differences %.9g, tolerance %.3g", p->name, got,
                   fd, tol);
      cr_assert (fd > 10 * tol, "%s: the gradient is too small to test (%g)", p->name, fd);
      cr_assert (fabs (got - fd) <= tol, "%s: recorded %.9g, finite differences %.9g (tol %g)",
                 p->name, got, fd, tol);
      /* With no regulariser the total is the cross-entropy's gradient. */
      cr_assert_float_eq (recorded (rows, 0, p->name, INTERP_GRAD_NORMS_TOTAL), got,
                          1e-6 * got);
    }
  interp_grad_norms_free (gn);
  interp_net_free (net);
  interp_tensor_free (x);
}

/* Each parameter's gradient vector per source, from the network's current
 * forward values: the cross-entropy, then each regulariser. */
static GPtrArray *
source_vectors (InterpNet *net, GPtrArray *regs, const int32_t *labels, int64_t n, int param)
{
  GPtrArray *v = g_ptr_array_new_with_free_func ((GDestroyNotify) interp_tensor_free);
  GError *error = NULL;
  InterpParam *p = interp_net_param (net, param);
  for (guint s = 0; s <= regs->len; s++)
    {
      interp_net_zero_param_grad (net);
      interp_net_zero_grad (net);
      if (s == 0)
        {
          int out = interp_net_output_node (net);
          int64_t hits;
          interp_softmax_cross_entropy (interp_net_value (net, out), labels, 0.0f,
                                        interp_net_grad (net, out), 1.0f, &hits);
        }
      else
        {
          InterpRegularizerInstance *r = g_ptr_array_index (regs, s - 1);
          double term;
          cr_assert (r->vtable->apply (r->instance, net, labels, n, &term, &error));
        }
      interp_net_backward (net);
      g_ptr_array_add (v, interp_tensor_copy (p->grad));
    }
  return v;
}

static double
l2 (const float *a, size_t n)
{
  double s = 0;
  for (size_t i = 0; i < n; i++)
    s += (double) a[i] * a[i];
  return sqrt (s);
}

Test (gradient_norms, total_is_the_sum_of_the_sources)
{
  enum { N = 12 };
  int32_t labels[N];
  InterpTensor *x = fake_batch (N, labels);
  InterpNet *net = small_cnn ();
  GPtrArray *regs = both_regularizers (net, "alpha=1");
  InterpGradNorms *gn = interp_grad_norms_new (1);
  one_step (net, regs, gn, x, labels, N);
  const char *rows = interp_grad_norms_rows (gn);
  const char *sources[] = { INTERP_GRAD_NORMS_CROSS_ENTROPY, "regularizer:selectivity",
                            "regularizer:l2" };
  /* The optimiser's gradients, before source_vectors overwrites them. */
  GPtrArray *totals = g_ptr_array_new_with_free_func ((GDestroyNotify) interp_tensor_free);
  for (int i = 0; i < interp_net_n_params (net); i++)
    {
      InterpParam *p = interp_net_param (net, i);
      g_ptr_array_add (totals, p->grad ? interp_tensor_copy (p->grad) : NULL);
    }
  /* Sum over the sources of the norm of each source's whole gradient. */
  double scale = 0;
  for (guint s = 0; s < G_N_ELEMENTS (sources); s++)
    {
      double sq = 0;
      for (int i = 0; i < interp_net_n_params (net); i++)
        if (interp_grad_norms_wanted (interp_net_param (net, i)))
          sq += pow (recorded (rows, 0, interp_net_param (net, i)->name, sources[s]), 2);
      scale += sqrt (sq);
    }
  int checked = 0;
  for (int i = 0; i < interp_net_n_params (net); i++)
    {
      InterpParam *p = interp_net_param (net, i);
      if (!interp_grad_norms_wanted (p))
        continue;
      const InterpTensor *total = g_ptr_array_index (totals, i);
      GPtrArray *v = source_vectors (net, regs, labels, N, i);
      size_t k = p->grad->numel;
      float *sum = g_new0 (float, k);
      for (guint s = 0; s < v->len; s++)
        {
          const InterpTensor *vs = g_ptr_array_index (v, s);
          double norm = l2 (vs->data, k);
          cr_assert_float_eq (recorded (rows, 0, p->name, sources[s]), norm, 1e-6 * norm + 1e-30,
                              "%s %s", p->name, sources[s]);
          for (size_t j = 0; j < k; j++)
            sum[j] += vs->data[j];
        }
      /* Backward is linear in the seeded gradients: one pass over the
       * summed seeds and the sum of one pass per seed differ only by
       * float32 rounding, a few u per accumulation over at most
       * batch x positions = 48 terms, relative to the gradients flowing
       * through the network: the scale is each source's whole gradient, not
       * this tensor's (conv1.bias, before bn1, has a true gradient of zero:
       * its values are rounding noise of bn1's backward). */
      double diff = 0;
      for (size_t j = 0; j < k; j++)
        diff += ((double) total->data[j] - sum[j]) * ((double) total->data[j] - sum[j]);
      double tol = 4.0 * 48 * 0x1p-24 * scale;
      cr_log_info ("%s: |total - sum| %.3g, tolerance %.3g", p->name, sqrt (diff), tol);
      cr_assert (sqrt (diff) <= tol, "%s: |total - sum of sources| = %g > %g", p->name,
                 sqrt (diff), tol);
      double total_norm = l2 (total->data, k);
      cr_assert_float_eq (recorded (rows, 0, p->name, INTERP_GRAD_NORMS_TOTAL), total_norm,
                          1e-6 * total_norm);
      /* Both regularisers act on this network's weights or through them. */
      if (g_str_has_suffix (p->name, ".weight"))
        cr_assert_gt (l2 (((InterpTensor *) g_ptr_array_index (v, 2))->data, k), 0.0);
      g_free (sum);
      g_ptr_array_unref (v);
      checked++;
    }
  cr_assert_eq (checked, n_recorded_params (net));
  cr_assert_eq (checked, 6, "conv1 and fc weights and biases, bn1 weight and bias");
  g_ptr_array_unref (totals);
  interp_grad_norms_free (gn);
  g_ptr_array_unref (regs);
  interp_net_free (net);
  interp_tensor_free (x);
}

Test (gradient_norms, alpha_zero_records_zero)
{
  enum { N = 12 };
  int32_t labels[N];
  InterpTensor *x = fake_batch (N, labels);
  InterpNet *net = small_cnn ();
  GPtrArray *regs = g_ptr_array_new_with_free_func (free_regularizer);
  add_regularizer (regs, &interp_regularizer_class_selectivity, "regularizer:selectivity",
                   (const char *const[]) { "alpha=0", "layers=relu1", NULL }, net);
  InterpGradNorms *gn = interp_grad_norms_new (1);
  one_step (net, regs, gn, x, labels, N);
  const char *rows = interp_grad_norms_rows (gn);
  for (int i = 0; i < interp_net_n_params (net); i++)
    {
      InterpParam *p = interp_net_param (net, i);
      if (!interp_grad_norms_wanted (p))
        continue;
      cr_assert_eq (recorded (rows, 0, p->name, "regularizer:selectivity"), 0.0, "%s", p->name);
      cr_assert_gt (recorded (rows, 0, p->name, INTERP_GRAD_NORMS_CROSS_ENTROPY), 0.0, "%s",
                    p->name);
    }
  interp_grad_norms_free (gn);
  g_ptr_array_unref (regs);
  interp_net_free (net);
  interp_tensor_free (x);
}

/* ---- training runs --------------------------------------------------------- */

/* Fails the step of epoch `fail_epoch` (0-based; -1 never): an interruption. */
static gboolean
fail_on_batch (gpointer self, InterpTrainBatch *b, GError **error)
{
  const int64_t *fail_epoch = self;
  if (b->epoch != *fail_epoch)
    return TRUE;
  g_set_error (error, INTERP_ERROR, INTERP_ERROR_FAILED, "interrupted");
  return FALSE;
}

static const InterpTrainHooks fail_hooks = {
  INTERP_VTABLE_SIZE (InterpTrainHooks),
  .on_batch = fail_on_batch,
};

/* Trains small_cnn with both regularisers in `dir`; returns the network
 * (NULL, when `fail_epoch` interrupted training as expected). */
static InterpNet *
train_in (const char *dir, int64_t epochs, int64_t every, int64_t fail_epoch)
{
  char kv_epochs[32], kv_every[32], kv_batch[32];
  g_snprintf (kv_epochs, sizeof kv_epochs, "epochs=%" G_GINT64_FORMAT, epochs);
  g_snprintf (kv_every, sizeof kv_every, "gradient-norms=%" G_GINT64_FORMAT, every);
  g_snprintf (kv_batch, sizeof kv_batch, "batch-size=%d", BATCH);
  GError *error = NULL;
  InterpParams *tp = interp_params_new_from_pairs (
    interp_train_params, "test: [train]",
    (const char *const[]) { kv_epochs, kv_every, kv_batch, "learning-rate=0.1", NULL }, &error);
  cr_assert_not_null (tp, "%s", error ? error->message : "");
  InterpTrainConfig c;
  cr_assert (interp_train_config_resolve (tp, &c, &error));
  interp_params_free (tp);
  cr_assert_eq (c.gradient_norms, every);

  InterpData *data = fake_data ();
  InterpNet *net = small_cnn ();
  GPtrArray *regs = both_regularizers (net, "alpha=1");
  InterpGradNorms *gn = c.gradient_norms > 0 ? interp_grad_norms_new (c.gradient_norms) : NULL;
  InterpSupervisedTrainer sup = { .regularizers = regs, .grad_norms = gn };
  InterpTrainHookRef hook = { &fail_hooks, &fail_epoch };
  InterpTrainJob job = { .net = net, .data = data, .config = &c,
                         .trainer = { &interp_supervised_trainer, &sup },
                         .hooks = &hook, .n_hooks = 1, .seed = 5, .dir = dir,
                         .grad_norms = gn };
  gboolean diverged = FALSE;
  gboolean ok = interp_train (&job, &diverged, &error);
  if (fail_epoch >= 0)
    {
      cr_assert (!ok && error && strstr (error->message, "interrupted"));
      g_clear_error (&error);
      interp_net_free (net);
      net = NULL;
    }
  else
    cr_assert (ok && !diverged, "%s", error ? error->message : "");
  interp_grad_norms_free (gn);
  g_ptr_array_unref (regs);
  interp_data_free (data);
  interp_train_config_clear (&c);
  return net;
}

static char *
read_csv (const char *dir)
{
  char *path = g_build_filename (dir, INTERP_GRAD_NORMS_FILE, NULL);
  char *text = NULL;
  GError *error = NULL;
  cr_assert (g_file_get_contents (path, &text, NULL, &error), "%s",
             error ? error->message : "");
  g_free (path);
  cr_assert (g_str_has_prefix (text, INTERP_GRAD_NORMS_HEADER));
  return text;
}

static void
remove_dir (char *dir)
{
  GError *error = NULL;
  cr_assert (interp_remove_tree (dir, &error), "%s", error ? error->message : "");
  g_free (dir);
}

Test (gradient_norms, training_is_bit_identical_with_and_without)
{
  char *off = g_dir_make_tmp ("interp-gn-off-XXXXXX", NULL);
  char *on = g_dir_make_tmp ("interp-gn-on-XXXXXX", NULL);
  InterpNet *a = train_in (off, 2, 0, -1);
  InterpNet *b = train_in (on, 2, 1, -1);
  char *path = g_build_filename (off, INTERP_GRAD_NORMS_FILE, NULL);
  cr_assert (!g_file_test (path, G_FILE_TEST_EXISTS), "gradient-norms = 0 wrote %s", path);
  g_free (path);
  char *csv = read_csv (on);
  cr_assert (strstr (csv, ",regularizer:selectivity,") && strstr (csv, ",total,"));
  g_free (csv);
  int compared = 0;
  for (int i = 0; i < interp_net_n_params (a); i++)
    {
      /* Weights and buffers: running statistics too. */
      const InterpParam *pa = interp_net_param (a, i), *pb = interp_net_param (b, i);
      cr_assert_str_eq (pa->name, pb->name);
      cr_assert (memcmp (pa->value->data, pb->value->data, pa->value->numel * sizeof (float))
                 == 0, "%s differs with gradient-norms = 1", pa->name);
      compared += pa->is_buffer;
    }
  cr_assert_gt (compared, 0, "the running statistics were compared");
  /* And training moved the weights at all. */
  InterpNet *fresh = small_cnn ();
  cr_assert (memcmp (interp_net_find_param (a, "fc.weight")->value->data,
                     interp_net_find_param (fresh, "fc.weight")->value->data,
                     interp_net_find_param (a, "fc.weight")->value->numel * sizeof (float)) != 0);
  interp_net_free (fresh);
  interp_net_free (a);
  interp_net_free (b);
  remove_dir (off);
  remove_dir (on);
}

Test (gradient_norms, every_third_step)
{
  char *dir = g_dir_make_tmp ("interp-gn-cadence-XXXXXX", NULL);
  InterpNet *net = train_in (dir, 2, 3, -1);
  char *csv = read_csv (dir);
  /* 2 epochs of 5 steps: steps 0 .. 9, of which 0, 3, 6, 9; steps 0-4 are epoch 1. */
  G_STATIC_ASSERT (STEPS_PER_EPOCH == 5);
  const int64_t expected[] = { 0, 3, 6, 9 };
  int counts[10] = { 0 };
  char **lines = g_strsplit (csv, "\n", -1);
  for (guint i = 1; lines[i]; i++)
    {
      if (*lines[i] == '\0')
        continue;
      char **f = g_strsplit (lines[i], ",", -1);
      int64_t epoch = g_ascii_strtoll (f[0], NULL, 10), step = g_ascii_strtoll (f[1], NULL, 10);
      cr_assert (step >= 0 && step < 10, "step %" G_GINT64_FORMAT, step);
      cr_assert_eq (epoch, step / STEPS_PER_EPOCH + 1, "row '%s'", lines[i]);
      counts[step]++;
      g_strfreev (f);
    }
  g_strfreev (lines);
  /* Four sources (cross-entropy, two regularisers, total) per parameter. */
  int per_step = 4 * n_recorded_params (net);
  for (int s = 0, e = 0; s < 10; s++)
    {
      gboolean due = e < 4 && expected[e] == s;
      cr_assert_eq (counts[s], due ? per_step : 0, "step %d: %d rows", s, counts[s]);
      e += due;
    }
  g_free (csv);
  interp_net_free (net);
  remove_dir (dir);
}

/* The rows of `csv` (header excluded) whose epoch is `epoch`. */
static char *
rows_of_epoch (const char *csv, int64_t epoch)
{
  GString *out = g_string_new (NULL);
  char **lines = g_strsplit (csv, "\n", -1);
  for (guint i = 1; lines[i]; i++)
    if (*lines[i] && g_ascii_strtoll (lines[i], NULL, 10) == epoch)
      g_string_append_printf (out, "%s\n", lines[i]);
  g_strfreev (lines);
  return g_string_free (out, FALSE);
}

Test (gradient_norms, resume_writes_the_same_csv)
{
  char *whole = g_dir_make_tmp ("interp-gn-whole-XXXXXX", NULL);
  char *cut = g_dir_make_tmp ("interp-gn-cut-XXXXXX", NULL);
  InterpNet *a = train_in (whole, 3, 2, -1);
  char *expected = read_csv (whole);

  /* Interrupted in epoch 3, after the checkpoint of epoch 2. */
  cr_assert_null (train_in (cut, 3, 2, 2));
  char *partial = read_csv (cut);
  char *third = rows_of_epoch (expected, 3);
  cr_assert (*third != '\0');
  cr_assert_null (strstr (partial, third));
  /* As if the attempt had been killed after writing epoch 3's rows but
   * before train-state.json said so: those rows must not come back twice. */
  char *stale = g_strconcat (partial, third, NULL);
  char *path = g_build_filename (cut, INTERP_GRAD_NORMS_FILE, NULL);
  cr_assert (g_file_set_contents (path, stale, -1, NULL));

  InterpNet *b = train_in (cut, 3, 2, -1);
  char *got = read_csv (cut);
  cr_assert_str_eq (got, expected);
  for (int i = 0; i < interp_net_n_params (a); i++)
    cr_assert (memcmp (interp_net_param (a, i)->value->data, interp_net_param (b, i)->value->data,
                       interp_net_param (a, i)->value->numel * sizeof (float)) == 0);

  /* A row without an epoch is refused, naming the file and line. */
  cr_assert (g_file_set_contents (path, INTERP_GRAD_NORMS_HEADER "1,0,fc.weight,total,1\n"
                                  "x,0,fc.weight,total,1\n", -1, NULL));
  InterpGradNorms *gn = interp_grad_norms_new (2);
  GError *error = NULL;
  cr_assert (!interp_grad_norms_resume (gn, cut, 1, &error));
  cr_assert (strstr (error->message, INTERP_GRAD_NORMS_FILE ":3:"), "%s", error->message);
  g_error_free (error);
  interp_grad_norms_free (gn);

  g_free (path);
  g_free (stale);
  g_free (got);
  g_free (third);
  g_free (partial);
  g_free (expected);
  interp_net_free (a);
  interp_net_free (b);
  remove_dir (whole);
  remove_dir (cut);
}

/* ---- the key --------------------------------------------------------------- */

static GError *
load_with (const char *override)
{
  InterpRegistry *registry = interp_registry_new ();
  interp_registry_load_search_path (registry, NULL);
  char *dir = g_dir_make_tmp ("interp-gn-pipeline-XXXXXX", NULL);
  char *path = g_build_filename (dir, "p.ini", NULL);
  cr_assert (g_file_set_contents (path,
                                  "[pipeline]\nname = t\nseed = 3\n"
                                  "[dataset]\nplugin = synthetic\n"
                                  "[model]\nplugin = mlp\nhidden = 8\n"
                                  "[train]\nepochs = 1\n", -1, NULL));
  GError *error = NULL;
  InterpPipeline *p = interp_pipeline_load (path, (const char *const[]) { override, NULL },
                                            registry, &error);
  if (p)
    {
      InterpTrainConfig c;
      cr_assert (interp_train_config_resolve (p->train, &c, &error));
      cr_assert_eq (c.gradient_norms, 7);
      interp_train_config_clear (&c);
      interp_pipeline_free (p);
    }
  g_unlink (path);
  g_rmdir (dir);
  g_free (path);
  g_free (dir);
  interp_registry_free (registry);
  return error;
}

Test (gradient_norms, bad_values_are_refused)
{
  cr_assert_null (load_with ("train.gradient-norms=7"));
  const char *bad[] = { "train.gradient-norms=-1", "train.gradient-norms=abc" };
  const int codes[] = { INTERP_ERROR_OUT_OF_RANGE, INTERP_ERROR_BAD_VALUE };
  for (int i = 0; i < 2; i++)
    {
      GError *error = load_with (bad[i]);
      cr_assert_not_null (error, "%s was accepted", bad[i]);
      cr_assert_eq (error->code, codes[i], "%s: %s", bad[i], error->message);
      cr_assert (strstr (error->message, "[train]") && strstr (error->message, "gradient-norms"),
                 "%s: %s", bad[i], error->message);
      g_error_free (error);
    }
}

/* A diverging step's non-finite gradient is written "nan" / "inf", one
 * spelling whatever the sign bit, so readers of the file need no "-nan". */
Test (gradient_norms, non_finite_norms_have_one_spelling)
{
  InterpNet *net = interp_net_new (1, 1, 2);
  GError *error = NULL;
  int fc = interp_net_linear (net, "fc", 0, 2, TRUE, &error);
  cr_assert_geq (fc, 0, "%s", error ? error->message : "");
  InterpGradNorms *gn = interp_grad_norms_new (1);
  InterpParam *w = interp_net_find_param (net, "fc.weight");
  InterpParam *b = interp_net_find_param (net, "fc.bias");
  for (size_t i = 0; i < w->grad->numel; i++)
    w->grad->data[i] = -NAN;
  for (size_t i = 0; i < b->grad->numel; i++)
    b->grad->data[i] = (float) -INFINITY;
  interp_grad_norms_record (gn, net, 0, 7, INTERP_GRAD_NORMS_TOTAL);
  cr_assert_str_eq (interp_grad_norms_rows (gn), "1,7,fc.weight,total,nan\n"
                                                 "1,7,fc.bias,total,inf\n");
  interp_grad_norms_free (gn);
  interp_net_free (net);
}
