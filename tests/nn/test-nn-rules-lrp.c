/* LRP's epsilon and z+ rules (core/nn/lrp-rules.c) by hand on tiny layers
 * (linear, conv2d, avgpool, global-avgpool, add, batchnorm, normalize),
 * conservation without biases, and the relevance biases absorb. */
#include <criterion/criterion.h>

#include <math.h>
#include <string.h>

#include <interp/interp.h>

#include "net-fixture.h"
#include "rules-fixture.h"

/* A handful of float operations per value: 16 ulps of the magnitude is
 * far above their rounding and far below any rule's effect. */
static void
expect_near (const InterpTensor *g, const double *want, size_t n)
{
  for (size_t i = 0; i < n; i++)
    {
      double tol = 16.0 * UNIT_ROUNDOFF * MAX (fabs (want[i]), 1.0);
      cr_expect (fabs (g->data[i] - want[i]) <= tol, "element %zu: %.9g, expected %.9g", i,
                 (double) g->data[i], want[i]);
    }
}

static void
set_w (InterpNet *net, const char *name, const float *v, size_t n)
{
  InterpParam *p = interp_net_find_param (net, name);
  cr_assert_not_null (p, "%s", name);
  cr_assert_eq (p->value->numel, n);
  memcpy (p->value->data, v, n * sizeof (float));
}

/* Forward x (batch 1), seed the output node with r, backward: the input's
 * relevance. */
static const InterpTensor *
relevance (InterpNet *net, const InterpTensor *x, const float *r)
{
  interp_net_set_input_grad (net, TRUE);
  interp_net_set_param_grad (net, FALSE);
  GError *error = NULL;
  cr_assert (interp_net_forward (net, x, &error), "%s", error ? error->message : "");
  interp_net_zero_grad (net);
  InterpTensor *g = interp_net_grad (net, interp_net_output_node (net));
  memcpy (g->data, r, g->numel * sizeof (float));
  interp_net_backward (net);
  return interp_net_input_grad (net);
}

Test (lrp, epsilon_linear_2x2_by_hand)
{
  /* W = [1 2; 3 -1], b = (0.5, -3), x = (1, 2): z = (5.5, -2).
   * eps = 0.5: z + eps sign z = (6, -2.5); R = (1, 2): s = (1/6, -0.8).
   * R_x0 = 1 (1/6 + 3 (-0.8)) = 1/6 - 2.4, R_x1 = 2 (2/6 + 0.8). */
  InterpNet *net = interp_net_new (2, 1, 1);
  int fc = interp_net_linear (net, "fc", 0, 2, TRUE, NULL);
  static const float w[4] = { 1, 2, 3, -1 }, b[2] = { 0.5f, -3.0f };
  set_w (net, "fc.weight", w, 4);
  set_w (net, "fc.bias", b, 2);
  cr_assert (interp_net_set_backward_rule (net, fc, INTERP_RULE_LRP_EPSILON, 0.5f, NULL));
  InterpTensor *x = interp_tensor_new_2d (1, 2);
  x->data[0] = 1.0f;
  x->data[1] = 2.0f;
  static const float r[2] = { 1.0f, 2.0f };
  double want[2] = { 1.0 / 6.0 - 2.4, 2.0 * (2.0 / 6.0 + 0.8) };
  expect_near (relevance (net, x, r), want, 2);
  interp_tensor_free (x);
  interp_net_free (net);
}

Test (lrp, zplus_linear_by_hand)
{
  /* W = [1 -2; -1 3; 1 1], b = 10 (ignored), x = (2, -1): contributions
   * x_i w_ji = (2, 2), (-2, -3), (2, -1); positive sums (4, 0, 2).
   * R = (1, 5, 2): R_x0 = 2/4 * 1 + 2/2 * 2 = 2.5, R_x1 = 2/4 * 1 = 0.5; the
   * second output has no positive contribution and passes nothing. */
  InterpNet *net = interp_net_new (2, 1, 1);
  int fc = interp_net_linear (net, "fc", 0, 3, TRUE, NULL);
  static const float w[6] = { 1, -2, -1, 3, 1, 1 }, b[3] = { 10, 10, 10 };
  set_w (net, "fc.weight", w, 6);
  set_w (net, "fc.bias", b, 3);
  cr_assert (interp_net_set_backward_rule (net, fc, INTERP_RULE_LRP_ZPLUS, 0.0f, NULL));
  InterpTensor *x = interp_tensor_new_2d (1, 2);
  x->data[0] = 2.0f;
  x->data[1] = -1.0f;
  static const float r[3] = { 1.0f, 5.0f, 2.0f };
  double want[2] = { 2.5, 0.5 };
  expect_near (relevance (net, x, r), want, 2);
  interp_tensor_free (x);
  interp_net_free (net);
}

/* z+ splits x and W at 0 as torch's clamp does: a NaN input lands in both
 * halves, so every output it feeds, and every input's relevance through
 * them, is NaN instead of the NaN being dropped as if it were 0. */
Test (lrp, zplus_propagates_nan)
{
  InterpNet *net = interp_net_new (2, 1, 1);
  int fc = interp_net_linear (net, "fc", 0, 2, FALSE, NULL);
  static const float w[4] = { 1, -2, -1, 3 };
  set_w (net, "fc.weight", w, 4);
  cr_assert (interp_net_set_backward_rule (net, fc, INTERP_RULE_LRP_ZPLUS, 0.0f, NULL));
  InterpTensor *x = interp_tensor_new_2d (1, 2);
  x->data[0] = NAN;
  x->data[1] = -1.0f;
  static const float r[2] = { 1.0f, 5.0f };
  const InterpTensor *g = relevance (net, x, r);
  for (int i = 0; i < 2; i++)
    cr_expect (isnan (g->data[i]), "R_x%d = %g, want nan", i, (double) g->data[i]);
  interp_tensor_free (x);
  interp_net_free (net);
}

/* conv2d 2 -> 2 channels, kernel 2, stride 1, padding 1 on a 3x3 input:
 * the rule's formula evaluated element by element, in double, against the
 * engine's im2col-and-GEMM path. */
static void
conv_case (InterpBackwardRule rule, float eps)
{
  InterpNet *net = interp_net_new (2, 3, 3);
  int cv = interp_net_conv2d (net, "conv", 0, 2, 2, 1, 1, 1, TRUE, NULL);
  randomise_params (net, 41, -1.0f, 1.0f);
  cr_assert (interp_net_set_backward_rule (net, cv, rule, eps, NULL));
  InterpTensor *x = interp_tensor_new_4d (1, 2, 3, 3);
  fill_uniform (x, 7, -1.0f, 1.0f);
  float r[2 * 4 * 4];
  InterpTensor rt = { .ndim = 1, .shape = { 32 }, .numel = 32, .data = r };
  fill_uniform (&rt, 8, -1.0f, 1.0f);
  const InterpTensor *g = relevance (net, x, r);
  const float *w = interp_net_find_param (net, "conv.weight")->value->data;
  const float *b = interp_net_find_param (net, "conv.bias")->value->data;
  double want[18] = { 0 };
  for (int o = 0; o < 2; o++)
    for (int p = 0; p < 4; p++)
      for (int q = 0; q < 4; q++)
        {
          /* output (o, p, q) sees input (c, p - 1 + a, q - 1 + e) */
          double z = rule == INTERP_RULE_LRP_ZPLUS ? 0.0 : b[o];
          double zij[2][2][2] = { { { 0 } } };
          for (int c = 0; c < 2; c++)
            for (int a = 0; a < 2; a++)
              for (int e = 0; e < 2; e++)
                {
                  int i = p - 1 + a, j = q - 1 + e;
                  if (i < 0 || i > 2 || j < 0 || j > 2)
                    continue;
                  double v = (double) x->data[(c * 3 + i) * 3 + j] * w[((o * 2 + c) * 2 + a) * 2 + e];
                  if (rule == INTERP_RULE_LRP_ZPLUS && v < 0.0)
                    v = 0.0;
                  zij[c][a][e] = v;
                  z += v;
                }
          double den = rule == INTERP_RULE_LRP_ZPLUS ? z : z + (z >= 0 ? eps : -eps);
          if (den == 0.0)
            continue;
          for (int c = 0; c < 2; c++)
            for (int a = 0; a < 2; a++)
              for (int e = 0; e < 2; e++)
                {
                  int i = p - 1 + a, j = q - 1 + e;
                  if (i >= 0 && i <= 2 && j >= 0 && j <= 2)
                    want[(c * 3 + i) * 3 + j] += zij[c][a][e] / den * r[(o * 4 + p) * 4 + q];
                }
        }
  /* sums of up to 8 terms each divided by a z that may be small: compare
   * relative to the sum of the terms' magnitudes instead of expect_near */
  for (int i = 0; i < 18; i++)
    {
      double tol = 64.0 * UNIT_ROUNDOFF * MAX (fabs (want[i]), 1.0);
      cr_expect (fabs (g->data[i] - want[i]) <= tol, "%s element %d: %.9g, expected %.9g",
                 interp_backward_rule_name (rule), i, (double) g->data[i], want[i]);
    }
  interp_tensor_free (x);
  interp_net_free (net);
}

Test (lrp, conv_epsilon_and_zplus_by_formula)
{
  conv_case (INTERP_RULE_LRP_EPSILON, 0.25f);
  conv_case (INTERP_RULE_LRP_ZPLUS, 0.0f);
}

Test (lrp, avgpool_and_global_avgpool_by_hand)
{
  /* x = (1, 2, 3, 6) in one 2x2 window: z = 3, eps = 1: s = R / 4 = 1/4
   * with R = 1, R_i = x_i / 4 * s = x_i / 16. */
  for (int global = 0; global < 2; global++)
    {
      InterpNet *net = interp_net_new (1, 2, 2);
      int p = global ? interp_net_global_avgpool (net, "gap", 0, NULL)
                     : interp_net_avgpool (net, "pool", 0, 2, 2, 0, NULL);
      cr_assert (interp_net_set_backward_rule (net, p, INTERP_RULE_LRP_EPSILON, 1.0f, NULL));
      InterpTensor *x = interp_tensor_new_4d (1, 1, 2, 2);
      static const float xv[4] = { 1, 2, 3, 6 };
      memcpy (x->data, xv, sizeof xv);
      static const float r[1] = { 1.0f };
      double want[4] = { 1.0 / 16, 2.0 / 16, 3.0 / 16, 6.0 / 16 };
      expect_near (relevance (net, x, r), want, 4);
      interp_tensor_free (x);
      interp_net_free (net);
    }
}

Test (lrp, add_by_hand)
{
  /* x = (1, 2), b = W x with W = diag (2, -1) = (2, -2), y = x + b = (3, 0).
   * eps = 1 (sign 0 = +1): y + eps = (4, 1), R = (1, 1):
   *   R_x (direct) = (1/4, 2/1),  R_b = (2/4, -2/1);
   *   through fc: z = b, z + eps sign z = (3, -3), s = (1/6, 2/3),
   *   W^T s = (1/3, -2/3), R_x += x W^T s = (1/3, -4/3). */
  InterpNet *net = interp_net_new (2, 1, 1);
  int fc = interp_net_linear (net, "fc", 0, 2, FALSE, NULL);
  int add = interp_net_add (net, "add", 0, fc, NULL);
  static const float w[4] = { 2, 0, 0, -1 };
  set_w (net, "fc.weight", w, 4);
  cr_assert (interp_net_set_backward_rule (net, fc, INTERP_RULE_LRP_EPSILON, 1.0f, NULL));
  cr_assert (interp_net_set_backward_rule (net, add, INTERP_RULE_LRP_EPSILON, 1.0f, NULL));
  InterpTensor *x = interp_tensor_new_2d (1, 2);
  x->data[0] = 1.0f;
  x->data[1] = 2.0f;
  static const float r[2] = { 1.0f, 1.0f };
  double want[2] = { 0.25 + 1.0 / 3.0, 2.0 - 4.0 / 3.0 };
  expect_near (relevance (net, x, r), want, 2);
  interp_tensor_free (x);
  interp_net_free (net);
}

Test (lrp, batchnorm_and_normalize_by_hand)
{
  /* normalize (mean 1, std 2) then eval BN with gamma (2, 1), beta (1, 0),
   * running mean (0.5, 1), var (4, 1): a = gamma / sqrt (var + 1e-5),
   * y = a u + beta - a mean.  R_u = a u / (y + eps sign y) R with eps = 1,
   * and normalize passes R_u to the pixel unchanged. */
  InterpNet *net = interp_net_new (2, 1, 1);
  static const float m[2] = { 1, 1 }, sd[2] = { 2, 2 };
  int nz = interp_net_normalize (net, "norm", 0, m, sd, NULL);
  int bn = interp_net_batchnorm (net, "bn", nz, 1e-5f, 0.1f, NULL);
  static const float gamma[2] = { 2, 1 }, beta[2] = { 1, 0 }, mean[2] = { 0.5f, 1 },
                     var[2] = { 4, 1 };
  set_w (net, "bn.weight", gamma, 2);
  set_w (net, "bn.bias", beta, 2);
  set_w (net, "bn.running_mean", mean, 2);
  set_w (net, "bn.running_var", var, 2);
  cr_assert (interp_net_set_backward_rule (net, nz, INTERP_RULE_LRP_EPSILON, 1.0f, NULL));
  cr_assert (interp_net_set_backward_rule (net, bn, INTERP_RULE_LRP_EPSILON, 1.0f, NULL));
  InterpTensor *x = interp_tensor_new_2d (1, 2);
  x->data[0] = 6.0f;    /* u = 2.5 */
  x->data[1] = 7.0f;    /* u = 3 */
  static const float r[2] = { 1.0f, 3.0f };
  double want[2];
  double u[2] = { 2.5, 3.0 };
  for (int c = 0; c < 2; c++)
    {
      double a = gamma[c] / sqrt ((double) var[c] + 1e-5);
      double y = a * u[c] + beta[c] - a * mean[c];
      want[c] = a * u[c] / (y + 1.0) * r[c];
    }
  expect_near (relevance (net, x, r), want, 2);
  interp_tensor_free (x);
  interp_net_free (net);
}

/* ---- conservation -------------------------------------------------------------------------- */

static void
set_lrp_everywhere (InterpNet *net, float eps)
{
  for (int i = 1; i < interp_net_n_nodes (net); i++)
    {
      InterpOp op = interp_net_node_op (net, i);
      if (op == INTERP_OP_LINEAR || op == INTERP_OP_CONV2D || op == INTERP_OP_BATCHNORM
          || op == INTERP_OP_AVGPOOL || op == INTERP_OP_GLOBAL_AVGPOOL || op == INTERP_OP_ADD
          || op == INTERP_OP_NORMALIZE)
        cr_assert (interp_net_set_backward_rule (net, i, INTERP_RULE_LRP_EPSILON, eps, NULL));
    }
}

static void
zero_biases (InterpNet *net)
{
  for (int k = 0; k < interp_net_n_params (net); k++)
    {
      InterpParam *p = interp_net_param (net, k);
      if (g_str_has_suffix (p->name, ".bias") || g_str_has_suffix (p->name, ".running_mean"))
        interp_tensor_zero (p->value);
    }
}

/* sum_i R_i = f_t(x) - absorbed[i] for each image i (absorbed NULL: 0).
 * Tolerance as DeepLIFT's summation-to-delta (test-nn-rules-deeplift.c):
 * depth affine maps of fan-in at most fan, 4 depth fan u times the
 * magnitudes.  eps = 1e-9 changes a unit's relevance by at most eps times
 * its s-value's factor, far below that. */
static void
check_conservation (InterpNet *net, const InterpTensor *x, int target, const double *absorbed,
                    int depth, int fan)
{
  InterpTensor *g = backward_at (net, x, target, NAN);
  int64_t n = x->shape[0], per = (int64_t) (x->numel / (size_t) n);
  for (int64_t i = 0; i < n; i++)
    {
      double sum = 0.0, mag = 0.0;
      for (int64_t j = 0; j < per; j++)
        {
          sum += g->data[i * per + j];
          mag += fabs (g->data[i * per + j]);
        }
      double f = logit (net, (int) i, target), want = f - (absorbed ? absorbed[i] : 0.0);
      double tol = 4.0 * depth * fan * UNIT_ROUNDOFF * (mag + fabs (f) + fabs (want));
      cr_expect (fabs (sum - want) <= tol, "image %" G_GINT64_FORMAT ": sum R = %.9g, expected "
                 "%.9g (f = %.9g), off by %.3g > %.3g", i, sum, want, f, fabs (sum - want), tol);
    }
  interp_tensor_free (g);
}

Test (lrp, conservation_without_biases_resnet_block)
{
  /* normalize, conv, BN, relu, add, maxpool, flatten, dropout (eval), fc:
   * biases and BN's shift (beta - a mean) zero. */
  InterpNet *net = build_cnn ();
  randomise_params (net, 51, -0.5f, 0.5f);
  zero_biases (net);
  set_lrp_everywhere (net, 1e-9f);
  InterpTensor *x = random_images (2, 2, 8, 8, 9);
  for (int t = 0; t < 3; t++)
    check_conservation (net, x, t, NULL, 7, 64);
  interp_tensor_free (x);
  interp_net_free (net);
}

Test (lrp, biases_absorb_their_share)
{
  /* f = W2 relu (W1 x + b1) + b2.  With eps -> 0 the output layer passes
   * z_t - b2_t, and a hidden unit j that is on (z1_j > 0, h_j = z1_j)
   * receives h_j W2_tj and passes (z1_j - b1_j) / z1_j of it, absorbing
   * b1_j W2_tj; so sum R_x = f_t - b2_t - sum_{j on} b1_j W2_tj. */
  InterpNet *net = interp_net_new (5, 1, 1);
  int h = interp_net_linear (net, "fc1", 0, 6, TRUE, NULL);
  int r = interp_net_relu (net, "relu", h, NULL);
  interp_net_linear (net, "fc2", r, 3, TRUE, NULL);
  randomise_params (net, 61, -1.0f, 1.0f);
  set_lrp_everywhere (net, 1e-9f);
  InterpTensor *x = interp_tensor_new_2d (3, 5);
  fill_uniform (x, 10, -1.0f, 1.0f);
  const float *b1 = interp_net_find_param (net, "fc1.bias")->value->data;
  const float *b2 = interp_net_find_param (net, "fc2.bias")->value->data;
  const float *w2 = interp_net_find_param (net, "fc2.weight")->value->data;
  cr_assert (interp_net_forward (net, x, NULL));
  const float *z1 = interp_net_value (net, h)->data;
  for (int t = 0; t < 3; t++)
    {
      double absorbed[3];
      int on = 0;
      for (int i = 0; i < 3; i++)
        {
          absorbed[i] = b2[t];
          for (int j = 0; j < 6; j++)
            if (z1[i * 6 + j] > 0.0f)
              {
                absorbed[i] += (double) b1[j] * w2[t * 6 + j];
                on++;
              }
        }
      cr_assert_gt (on, 0, "no hidden unit is on: the test would not test fc1's share");
      check_conservation (net, x, t, absorbed, 2, 6);
    }
  interp_tensor_free (x);
  interp_net_free (net);
}
