/* Modified backward rules (core/nn/backward-rules.c): guided backprop and
 * deconvnet at relu nodes by hand, which rule applies to which op, and the
 * rules and reference as part of InterpNetState.  DeepLIFT's rescale rule
 * is test-nn-rules-deeplift.c, LRP test-nn-rules-lrp.c. */
#include <criterion/criterion.h>

#include <math.h>
#include <string.h>

#include <interp/interp.h>

/* A 4-feature input feeding two relu nodes, "r1" and "r2" (ids 1, 2). */
static InterpNet *
two_relus (void)
{
  InterpNet *net = interp_net_new (4, 1, 1);
  cr_assert_eq (interp_net_relu (net, "r1", 0, NULL), 1);
  cr_assert_eq (interp_net_relu (net, "r2", 0, NULL), 2);
  interp_net_set_input_grad (net, TRUE);
  interp_net_set_param_grad (net, FALSE);
  return net;
}

static const float x4[4] = { -1.0f, 2.0f, 3.0f, 0.5f };
static const float dy4[4] = { 1.0f, -1.0f, 2.0f, -3.0f };

/* Forward x4, seed node `node` with dy4 (and, when other > 0, node other
 * with dy4 too), backward; returns the input gradient. */
static const InterpTensor *
run (InterpNet *net, int node, int other)
{
  InterpTensor *x = interp_tensor_new_2d (1, 4);
  memcpy (x->data, x4, sizeof x4);
  cr_assert (interp_net_forward (net, x, NULL));
  interp_net_zero_grad (net);
  memcpy (interp_net_grad (net, node)->data, dy4, sizeof dy4);
  if (other > 0)
    memcpy (interp_net_grad (net, other)->data, dy4, sizeof dy4);
  interp_net_backward (net);
  interp_tensor_free (x);
  return interp_net_input_grad (net);
}

static void
expect4 (const InterpTensor *g, const float want[4])
{
  /* Each value is one dy element passed or dropped (or a sum of two exact
   * small integers): exact in float. */
  for (int i = 0; i < 4; i++)
    cr_expect_eq (g->data[i], want[i], "element %d: %g, expected %g", i,
                  (double) g->data[i], (double) want[i]);
}

Test (rules, relu_gradient_guided_deconvnet_by_hand)
{
  InterpNet *net = two_relus ();
  /* x = -1, 2, 3, 0.5; dy = 1, -1, 2, -3 */
  static const float grad[4] = { 0.0f, -1.0f, 2.0f, -3.0f };     /* dy where x > 0 */
  static const float guided[4] = { 0.0f, 0.0f, 2.0f, 0.0f };     /* and dy > 0 */
  static const float deconv[4] = { 1.0f, 0.0f, 2.0f, 0.0f };     /* max(dy, 0) */
  expect4 (run (net, 1, 0), grad);
  cr_assert (interp_net_set_backward_rule (net, 1, INTERP_RULE_GUIDED, 0.0f, NULL));
  cr_expect_eq (interp_net_backward_rule (net, 1), INTERP_RULE_GUIDED);
  expect4 (run (net, 1, 0), guided);
  cr_assert (interp_net_set_backward_rule (net, 1, INTERP_RULE_DECONVNET, 0.0f, NULL));
  expect4 (run (net, 1, 0), deconv);
  interp_net_clear_backward_rules (net);
  cr_expect_eq (interp_net_backward_rule (net, 1), INTERP_RULE_GRADIENT);
  expect4 (run (net, 1, 0), grad);
  interp_net_free (net);
}

Test (rules, relu_rules_accumulate)
{
  /* r2 (run first, backward goes from the last node) overwrites the input
   * gradient, r1 adds to it: guided(dy) + deconvnet(dy). */
  InterpNet *net = two_relus ();
  cr_assert (interp_net_set_backward_rule (net, 1, INTERP_RULE_GUIDED, 0.0f, NULL));
  cr_assert (interp_net_set_backward_rule (net, 2, INTERP_RULE_DECONVNET, 0.0f, NULL));
  static const float sum[4] = { 1.0f, 0.0f, 4.0f, 0.0f };
  expect4 (run (net, 1, 2), sum);
  interp_net_free (net);
}

/* A NaN propagates through the rules as through Captum's relu(dy) hooks:
 * guided passes relu(dy) where y > 0 or y is NaN, deconvnet relu(dy). */
Test (rules, relu_rules_propagate_nan)
{
  InterpNet *net = interp_net_new (3, 1, 1);
  cr_assert_eq (interp_net_relu (net, "r", 0, NULL), 1);
  interp_net_set_input_grad (net, TRUE);
  interp_net_set_param_grad (net, FALSE);
  InterpTensor *x = interp_tensor_new_2d (1, 3);
  x->data[0] = NAN;      /* NaN forward, dy = 2 */
  x->data[1] = 1.0f;     /* finite forward, NaN dy */
  x->data[2] = -1.0f;    /* stopped by the forward mask whatever dy */
  static const float dy[3] = { 2.0f, NAN, NAN };
  static const InterpBackwardRule rules[2] = { INTERP_RULE_GUIDED, INTERP_RULE_DECONVNET };
  for (int k = 0; k < 2; k++)
    {
      cr_assert (interp_net_set_backward_rule (net, 1, rules[k], 0.0f, NULL));
      cr_assert (interp_net_forward (net, x, NULL));
      interp_net_zero_grad (net);
      memcpy (interp_net_grad (net, 1)->data, dy, sizeof dy);
      interp_net_backward (net);
      const InterpTensor *g = interp_net_input_grad (net);
      const char *rule = interp_backward_rule_name (rules[k]);
      cr_expect_eq (g->data[0], 2.0f, "%s: %g", rule, (double) g->data[0]);
      cr_expect (isnan (g->data[1]), "%s: %g", rule, (double) g->data[1]);
      if (rules[k] == INTERP_RULE_GUIDED)
        cr_expect_eq (g->data[2], 0.0f, "%s: %g", rule, (double) g->data[2]);
      else
        cr_expect (isnan (g->data[2]), "%s: %g", rule, (double) g->data[2]);
    }
  interp_tensor_free (x);
  interp_net_free (net);
}

Test (rules, guided_and_deconvnet_through_a_linear_layer)
{
  /* y = relu (W x), W = [[1, -1], [2, 1]], x = (1, 2): W x = (-1, 4), so the
   * first unit is off.  Seed dy = (3, -2) at the relu.
   *   gradient:  dx = W^T (0, -2)  = (-4, -2)
   *   guided:    dx = W^T (0, 0)   = (0, 0)
   *   deconvnet: dx = W^T (3, 0)   = (3, -3) */
  InterpNet *net = interp_net_new (2, 1, 1);
  int fc = interp_net_linear (net, "fc", 0, 2, FALSE, NULL);
  int r = interp_net_relu (net, "relu", fc, NULL);
  static const float w[4] = { 1.0f, -1.0f, 2.0f, 1.0f };
  memcpy (interp_net_find_param (net, "fc.weight")->value->data, w, sizeof w);
  interp_net_set_input_grad (net, TRUE);
  interp_net_set_param_grad (net, FALSE);
  InterpTensor *x = interp_tensor_new_2d (1, 2);
  x->data[0] = 1.0f;
  x->data[1] = 2.0f;
  static const float want[3][2] = { { -4.0f, -2.0f }, { 0.0f, 0.0f }, { 3.0f, -3.0f } };
  InterpBackwardRule rules[3] = { INTERP_RULE_GRADIENT, INTERP_RULE_GUIDED,
                                  INTERP_RULE_DECONVNET };
  for (int k = 0; k < 3; k++)
    {
      cr_assert (interp_net_set_backward_rule (net, r, rules[k], 0.0f, NULL));
      cr_assert (interp_net_forward (net, x, NULL));
      interp_net_zero_grad (net);
      float *dy = interp_net_grad (net, r)->data;
      dy[0] = 3.0f;
      dy[1] = -2.0f;
      interp_net_backward (net);
      const InterpTensor *g = interp_net_input_grad (net);
      for (int i = 0; i < 2; i++)
        cr_expect_eq (g->data[i], want[k][i], "%s, element %d: %g", interp_backward_rule_name
                      (rules[k]), i, (double) g->data[i]);
    }
  interp_tensor_free (x);
  interp_net_free (net);
}

/* ---- which rule applies where ------------------------------------------------------------- */

static void
expect_refused (InterpNet *net, int node, InterpBackwardRule rule, float eps,
                const char *op)
{
  GError *error = NULL;
  cr_assert_not (interp_net_set_backward_rule (net, node, rule, eps, &error));
  cr_assert_not_null (error);
  cr_expect_eq (error->code, INTERP_ERROR_BAD_VALUE);
  const char *name = interp_net_node_name (net, node);
  cr_expect (strstr (error->message, name) != NULL, "'%s' does not name node %s",
             error->message, name);
  cr_expect (strstr (error->message, op) != NULL, "'%s' does not name op %s",
             error->message, op);
  cr_expect (strstr (error->message, interp_backward_rule_name (rule)) != NULL,
             "'%s' does not name the rule", error->message);
  g_error_free (error);
  cr_expect_eq (interp_net_backward_rule (net, node), INTERP_RULE_GRADIENT);
}

Test (rules, a_rule_on_the_wrong_op_is_an_error)
{
  InterpNet *net = interp_net_new (1, 4, 4);
  int conv = interp_net_conv2d (net, "conv", 0, 2, 3, 1, 1, 1, TRUE, NULL);
  int relu = interp_net_relu (net, "act", conv, NULL);
  int pool = interp_net_maxpool (net, "pool", relu, 2, 2, 0, NULL);
  int flat = interp_net_flatten (net, "flat", pool, NULL);
  int fc = interp_net_linear (net, "fc", flat, 3, TRUE, NULL);
  expect_refused (net, conv, INTERP_RULE_GUIDED, 0.0f, "conv2d");
  expect_refused (net, pool, INTERP_RULE_DECONVNET, 0.0f, "maxpool");
  expect_refused (net, fc, INTERP_RULE_RESCALE, 0.0f, "linear");
  expect_refused (net, relu, INTERP_RULE_LRP_EPSILON, 1e-6f, "relu");
  expect_refused (net, pool, INTERP_RULE_LRP_ZPLUS, 0.0f, "maxpool");
  expect_refused (net, flat, INTERP_RULE_LRP_EPSILON, 1e-6f, "flatten");
  expect_refused (net, 0, INTERP_RULE_GUIDED, 0.0f, "input");
  /* eps must be positive for the epsilon rule */
  expect_refused (net, fc, INTERP_RULE_LRP_EPSILON, 0.0f, "linear");
  expect_refused (net, fc, INTERP_RULE_LRP_EPSILON, NAN, "linear");
  /* an unknown node */
  GError *error = NULL;
  cr_assert_not (interp_net_set_backward_rule (net, 99, INTERP_RULE_GUIDED, 0.0f, &error));
  cr_expect_eq (error->code, INTERP_ERROR_NOT_FOUND);
  g_clear_error (&error);
  /* and the ones that do apply */
  cr_expect (interp_net_set_backward_rule (net, relu, INTERP_RULE_RESCALE, 0.0f, NULL));
  cr_expect (interp_net_set_backward_rule (net, pool, INTERP_RULE_RESCALE, 0.0f, NULL));
  cr_expect (interp_net_set_backward_rule (net, conv, INTERP_RULE_LRP_ZPLUS, 0.0f, NULL));
  cr_expect (interp_net_set_backward_rule (net, fc, INTERP_RULE_LRP_EPSILON, 1e-6f, NULL));
  interp_net_free (net);
}

/* ---- InterpNetState -------------------------------------------------------------------------- */

Test (rules, state_restores_rules_and_reference)
{
  /* fc -> relu (rescale) -> pool-free head; reference of batch 2 */
  InterpNet *net = interp_net_new (3, 1, 1);
  int fc = interp_net_linear (net, "fc", 0, 4, TRUE, NULL);
  int r = interp_net_relu (net, "relu", fc, NULL);
  int out = interp_net_linear (net, "out", r, 2, TRUE, NULL);
  InterpRng rng;
  interp_rng_seed (&rng, 3);
  interp_net_init (net, &rng);
  interp_net_set_input_grad (net, TRUE);
  interp_net_set_param_grad (net, FALSE);
  InterpTensor *x = interp_tensor_new_2d (2, 3), *xr = interp_tensor_new_2d (2, 3);
  for (int i = 0; i < 6; i++)
    {
      x->data[i] = (float) (i % 3) - 0.7f;
      xr->data[i] = 0.25f * (float) i - 0.5f;
    }
  cr_assert (interp_net_set_backward_rule (net, r, INTERP_RULE_RESCALE, 0.0f, NULL));
  cr_assert (interp_net_set_backward_rule (net, out, INTERP_RULE_LRP_EPSILON, 0.125f, NULL));
  cr_assert (interp_net_set_reference (net, xr, NULL));
  /* the attribution before */
  cr_assert (interp_net_forward (net, x, NULL));
  interp_net_zero_grad (net);
  interp_net_grad (net, out)->data[1] = 1.0f;
  interp_net_backward (net);
  InterpTensor *before = interp_tensor_copy (interp_net_input_grad (net));

  InterpNetState *s = interp_net_state_save (net);
  interp_net_clear_backward_rules (net);
  interp_net_clear_reference (net);
  cr_assert (interp_net_set_backward_rule (net, r, INTERP_RULE_GUIDED, 0.0f, NULL));
  interp_net_state_restore (net, s);

  cr_expect_eq (interp_net_backward_rule (net, fc), INTERP_RULE_GRADIENT);
  cr_expect_eq (interp_net_backward_rule (net, r), INTERP_RULE_RESCALE);
  cr_expect_eq (interp_net_backward_rule (net, out), INTERP_RULE_LRP_EPSILON);
  /* the reference is back: batch 2 runs, batch 3 does not */
  InterpTensor *x3 = interp_tensor_new_2d (3, 3);
  GError *error = NULL;
  cr_expect_not (interp_net_forward (net, x3, &error));
  cr_expect_eq (error ? error->code : -1, INTERP_ERROR_SHAPE);
  g_clear_error (&error);
  /* and the same attribution, bit for bit (eps came back too) */
  cr_assert (interp_net_forward (net, x, NULL));
  interp_net_zero_grad (net);
  interp_net_grad (net, out)->data[1] = 1.0f;
  interp_net_backward (net);
  cr_expect_arr_eq (interp_net_input_grad (net)->data, before->data,
                    before->numel * sizeof (float));
  /* a state saved without rules restores none */
  interp_net_clear_backward_rules (net);
  interp_net_clear_reference (net);
  s = interp_net_state_save (net);
  cr_assert (interp_net_set_backward_rule (net, r, INTERP_RULE_RESCALE, 0.0f, NULL));
  cr_assert (interp_net_set_reference (net, xr, NULL));
  interp_net_state_restore (net, s);
  cr_expect_eq (interp_net_backward_rule (net, r), INTERP_RULE_GRADIENT);
  cr_expect (interp_net_forward (net, x3, NULL));
  interp_tensor_free (x3);
  interp_tensor_free (before);
  interp_tensor_free (x);
  interp_tensor_free (xr);
  interp_net_free (net);
}
