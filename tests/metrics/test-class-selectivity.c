/* metric:class-selectivity on hand-built activations: the activations are
 * the network's input passed through a ReLU node, so every class mean and
 * every expected index below is worked out by hand. */
#include "config.h"

#include <math.h>
#include <string.h>

#include <criterion/criterion.h>
#include <glib/gstdio.h>

#include <interp/interp.h>

#include "host/params-private.h"
#include "host/context-private.h"
#include "host/results-private.h"

extern const InterpComponent interp_metric_class_selectivity;

#define WHERE "test.ini: [metric:selectivity]"
#define EPS 1e-7

static const InterpMetricVTable *
vtable (void)
{
  return interp_metric_class_selectivity.vtable;
}

static InterpParams *
make_params (const char *const *pairs)
{
  GError *error = NULL;
  InterpParams *p = interp_params_new_from_pairs (interp_metric_class_selectivity.params,
                                                  WHERE, pairs, &error);
  cr_assert_not_null (p, "%s", error ? error->message : "");
  return p;
}

/* input (c, h, w) -> relu "relu": the relu's value is max(x, 0). */
static InterpNet *
relu_net (int64_t c, int64_t h, int64_t w)
{
  GError *error = NULL;
  InterpNet *net = interp_net_new (c, h, w);
  cr_assert_geq (interp_net_relu (net, "relu", 0, &error), 0);
  return net;
}

static gpointer
create (InterpNet *net, int n_classes, const char *const *pairs)
{
  InterpDataInfo data = { 1, 1, 1, n_classes, NULL };
  InterpParams *p = make_params (pairs);
  GError *error = NULL;
  gpointer self = vtable ()->create (p, net, &data, NULL, &error);
  cr_assert_not_null (self, "%s", error ? error->message : "");
  interp_params_free (p);
  vtable ()->reset (self);
  return self;
}

/* Forward samples [from, to) of x (n x c x h x w) and update. */
static void
feed (InterpNet *net, gpointer self, const float *x, const int32_t *labels,
      int64_t from, int64_t to, int64_t c, int64_t h, int64_t w)
{
  GError *error = NULL;
  InterpTensor *t = interp_tensor_new_4d (to - from, c, h, w);
  memcpy (t->data, x + from * c * h * w, t->numel * sizeof (float));
  cr_assert (interp_net_forward (net, t, &error), "%s", error ? error->message : "");
  cr_assert (vtable ()->update (self, net, t, labels + from, &error),
             "%s", error ? error->message : "");
  interp_tensor_free (t);
}

static double
lookup (const InterpResults *r, const char *metric, const char *target)
{
  double v;
  cr_assert (interp_results_lookup (r, metric, target, &v), "no %s[%s]", metric, target);
  return v;
}

static const InterpResultArray *
find_array (const InterpResults *r, const char *metric, const char *target)
{
  for (guint i = 0; i < interp_results_n_arrays (r); i++)
    {
      const InterpResultArray *a = interp_results_array (r, i);
      if (strcmp (a->metric, metric) == 0 && strcmp (a->target, target) == 0)
        return a;
    }
  cr_assert_fail ("no array %s[%s]", metric, target);
  return NULL;
}

/* Four dense units over samples of classes 0, 0, 1, 1 (class 2 of 3 never
 * appears):
 *   unit 0 responds to class 0 only        -> SI = 1 / (1 + eps)
 *   unit 1 responds 2 to everything        -> SI = 0
 *   unit 2 is silent                       -> SI = 0, counted
 *   unit 3 has mu_0 = 1, mu_1 = 3          -> SI = 2 / 4 = 0.5, which needs
 *     class 2 left out (with mu_2 = 0 it would be 2.5 / 3.5). */
static const float dense_x[] = {
  /* sample: unit 0, 1, 2, 3 */
  1, 2, 0, 1,
  1, 2, 0, 1,
  0, 2, 0, 3,
  0, 2, 0, 3,
};
static const int32_t dense_labels[] = { 0, 0, 1, 1 };

static void
check_dense_results (const InterpResults *r)
{
  double si0 = 1.0 / (1.0 + EPS), si3 = 2.0 / (4.0 + EPS);
  const InterpResultArray *units = find_array (r, "selectivity-units", "relu");
  cr_assert_eq (units->values->len, 4);
  double expect[] = { si0, 0.0, 0.0, si3 };
  for (int u = 0; u < 4; u++)
    cr_assert_float_eq (g_array_index (units->values, double, u), expect[u], 1e-12,
                        "unit %d", u);
  cr_assert_float_eq (lookup (r, "selectivity-mean", "relu"), (si0 + si3) / 4, 1e-12);
  cr_assert_float_eq (lookup (r, "selectivity-median", "relu"), si3 / 2, 1e-12);
  cr_assert_eq (lookup (r, "silent-units", "relu"), 1.0);
  cr_assert_eq (lookup (r, "negative-units", "relu"), 0.0);
  /* One layer: the network mean is the layer's. */
  cr_assert_float_eq (lookup (r, "selectivity-mean", ""), (si0 + si3) / 4, 1e-12);

  /* Bins of width 0.05: SI 0 twice in bin 0; 2 / (4 + eps) is just below
   * 0.5, so bin 9; 1 / (1 + eps) in bin 19. */
  const InterpResultArray *hist = find_array (r, "selectivity-histogram", "relu");
  cr_assert_eq (hist->values->len, 20);
  for (int b = 0; b < 20; b++)
    {
      double want = b == 0 ? 2.0 : b == 9 || b == 19 ? 1.0 : 0.0;
      cr_assert_eq (g_array_index (hist->values, double, b), want, "bin %d", b);
    }
}

Test (metric_class_selectivity, dense_units_by_hand)
{
  InterpNet *net = relu_net (4, 1, 1);
  gpointer self = create (net, 3, NULL);
  feed (net, self, dense_x, dense_labels, 0, 4, 4, 1, 1);
  InterpResults *r = interp_results_new ();
  GError *error = NULL;
  cr_assert (vtable ()->finish (self, r, &error), "%s", error ? error->message : "");
  check_dense_results (r);
  interp_results_free (r);
  vtable ()->destroy (self);
  interp_net_free (net);
}

/* Streaming: the same samples in three uneven batches give the same
 * numbers; a reset then forgets them. */
Test (metric_class_selectivity, streams_over_batches_and_resets)
{
  InterpNet *net = relu_net (4, 1, 1);
  gpointer self = create (net, 3, NULL);
  /* Something to forget first. */
  feed (net, self, dense_x, (const int32_t[]) { 1, 1, 0, 0 }, 0, 4, 4, 1, 1);
  vtable ()->reset (self);
  feed (net, self, dense_x, dense_labels, 0, 1, 4, 1, 1);
  feed (net, self, dense_x, dense_labels, 1, 3, 4, 1, 1);
  feed (net, self, dense_x, dense_labels, 3, 4, 4, 1, 1);
  InterpResults *r = interp_results_new ();
  GError *error = NULL;
  cr_assert (vtable ()->finish (self, r, &error), "%s", error ? error->message : "");
  check_dense_results (r);
  interp_results_free (r);
  vtable ()->destroy (self);
  interp_net_free (net);
}

/* Conv units: a channel's response is its mean over H x W, not its max.
 * Channel 0: class 0 sees [4 0 0 0], class 1 [1 1 1 1]: means 1 and 1,
 * SI 0 (a max would give 4 vs 1).  Channel 1: [2 2 0 0] vs [0 0 0 1]:
 * means 1 and 0.25, SI = 0.75 / 1.25 = 0.6. */
Test (metric_class_selectivity, conv_channels_average_over_space)
{
  static const float x[] = {
    4, 0, 0, 0,   2, 2, 0, 0,
    1, 1, 1, 1,   0, 0, 0, 1,
  };
  InterpNet *net = relu_net (2, 2, 2);
  gpointer self = create (net, 2, NULL);
  feed (net, self, x, (const int32_t[]) { 0, 1 }, 0, 2, 2, 2, 2);
  InterpResults *r = interp_results_new ();
  GError *error = NULL;
  cr_assert (vtable ()->finish (self, r, &error), "%s", error ? error->message : "");
  const InterpResultArray *units = find_array (r, "selectivity-units", "relu");
  cr_assert_eq (units->values->len, 2);
  cr_assert_float_eq (g_array_index (units->values, double, 0), 0.0, 1e-12);
  cr_assert_float_eq (g_array_index (units->values, double, 1), 0.75 / (1.25 + EPS), 1e-12);
  cr_assert_eq (lookup (r, "silent-units", "relu"), 0.0);
  interp_results_free (r);
  vtable ()->destroy (self);
  interp_net_free (net);
}

/* Two layers of different widths: the network's "selectivity-mean" is the
 * mean of the layer means (0.5 and 1), not the mean over all three units. */
Test (metric_class_selectivity, network_mean_is_mean_of_layers)
{
  GError *error = NULL;
  InterpNet *net = interp_net_new (2, 1, 1);
  int relu1 = interp_net_relu (net, "relu1", 0, &error);
  int flat = interp_net_flatten (net, "flat", relu1, &error);
  int fc = interp_net_linear (net, "fc", flat, 1, TRUE, &error);
  cr_assert_geq (interp_net_relu (net, "relu2", fc, &error), 0,
                 "%s", error ? error->message : "");
  InterpParam *w = interp_net_find_param (net, "fc.weight");
  InterpParam *b = interp_net_find_param (net, "fc.bias");
  w->value->data[0] = 1.0f;   /* relu2 copies unit 0 of relu1 */
  w->value->data[1] = 0.0f;
  b->value->data[0] = 0.0f;

  static const float x[] = { 1, 2,   0, 2 };   /* unit 0 one-hot, unit 1 uniform */
  gpointer self = create (net, 2, NULL);
  feed (net, self, x, (const int32_t[]) { 0, 1 }, 0, 2, 2, 1, 1);
  InterpResults *r = interp_results_new ();
  cr_assert (vtable ()->finish (self, r, &error), "%s", error ? error->message : "");
  double one = 1.0 / (1.0 + EPS);
  cr_assert_float_eq (lookup (r, "selectivity-mean", "relu1"), one / 2, 1e-12);
  cr_assert_float_eq (lookup (r, "selectivity-mean", "relu2"), one, 1e-12);
  cr_assert_float_eq (lookup (r, "selectivity-mean", ""), 0.75 * one, 1e-12);
  interp_results_free (r);
  vtable ()->destroy (self);
  interp_net_free (net);
}

/* ---- average = layers | units ---------------------------------------------------- */

/* The network of network_mean_is_mean_of_layers (relu1: 2 units with SI
 * one and 0; relu2: 1 unit with SI one): layers gives (one/2 + one)/2 =
 * 3 one/4, units (one + 0 + one)/3 = 2 one/3; the per-layer rows do not
 * depend on the key. */
static double
two_layer_network_mean (const char *average, double *relu1, double *relu2)
{
  GError *error = NULL;
  InterpNet *net = interp_net_new (2, 1, 1);
  int r1 = interp_net_relu (net, "relu1", 0, &error);
  int flat = interp_net_flatten (net, "flat", r1, &error);
  int fc = interp_net_linear (net, "fc", flat, 1, TRUE, &error);
  cr_assert_geq (interp_net_relu (net, "relu2", fc, &error), 0,
                 "%s", error ? error->message : "");
  interp_net_find_param (net, "fc.weight")->value->data[0] = 1.0f;
  interp_net_find_param (net, "fc.weight")->value->data[1] = 0.0f;
  interp_net_find_param (net, "fc.bias")->value->data[0] = 0.0f;
  static const float x[] = { 1, 2,   0, 2 };
  gpointer self = create (net, 2, (const char *[]) { average, NULL });
  feed (net, self, x, (const int32_t[]) { 0, 1 }, 0, 2, 2, 1, 1);
  InterpResults *r = interp_results_new ();
  cr_assert (vtable ()->finish (self, r, &error), "%s", error ? error->message : "");
  *relu1 = lookup (r, "selectivity-mean", "relu1");
  *relu2 = lookup (r, "selectivity-mean", "relu2");
  double v = lookup (r, "selectivity-mean", "");
  interp_results_free (r);
  vtable ()->destroy (self);
  interp_net_free (net);
  return v;
}

Test (metric_class_selectivity, average_layers_and_units_by_hand)
{
  double one = 1.0 / (1.0 + EPS), a1, a2, b1, b2;
  double layers = two_layer_network_mean ("average=layers", &a1, &a2);
  double units = two_layer_network_mean ("average=units", &b1, &b2);
  cr_assert_float_eq (layers, 0.75 * one, 1e-12);
  cr_assert_float_eq (units, 2.0 * one / 3.0, 1e-12);
  cr_assert (a1 == b1 && a2 == b2, "per-layer rows do not depend on average");
  cr_assert_float_eq (a1, one / 2, 1e-12);
  cr_assert_float_eq (a2, one, 1e-12);
}

Test (metric_class_selectivity, unknown_choice_is_an_error)
{
  const char *bad[] = { "average=median", "batchnorm=train" };
  for (int i = 0; i < 2; i++)
    {
      GError *error = NULL;
      cr_assert_null (interp_params_new_from_pairs (interp_metric_class_selectivity.params,
                                                    WHERE, (const char *[]) { bad[i], NULL },
                                                    &error));
      char *key = g_strndup (bad[i], strcspn (bad[i], "="));
      cr_assert (strstr (error->message, key) != NULL, "%s", error->message);
      g_free (key);
      g_error_free (error);
    }
}

/* ---- batchnorm = running | batch ------------------------------------------------ */

/* input (3, 2, 2) -> conv "conv" (4, 1x1) -> batchnorm "bn" -> relu "relu"
 * -> flatten -> dropout (p 0.5) -> linear "fc" (3).  Running statistics far
 * from any batch's, so the two ways of normalising give different units. */
static InterpNet *
bn_net (gboolean with_bn)
{
  GError *error = NULL;
  InterpNet *net = interp_net_new (3, 2, 2);
  int x = interp_net_conv2d (net, "conv", 0, 4, 1, 1, 0, 1, TRUE, &error);
  if (with_bn)
    x = interp_net_batchnorm (net, "bn", x, 1e-5f, 0.1f, &error);
  x = interp_net_relu (net, "relu", x, &error);
  x = interp_net_flatten (net, "flat", x, &error);
  x = interp_net_dropout (net, "drop", x, 0.5f, &error);
  x = interp_net_linear (net, "fc", x, 3, TRUE, &error);
  cr_assert_geq (x, 0, "%s", error ? error->message : "");
  InterpRng rng;
  interp_rng_seed (&rng, 5);
  interp_net_init (net, &rng);
  if (with_bn)
    {
      InterpTensor *rm = interp_net_find_param (net, "bn.running_mean")->value;
      InterpTensor *rv = interp_net_find_param (net, "bn.running_var")->value;
      for (size_t i = 0; i < rm->numel; i++)
        {
          rm->data[i] = 0.4f * (float) i - 0.3f;
          rv->data[i] = 3.0f + (float) i;
        }
    }
  return net;
}

static const int32_t bn_labels[] = { 0, 1, 2, 0, 1, 2, 0, 1 };

static InterpTensor *
bn_batch (int64_t n, guint64 seed)
{
  InterpTensor *x = interp_tensor_new_4d (n, 3, 2, 2);
  InterpRng rng;
  interp_rng_seed (&rng, seed);
  for (size_t i = 0; i < x->numel; i++)
    x->data[i] = (float) (2.0 * interp_rng_uniform (&rng) - 0.5);
  return x;
}

/* Runs the metric over two batches (8 and 5 samples) of `net` in `mode` and
 * returns its results; with check_left, also checks the net is given back as
 * found: node values those of a plain forward, running statistics, the mode
 * and the flags unchanged. */
static InterpResults *
bn_results (InterpNet *net, InterpMode mode, const char *batchnorm, gboolean check_left)
{
  GError *error = NULL;
  gpointer self = create (net, 3, (const char *[]) { "layers=relu", batchnorm, NULL });
  interp_net_set_mode (net, mode);
  for (int b = 0; b < 2; b++)
    {
      InterpTensor *x = bn_batch (b ? 5 : 8, 60 + b);
      cr_assert (interp_net_forward (net, x, &error), "%s", error ? error->message : "");
      int n_nodes = interp_net_n_nodes (net);
      InterpTensor **before = g_new0 (InterpTensor *, n_nodes);
      for (int i = 0; check_left && i < n_nodes; i++)
        before[i] = interp_tensor_copy (interp_net_value (net, i));
      InterpParam *rv = interp_net_find_param (net, "bn.running_var");
      InterpTensor *rv0 = rv ? interp_tensor_copy (rv->value) : NULL;
      cr_assert (vtable ()->update (self, net, x, bn_labels, &error),
                 "%s", error ? error->message : "");
      for (int i = 0; check_left && i < n_nodes; i++)
        {
          const InterpTensor *v = interp_net_value (net, i);
          cr_assert_eq (v->numel, before[i]->numel);
          cr_assert_arr_eq (v->data, before[i]->data, v->numel * sizeof (float),
                            "node %s given back", interp_net_node_name (net, i));
        }
      if (check_left)
        {
          cr_assert_eq (interp_net_mode (net), mode);
          cr_assert_not (interp_net_batchnorm_batch_stats (net));
          if (rv)
            cr_assert_arr_eq (rv->value->data, rv0->data, rv0->numel * sizeof (float));
        }
      for (int i = 0; i < n_nodes; i++)
        interp_tensor_free (before[i]);
      g_free (before);
      interp_tensor_free (rv0);
      interp_tensor_free (x);
    }
  InterpResults *r = interp_results_new ();
  cr_assert (vtable ()->finish (self, r, &error), "%s", error ? error->message : "");
  vtable ()->destroy (self);
  return r;
}

static const InterpResultArray *
units_of (const InterpResults *r)
{
  return find_array (r, "selectivity-units", "relu");
}

static gboolean
same_units (const InterpResults *a, const InterpResults *b)
{
  const InterpResultArray *ua = units_of (a), *ub = units_of (b);
  return ua->values->len == ub->values->len
         && memcmp (ua->values->data, ub->values->data,
                    ua->values->len * sizeof (double)) == 0;
}

/* batch: the metric measures, in the runner's eval mode, exactly what a
 * train-mode forward gives (each batch's own statistics; a twin network in
 * train mode, with dropout after the measured node so it does not matter,
 * measured the running way); running measures something else here; and the
 * net is given back as found. */
Test (metric_class_selectivity, batchnorm_batch_equals_train_mode_forward)
{
  InterpNet *net = bn_net (TRUE), *twin = bn_net (TRUE);
  InterpResults *batch = bn_results (net, INTERP_MODE_EVAL, "batchnorm=batch", TRUE);
  InterpResults *train = bn_results (twin, INTERP_MODE_TRAIN, "batchnorm=running", FALSE);
  InterpResults *running = bn_results (net, INTERP_MODE_EVAL, "batchnorm=running", TRUE);
  cr_assert (same_units (batch, train), "batch = a train-mode forward, bit for bit");
  cr_assert_not (same_units (batch, running), "running statistics measure something else");
  cr_assert (lookup (batch, "selectivity-mean", "") == lookup (train, "selectivity-mean", ""));
  interp_results_free (batch);
  interp_results_free (train);
  interp_results_free (running);
  interp_net_free (net);
  interp_net_free (twin);
}

/* Without a batchnorm node, batch and running give the same results, bit for
 * bit (eval-mode dropout is off either way). */
Test (metric_class_selectivity, batchnorm_batch_without_batchnorm_is_running)
{
  InterpNet *net = bn_net (FALSE);
  InterpResults *batch = bn_results (net, INTERP_MODE_EVAL, "batchnorm=batch", TRUE);
  InterpResults *running = bn_results (net, INTERP_MODE_EVAL, "batchnorm=running", TRUE);
  cr_assert (same_units (batch, running));
  cr_assert (lookup (batch, "selectivity-mean", "")
             == lookup (running, "selectivity-mean", ""));
  interp_results_free (batch);
  interp_results_free (running);
  interp_net_free (net);
}

/* On a node with negative values the formula is applied unchanged and the
 * units with a negative class mean are counted: mu = (-1, -3) gives
 * (-1 + 3) / (-4 + eps) = -0.5, which the histogram puts in bin 0. */
Test (metric_class_selectivity, negative_activations_documented_behaviour)
{
  static const float x[] = { -1, 1,   -3, 1 };
  InterpNet *net = relu_net (2, 1, 1);
  gpointer self = create (net, 2, (const char *[]) { "layers=input", NULL });
  feed (net, self, x, (const int32_t[]) { 0, 1 }, 0, 2, 2, 1, 1);
  InterpResults *r = interp_results_new ();
  GError *error = NULL;
  cr_assert (vtable ()->finish (self, r, &error), "%s", error ? error->message : "");
  const InterpResultArray *units = find_array (r, "selectivity-units", "input");
  cr_assert_float_eq (g_array_index (units->values, double, 0), 2.0 / (-4.0 + EPS), 1e-12);
  cr_assert_float_eq (g_array_index (units->values, double, 1), 0.0, 1e-12);
  cr_assert_eq (lookup (r, "negative-units", "input"), 1.0);
  const InterpResultArray *hist = find_array (r, "selectivity-histogram", "input");
  cr_assert_eq (g_array_index (hist->values, double, 0), 2.0);
  interp_results_free (r);
  vtable ()->destroy (self);
  interp_net_free (net);
}

Test (metric_class_selectivity, glob_matching_nothing_names_key_and_glob)
{
  InterpNet *net = relu_net (2, 1, 1);
  InterpDataInfo data = { 2, 1, 1, 3, NULL };
  InterpParams *p = make_params ((const char *[]) { "layers=*conv*", NULL });
  GError *error = NULL;
  cr_assert_null (vtable ()->create (p, net, &data, NULL, &error));
  cr_assert (g_error_matches (error, INTERP_ERROR, INTERP_ERROR_NOT_FOUND));
  cr_assert (strstr (error->message, WHERE) != NULL, "%s", error->message);
  cr_assert (strstr (error->message, "'layers'") != NULL, "%s", error->message);
  cr_assert (strstr (error->message, "*conv*") != NULL, "%s", error->message);
  g_error_free (error);
  interp_params_free (p);
  interp_net_free (net);
}

Test (metric_class_selectivity, label_out_of_range_is_an_error)
{
  InterpNet *net = relu_net (4, 1, 1);
  gpointer self = create (net, 3, NULL);
  GError *error = NULL;
  InterpTensor *t = interp_tensor_new_4d (4, 4, 1, 1);
  memcpy (t->data, dense_x, sizeof dense_x);
  cr_assert (interp_net_forward (net, t, &error));
  cr_assert_not (vtable ()->update (self, net, t, (const int32_t[]) { 0, 1, 3, 0 }, &error));
  cr_assert (g_error_matches (error, INTERP_ERROR, INTERP_ERROR_INVALID_ARGUMENT));
  cr_assert (strstr (error->message, WHERE) != NULL, "%s", error->message);
  g_error_free (error);
  interp_tensor_free (t);
  vtable ()->destroy (self);
  interp_net_free (net);
}

/* With one class in the data there are no "other classes": an error, not
 * a silent zero. */
Test (metric_class_selectivity, single_class_data_is_an_error)
{
  InterpNet *net = relu_net (4, 1, 1);
  gpointer self = create (net, 3, NULL);
  feed (net, self, dense_x, (const int32_t[]) { 2, 2, 2, 2 }, 0, 4, 4, 1, 1);
  InterpResults *r = interp_results_new ();
  GError *error = NULL;
  cr_assert_not (vtable ()->finish (self, r, &error));
  cr_assert (g_error_matches (error, INTERP_ERROR, INTERP_ERROR_FAILED));
  cr_assert (strstr (error->message, WHERE) != NULL, "%s", error->message);
  cr_assert_eq (interp_results_n_rows (r), 0);
  g_error_free (error);
  interp_results_free (r);
  vtable ()->destroy (self);
  interp_net_free (net);
}

/* update() must see the forward pass of the batch it is given. */
Test (metric_class_selectivity, stale_forward_is_a_shape_error)
{
  InterpNet *net = relu_net (4, 1, 1);
  gpointer self = create (net, 3, NULL);
  GError *error = NULL;
  InterpTensor *t = interp_tensor_new_4d (4, 4, 1, 1);
  InterpTensor *other = interp_tensor_new_4d (2, 4, 1, 1);
  cr_assert (interp_net_forward (net, t, &error));
  cr_assert_not (vtable ()->update (self, net, other, dense_labels, &error));
  cr_assert (g_error_matches (error, INTERP_ERROR, INTERP_ERROR_SHAPE));
  cr_assert (strstr (error->message, "'relu'") != NULL, "%s", error->message);
  g_error_free (error);
  interp_tensor_free (other);
  interp_tensor_free (t);
  vtable ()->destroy (self);
  interp_net_free (net);
}

/* Every row and array finish() writes is declared in the form of its kind,
 * and the most-selective-units fragment goes through <interp/report.h>. */
Test (metric_class_selectivity, writes_declared_outputs_and_its_fragment)
{
  char *dir = g_dir_make_tmp ("interp-selectivity-XXXXXX", NULL);
  cr_assert_not_null (dir);
  InterpContext *ctx = interp_context_new (1, 1, dir);
  interp_context_set_condition (ctx, "clean");
  InterpNet *net = relu_net (4, 1, 1);
  InterpDataInfo data = { 1, 1, 1, 3, NULL };
  InterpParams *p = make_params (NULL);
  GError *error = NULL;
  gpointer self = vtable ()->create (p, net, &data, ctx, &error);
  cr_assert_not_null (self, "%s", error ? error->message : "");
  interp_params_free (p);
  vtable ()->reset (self);
  feed (net, self, dense_x, dense_labels, 0, 4, 4, 1, 1);
  InterpResults *r = interp_results_new ();
  interp_results_expect (r, "metric:class-selectivity", vtable ()->outputs);
  cr_assert (vtable ()->finish (self, r, &error), "%s", error ? error->message : "");
  cr_assert (interp_results_check (r, &error), "%s", error ? error->message : "");
  check_dense_results (r);
  const InterpMetricOutput *h
    = interp_metric_output_find (vtable ()->outputs, "selectivity-histogram");
  cr_assert_eq (h->kind, INTERP_OUTPUT_HISTOGRAM);
  cr_assert (h->min == 0.0 && h->max == 1.0, "a histogram needs its binned range");
  cr_assert_eq (interp_metric_output_find (vtable ()->outputs, "selectivity-mean")->kind,
                INTERP_OUTPUT_PER_LAYER);

  char *path = g_build_filename (dir, "report-sections", "20-most-selective-units.html", NULL);
  char *text = NULL;
  cr_assert (g_file_get_contents (path, &text, NULL, NULL), "no fragment");
  cr_assert (g_str_has_prefix (text, "<!-- interp-title: Most selective units -->"), "%s", text);
  cr_assert_not_null (strstr (text, "<td>relu</td>"), "%s", text);
  g_unlink (path);
  char *sections = g_build_filename (dir, "report-sections", NULL);
  g_rmdir (sections);
  g_rmdir (dir);
  g_free (sections);
  g_free (text);
  g_free (path);
  interp_results_free (r);
  vtable ()->destroy (self);
  interp_net_free (net);
  interp_context_free (ctx);
  g_free (dir);
}
