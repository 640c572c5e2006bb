/* metric:gradient-variability: a linear layer, whose input gradients are
 * its weight rows (variances by hand), finite differences of a unit's input
 * gradient on a small conv net, the definition's variances recomputed from
 * those gradients, and the network given back as found. */
#include "config.h"

#include <math.h>
#include <string.h>

#include <criterion/criterion.h>

#include <interp/interp.h>

#include "host/params-private.h"
#include "host/results-private.h"

#include "../../plugins/metrics/gradient-variability.h"

extern const InterpComponent interp_metric_gradient_variability;

#define WHERE "test.ini: [metric:gradient-variability]"

static const InterpMetricVTable *
vtable (void)
{
  return interp_metric_gradient_variability.vtable;
}

static gpointer
create (InterpNet *net, const char *const *pairs)
{
  GError *error = NULL;
  InterpParams *p = interp_params_new_from_pairs (interp_metric_gradient_variability.params,
                                                  WHERE, pairs, &error);
  cr_assert_not_null (p, "%s", error ? error->message : "");
  gpointer self = vtable ()->create (p, net, NULL, NULL, &error);
  cr_assert_not_null (self, "%s", error ? error->message : "");
  interp_params_free (p);
  vtable ()->reset (self);
  return self;
}

static void
feed (InterpNet *net, gpointer self, const float *x, int64_t from, int64_t to, int64_t c,
      int64_t h, int64_t w)
{
  GError *error = NULL;
  InterpTensor *t = interp_tensor_new_4d (to - from, c, h, w);
  memcpy (t->data, x + from * c * h * w, t->numel * sizeof (float));
  cr_assert (interp_net_forward (net, t, &error), "%s", error ? error->message : "");
  int32_t labels[64] = { 0 };
  cr_assert (vtable ()->update (self, net, t, labels, &error), "%s",
             error ? error->message : "");
  interp_tensor_free (t);
}

static InterpResults *
finish (gpointer self)
{
  InterpResults *r = interp_results_new ();
  interp_results_expect (r, "metric:gradient-variability", vtable ()->outputs);
  GError *error = NULL;
  cr_assert (vtable ()->finish (self, r, &error), "%s", error ? error->message : "");
  cr_assert (interp_results_check (r, &error), "%s", error ? error->message : "");
  for (guint i = 0; i < interp_results_n_rows (r); i++)
    cr_assert_not_null (interp_metric_output_find (vtable ()->outputs,
                                                   interp_results_row (r, i)->metric));
  return r;
}

static double
lookup (const InterpResults *r, const char *metric, const char *target)
{
  double v;
  cr_assert (interp_results_lookup (r, metric, target, &v), "no %s[%s]", metric, target);
  return v;
}

/* input (4, 1, 1) -> flatten -> linear "fc" (3 units) with weights W. */
static const float W[3][4] = { { 1, 2, 0, -1 }, { 3, 0, 1, 1 }, { 2, -2, 1, 0 } };

static InterpNet *
linear_net (gboolean with_relu)
{
  GError *error = NULL;
  InterpNet *net = interp_net_new (4, 1, 1);
  int f = interp_net_flatten (net, "flat", 0, &error);
  int fc = interp_net_linear (net, "fc", f, 3, TRUE, &error);
  cr_assert_geq (fc, 0, "%s", error ? error->message : "");
  if (with_relu)
    cr_assert_geq (interp_net_relu (net, "relu", fc, &error), 0);
  memcpy (interp_net_find_param (net, "fc.weight")->value->data, W, sizeof W);
  float *b = interp_net_find_param (net, "fc.bias")->value->data;
  b[0] = 0.5f;
  b[1] = 0.25f;
  /* With the ReLU, unit 2 is dead on inputs in [0, 1]: 2 + 1 - 100 < 0. */
  b[2] = with_relu ? -100.0f : 0.0f;
  return net;
}

static void
random_images (float *x, int n, int seed)
{
  InterpRng rng;
  interp_rng_seed (&rng, (uint64_t) seed);
  for (int i = 0; i < n; i++)
    x[i] = (float) interp_rng_uniform (&rng);
}

Test (gradient_variability, linear_layer_gradients_are_the_weights)
{
  /* g_{s,u} = W_u for every image: no variance across samples (exactly:
   * the shifted sums add exact zeros).  Across units, per input element,
   * the population variance of W's column:
   *   (1, 3, 2): 2/3   (2, 0, -2): 8/3   (0, 1, 1): 2/9   (-1, 1, 0): 2/3
   * summed 38/9.  Norms sqrt(6), sqrt(11), 3.  The gradients are W's floats
   * exactly (a seed of 1 times a weight), so only double rounding of a few
   * terms separates the outputs from these: 1e-12. */
  InterpNet *net = linear_net (FALSE);
  float x[5 * 4];
  random_images (x, 20, 1);
  gpointer self = create (net, (const char *const[]) { "layers=fc", NULL });
  feed (net, self, x, 0, 2, 4, 1, 1);
  feed (net, self, x, 2, 5, 4, 1, 1);
  InterpResults *r = finish (self);
  cr_assert_eq (lookup (r, "grad-var-samples", "fc"), 0.0);
  cr_assert_float_eq (lookup (r, "grad-var-units", "fc"), 38.0 / 9.0, 1e-12);
  cr_assert_float_eq (lookup (r, "grad-norm", "fc"), (sqrt (6) + sqrt (11) + 3) / 3, 1e-12);
  cr_assert_eq (lookup (r, "grad-zero", "fc"), 0.0);
  interp_results_free (r);
  vtable ()->destroy (self);

  /* normalise = l2: unit vectors w_u = W_u / |W_u|; their total variance is
   * 1 - |mean_u w_u|^2. */
  self = create (net, (const char *const[]) { "layers=fc", "normalise=l2", NULL });
  feed (net, self, x, 0, 5, 4, 1, 1);
  r = finish (self);
  double norms[3] = { sqrt (6), sqrt (11), 3 }, mean2 = 0.0;
  for (int i = 0; i < 4; i++)
    {
      double m = (W[0][i] / norms[0] + W[1][i] / norms[1] + W[2][i] / norms[2]) / 3.0;
      mean2 += m * m;
    }
  cr_assert_eq (lookup (r, "grad-var-samples", "fc"), 0.0);
  cr_assert_float_eq (lookup (r, "grad-var-units", "fc"), 1.0 - mean2, 1e-12);
  interp_results_free (r);
  vtable ()->destroy (self);
  interp_net_free (net);
}

Test (gradient_variability, dead_unit_counts_as_zero_gradient)
{
  /* fc -> relu with unit 2 dead: its gradient is 0 for every image (1/3 of
   * the pairs).  On x = 1 everywhere units 0 and 1 are active (a_0 = 2.5,
   * a_1 = 5.25), so their gradients are W_0 and W_1.  Across units per element:
   * columns (1, 3, 0), (2, 0, 0), (0, 1, 0), (-1, 1, 0): variances 14/9,
   * 8/9, 2/9, 2/3, summed 30/9. */
  InterpNet *net = linear_net (TRUE);
  float x[3 * 4];
  for (int i = 0; i < 12; i++)
    x[i] = 1.0f;
  gpointer self = create (net, (const char *const[]) { "layers=relu", NULL });
  feed (net, self, x, 0, 3, 4, 1, 1);
  InterpResults *r = finish (self);
  cr_assert_float_eq (lookup (r, "grad-zero", "relu"), 1.0 / 3.0, 1e-15);
  cr_assert_float_eq (lookup (r, "grad-var-units", "relu"), 30.0 / 9.0, 1e-12);
  cr_assert_eq (lookup (r, "grad-var-samples", "relu"), 0.0);
  interp_results_free (r);
  vtable ()->destroy (self);
  interp_net_free (net);
}

/* input (1, 5, 5) -> conv1 (2 ch, 3x3, pad 1) -> relu1 -> conv2 (3 ch, 3x3)
 * -> relu2 (3 x 3 x 3). */
static InterpNet *
conv_net (void)
{
  GError *error = NULL;
  InterpNet *net = interp_net_new (1, 5, 5);
  int c1 = interp_net_conv2d (net, "conv1", 0, 2, 3, 1, 1, 1, TRUE, &error);
  int r1 = interp_net_relu (net, "relu1", c1, &error);
  int c2 = interp_net_conv2d (net, "conv2", r1, 3, 3, 1, 0, 1, TRUE, &error);
  cr_assert_geq (interp_net_relu (net, "relu2", c2, &error), 0, "%s",
                 error ? error->message : "");
  interp_net_set_init (net, INTERP_INIT_PYTORCH);
  InterpRng rng;
  interp_rng_seed (&rng, 21);
  interp_net_init (net, &rng);
  /* Positive biases keep most ReLUs on, so most elements are away from kinks. */
  float *b1 = interp_net_find_param (net, "conv1.bias")->value->data;
  float *b2 = interp_net_find_param (net, "conv2.bias")->value->data;
  b1[0] = b1[1] = 0.3f;
  b2[0] = b2[1] = b2[2] = 0.2f;
  return net;
}

/* a_u of image 0 in double, and the on/off pattern of both ReLUs. */
static double
unit_activation (InterpNet *net, const InterpTensor *x, int64_t u, guint8 *mask)
{
  GError *error = NULL;
  cr_assert (interp_net_forward (net, x, &error));
  const InterpTensor *v = interp_net_value (net, interp_net_find (net, "relu2"));
  double sum = 0.0;
  for (int j = 0; j < 9; j++)
    sum += v->data[u * 9 + j];
  const InterpTensor *m1 = interp_net_value (net, interp_net_find (net, "conv1"));
  const InterpTensor *m2 = interp_net_value (net, interp_net_find (net, "conv2"));
  for (size_t j = 0; j < 50; j++)
    mask[j] = m1->data[j] > 0;
  for (size_t j = 0; j < 27; j++)
    mask[50 + j] = m2->data[j] > 0;
  return sum / 9.0;
}

Test (gradient_variability, unit_gradient_matches_finite_differences)
{
  /* Central differences with h = 1e-2 on a piecewise-linear net are exact
   * where no ReLU switches between x - h and x + h (checked: such elements
   * are skipped).  What remains is float rounding of a_u: a few dozen
   * float operations on values of order 1, each within 2^-24, about 3e-6
   * per evaluation, over 2h = 0.02: 3e-4.  Tolerance 1e-3. */
  InterpNet *net = conv_net ();
  interp_net_set_input_grad (net, TRUE);
  InterpTensor *x = interp_tensor_new_4d (1, 1, 5, 5);
  random_images (x->data, 25, 4);
  int relu2 = interp_net_find (net, "relu2");
  float grad[25];
  guint8 m0[77], mp[77], mm[77];
  int checked = 0;
  const float h = 1e-2f;
  for (int64_t u = 0; u < 3; u++)
    {
      GError *error = NULL;
      cr_assert (interp_net_forward (net, x, &error));
      interp_gradvar_unit_gradient (net, relu2, u, grad);
      unit_activation (net, x, u, m0);
      for (int i = 0; i < 25; i++)
        {
          float keep = x->data[i];
          x->data[i] = keep + h;
          double ap = unit_activation (net, x, u, mp);
          x->data[i] = keep - h;
          double am = unit_activation (net, x, u, mm);
          x->data[i] = keep;
          if (memcmp (m0, mp, sizeof m0) != 0 || memcmp (m0, mm, sizeof m0) != 0)
            continue;
          double fd = (ap - am) / (2.0 * h);
          cr_assert_float_eq (grad[i], fd, 1e-3, "unit %d element %d: %g vs %g", (int) u, i,
                              grad[i], fd);
          checked++;
        }
    }
  cr_assert_geq (checked, 50, "only %d of 75 elements away from a ReLU kink", checked);
  interp_tensor_free (x);
  interp_net_free (net);
}

Test (gradient_variability, variances_follow_the_definition)
{
  /* Gradients of 6 images x 3 units from the unit-gradient pass (checked
   * against finite differences above); the variances recomputed here with
   * two-pass formulas in double.  The metric uses shifted one-pass sums:
   * both are within a few eps of the exact value for these 25-element
   * gradients of order 0.1, so 1e-9 relative is far above rounding. */
  enum { S = 6, U = 3, D = 25 };
  InterpNet *net = conv_net ();
  float x[S * D];
  random_images (x, S * D, 9);
  static float g[U][S * D];
  InterpTensor *t = interp_tensor_new_4d (S, 1, 5, 5);
  memcpy (t->data, x, sizeof x);
  GError *error = NULL;
  interp_net_set_input_grad (net, TRUE);
  cr_assert (interp_net_forward (net, t, &error));
  for (int u = 0; u < U; u++)
    interp_gradvar_unit_gradient (net, interp_net_find (net, "relu2"), u, g[u]);
  interp_tensor_free (t);
  interp_net_set_input_grad (net, FALSE);

  double across_samples = 0.0, across_units = 0.0, norms = 0.0;
  for (int u = 0; u < U; u++)
    for (int i = 0; i < D; i++)
      {
        double mean = 0.0, var = 0.0;
        for (int s = 0; s < S; s++)
          mean += g[u][s * D + i] / (double) S;
        for (int s = 0; s < S; s++)
          var += pow (g[u][s * D + i] - mean, 2) / (double) S;
        across_samples += var / U;
      }
  for (int s = 0; s < S; s++)
    for (int i = 0; i < D; i++)
      {
        double mean = 0.0, var = 0.0;
        for (int u = 0; u < U; u++)
          mean += g[u][s * D + i] / (double) U;
        for (int u = 0; u < U; u++)
          var += pow (g[u][s * D + i] - mean, 2) / (double) U;
        across_units += var / S;
      }
  for (int u = 0; u < U; u++)
    for (int s = 0; s < S; s++)
      {
        double n2 = 0.0;
        for (int i = 0; i < D; i++)
          n2 += (double) g[u][s * D + i] * g[u][s * D + i];
        norms += sqrt (n2) / (S * U);
      }
  cr_assert_gt (across_samples, 0.0);
  cr_assert_gt (across_units, 0.0);

  /* Batches of 4 and 2, and a batch of 8 under images = 6, agree. */
  gpointer a = create (net, (const char *const[]) { "layers=relu2", NULL });
  gpointer b = create (net, (const char *const[]) { "layers=relu2", "images=6", NULL });
  feed (net, a, x, 0, 4, 1, 5, 5);
  feed (net, a, x, 4, 6, 1, 5, 5);
  float more[8 * D];
  memcpy (more, x, sizeof x);
  random_images (more + S * D, 2 * D, 10);
  feed (net, b, more, 0, 8, 1, 5, 5);
  InterpResults *ra = finish (a), *rb = finish (b);
  InterpResults *rs[2] = { ra, rb };
  for (int k = 0; k < 2; k++)
    {
      double vs = lookup (rs[k], "grad-var-samples", "relu2");
      double vu = lookup (rs[k], "grad-var-units", "relu2");
      double gn = lookup (rs[k], "grad-norm", "relu2");
      cr_assert (fabs (vs - across_samples) <= 1e-9 * across_samples, "%d: %.17g vs %.17g", k,
                 vs, across_samples);
      cr_assert (fabs (vu - across_units) <= 1e-9 * across_units, "%d: %.17g vs %.17g", k, vu,
                 across_units);
      cr_assert (fabs (gn - norms) <= 1e-9 * norms, "%d: %.17g vs %.17g", k, gn, norms);
    }
  interp_results_free (ra);
  interp_results_free (rb);
  vtable ()->destroy (a);
  vtable ()->destroy (b);
  interp_net_free (net);
}

Test (gradient_variability, network_left_as_found)
{
  /* A batch of 5 under images = 3 (so the metric's own pass uses a smaller
   * batch), with a node gradient and parameter gradients already holding
   * values and the flags at their defaults: all of it, and every node's
   * value, must be x's again after update(). */
  InterpNet *net = conv_net ();
  InterpTensor *x = interp_tensor_new_4d (5, 1, 5, 5);
  random_images (x->data, 125, 12);
  GError *error = NULL;
  cr_assert (interp_net_forward (net, x, &error));
  int conv2 = interp_net_find (net, "conv2");
  interp_tensor_fill (interp_net_grad (net, conv2), 0.5f);
  InterpParam *w = interp_net_find_param (net, "conv1.weight");
  interp_tensor_fill (w->grad, 0.25f);
  gpointer self = create (net, (const char *const[]) { "layers=relu*", "images=3", NULL });

  GPtrArray *before = g_ptr_array_new_with_free_func ((GDestroyNotify) interp_tensor_free);
  for (int i = 0; i < interp_net_n_nodes (net); i++)
    g_ptr_array_add (before, interp_tensor_copy (interp_net_value (net, i)));
  int32_t labels[5] = { 0 };
  cr_assert (vtable ()->update (self, net, x, labels, &error), "%s",
             error ? error->message : "");

  cr_assert_eq (interp_net_mode (net), INTERP_MODE_EVAL);
  cr_assert_not (interp_net_input_grad_enabled (net));
  cr_assert (interp_net_param_grad (net));
  for (int i = 0; i < interp_net_n_nodes (net); i++)
    {
      const InterpTensor *v = interp_net_value (net, i), *b = g_ptr_array_index (before, i);
      cr_assert (interp_tensor_same_shape (v, b), "node %d", i);
      cr_assert_eq (memcmp (v->data, b->data, v->numel * sizeof (float)), 0, "node %d", i);
    }
  const InterpTensor *g = interp_net_grad (net, conv2);
  for (size_t j = 0; j < g->numel; j++)
    cr_assert_eq (g->data[j], 0.5f, "conv2 gradient %zu", j);
  for (size_t j = 0; j < w->grad->numel; j++)
    cr_assert_eq (w->grad->data[j], 0.25f, "conv1.weight gradient %zu", j);
  InterpResults *r = finish (self);
  cr_assert_eq (interp_results_n_rows (r), 8, "4 rows for each of relu1 and relu2");
  interp_results_free (r);
  g_ptr_array_unref (before);
  interp_tensor_free (x);
  vtable ()->destroy (self);
  interp_net_free (net);
}

Test (gradient_variability, bad_input_is_one_clear_error)
{
  GError *error = NULL;
  InterpNet *net = interp_net_new (4, 1, 1);
  int f = interp_net_flatten (net, "flat", 0, &error);
  cr_assert_geq (interp_net_linear (net, "one", f, 1, TRUE, &error), 0);
  const InterpParamSpec *spec = interp_metric_gradient_variability.params;
  InterpParams *p = interp_params_new_from_pairs (spec, WHERE,
                                                  (const char *const[]) { "layers=one", NULL },
                                                  &error);
  cr_assert_null (vtable ()->create (p, net, NULL, NULL, &error));
  cr_assert (g_error_matches (error, INTERP_ERROR, INTERP_ERROR_INVALID_ARGUMENT));
  cr_assert_not_null (strstr (error->message, WHERE), "%s", error->message);
  cr_assert_not_null (strstr (error->message, "'one'"), "%s", error->message);
  g_clear_error (&error);
  interp_params_free (p);
  p = interp_params_new_from_pairs (spec, WHERE, (const char *const[]) { "layers=conv*", NULL },
                                    &error);
  cr_assert_null (vtable ()->create (p, net, NULL, NULL, &error));
  cr_assert (g_error_matches (error, INTERP_ERROR, INTERP_ERROR_NOT_FOUND));
  cr_assert_not_null (strstr (error->message, "'layers'"), "%s", error->message);
  g_clear_error (&error);
  interp_params_free (p);
  interp_net_free (net);

  /* One image has no variance across samples. */
  net = linear_net (FALSE);
  gpointer self = create (net, (const char *const[]) { "layers=fc", NULL });
  float x[4] = { 0.1f, 0.2f, 0.3f, 0.4f };
  feed (net, self, x, 0, 1, 4, 1, 1);
  InterpResults *r = interp_results_new ();
  cr_assert_not (vtable ()->finish (self, r, &error));
  cr_assert_not_null (strstr (error->message, "at least 2 images"), "%s", error->message);
  g_clear_error (&error);
  interp_results_free (r);
  vtable ()->destroy (self);
  interp_net_free (net);
}
