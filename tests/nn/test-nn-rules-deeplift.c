/* DeepLIFT's rescale rule (core/nn/backward-rules.c): the relu multiplier
 * and its fallback, maxpool's split of the delta (Captum's rule) by hand, a
 * 1-hidden-unit network by hand, summation-to-delta on three networks, and
 * the reference's batch size. */
#include <criterion/criterion.h>

#include <math.h>
#include <string.h>

#include <interp/interp.h>

#include "net-fixture.h"
#include "rules-fixture.h"

static void
set_rescale_everywhere (InterpNet *net)
{
  for (int i = 1; i < interp_net_n_nodes (net); i++)
    {
      InterpOp op = interp_net_node_op (net, i);
      if (op == INTERP_OP_RELU || op == INTERP_OP_MAXPOOL)
        cr_assert (interp_net_set_backward_rule (net, i, INTERP_RULE_RESCALE, 0.0f, NULL));
    }
}

static InterpTensor *
vec (int64_t n, const float *v)
{
  InterpTensor *t = interp_tensor_new_2d (1, n);
  memcpy (t->data, v, (size_t) n * sizeof (float));
  return t;
}

Test (deeplift, relu_multiplier_and_fallback_by_hand)
{
  /* x     = -1,  2, 3, 0.5
   * x_ref =  1, -2, 1, 0.5 + 1 ulp (5.96e-8 < 1e-7: falls back)
   * y     =  0,  2, 3, 0.5;   y_ref = 1, 0, 1, 0.5 + 1 ulp
   * m     = (0-1)/(-2) = 0.5, (2-0)/4 = 0.5, (3-1)/2 = 1, gradient 1
   * dy    =  1, -1, 2, -3  ->  dx = 0.5, -0.5, 2, -3 (exact in float) */
  InterpNet *net = interp_net_new (4, 1, 1);
  int r = interp_net_relu (net, "relu", 0, NULL);
  cr_assert (interp_net_set_backward_rule (net, r, INTERP_RULE_RESCALE, 0.0f, NULL));
  static const float xv[4] = { -1.0f, 2.0f, 3.0f, 0.5f };
  float rv[4] = { 1.0f, -2.0f, 1.0f, nextafterf (0.5f, 1.0f) };
  InterpTensor *x = vec (4, xv), *xr = vec (4, rv);
  cr_assert (interp_net_set_reference (net, xr, NULL));
  interp_net_set_input_grad (net, TRUE);
  cr_assert (interp_net_forward (net, x, NULL));
  interp_net_zero_grad (net);
  static const float dy[4] = { 1.0f, -1.0f, 2.0f, -3.0f };
  memcpy (interp_net_grad (net, r)->data, dy, sizeof dy);
  interp_net_backward (net);
  static const float want[4] = { 0.5f, -0.5f, 2.0f, -3.0f };
  const InterpTensor *g = interp_net_input_grad (net);
  for (int i = 0; i < 4; i++)
    cr_expect_eq (g->data[i], want[i], "element %d: %g, expected %g", i, (double) g->data[i],
                  (double) want[i]);
  interp_tensor_free (x);
  interp_tensor_free (xr);
  interp_net_free (net);
}

/* A NaN input takes the quotient branch, so its multiplier, and the
 * input's attribution, is NaN instead of the fallback's 0 or 1. */
Test (deeplift, relu_multiplier_propagates_nan)
{
  InterpNet *net = interp_net_new (2, 1, 1);
  int r = interp_net_relu (net, "relu", 0, NULL);
  cr_assert (interp_net_set_backward_rule (net, r, INTERP_RULE_RESCALE, 0.0f, NULL));
  static const float xv[2] = { NAN, 2.0f }, rv[2] = { 0.0f, 1.0f };
  InterpTensor *x = vec (2, xv), *xr = vec (2, rv);
  cr_assert (interp_net_set_reference (net, xr, NULL));
  interp_net_set_input_grad (net, TRUE);
  cr_assert (interp_net_forward (net, x, NULL));
  interp_net_zero_grad (net);
  interp_tensor_fill (interp_net_grad (net, r), 1.0f);
  interp_net_backward (net);
  const InterpTensor *g = interp_net_input_grad (net);
  cr_expect (isnan (g->data[0]), "NaN input: %g", (double) g->data[0]);
  cr_expect_eq (g->data[1], 1.0f, "finite input: %g", (double) g->data[1]);
  interp_tensor_free (x);
  interp_tensor_free (xr);
  interp_net_free (net);
}

/* One 2x2 window: input and reference images (row-major 2x2), dy = 2. */
static void
maxpool_case (const float xv[4], const float rv[4], const float want[4])
{
  InterpNet *net = interp_net_new (1, 2, 2);
  int p = interp_net_maxpool (net, "pool", 0, 2, 2, 0, NULL);
  cr_assert (interp_net_set_backward_rule (net, p, INTERP_RULE_RESCALE, 0.0f, NULL));
  InterpTensor *x = interp_tensor_new_4d (1, 1, 2, 2), *xr = interp_tensor_new_4d (1, 1, 2, 2);
  memcpy (x->data, xv, 4 * sizeof (float));
  memcpy (xr->data, rv, 4 * sizeof (float));
  cr_assert (interp_net_set_reference (net, xr, NULL));
  interp_net_set_input_grad (net, TRUE);
  cr_assert (interp_net_forward (net, x, NULL));
  interp_net_zero_grad (net);
  interp_net_grad (net, p)->data[0] = 2.0f;
  interp_net_backward (net);
  const InterpTensor *g = interp_net_input_grad (net);
  for (int i = 0; i < 4; i++)
    cr_expect_eq (g->data[i], want[i], "element %d: %g, expected %g", i, (double) g->data[i],
                  (double) want[i]);
  interp_tensor_free (x);
  interp_tensor_free (xr);
  interp_net_free (net);
}

Test (deeplift, maxpool_rescale_by_hand)
{
  /* x = [1 4; 2 3] (max 4 at 1), x_ref = [5 0; 1 1] (max 5 at 0).
   * max(y, y_ref) = 5: element 1 is credited 2 (5 - 5) = 0, element 0 is
   * credited 2 (4 - 5) = -2, so m_0 = -2 / (1 - 5) = 0.5, others 0/dx = 0;
   * (x - x_ref) . m = -2 = dy (y - y_ref). */
  static const float x1[4] = { 1, 4, 2, 3 }, r1[4] = { 5, 0, 1, 1 }, w1[4] = { 0.5f, 0, 0, 0 };
  maxpool_case (x1, r1, w1);
  /* x = [6 4; 2 3], x_ref = [5 0; 1 1]: both maxima at 0, credit 2 (6 - 5) = 2,
   * m_0 = 2 / 1 = 2. */
  static const float x2[4] = { 6, 4, 2, 3 }, w2[4] = { 2, 0, 0, 0 };
  maxpool_case (x2, r1, w2);
  /* x = [1 4; 2 3], x_ref = [1 0; 7 1]: the reference's max (7 at 2) is
   * credited 2 (4 - 7) = -6, m_2 = -6 / (2 - 7) = 1.2; the input's max at 1
   * is credited 2 (7 - 7) = 0.  (x - x_ref) . m = -5 * 1.2 = -6. */
  static const float r3[4] = { 1, 0, 7, 1 }, w3[4] = { 0, 0, -6.0f / -5.0f, 0 };
  maxpool_case (x1, r3, w3);
}

Test (deeplift, one_hidden_unit_by_hand)
{
  /* f(x) = 2 relu (2 x0 + x1 - 1), x = (1, 2), x_ref = (0, 0):
   * z = 3, z_ref = -1, m = (3 - 0) / (3 + 1) = 0.75, so the multipliers are
   * 2 * 0.75 * (2, 1) = (3, 1.5) and the attributions (3, 3) sum to
   * f(x) - f(x_ref) = 6 - 0.  (Gradient x input would give (4, 4).) */
  InterpNet *net = interp_net_new (2, 1, 1);
  int h = interp_net_linear (net, "h", 0, 1, TRUE, NULL);
  int r = interp_net_relu (net, "relu", h, NULL);
  interp_net_linear (net, "out", r, 1, FALSE, NULL);
  interp_net_find_param (net, "h.weight")->value->data[0] = 2.0f;
  interp_net_find_param (net, "h.weight")->value->data[1] = 1.0f;
  interp_net_find_param (net, "h.bias")->value->data[0] = -1.0f;
  interp_net_find_param (net, "out.weight")->value->data[0] = 2.0f;
  set_rescale_everywhere (net);
  static const float xv[2] = { 1.0f, 2.0f }, rv[2] = { 0.0f, 0.0f };
  InterpTensor *x = vec (2, xv), *xr = vec (2, rv);
  cr_assert (interp_net_set_reference (net, xr, NULL));
  InterpTensor *g = backward_at (net, x, 0, 1.0f);
  cr_expect_eq (g->data[0], 3.0f);
  cr_expect_eq (g->data[1], 1.5f);
  cr_expect_eq (logit (net, 0, 0), 6.0f);
  interp_tensor_free (g);
  interp_tensor_free (x);
  interp_tensor_free (xr);
  interp_net_free (net);
}

/* sum_i (x_i - x_ref_i) m_i = f_t(x) - f_t(x_ref) for every image and a few
 * targets.  Exact in real arithmetic; in float every multiplier and logit
 * is a chain of `depth` affine maps with dot products of at most `fan`
 * terms, each off by at most fan * u relative to the sum of its terms'
 * magnitudes (Higham, "Accuracy and Stability of Numerical Algorithms",
 * 2002, eq. 3.5), so both sides are within depth * fan * u * S of the real
 * value, S = sum |attributions| + |f(x)| + |f(x_ref)| bounding the
 * magnitudes; 2x for the two sides, 2x for the divisions of the rescale
 * multipliers and the subtractions of the deltas.  Elements with
 * |x - x_ref| <= 1e-7 lose at most 1e-7 |m| each. */
static void
check_summation (InterpNet *net, const InterpTensor *x, const InterpTensor *xr, int depth,
                 int fan)
{
  set_rescale_everywhere (net);
  int64_t n = x->shape[0], per = (int64_t) (x->numel / (size_t) n);
  int k = (int) interp_net_node_units (net, interp_net_output_node (net));
  cr_assert (interp_net_set_reference (net, xr, NULL));
  const InterpTensor *yr = interp_net_value (net, interp_net_output_node (net));
  InterpTensor *fref = interp_tensor_copy (yr);
  double worst = 0.0;
  for (int t = 0; t < k; t++)
    {
      InterpTensor *g = backward_at (net, x, t, 1.0f);
      for (int64_t i = 0; i < n; i++)
        {
          double sum = 0.0, mag = 0.0, gmag = 0.0;
          for (int64_t j = 0; j < per; j++)
            {
              double a = ((double) x->data[i * per + j] - xr->data[i * per + j])
                         * g->data[i * per + j];
              sum += a;
              mag += fabs (a);
              gmag += fabs (g->data[i * per + j]);
            }
          double fx = logit (net, (int) i, t), fr = fref->data[i * k + t];
          double s = mag + fabs (fx) + fabs (fr);
          double tol = 4.0 * depth * fan * UNIT_ROUNDOFF * s + 1e-7 * gmag;
          double err = fabs (sum - (fx - fr));
          cr_expect (err <= tol, "image %" G_GINT64_FORMAT ", logit %d: sum %.9g, delta %.9g, "
                     "error %.3g > %.3g", i, t, sum, fx - fr, err, tol);
          worst = MAX (worst, err / tol);
        }
      interp_tensor_free (g);
    }
  cr_log_info ("summation-to-delta: worst error %.3g of the tolerance", worst);
  interp_tensor_free (fref);
}

Test (deeplift, summation_to_delta_relu_mlp)
{
  InterpNet *net = interp_net_new (6, 1, 1);
  int a = interp_net_linear (net, "fc1", 0, 8, TRUE, NULL);
  a = interp_net_relu (net, "relu1", a, NULL);
  a = interp_net_linear (net, "fc2", a, 8, TRUE, NULL);
  a = interp_net_relu (net, "relu2", a, NULL);
  interp_net_linear (net, "fc3", a, 3, TRUE, NULL);
  randomise_params (net, 11, -1.0f, 1.0f);
  InterpTensor *x = interp_tensor_new_2d (4, 6), *xr = interp_tensor_new_2d (4, 6);
  fill_uniform (x, 1, -1.0f, 1.0f);
  fill_uniform (xr, 2, -1.0f, 1.0f);
  check_summation (net, x, xr, 3, 8);
  interp_tensor_free (x);
  interp_tensor_free (xr);
  interp_net_free (net);
}

Test (deeplift, summation_to_delta_conv_maxpool)
{
  InterpNet *net = interp_net_new (2, 6, 6);
  int a = interp_net_conv2d (net, "conv1", 0, 3, 3, 1, 1, 1, TRUE, NULL);
  a = interp_net_relu (net, "relu1", a, NULL);
  a = interp_net_maxpool (net, "pool1", a, 2, 2, 0, NULL);
  a = interp_net_conv2d (net, "conv2", a, 2, 3, 1, 0, 1, TRUE, NULL);
  a = interp_net_relu (net, "relu2", a, NULL);
  a = interp_net_maxpool (net, "pool2", a, 1, 1, 0, NULL);   /* the general kernel */
  a = interp_net_flatten (net, "flat", a, NULL);
  interp_net_linear (net, "fc", a, 3, TRUE, NULL);
  randomise_params (net, 21, -0.5f, 0.5f);
  InterpTensor *x = interp_tensor_new_4d (3, 2, 6, 6), *xr = interp_tensor_new_4d (3, 2, 6, 6);
  fill_uniform (x, 3, 0.0f, 1.0f);
  fill_uniform (xr, 4, 0.0f, 1.0f);
  check_summation (net, x, xr, 3, 27);   /* conv2's fan-in is 3 x 3 x 3 */
  interp_tensor_free (x);
  interp_tensor_free (xr);
  interp_net_free (net);
}

Test (deeplift, summation_to_delta_eval_bn_resnet_block)
{
  /* normalize, conv, BN, relu, residual add, maxpool, dropout (eval), fc */
  InterpNet *net = build_cnn ();
  randomise_params (net, 31, -0.5f, 0.5f);
  interp_net_set_mode (net, INTERP_MODE_EVAL);
  InterpTensor *x = random_images (2, 2, 8, 8, 5), *xr = random_images (2, 2, 8, 8, 6);
  /* 7 affine maps on the longest path; fc's fan-in is 4 x 4 x 4 */
  check_summation (net, x, xr, 7, 64);
  interp_tensor_free (x);
  interp_tensor_free (xr);
  interp_net_free (net);
}

Test (deeplift, reference_batch_must_match)
{
  InterpNet *net = interp_net_new (3, 1, 1);
  int r = interp_net_relu (net, "relu", 0, NULL);
  InterpTensor *x2 = interp_tensor_new_2d (2, 3), *x3 = interp_tensor_new_2d (3, 3);
  cr_assert (interp_net_set_backward_rule (net, r, INTERP_RULE_RESCALE, 0.0f, NULL));
  GError *error = NULL;
  /* no reference yet */
  cr_expect_not (interp_net_forward (net, x2, &error));
  cr_expect_eq (error ? error->code : -1, INTERP_ERROR_SHAPE);
  g_clear_error (&error);
  cr_assert (interp_net_set_reference (net, x2, NULL));
  cr_expect (interp_net_forward (net, x2, NULL));
  cr_expect_not (interp_net_forward (net, x3, &error));
  cr_expect_eq (error ? error->code : -1, INTERP_ERROR_SHAPE);
  cr_expect (error && strstr (error->message, "reference") != NULL);
  g_clear_error (&error);
  /* without a rescale rule the reference does not matter */
  interp_net_clear_backward_rules (net);
  cr_expect (interp_net_forward (net, x3, NULL));
  interp_net_clear_reference (net);
  cr_expect (interp_net_forward (net, x3, NULL));
  interp_tensor_free (x2);
  interp_tensor_free (x3);
  interp_net_free (net);
}
