/* Pooling gradients against central finite differences: max, average and
 * global average pooling, and max pooling over ties and NaNs. */
#include <criterion/criterion.h>

#include <math.h>
#include <string.h>

#include <interp/interp.h>

#include "grad-fixture.h"

/* ---- pooling ---------------------------------------------------------------------- */

/* Distinct values spaced 0.05 apart in random order: FD steps never swap a maximum. */
static InterpTensor *
distinct_tensor (int64_t n, int64_t c, int64_t h, int64_t w, uint64_t seed)
{
  InterpTensor *t = interp_tensor_new_4d (n, c, h, w);
  int64_t *idx = g_new (int64_t, t->numel);
  for (size_t i = 0; i < t->numel; i++)
    idx[i] = (int64_t) i;
  InterpRng rng;
  interp_rng_seed (&rng, seed);
  interp_rng_shuffle (&rng, idx, t->numel);
  for (size_t i = 0; i < t->numel; i++)
    t->data[i] = 0.05f * (float) idx[i] - 1.0f;
  g_free (idx);
  return t;
}

static void
check_pool (gboolean max, int k, int s, int p)
{
  InterpNet *net = interp_net_new (2, 5, 6);
  GError *err = NULL;
  int pool = max ? interp_net_maxpool (net, "pool", 0, k, s, p, &err)
                 : interp_net_avgpool (net, "pool", 0, k, s, p, &err);
  cr_assert_geq (pool, 0, "%s", err ? err->message : "");
  InterpTensor *x = distinct_tensor (2, 2, 5, 6, 31);
  cr_assert (interp_net_forward (net, x, NULL));
  const InterpTensor *y = interp_net_value (net, pool);
  int64_t oh = (5 + 2 * p - k) / s + 1, ow = (6 + 2 * p - k) / s + 1;
  cr_assert_eq (y->shape[2], oh);
  cr_assert_eq (y->shape[3], ow);
  for (int64_t pl = 0; pl < 4; pl++)
    for (int64_t r = 0; r < oh; r++)
      for (int64_t q = 0; q < ow; q++)
        {
          double best = -INFINITY, sum = 0;
          for (int a = 0; a < k; a++)
            for (int b = 0; b < k; b++)
              {
                int64_t yy = r * s - p + a, xx = q * s - p + b;
                if (yy < 0 || yy >= 5 || xx < 0 || xx >= 6)
                  continue;
                double v = x->data[(pl * 5 + yy) * 6 + xx];
                best = fmax (best, v);
                sum += v;
              }
          double want = max ? best : sum / (k * k);
          cr_assert_float_eq (y->data[(pl * oh + r) * ow + q], want, 1e-5);
        }
  check_net (net, x, pool, 1e-3, 1e-3);
  interp_tensor_free (x);
  interp_net_free (net);
}

Test (grad, maxpool2_stride2) { check_pool (TRUE, 2, 2, 0); }
Test (grad, maxpool3_stride2_pad1) { check_pool (TRUE, 3, 2, 1); }
Test (grad, maxpool3_stride1) { check_pool (TRUE, 3, 1, 0); }
Test (grad, avgpool2_stride2) { check_pool (FALSE, 2, 2, 0); }
Test (grad, avgpool3_stride1_pad1) { check_pool (FALSE, 3, 1, 1); }

Test (grad, global_avgpool)
{
  InterpNet *net = interp_net_new (3, 2, 3);
  int g = interp_net_global_avgpool (net, "gap", 0, NULL);
  int64_t shape[3];
  cr_assert_eq (interp_net_node_shape (net, g, shape), 1);
  cr_assert_eq (shape[0], 3);
  InterpTensor *x = random_tensor (4, (int64_t[]) { 2, 3, 2, 3 }, 41, -1, 1);
  check_net (net, x, g, 1e-2, 1e-4);
  const InterpTensor *y = interp_net_value (net, g);
  double s = 0;
  for (int i = 6; i < 12; i++)
    s += x->data[i];
  cr_assert_float_eq (y->data[1], s / 6, 1e-6);
  interp_tensor_free (x);
  interp_net_free (net);
}

static void
check_pool_ties_nan (int k, int s)
{
  InterpNet *net = interp_net_new (1, 4, 4);
  int p = interp_net_maxpool (net, "pool", 0, k, s, 0, NULL);
  interp_net_set_input_grad (net, TRUE);
  InterpTensor *x = interp_tensor_new_4d (1, 1, 4, 4);
  interp_tensor_fill (x, 1.0f);          /* every window a tie */
  x->data[2 * 4 + 3] = NAN;              /* inside the last window only */
  cr_assert (interp_net_forward (net, x, NULL));
  const InterpTensor *y = interp_net_value (net, p);
  int64_t o = (4 - k) / s + 1;
  cr_assert_eq (y->data[0], 1.0f);
  cr_assert (isnan (y->data[o * o - 1]));
  interp_net_zero_grad (net);
  interp_tensor_fill (interp_net_grad (net, p), 1.0f);
  interp_net_backward (net);
  /* Each window sends 1 to its first cell, or to the NaN when it holds it. */
  float want[16] = { 0 };
  for (int64_t r = 0; r < o; r++)
    for (int64_t q = 0; q < o; q++)
      {
        gboolean has_nan = 2 >= r * s && 2 < r * s + k && 3 >= q * s && 3 < q * s + k;
        want[has_nan ? 2 * 4 + 3 : r * s * 4 + q * s] += 1.0f;
      }
  const InterpTensor *gx = interp_net_input_grad (net);
  for (int i = 0; i < 16; i++)
    cr_assert_eq (gx->data[i], want[i], "k %d s %d: dx[%d] = %g, want %g", k, s, i,
                  (double) gx->data[i], (double) want[i]);
  interp_tensor_free (x);
  interp_net_free (net);
}

Test (grad, maxpool_ties_nan_2x2) { check_pool_ties_nan (2, 2); }
Test (grad, maxpool_ties_nan_3x1) { check_pool_ties_nan (3, 1); }
