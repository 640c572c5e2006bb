/* regularizer:class-selectivity: its loss against a hand computation, its
 * injected gradient against central finite differences (directly at the
 * activations, and through a linear layer via interp_net_backward), the
 * sign convention, and alpha = 0 adding nothing. */
#include "config.h"

#include <math.h>
#include <string.h>

#include <criterion/criterion.h>

#include <interp/interp.h>

#include "host/params-private.h"

extern const InterpComponent interp_regularizer_class_selectivity;

#define WHERE "test.ini: [regularizer:selectivity]"
#define EPS 1e-7

static const InterpRegularizerVTable *
vtable (void)
{
  return interp_regularizer_class_selectivity.vtable;
}

static gpointer
create (InterpNet *net, int n_classes, const char *const *pairs)
{
  InterpDataInfo data = { 1, 1, 1, n_classes, NULL };
  GError *error = NULL;
  InterpParams *p = interp_params_new_from_pairs (interp_regularizer_class_selectivity.params,
                                                  WHERE, pairs, &error);
  cr_assert_not_null (p, "%s", error ? error->message : "");
  gpointer self = vtable ()->create (p, net, &data, NULL, &error);
  cr_assert_not_null (self, "%s", error ? error->message : "");
  interp_params_free (p);
  return self;
}

/* input (c, h, w) -> relu "relu" (optionally through flatten, giving a 1-d
 * node). */
static InterpNet *
relu_net (int64_t c, int64_t h, int64_t w, gboolean flat)
{
  GError *error = NULL;
  InterpNet *net = interp_net_new (c, h, w);
  int in = flat ? interp_net_flatten (net, "flat", 0, &error) : 0;
  cr_assert_geq (interp_net_relu (net, "relu", in, &error), 0,
                 "%s", error ? error->message : "");
  return net;
}

/* Forward x, clear node gradients, apply; returns the loss term. */
static double
run (InterpNet *net, gpointer self, const InterpTensor *x, const int32_t *labels)
{
  GError *error = NULL;
  double loss = NAN;
  cr_assert (interp_net_forward (net, x, &error), "%s", error ? error->message : "");
  interp_net_zero_grad (net);
  cr_assert (vtable ()->apply (self, net, labels, x->shape[0], &loss, &error),
             "%s", error ? error->message : "");
  return loss;
}

static void
fill_uniform (InterpTensor *t, guint64 seed, double lo, double hi)
{
  InterpRng rng;
  interp_rng_seed (&rng, seed);
  for (size_t i = 0; i < t->numel; i++)
    t->data[i] = (float) (lo + (hi - lo) * interp_rng_uniform (&rng));
}

static void
assert_close (double got, double want, double rel, double abs_tol, const char *what, size_t i)
{
  cr_assert (fabs (got - want) <= abs_tol + rel * fabs (want),
             "%s[%zu]: got %.9g, finite differences %.9g", what, i, got, want);
}

/* One dense unit, classes 0 and 1 present out of 3: mu_0 = 1, mu_1 = 3, so
 * SI = 2 / (4 + eps) and the loss term is -alpha * SI.  Gradient by hand
 * (T = 1 unit, n_k = 2 samples per class):
 *   dSI/dmu_1 (the max) = 2 mu_0 / b^2 = 2/16,  dSI/dmu_0 = -2 mu_1 / b^2 = -6/16,
 *   d(term)/da_i = -alpha * dSI/dmu_{y_i} / 2. */
Test (regularizer_class_selectivity, loss_and_gradient_by_hand)
{
  InterpNet *net = relu_net (1, 1, 1, FALSE);
  gpointer self = create (net, 3, (const char *[]) { "alpha=2", NULL });
  InterpTensor *x = interp_tensor_new_4d (4, 1, 1, 1);
  const float v[] = { 1, 3, 1, 3 };
  memcpy (x->data, v, sizeof v);
  const int32_t labels[] = { 0, 1, 0, 1 };
  double loss = run (net, self, x, labels);
  double b = 4.0 + EPS;
  cr_assert_float_eq (loss, -2.0 * 2.0 / b, 1e-12);
  const InterpTensor *g = interp_net_grad (net, interp_net_find (net, "relu"));
  double g1 = -2.0 * (2.0 + EPS) / (b * b) / 2.0, g0 = -2.0 * -(6.0 + EPS) / (b * b) / 2.0;
  for (int i = 0; i < 4; i++)
    cr_assert_float_eq (g->data[i], labels[i] ? g1 : g0, 1e-6, "sample %d", i);
  interp_tensor_free (x);
  vtable ()->destroy (self);
  interp_net_free (net);
}

/* The injected activation gradient equals the finite-difference derivative
 * of the returned loss w.r.t. the input (the ReLU is the identity on the
 * positive entries; the negative channel is silent: SI 0, no gradient, and
 * a zero FD slope).  Class 3 of 4 never appears. */
static void
check_activation_gradient (int64_t c, int64_t h, int64_t w, gboolean flat, double alpha)
{
  InterpNet *net = relu_net (c, h, w, flat);
  char alpha_kv[64];
  g_snprintf (alpha_kv, sizeof alpha_kv, "alpha=%g", alpha);
  gpointer self = create (net, 4, (const char *[]) { alpha_kv, NULL });
  const int32_t labels[] = { 0, 2, 1, 0, 2, 1, 1 };
  int64_t n = G_N_ELEMENTS (labels);
  InterpTensor *x = interp_tensor_new_4d (n, c, h, w);
  fill_uniform (x, 7, 0.2, 1.2);
  /* Channel c-1 silent: negative everywhere. */
  for (int64_t i = 0; i < n; i++)
    for (int64_t j = 0; j < h * w; j++)
      x->data[(i * c + c - 1) * h * w + j] = -0.5f;

  double loss0 = run (net, self, x, labels);
  cr_assert (isfinite (loss0) && loss0 != 0.0);
  InterpTensor *g = interp_tensor_copy (interp_net_grad (net, interp_net_find (net, "relu")));
  cr_assert_eq (g->numel, x->numel);

  const float hstep = 1e-3f;
  for (size_t i = 0; i < x->numel; i++)
    {
      float keep = x->data[i];
      float xp = keep + hstep, xm = keep - hstep;
      x->data[i] = xp;
      double lp = run (net, self, x, labels);
      x->data[i] = xm;
      double lm = run (net, self, x, labels);
      x->data[i] = keep;
      double fd = (lp - lm) / ((double) xp - (double) xm);
      assert_close (g->data[i], fd, 1e-2, 1e-6, "d loss / d activation", i);
    }
  interp_tensor_free (g);
  interp_tensor_free (x);
  vtable ()->destroy (self);
  interp_net_free (net);
}

Test (regularizer_class_selectivity, activation_gradient_dense_fd)
{
  check_activation_gradient (5, 1, 1, TRUE, -1.5);
}

Test (regularizer_class_selectivity, activation_gradient_conv_fd)
{
  check_activation_gradient (3, 2, 3, FALSE, 0.7);
}

/* Through a layer: input -> flatten -> linear "fc" -> relu, weights and
 * inputs positive so no ReLU kink lies within the FD step.  The gradient
 * interp_net_backward propagates into fc.weight and fc.bias equals the FD
 * derivative of the loss term w.r.t. those parameters. */
Test (regularizer_class_selectivity, parameter_gradient_through_backward_fd)
{
  GError *error = NULL;
  InterpNet *net = interp_net_new (3, 1, 1);
  int flat = interp_net_flatten (net, "flat", 0, &error);
  int fc = interp_net_linear (net, "fc", flat, 4, TRUE, &error);
  cr_assert_geq (interp_net_relu (net, "fc.relu", fc, &error), 0,
                 "%s", error ? error->message : "");
  InterpParam *wp = interp_net_find_param (net, "fc.weight");
  InterpParam *bp = interp_net_find_param (net, "fc.bias");
  fill_uniform (wp->value, 3, 0.1, 1.0);
  fill_uniform (bp->value, 4, 0.05, 0.2);
  gpointer self = create (net, 3, (const char *[]) { "alpha=-2", NULL });

  const int32_t labels[] = { 0, 1, 2, 0, 1, 2 };
  InterpTensor *x = interp_tensor_new_4d (6, 3, 1, 1);
  fill_uniform (x, 5, 0.0, 1.0);

  run (net, self, x, labels);
  interp_net_zero_param_grad (net);
  interp_net_backward (net);
  InterpParam *params[] = { wp, bp };
  for (int pi = 0; pi < 2; pi++)
    {
      InterpTensor *grad = interp_tensor_copy (params[pi]->grad);
      float *val = params[pi]->value->data;
      for (size_t i = 0; i < grad->numel; i++)
        {
          float keep = val[i], vp = keep + 1e-3f, vm = keep - 1e-3f;
          val[i] = vp;
          double lp = run (net, self, x, labels);
          val[i] = vm;
          double lm = run (net, self, x, labels);
          val[i] = keep;
          double fd = (lp - lm) / ((double) vp - (double) vm);
          assert_close (grad->data[i], fd, 1e-2, 1e-6, params[pi]->name, i);
        }
      interp_tensor_free (grad);
    }
  interp_tensor_free (x);
  vtable ()->destroy (self);
  interp_net_free (net);
}

/* ---- average = units | layers ------------------------------------------------------ */

/* input (2) -> "relu1" -> flatten -> fc (1, copies unit 0 of relu1) ->
 * "relu2": two matched layers of widths 2 and 1. */
static InterpNet *
two_width_net (void)
{
  GError *error = NULL;
  InterpNet *net = interp_net_new (2, 1, 1);
  int relu1 = interp_net_relu (net, "relu1", 0, &error);
  int flat = interp_net_flatten (net, "flat", relu1, &error);
  int fc = interp_net_linear (net, "fc", flat, 1, TRUE, &error);
  cr_assert_geq (interp_net_relu (net, "relu2", fc, &error), 0,
                 "%s", error ? error->message : "");
  InterpParam *w = interp_net_find_param (net, "fc.weight");
  w->value->data[0] = 1.0f;
  w->value->data[1] = 0.0f;
  interp_net_find_param (net, "fc.bias")->value->data[0] = 0.0f;
  return net;
}

/* Samples of classes 0, 1, 0, 1.  relu1 unit 0 = (1, 3, 1, 3): mu = (1, 3),
 * SI_a = 2 / (4 + eps); relu1 unit 1 = 2 everywhere: SI = 0; relu2 copies
 * unit 0: SI_a.  units: mean_SI = 2 SI_a / 3; layers: (SI_a / 2 + SI_a) / 2
 * = 3 SI_a / 4.  Gradients (n_k = 2, S = 1): the relu2 unit weighs 1/3
 * (units) or 1/2 (layers), relu1 unit 0 weighs 1/3 or 1/4. */
Test (regularizer_class_selectivity, units_and_layers_by_hand)
{
  static const float v[] = { 1, 2,   3, 2,   1, 2,   3, 2 };
  const int32_t labels[] = { 0, 1, 0, 1 };
  double b = 4.0 + EPS, si = 2.0 / b, alpha = 2.0;
  double d_max = (2.0 + EPS) / (b * b), d_other = -(6.0 + EPS) / (b * b);
  const char *modes[] = { "average=units", "average=layers" };
  double want_mean[] = { 2.0 * si / 3.0, 0.75 * si };
  double w1[] = { 1.0 / 3.0, 1.0 / 4.0 }, w2[] = { 1.0 / 3.0, 1.0 / 2.0 };
  for (int m = 0; m < 2; m++)
    {
      InterpNet *net = two_width_net ();
      gpointer self = create (net, 2, (const char *[]) { "alpha=2", modes[m], NULL });
      InterpTensor *x = interp_tensor_new_4d (4, 2, 1, 1);
      memcpy (x->data, v, sizeof v);
      double loss = run (net, self, x, labels);
      cr_assert_float_eq (loss, -alpha * want_mean[m], 1e-12, "%s", modes[m]);
      const InterpTensor *g1 = interp_net_grad (net, interp_net_find (net, "relu1"));
      const InterpTensor *g2 = interp_net_grad (net, interp_net_find (net, "relu2"));
      for (int i = 0; i < 4; i++)
        {
          double d = labels[i] ? d_max : d_other;   /* class 1 holds the max */
          cr_assert_float_eq (g1->data[2 * i], -alpha * w1[m] * d / 2.0, 1e-7,
                              "%s relu1 unit 0 sample %d", modes[m], i);
          /* The uniform unit: SI = 0 but its derivatives are not 0: the
           * tie gives class 0 the mu_max derivative (4 + eps) / b^2 and
           * class 1 the mu_-max one, -(4 + eps) / b^2 (b = 4 + eps). */
          double bu = 4.0 + EPS;
          double du = labels[i] == 0 ? (4.0 + EPS) / (bu * bu) : -(4.0 + EPS) / (bu * bu);
          cr_assert_float_eq (g1->data[2 * i + 1], -alpha * w1[m] * du / 2.0, 1e-7,
                              "%s relu1 unit 1 sample %d", modes[m], i);
          cr_assert_float_eq (g2->data[i], -alpha * w2[m] * d / 2.0, 1e-7,
                              "%s relu2 sample %d", modes[m], i);
        }
      interp_tensor_free (x);
      vtable ()->destroy (self);
      interp_net_free (net);
    }
}

/* On one matched layer the two averages are the same number, and the two
 * code paths give the same loss and gradient bit for bit (the default,
 * units, is the code path that existed before the key). */
Test (regularizer_class_selectivity, one_layer_units_equals_layers_bitwise)
{
  const int32_t labels[] = { 0, 2, 1, 0, 2, 1, 1 };
  InterpTensor *x = interp_tensor_new_4d (7, 3, 2, 3);
  fill_uniform (x, 17, 0.1, 1.3);
  double loss[2];
  InterpTensor *g[2];
  const char *modes[] = { "average=units", "average=layers" };
  for (int m = 0; m < 2; m++)
    {
      InterpNet *net = relu_net (3, 2, 3, FALSE);
      gpointer self = create (net, 4, (const char *[]) { "alpha=-1.3", modes[m], NULL });
      loss[m] = run (net, self, x, labels);
      g[m] = interp_tensor_copy (interp_net_grad (net, interp_net_find (net, "relu")));
      vtable ()->destroy (self);
      interp_net_free (net);
    }
  cr_assert (loss[0] != 0.0);
  cr_assert (memcmp (&loss[0], &loss[1], sizeof (double)) == 0, "%.17g vs %.17g",
             loss[0], loss[1]);
  cr_assert_arr_eq (g[0]->data, g[1]->data, g[0]->numel * sizeof (float));
  interp_tensor_free (g[0]);
  interp_tensor_free (g[1]);
  interp_tensor_free (x);
}

/* Both averages: the parameter gradients interp_net_backward propagates from
 * the injected gradient equal central finite differences of the returned
 * term, on input -> fc1 (4) -> relu1 -> fc2 (2) -> relu2 with both ReLUs
 * matched (widths 4 and 2, so the two averages weigh units differently).
 * Weights, biases and inputs are positive: no ReLU kink within the step.
 *
 * Tolerance.  Truncation of a central difference is h^2 f'''/6: with
 * h = 1e-3 and class means of order 1 (denominators b >= 0.5) that is a
 * relative error of order 1e-6, far inside rel = 1e-2, which also covers
 * the float rounding of the injected gradient (2^-24 relative).  Round-off:
 * the forward runs in float, so each activation a_j carries a relative
 * error of at most about k 2^-24, k = 8 (fan-in 3 or 4 summed, the bias,
 * the layer below); the term computed from them then moves by at most
 * R = k 2^-24 sum_j |dterm/da_j a_j|, and the difference quotient by
 * 2R / (2h) = R / h: the absolute tolerance, computed from this net's own
 * gradient and activations. */
static void
check_two_layer_fd (const char *average)
{
  GError *error = NULL;
  InterpNet *net = interp_net_new (3, 1, 1);
  int flat = interp_net_flatten (net, "flat", 0, &error);
  int fc1 = interp_net_linear (net, "fc1", flat, 4, TRUE, &error);
  int relu1 = interp_net_relu (net, "relu1", fc1, &error);
  int fc2 = interp_net_linear (net, "fc2", relu1, 2, TRUE, &error);
  int relu2 = interp_net_relu (net, "relu2", fc2, &error);
  cr_assert_geq (relu2, 0, "%s", error ? error->message : "");
  const char *names[] = { "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias" };
  for (int k = 0; k < 4; k++)
    fill_uniform (interp_net_find_param (net, names[k])->value, 30 + k, 0.05, 1.0);
  gpointer self = create (net, 3, (const char *[]) { "alpha=-2", average, NULL });
  const int32_t labels[] = { 0, 1, 2, 0, 1, 2, 1 };
  InterpTensor *x = interp_tensor_new_4d (7, 3, 1, 1);
  fill_uniform (x, 41, 0.0, 1.0);

  double loss0 = run (net, self, x, labels);
  cr_assert (isfinite (loss0) && loss0 != 0.0);
  const float h = 1e-3f;
  double r = 0.0;
  int nodes[] = { relu1, relu2 };
  for (int k = 0; k < 2; k++)
    {
      const InterpTensor *a = interp_net_value (net, nodes[k]);
      const InterpTensor *g = interp_net_grad (net, nodes[k]);
      for (size_t i = 0; i < a->numel; i++)
        r += fabs ((double) g->data[i] * (double) a->data[i]);
    }
  double abs_tol = 8.0 * ldexp (1.0, -24) * r / (double) h;
  interp_net_zero_param_grad (net);
  interp_net_backward (net);
  for (int k = 0; k < 4; k++)
    {
      InterpParam *p = interp_net_find_param (net, names[k]);
      InterpTensor *grad = interp_tensor_copy (p->grad);
      float *val = p->value->data;
      for (size_t i = 0; i < grad->numel; i++)
        {
          float keep = val[i], vp = keep + h, vm = keep - h;
          val[i] = vp;
          double lp = run (net, self, x, labels);
          val[i] = vm;
          double lm = run (net, self, x, labels);
          val[i] = keep;
          double fd = (lp - lm) / ((double) vp - (double) vm);
          assert_close (grad->data[i], fd, 1e-2, abs_tol, names[k], i);
        }
      interp_tensor_free (grad);
    }
  interp_tensor_free (x);
  vtable ()->destroy (self);
  interp_net_free (net);
}

Test (regularizer_class_selectivity, two_layers_units_parameter_gradient_fd)
{
  check_two_layer_fd ("average=units");
}

Test (regularizer_class_selectivity, two_layers_layers_parameter_gradient_fd)
{
  check_two_layer_fd ("average=layers");
}

Test (regularizer_class_selectivity, unknown_average_is_an_error)
{
  GError *error = NULL;
  cr_assert_null (interp_params_new_from_pairs (interp_regularizer_class_selectivity.params,
                                                WHERE, (const char *[]) { "alpha=1",
                                                "average=channels", NULL }, &error));
  cr_assert (strstr (error->message, "average") != NULL, "%s", error->message);
  g_error_free (error);
}

/* The sign convention, tested on what it claims: a small gradient-descent
 * step on the activations lowers mean SI for alpha < 0 and raises it for
 * alpha > 0 (mean SI = -loss / alpha). */
static double
mean_si_after_step (double alpha, double *before)
{
  InterpNet *net = relu_net (4, 1, 1, FALSE);
  char kv[64];
  g_snprintf (kv, sizeof kv, "alpha=%g", alpha);
  gpointer self = create (net, 3, (const char *[]) { kv, NULL });
  const int32_t labels[] = { 0, 1, 2, 0, 1, 2 };
  InterpTensor *x = interp_tensor_new_4d (6, 4, 1, 1);
  fill_uniform (x, 11, 0.5, 1.5);
  *before = -run (net, self, x, labels) / alpha;
  const InterpTensor *g = interp_net_grad (net, interp_net_find (net, "relu"));
  for (size_t i = 0; i < x->numel; i++)
    x->data[i] -= 0.05f * g->data[i];
  double after = -run (net, self, x, labels) / alpha;
  interp_tensor_free (x);
  vtable ()->destroy (self);
  interp_net_free (net);
  return after;
}

Test (regularizer_class_selectivity, negative_alpha_lowers_selectivity)
{
  double before, after = mean_si_after_step (-1.0, &before);
  cr_assert (before > 0.0);
  cr_assert_lt (after, before);
}

Test (regularizer_class_selectivity, positive_alpha_raises_selectivity)
{
  double before, after = mean_si_after_step (1.0, &before);
  cr_assert_gt (after, before);
}

/* alpha = 0 returns without touching any buffer: the gradients seeded
 * before (here a pattern) are bit-identical afterwards and the loss is 0. */
Test (regularizer_class_selectivity, alpha_zero_adds_exactly_nothing)
{
  InterpNet *net = relu_net (3, 2, 2, FALSE);
  gpointer self = create (net, 3, (const char *[]) { "alpha=0", NULL });
  const int32_t labels[] = { 0, 1, 2, 0 };
  InterpTensor *x = interp_tensor_new_4d (4, 3, 2, 2);
  fill_uniform (x, 9, 0.1, 1.0);
  GError *error = NULL;
  cr_assert (interp_net_forward (net, x, &error));
  interp_net_zero_grad (net);
  InterpTensor *g = interp_net_grad (net, interp_net_find (net, "relu"));
  fill_uniform (g, 13, -1.0, 1.0);
  InterpTensor *before = interp_tensor_copy (g);
  double loss = 42.0;
  cr_assert (vtable ()->apply (self, net, labels, 4, &loss, &error));
  cr_assert_eq (loss, 0.0);
  cr_assert_eq (memcmp (before->data, g->data, g->numel * sizeof (float)), 0);
  interp_tensor_free (before);
  interp_tensor_free (x);
  vtable ()->destroy (self);
  interp_net_free (net);
}

/* A batch of one class has no "other classes": nothing is added. */
Test (regularizer_class_selectivity, single_class_batch_adds_nothing)
{
  InterpNet *net = relu_net (2, 1, 1, FALSE);
  gpointer self = create (net, 3, (const char *[]) { "alpha=-1", NULL });
  InterpTensor *x = interp_tensor_new_4d (3, 2, 1, 1);
  fill_uniform (x, 1, 0.1, 1.0);
  double loss = run (net, self, x, (const int32_t[]) { 1, 1, 1 });
  cr_assert_eq (loss, 0.0);
  const InterpTensor *g = interp_net_grad (net, interp_net_find (net, "relu"));
  for (size_t i = 0; i < g->numel; i++)
    cr_assert_eq (g->data[i], 0.0f);
  interp_tensor_free (x);
  vtable ()->destroy (self);
  interp_net_free (net);
}

Test (regularizer_class_selectivity, alpha_is_required)
{
  GError *error = NULL;
  cr_assert_null (interp_params_new_from_pairs (interp_regularizer_class_selectivity.params,
                                                WHERE, NULL, &error));
  cr_assert (g_error_matches (error, INTERP_ERROR, INTERP_ERROR_MISSING));
  cr_assert (strstr (error->message, "alpha") != NULL, "%s", error->message);
  g_error_free (error);
}

Test (regularizer_class_selectivity, glob_matching_nothing_names_key_and_glob)
{
  InterpNet *net = relu_net (2, 1, 1, FALSE);
  InterpDataInfo data = { 2, 1, 1, 3, NULL };
  GError *error = NULL;
  InterpParams *p = interp_params_new_from_pairs (
    interp_regularizer_class_selectivity.params, WHERE,
    (const char *[]) { "alpha=1", "layers=layer?.relu", NULL }, &error);
  cr_assert_not_null (p);
  cr_assert_null (vtable ()->create (p, net, &data, NULL, &error));
  cr_assert (g_error_matches (error, INTERP_ERROR, INTERP_ERROR_NOT_FOUND));
  cr_assert (strstr (error->message, WHERE) != NULL, "%s", error->message);
  cr_assert (strstr (error->message, "'layers'") != NULL, "%s", error->message);
  cr_assert (strstr (error->message, "layer?.relu") != NULL, "%s", error->message);
  g_error_free (error);
  interp_params_free (p);
  interp_net_free (net);
}

Test (regularizer_class_selectivity, label_out_of_range_is_an_error)
{
  InterpNet *net = relu_net (2, 1, 1, FALSE);
  gpointer self = create (net, 3, (const char *[]) { "alpha=1", NULL });
  InterpTensor *x = interp_tensor_new_4d (2, 2, 1, 1);
  GError *error = NULL;
  double loss;
  cr_assert (interp_net_forward (net, x, &error));
  cr_assert_not (vtable ()->apply (self, net, (const int32_t[]) { 0, -1 }, 2, &loss, &error));
  cr_assert (g_error_matches (error, INTERP_ERROR, INTERP_ERROR_INVALID_ARGUMENT));
  cr_assert (strstr (error->message, WHERE) != NULL, "%s", error->message);
  g_error_free (error);
  interp_tensor_free (x);
  vtable ()->destroy (self);
  interp_net_free (net);
}
