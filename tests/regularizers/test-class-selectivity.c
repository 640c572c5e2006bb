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
