/* The modified-backward saliency methods (plugins/saliency: guided-backprop,
 * deconvnet, deeplift, lrp) through their vtables: hand-computed maps, the
 * completeness delta for each baseline (path-common.h's), conservation, and
 * the network handed back as found. */
#include <criterion/criterion.h>

#include <math.h>
#include <string.h>

#include <interp/interp.h>

#include "host/params-private.h"
#include "plugins/saliency/plugin-components.h"

#define UNIT_ROUNDOFF 5.9604645e-8

typedef struct {
  const InterpComponent *component;
  gpointer self;
} Method;

static Method
method_new (const InterpComponent *c, const char *const *pairs)
{
  GError *error = NULL;
  char *where = g_strdup_printf ("test.ini: [saliency:%s]", c->name);
  InterpParams *p = interp_params_new_from_pairs (c->params, where, pairs, &error);
  cr_assert_not_null (p, "%s", error ? error->message : "");
  const InterpSaliencyVTable *vt = c->vtable;
  gpointer self = vt->create (p, NULL, &error);
  cr_assert_not_null (self, "%s", error ? error->message : "");
  interp_params_free (p);
  g_free (where);
  return (Method) { c, self };
}

static void
method_free (Method m)
{
  ((const InterpSaliencyVTable *) m.component->vtable)->destroy (m.self);
}

static guint
method_flags (Method m)
{
  InterpSaliencyInfo info = { 0 };
  ((const InterpSaliencyVTable *) m.component->vtable)->describe (m.self, &info);
  return info.flags;
}

static gboolean
attribute (Method m, InterpNet *net, const InterpTensor *x, const int32_t *targets,
           InterpTensor *attr, double *delta, GError **error)
{
  InterpRng rng;
  interp_rng_seed (&rng, 99);
  return ((const InterpSaliencyVTable *) m.component->vtable)->attribute (
      m.self, net, x, targets, &rng, attr, delta, error);
}

static void
fill_uniform (InterpTensor *t, uint64_t seed, float lo, float hi)
{
  InterpRng rng;
  interp_rng_seed (&rng, seed);
  for (size_t i = 0; i < t->numel; i++)
    t->data[i] = lo + (hi - lo) * (float) interp_rng_uniform (&rng);
}

/* Every rule back to GRADIENT, and the flags as the test set them. */
static void
expect_returned (InterpNet *net)
{
  for (int i = 0; i < interp_net_n_nodes (net); i++)
    cr_expect_eq (interp_net_backward_rule (net, i), INTERP_RULE_GRADIENT, "node %s",
                  interp_net_node_name (net, i));
  cr_expect (interp_net_param_grad (net));
  cr_expect_not (interp_net_input_grad_enabled (net));
}

/* z = V relu (W x): W = [1 -1; 2 1], V = [3 -2; 1 1]. */
static InterpNet *
one_relu_net (void)
{
  InterpNet *net = interp_net_new (2, 1, 1);
  int h = interp_net_linear (net, "fc1", 0, 2, FALSE, NULL);
  int r = interp_net_relu (net, "relu", h, NULL);
  interp_net_linear (net, "fc2", r, 2, FALSE, NULL);
  static const float w[4] = { 1, -1, 2, 1 }, v[4] = { 3, -2, 1, 1 };
  memcpy (interp_net_find_param (net, "fc1.weight")->value->data, w, sizeof w);
  memcpy (interp_net_find_param (net, "fc2.weight")->value->data, v, sizeof v);
  return net;
}

Test (saliency_rules, guided_backprop_and_deconvnet_by_hand)
{
  /* x = (1, 2) twice, targets 0 and 1: W x = (-1, 4), the first unit is off.
   * target 0: dy at the relu = (3, -2); target 1: dy = (1, 1).
   *   guided:    W^T (0, 0) = (0, 0);     W^T (0, 1) = (2, 1)
   *   deconvnet: W^T (3, 0) = (3, -3);    W^T (1, 1) = (3, 0) */
  InterpNet *net = one_relu_net ();
  InterpTensor *x = interp_tensor_new_2d (2, 2), *attr = interp_tensor_new_2d (0, 1);
  static const float xv[4] = { 1, 2, 1, 2 };
  memcpy (x->data, xv, sizeof xv);
  static const int32_t targets[2] = { 0, 1 };
  static const float guided[4] = { 0, 0, 2, 1 }, deconv[4] = { 3, -3, 3, 0 };
  const InterpComponent *cs[2] = { &interp_saliency_guided_backprop,
                                   &interp_saliency_deconvnet };
  const float *want[2] = { guided, deconv };
  for (int k = 0; k < 2; k++)
    {
      Method m = method_new (cs[k], (const char *const[]) { 0 });
      cr_expect_eq (method_flags (m), INTERP_SALIENCY_SIGNED | INTERP_SALIENCY_MODIFIED_BACKWARD);
      GError *error = NULL;
      cr_assert (attribute (m, net, x, targets, attr, NULL, &error), "%s",
                 error ? error->message : "");
      cr_assert_eq (attr->numel, 4);
      for (int i = 0; i < 4; i++)
        cr_expect_eq (attr->data[i], want[k][i], "%s element %d: %g", cs[k]->name, i,
                      (double) attr->data[i]);
      expect_returned (net);
      method_free (m);
    }
  interp_tensor_free (x);
  interp_tensor_free (attr);
  interp_net_free (net);
}

Test (saliency_rules, deeplift_one_hidden_unit_by_hand)
{
  /* f = 2 relu (2 x0 + x1 - 1), x = (1, 2), zero baseline: attributions
   * (3, 3) (test-nn-rules-deeplift.c), f(x) - f(0) = 6, delta 0 exactly. */
  InterpNet *net = interp_net_new (2, 1, 1);
  int h = interp_net_linear (net, "h", 0, 1, TRUE, NULL);
  int r = interp_net_relu (net, "relu", h, NULL);
  interp_net_linear (net, "out", r, 1, FALSE, NULL);
  interp_net_find_param (net, "h.weight")->value->data[0] = 2.0f;
  interp_net_find_param (net, "h.weight")->value->data[1] = 1.0f;
  interp_net_find_param (net, "h.bias")->value->data[0] = -1.0f;
  interp_net_find_param (net, "out.weight")->value->data[0] = 2.0f;
  Method m = method_new (&interp_saliency_deeplift, (const char *const[]) { 0 });
  cr_expect (method_flags (m) & INTERP_SALIENCY_COMPLETENESS);
  cr_expect_not (method_flags (m) & INTERP_SALIENCY_RANDOMIZED);
  InterpTensor *x = interp_tensor_new_2d (1, 2), *attr = interp_tensor_new_2d (0, 1);
  x->data[0] = 1.0f;
  x->data[1] = 2.0f;
  int32_t t = 0;
  double delta = NAN;
  GError *error = NULL;
  cr_assert (attribute (m, net, x, &t, attr, &delta, &error), "%s", error ? error->message : "");
  cr_expect_eq (attr->data[0], 3.0f);
  cr_expect_eq (attr->data[1], 3.0f);
  cr_expect_eq (delta, 0.0);
  expect_returned (net);
  method_free (m);
  interp_tensor_free (x);
  interp_tensor_free (attr);
  interp_net_free (net);
}

/* normalize -> conv -> relu -> maxpool -> flatten -> fc, 2 x 6 x 6. */
static InterpNet *
conv_net (gboolean biases)
{
  InterpNet *net = interp_net_new (2, 6, 6);
  static const float mean[2] = { 0.4f, 0.6f }, std[2] = { 0.25f, 0.5f };
  int a = interp_net_normalize (net, "norm", 0, mean, std, NULL);
  a = interp_net_conv2d (net, "conv", a, 3, 3, 1, 1, 1, biases, NULL);
  a = interp_net_relu (net, "relu", a, NULL);
  a = interp_net_maxpool (net, "pool", a, 2, 2, 0, NULL);
  a = interp_net_flatten (net, "flat", a, NULL);
  cr_assert_geq (interp_net_linear (net, "fc", a, 4, biases, NULL), 0);
  interp_net_set_init (net, INTERP_INIT_PYTORCH);
  InterpRng rng;
  interp_rng_seed (&rng, 5);
  interp_net_init (net, &rng);
  return net;
}

Test (saliency_rules, deeplift_delta_is_rounding_for_every_baseline)
{
  InterpNet *net = conv_net (TRUE);
  InterpTensor *x = interp_tensor_new_4d (3, 2, 6, 6), *attr = interp_tensor_new_2d (0, 1);
  fill_uniform (x, 1, 0.0f, 1.0f);
  static const int32_t targets[3] = { 0, 3, 1 };
  cr_assert (interp_net_forward (net, x, NULL));
  float fx_all[12];
  memcpy (fx_all, interp_net_value (net, interp_net_output_node (net))->data, sizeof fx_all);
  const char *baselines[] = { "baseline=zero", "baseline=blur", "baseline=uniform",
                              "baseline=mean" };
  for (int b = 0; b < 4; b++)
    {
      Method m = method_new (&interp_saliency_deeplift, (const char *const[]) { baselines[b],
                                                                               NULL });
      cr_expect_eq (!!(method_flags (m) & INTERP_SALIENCY_RANDOMIZED), b == 2);
      double delta[3];
      GError *error = NULL;
      cr_assert (attribute (m, net, x, targets, attr, delta, &error), "%s: %s", baselines[b],
                 error ? error->message : "");
      for (int i = 0; i < 3; i++)
        {
          double mag = 0.0;
          for (int j = 0; j < 72; j++)
            mag += fabs (attr->data[i * 72 + j]);
          /* summation-to-delta's bound (tests/nn/test-nn-rules-deeplift.c):
           * 4 depth fan u S with 3 affine maps (normalize, conv, fc), fan-in
           * 27 (fc's is 27 too: 3 x 3 x 3), S = sum |attr| + |f(x)| +
           * |f(ref)|, and |f(ref)| <= |f(x)| + sum |attr| + |delta|; plus
           * 1e-7 |m| per element for the rescale fallback, |m| <= 1 here
           * being generous for PyTorch-initialised weights of this size. */
          double fx = fabs (fx_all[i * 4 + targets[i]]);
          double big_s = 2.0 * mag + 2.0 * fx + fabs (delta[i]);
          double tol = 4.0 * 3 * 27 * UNIT_ROUNDOFF * big_s + 1e-7 * 72;
          cr_expect (fabs (delta[i]) <= tol, "%s, image %d: delta %.3g > %.3g", baselines[b],
                     i, delta[i], tol);
        }
      expect_returned (net);
      method_free (m);
    }
  interp_tensor_free (x);
  interp_tensor_free (attr);
  interp_net_free (net);
}

Test (saliency_rules, mean_baseline_needs_a_normalize_node)
{
  InterpNet *net = one_relu_net ();
  Method m = method_new (&interp_saliency_deeplift, (const char *const[]) { "baseline=mean",
                                                                           NULL });
  InterpTensor *x = interp_tensor_new_2d (1, 2), *attr = interp_tensor_new_2d (0, 1);
  int32_t t = 0;
  GError *error = NULL;
  cr_expect_not (attribute (m, net, x, &t, attr, NULL, &error));
  cr_assert_not_null (error);
  cr_expect (strstr (error->message, "deeplift") && strstr (error->message, "mean")
             && strstr (error->message, "normalize"), "%s", error->message);
  g_error_free (error);
  expect_returned (net);
  method_free (m);
  interp_tensor_free (x);
  interp_tensor_free (attr);
  interp_net_free (net);
}

Test (saliency_rules, lrp_conserves_the_logit_without_biases)
{
  /* no biases, eps 1e-9: sum R = f_t(x) to rounding (bound as deeplift's) */
  InterpNet *net = conv_net (FALSE);
  InterpTensor *x = interp_tensor_new_4d (2, 2, 6, 6), *attr = interp_tensor_new_2d (0, 1);
  fill_uniform (x, 3, 0.0f, 1.0f);
  static const int32_t targets[2] = { 2, 0 };
  cr_assert (interp_net_forward (net, x, NULL));
  const InterpTensor *z = interp_net_value (net, interp_net_output_node (net));
  double f[2] = { z->data[2], z->data[4 + 0] };
  const char *rules[2] = { "conv-rule=epsilon", "conv-rule=zplus" };
  InterpTensor *eps_map = NULL;
  for (int k = 0; k < 2; k++)
    {
      Method m = method_new (&interp_saliency_lrp, (const char *const[]) { rules[k], NULL });
      cr_expect_eq (method_flags (m), INTERP_SALIENCY_SIGNED | INTERP_SALIENCY_MODIFIED_BACKWARD);
      double delta[2] = { 7.0, 7.0 };
      GError *error = NULL;
      cr_assert (attribute (m, net, x, targets, attr, delta, &error), "%s",
                 error ? error->message : "");
      cr_expect (delta[0] == 7.0 && delta[1] == 7.0, "lrp must leave delta untouched");
      for (int i = 0; i < 2; i++)
        {
          double sum = 0.0, mag = 0.0;
          for (int j = 0; j < 72; j++)
            {
              sum += attr->data[i * 72 + j];
              mag += fabs (attr->data[i * 72 + j]);
            }
          double tol = 4.0 * 3 * 27 * UNIT_ROUNDOFF * (mag + 2.0 * fabs (f[i]));
          /* z+ conserves too as long as every conv unit has a positive
           * contribution (27 random terms each: all of them do here) */
          cr_expect (fabs (sum - f[i]) <= tol, "%s, image %d: sum R %.9g, f %.9g", rules[k], i,
                     sum, f[i]);
        }
      if (k == 0)
        eps_map = interp_tensor_copy (attr);
      else
        {
          /* and z+ did redistribute differently */
          double diff = 0.0;
          for (size_t j = 0; j < attr->numel; j++)
            diff += fabs (attr->data[j] - eps_map->data[j]);
          cr_expect_gt (diff, 1e-3);
        }
      expect_returned (net);
      method_free (m);
    }
  interp_tensor_free (eps_map);
  interp_tensor_free (x);
  interp_tensor_free (attr);
  interp_net_free (net);
}
