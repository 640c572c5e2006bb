/* Every layer's input and parameter gradients against central finite
 * differences of a random linear probe L = sum_i w_i y_i of a node's output
 * (grad-fixture.c).  This file: linear, conv2d, batchnorm, relu, dropout;
 * pooling is test-nn-grad-pool.c, the shape ops and whole graphs
 * test-nn-grad-graph.c (one program: test-nn-grad). */
#include <criterion/criterion.h>

#include <math.h>
#include <string.h>

#include <interp/interp.h>

#include "grad-fixture.h"

/* ---- linear ---------------------------------------------------------------------- */

Test (grad, linear_vector)
{
  InterpNet *net = interp_net_new (5, 1, 1);
  int fc = interp_net_linear (net, "fc", 0, 4, TRUE, NULL);
  cr_assert_eq (fc, 1);
  init_net (net, 1);
  InterpTensor *x = random_tensor (2, (int64_t[]) { 3, 5 }, 2, -1, 1);
  check_net (net, x, fc, 1e-2, 1e-3);
  interp_tensor_free (x);
  interp_net_free (net);
}

Test (grad, linear_image_no_bias)
{
  InterpNet *net = interp_net_new (2, 3, 2);
  int fc = interp_net_linear (net, "fc", 0, 3, FALSE, NULL);
  cr_assert_eq (interp_net_n_params (net), 1);
  init_net (net, 3);
  InterpTensor *x = random_tensor (4, (int64_t[]) { 2, 2, 3, 2 }, 4, -1, 1);
  check_net (net, x, fc, 1e-2, 1e-3);
  interp_tensor_free (x);
  interp_net_free (net);
}

Test (grad, linear_forward_reference)
{
  InterpNet *net = interp_net_new (3, 1, 1);
  int fc = interp_net_linear (net, "fc", 0, 2, TRUE, NULL);
  float *w = interp_net_find_param (net, "fc.weight")->value->data;
  float *b = interp_net_find_param (net, "fc.bias")->value->data;
  const float wv[6] = { 1, 2, 3, -1, 0.5f, 0 };
  memcpy (w, wv, sizeof wv);
  b[0] = 0.25f;
  b[1] = -1;
  InterpTensor *x = interp_tensor_new_2d (1, 3);
  x->data[0] = 1;
  x->data[1] = -2;
  x->data[2] = 4;
  cr_assert (interp_net_forward (net, x, NULL));
  const InterpTensor *y = interp_net_value (net, fc);
  cr_assert_float_eq (y->data[0], 1 - 4 + 12 + 0.25f, 1e-6);
  cr_assert_float_eq (y->data[1], -1 - 1 + 0 - 1.0f, 1e-6);
  interp_tensor_free (x);
  interp_net_free (net);
}

/* ---- conv2d ---------------------------------------------------------------------- */

/* Direct convolution in double, PyTorch semantics. */
static double
conv_ref (const InterpTensor *x, const float *w, const float *b, int64_t oc, int k,
          int s, int p, int d, int64_t n, int64_t o, int64_t r, int64_t q)
{
  int64_t ic = x->shape[1], ih = x->shape[2], iw = x->shape[3];
  double acc = b ? b[o] : 0.0;
  for (int64_t c = 0; c < ic; c++)
    for (int a = 0; a < k; a++)
      for (int e = 0; e < k; e++)
        {
          int64_t yy = r * s - p + a * d, xx = q * s - p + e * d;
          if (yy < 0 || yy >= ih || xx < 0 || xx >= iw)
            continue;
          acc += (double) w[((o * ic + c) * k + a) * k + e]
                 * x->data[((n * ic + c) * ih + yy) * iw + xx];
        }
  return acc;
}

static void
check_conv (int64_t ic, int64_t h, int64_t w, int64_t oc, int k, int s, int p, int d,
            gboolean bias)
{
  InterpNet *net = interp_net_new (ic, h, w);
  GError *err = NULL;
  int conv = interp_net_conv2d (net, "conv", 0, oc, k, s, p, d, bias, &err);
  cr_assert_geq (conv, 0, "%s", err ? err->message : "");
  init_net (net, (uint64_t) (k * 100 + s * 10 + p + d * 1000));
  InterpTensor *x = random_tensor (4, (int64_t[]) { 3, ic, h, w }, 7, -1, 1);
  cr_assert (interp_net_forward (net, x, NULL));
  const InterpTensor *y = interp_net_value (net, conv);
  int64_t oh = (h + 2 * p - d * (k - 1) - 1) / s + 1, ow = (w + 2 * p - d * (k - 1) - 1) / s + 1;
  cr_assert_eq (y->shape[2], oh);
  cr_assert_eq (y->shape[3], ow);
  const float *wt = interp_net_find_param (net, "conv.weight")->value->data;
  const float *bt = bias ? interp_net_find_param (net, "conv.bias")->value->data : NULL;
  for (int64_t n = 0; n < 3; n++)
    for (int64_t o = 0; o < oc; o++)
      for (int64_t r = 0; r < oh; r++)
        for (int64_t q = 0; q < ow; q++)
          {
            double want = conv_ref (x, wt, bt, oc, k, s, p, d, n, o, r, q);
            double got = y->data[((n * oc + o) * oh + r) * ow + q];
            cr_assert (fabs (got - want) <= 1e-5 * (1 + fabs (want)),
                       "conv k%d s%d p%d d%d at (%ld,%ld,%ld,%ld): %g, want %g", k, s, p, d,
                       (long) n, (long) o, (long) r, (long) q, got, want);
          }
  check_net (net, x, conv, 1e-2, 1e-3);
  interp_tensor_free (x);
  interp_net_free (net);
}

Test (grad, conv3x3_pad1) { check_conv (2, 5, 6, 3, 3, 1, 1, 1, TRUE); }
Test (grad, conv3x3_stride2_pad1) { check_conv (2, 7, 6, 3, 3, 2, 1, 1, TRUE); }
Test (grad, conv3x3_dilation2_pad2) { check_conv (2, 7, 7, 2, 3, 1, 2, 2, FALSE); }
Test (grad, conv1x1) { check_conv (3, 4, 5, 4, 1, 1, 0, 1, TRUE); }
Test (grad, conv1x1_stride2) { check_conv (3, 5, 5, 2, 1, 2, 0, 1, FALSE); }
Test (grad, conv2x2_nopad) { check_conv (1, 4, 5, 2, 2, 1, 0, 1, TRUE); }
Test (grad, conv5x5_stride3_pad2) { check_conv (2, 8, 9, 2, 5, 3, 2, 1, TRUE); }

/* ---- batchnorm ---------------------------------------------------------------------- */

static void
check_bn (gboolean image, InterpMode mode)
{
  InterpNet *net = image ? interp_net_new (3, 3, 4) : interp_net_new (4, 1, 1);
  int bn = interp_net_batchnorm (net, "bn", 0, 1e-5f, 0.1f, NULL);
  cr_assert_geq (bn, 0);
  init_net (net, 11);
  interp_net_set_mode (net, mode);
  if (mode == INTERP_MODE_EVAL)
    {
      InterpParam *rm = interp_net_find_param (net, "bn.running_mean");
      InterpParam *rv = interp_net_find_param (net, "bn.running_var");
      for (size_t i = 0; i < rm->value->numel; i++)
        {
          rm->value->data[i] = 0.1f * (float) i - 0.2f;
          rv->value->data[i] = 0.5f + 0.3f * (float) i;
        }
    }
  InterpTensor *x = image ? random_tensor (4, (int64_t[]) { 3, 3, 3, 4 }, 12, -2, 2)
                          : random_tensor (2, (int64_t[]) { 5, 4 }, 12, -2, 2);
  /* Scale distinct per channel so the statistics differ. */
  check_net (net, x, bn, 1e-2, 2e-3);
  interp_tensor_free (x);
  interp_net_free (net);
}

Test (grad, batchnorm2d_train) { check_bn (TRUE, INTERP_MODE_TRAIN); }
Test (grad, batchnorm1d_train) { check_bn (FALSE, INTERP_MODE_TRAIN); }
Test (grad, batchnorm2d_eval) { check_bn (TRUE, INTERP_MODE_EVAL); }

Test (grad, batchnorm_statistics)
{
  InterpNet *net = interp_net_new (2, 2, 1);
  int bn = interp_net_batchnorm (net, "bn", 0, 1e-5f, 0.1f, NULL);
  interp_net_set_mode (net, INTERP_MODE_TRAIN);
  /* channel 0 values: 1,2,3,6 (mean 3, biased var 3.5, unbiased 14/3) */
  InterpTensor *x = interp_tensor_new_4d (2, 2, 2, 1);
  const float v[8] = { 1, 2, 0, 0, 3, 6, 0, 0 };
  memcpy (x->data, v, sizeof v);
  cr_assert (interp_net_forward (net, x, NULL));
  const InterpTensor *y = interp_net_value (net, bn);
  cr_assert_float_eq (y->data[0], (1 - 3) / sqrt (3.5 + 1e-5), 1e-5);
  cr_assert_float_eq (y->data[5], (6 - 3) / sqrt (3.5 + 1e-5), 1e-5);
  cr_assert_float_eq (y->data[2], 0.0, 1e-6);
  float rm = interp_net_find_param (net, "bn.running_mean")->value->data[0];
  float rv = interp_net_find_param (net, "bn.running_var")->value->data[0];
  cr_assert_float_eq (rm, 0.1 * 3, 1e-6);
  cr_assert_float_eq (rv, 0.9 + 0.1 * 14.0 / 3.0, 1e-6);
  /* Eval uses the running statistics. */
  interp_net_set_mode (net, INTERP_MODE_EVAL);
  cr_assert (interp_net_forward (net, x, NULL));
  cr_assert_float_eq (y->data[0], (1 - rm) / sqrt (rv + 1e-5), 1e-5);
  interp_tensor_free (x);
  interp_net_free (net);
}

/* ---- relu, dropout ---------------------------------------------------------------------- */

/* Values in +-[0.1, 1]: away from the kink at 0. */
static InterpTensor *
kink_free_tensor (int ndim, const int64_t *shape, uint64_t seed)
{
  InterpTensor *t = random_tensor (ndim, shape, seed, 0.1f, 1.0f);
  InterpRng rng;
  interp_rng_seed (&rng, seed + 1);
  for (size_t i = 0; i < t->numel; i++)
    if (interp_rng_uniform (&rng) < 0.5)
      t->data[i] = -t->data[i];
  return t;
}

Test (grad, relu)
{
  InterpNet *net = interp_net_new (2, 3, 3);
  int r = interp_net_relu (net, "relu", 0, NULL);
  InterpTensor *x = kink_free_tensor (4, (int64_t[]) { 2, 2, 3, 3 }, 21);
  check_net (net, x, r, 1e-2, 1e-4);
  const InterpTensor *y = interp_net_value (net, r);
  for (size_t i = 0; i < x->numel; i++)
    cr_assert_eq (y->data[i], x->data[i] > 0 ? x->data[i] : 0.0f);
  interp_tensor_free (x);
  interp_net_free (net);
}

/* torch.relu: [-1, 0, 2, nan, -inf, inf] -> [0, 0, 2, nan, 0, inf], -0 -> +0;
 * its backward (threshold_backward) stops dy where y <= 0 and passes it
 * elsewhere, at the NaN too. */
Test (grad, relu_non_finite_as_torch)
{
  static const float x6[7] = { -1.0f, 0.0f, 2.0f, NAN, -INFINITY, INFINITY, -0.0f };
  static const float want[7] = { 0.0f, 0.0f, 2.0f, NAN, 0.0f, INFINITY, 0.0f };
  static const float dwant[7] = { 0.0f, 0.0f, 1.0f, 1.0f, 0.0f, 1.0f, 0.0f };
  InterpNet *net = interp_net_new (7, 1, 1);
  int r = interp_net_relu (net, "relu", 0, NULL);
  interp_net_set_input_grad (net, TRUE);
  InterpTensor *x = interp_tensor_new_2d (1, 7);
  memcpy (x->data, x6, sizeof x6);
  cr_assert (interp_net_forward (net, x, NULL));
  const InterpTensor *y = interp_net_value (net, r);
  for (int i = 0; i < 7; i++)
    {
      if (isnan (want[i]))
        cr_expect (isnan (y->data[i]), "relu(%g) = %g, want nan", (double) x6[i],
                   (double) y->data[i]);
      else
        cr_expect (y->data[i] == want[i] && !signbit (y->data[i]), "relu(%g) = %g, want %g",
                   (double) x6[i], (double) y->data[i], (double) want[i]);
    }
  interp_net_zero_grad (net);
  interp_tensor_fill (interp_net_grad (net, r), 1.0f);
  interp_net_backward (net);
  const InterpTensor *gx = interp_net_input_grad (net);
  for (int i = 0; i < 7; i++)
    cr_expect_eq (gx->data[i], dwant[i], "d relu at %g: %g, want %g", (double) x6[i],
                  (double) gx->data[i], (double) dwant[i]);
  interp_tensor_free (x);
  interp_net_free (net);
}

Test (grad, dropout_fixed_mask)
{
  InterpNet *net = interp_net_new (40, 1, 1);
  int d = interp_net_dropout (net, "drop", 0, 0.25f, NULL);
  interp_net_set_mode (net, INTERP_MODE_TRAIN);
  InterpTensor *x = random_tensor (2, (int64_t[]) { 5, 40 }, 22, 0.5f, 1.0f);
  check_net (net, x, d, 1e-2, 1e-4);
  /* Kept entries scaled by 1 / (1 - p), the others zero; some of each. */
  const InterpTensor *y = interp_net_value (net, d);
  size_t dropped = 0;
  for (size_t i = 0; i < x->numel; i++)
    if (y->data[i] == 0.0f)
      dropped++;
    else
      cr_assert_float_eq (y->data[i], x->data[i] / 0.75f, 1e-6);
  cr_assert (dropped > 20 && dropped < 80, "%zu of 200 dropped at p = 0.25", dropped);
  /* Eval: identity. */
  interp_net_set_mode (net, INTERP_MODE_EVAL);
  cr_assert (interp_net_forward (net, x, NULL));
  cr_assert_arr_eq (y->data, x->data, x->numel * sizeof (float));
  check_net (net, x, d, 1e-2, 1e-4);
  interp_tensor_free (x);
  interp_net_free (net);
}


/* Statistics of values far from zero (mean 1000, sd 0.01) stay accurate. */
Test (grad, batchnorm_large_offset)
{
  InterpNet *net = interp_net_new (1, 8, 8);
  int bn = interp_net_batchnorm (net, "bn", 0, 1e-8f, 0.1f, NULL);
  interp_net_set_mode (net, INTERP_MODE_TRAIN);
  InterpTensor *x = random_tensor (4, (int64_t[]) { 4, 1, 8, 8 }, 111, -1, 1);
  for (size_t i = 0; i < x->numel; i++)
    x->data[i] = 1000.0f + 0.01f * x->data[i];
  cr_assert (interp_net_forward (net, x, NULL));
  double mu = 0, var = 0;
  for (size_t i = 0; i < x->numel; i++)
    mu += x->data[i];
  mu /= (double) x->numel;
  for (size_t i = 0; i < x->numel; i++)
    var += (x->data[i] - mu) * (x->data[i] - mu);
  var /= (double) x->numel;
  const InterpTensor *y = interp_net_value (net, bn);
  for (size_t i = 0; i < x->numel; i++)
    cr_assert (fabs (y->data[i] - (x->data[i] - mu) / sqrt (var + 1e-8)) < 2e-2,
               "y[%zu] = %g, want %g", i, (double) y->data[i],
               (x->data[i] - mu) / sqrt (var + 1e-8));
  interp_tensor_free (x);
  interp_net_free (net);
}

/* Ties send the gradient to the first maximum; a NaN in a window gives NaN;
 * both for the 2x2 fast path and the general one. */
