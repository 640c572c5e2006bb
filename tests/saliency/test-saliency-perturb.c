/* Occlusion and RISE (plugins/saliency), the forward-only map methods, on
 * linear models worked out by hand and on RISE's reference values. */
#include "config.h"

#include <math.h>
#include <string.h>

#include <criterion/criterion.h>

#include "maps-helpers.h"
#include "plugin-components.h"
#include "rise-mask.h"
#include "saliency-fixture.h"
#include "saliency-common.h"

/* ---- occlusion ----------------------------------------------------------- */

/* By hand on 1 x 3 x 3, window 2, stride 1, baseline 0, W_0 = 1 everywhere:
 * window (r, c) drops z_0 by the sum of x under it.  x = 1..9 / 10:
 *   windows: (0,0) 1.2, (0,1) 1.6, (1,0) 2.4, (1,1) 2.8
 * corner (0,0): 1.2; edge (0,1): (1.2 + 1.6) / 2 = 1.4; centre: mean of all
 * four = 2.0; corner (2,2): 2.8. */
Test (occlusion, linear_model_by_hand)
{
  float wt[18], b[2] = { 0.3f, -0.1f };
  for (int i = 0; i < 9; i++)
    {
      wt[i] = 1.0f;
      wt[9 + i] = (float) i;
    }
  InterpNet *net = linear_image_net (1, 3, 3, wt, b);
  InterpTensor *x = interp_tensor_new_4d (1, 1, 3, 3);
  for (int i = 0; i < 9; i++)
    x->data[i] = (float) (i + 1) / 10.0f;
  const int32_t t = 0;
  const char *pairs[] = { "window=2", "stride=1", "internal-batch-size=3", NULL };
  InterpTensor *attr = map_of (&interp_saliency_occlusion, pairs, net, x, &t, 1);
  const double want[9] = { 1.2, 1.4, 1.6, 1.8, 2.0, 2.2, 2.4, 2.6, 2.8 };
  /* Differences of float logits of size ~5: a few ulps (5e-7 each). */
  for (int i = 0; i < 9; i++)
    cr_assert_float_eq (attr->data[i], want[i], 4e-6, "[%d] = %g, want %g", i, attr->data[i],
                        want[i]);
  interp_tensor_free (attr);
  interp_tensor_free (x);
  interp_net_free (net);
}

/* The general linear case: a window's drop is W_t . (x - baseline) over it
 * (all channels); a pixel's attribution the mean over the windows covering
 * it, recomputed here window by window.  2 x 5 x 5, window 2, stride 2:
 * positions 0 and 2 on each axis, so row and column 4 are covered by no
 * window and are 0.  Target 1, baseline 0.25, internal batches of 3 (a
 * remainder batch of 1 among the 4 windows). */
Test (occlusion, linear_model_any_window)
{
  const int64_t c = 2, h = 5, w = 5, d = c * h * w;
  float *wt = g_new (float, 2 * d), b[2] = { 0.0f, 0.5f };
  InterpRng rng;
  interp_rng_seed (&rng, 5);
  for (int64_t i = 0; i < 2 * d; i++)
    wt[i] = (float) (interp_rng_uniform (&rng) * 2 - 1);
  InterpNet *net = linear_image_net (c, h, w, wt, b);
  InterpTensor *x = random_images (2, c, h, w, 9);
  const int32_t targets[2] = { 1, 0 };
  const char *pairs[] = { "window=2", "stride=2", "baseline=0.25", "internal-batch-size=3",
                          NULL };
  InterpTensor *attr = map_of (&interp_saliency_occlusion, pairs, net, x, targets, 1);
  for (int64_t i = 0; i < 2; i++)
    {
      const float *wr = wt + targets[i] * d, *xi = x->data + i * d;
      double sum[25] = { 0 };
      int count[25] = { 0 };
      for (int y0 = 0; y0 <= 2; y0 += 2)
        for (int x0 = 0; x0 <= 2; x0 += 2)
          {
            double drop = 0.0;
            for (int ch = 0; ch < c; ch++)
              for (int y = y0; y < y0 + 2; y++)
                for (int xx = x0; xx < x0 + 2; xx++)
                  drop += wr[(ch * h + y) * w + xx] * (xi[(ch * h + y) * w + xx] - 0.25);
            for (int y = y0; y < y0 + 2; y++)
              for (int xx = x0; xx < x0 + 2; xx++)
                {
                  sum[y * w + xx] += drop;
                  count[y * w + xx]++;
                }
          }
      for (int ch = 0; ch < c; ch++)
        for (int q = 0; q < 25; q++)
          {
            const double want = count[q] ? sum[q] / count[q] : 0.0;
            /* Logits are sums of 50 float products of size <= 1 (error
             * ~ 50 ulps of 1e-7 at worst) and a drop is a difference of
             * two: 1e-5. */
            cr_assert_float_eq (attr->data[(i * c + ch) * 25 + q], want, 1e-5,
                                "image %" G_GINT64_FORMAT " channel %d pixel %d", i, ch, q);
            if (q % 5 == 4 || q >= 20)
              cr_assert_eq (attr->data[(i * c + ch) * 25 + q], 0.0f, "uncovered pixel");
          }
    }
  g_free (wt);
  interp_tensor_free (attr);
  interp_tensor_free (x);
  interp_net_free (net);
}

Test (occlusion, window_larger_than_image_names_key)
{
  GError *error = NULL;
  float wt[18] = { 0 }, b[2] = { 0 };
  InterpNet *net = linear_image_net (1, 3, 3, wt, b);
  InterpTensor *x = interp_tensor_new_4d (1, 1, 3, 3), *attr = interp_tensor_new_4d (1, 1, 1, 1);
  const int32_t t = 0;
  const char *pairs[] = { "window=4", NULL };
  gpointer self = method_new (&interp_saliency_occlusion, pairs, &error);
  OK (self != NULL, error);
  cr_assert (!method_run (&interp_saliency_occlusion, self, net, x, &t, 1, attr, &error));
  cr_assert (strstr (error->message, "window"), "%s", error->message);
  g_clear_error (&error);
  method_free (&interp_saliency_occlusion, self);
  const char *bad[] = { "baseline=2", NULL };
  cr_assert_null (method_new (&interp_saliency_occlusion, bad, &error));
  cr_assert (strstr (error->message, "baseline"), "%s", error->message);
  g_clear_error (&error);
  interp_tensor_free (attr);
  interp_tensor_free (x);
  interp_net_free (net);
}

/* ---- RISE ---------------------------------------------------------------- */

static double
softmax_prob (InterpNet *net, const InterpTensor *x, int32_t t)
{
  GError *error = NULL;
  OK (interp_net_forward (net, x, &error), error);
  const InterpTensor *z = interp_net_value (net, interp_net_output_node (net));
  const int64_t k = (int64_t) z->numel;
  double m = -INFINITY, s = 0.0;
  for (int64_t j = 0; j < k; j++)
    m = MAX (m, (double) z->data[j]);
  for (int64_t j = 0; j < k; j++)
    s += exp ((double) z->data[j] - m);
  return exp ((double) z->data[t] - m) / s;
}

/* p = 1 keeps every cell: every mask is 1, every masked image is x, so the
 * map is N p_t(x) / N = p_t(x) at every pixel and channel.  Sums of N = 30
 * equal doubles: exact to ~1e-15, then stored in float (6e-8 relative). */
Test (rise, all_ones_masks_give_the_probability)
{
  InterpNet *net = relu_net ();
  InterpTensor *x = random_images (1, 1, 6, 6, 4);
  const int32_t t = 2;
  const char *pairs[] = { "masks=30", "cells=3", "p=1", "internal-batch-size=7", NULL };
  InterpTensor *attr = map_of (&interp_saliency_rise, pairs, net, x, &t, 7);
  const double pt = softmax_prob (net, x, t);
  for (size_t i = 0; i < attr->numel; i++)
    cr_assert_float_eq (attr->data[i], pt, 1e-6, "[%zu] = %g, p_t = %g", i, attr->data[i], pt);
  interp_tensor_free (attr);
  interp_tensor_free (x);
  interp_net_free (net);
}

/* A network whose output ignores the input (zero weights, biases b) has
 * p_t = softmax(b)_t for every masked image, so the map is p_t times the
 * mean mask over p.  Each mask pixel is a bilinear mix of Bernoulli(p)
 * cells, mean p, variance <= p (1 - p); over N = 4000 masks the mean mask
 * has sd <= sqrt(0.25 / 4000) = 0.0079, i.e. 0.016 after dividing by
 * p = 0.5: 5 sd = 0.08 relative to p_t. */
Test (rise, masks_keep_fraction_p)
{
  float wt[2 * 36] = { 0 }, b[2] = { 1.0f, -0.5f };
  InterpNet *net = linear_image_net (1, 6, 6, wt, b);
  InterpTensor *x = random_images (1, 1, 6, 6, 4);
  const int32_t t = 1;
  const char *pairs[] = { "masks=4000", "cells=2", "p=0.5", NULL };
  InterpTensor *attr = map_of (&interp_saliency_rise, pairs, net, x, &t, 11);
  const double pt = 1.0 / (1.0 + exp (1.5));
  for (size_t i = 0; i < attr->numel; i++)
    cr_assert (fabs (attr->data[i] / pt - 1.0) < 0.08, "[%zu] = %g, p_t = %g", i,
               attr->data[i], pt);
  interp_tensor_free (attr);
  interp_tensor_free (x);
  interp_net_free (net);
}

/* The mask upsampling against the reference's call, values printed by
 *   /usr/bin/python3 -c "import numpy as np; from skimage.transform import resize;
 *     g = np.array([[1,0,1],[0,1,1],[0,0,1]], dtype='float32');
 *     print(resize(g, (8, 8), order=1, mode='reflect',
 *                  anti_aliasing=False).flatten().tolist())"
 * (skimage 0.19.3): a 3 x 3 grid for 6 x 6 images (cells 3: ceil(6/3) = 2,
 * up to (3 + 1) 2 = 8).  The corner is 0.5703125, not 1: skimage's
 * "reflect" mirrors without repeating the edge.  Whole 8 x 8, and the 6 x 6
 * crop at shift (1, 0).  skimage works in float64; ours is double stored
 * in float: 1e-7. */
Test (rise, mask_upsampling_matches_skimage)
{
  static const double sk[64] = {
    0.5703125, 0.6640625, 0.5234375, 0.3828125, 0.44140625, 0.69921875, 0.95703125,
    0.78515625, 0.6640625, 0.8828125, 0.5546875, 0.2265625, 0.23828125, 0.58984375,
    0.94140625, 0.70703125, 0.5234375, 0.5546875, 0.5078125, 0.4609375, 0.54296875,
    0.75390625, 0.96484375, 0.82421875, 0.3828125, 0.2265625, 0.4609375, 0.6953125,
    0.84765625, 0.91796875, 0.98828125, 0.94140625, 0.25390625, 0.05078125, 0.35546875,
    0.66015625, 0.84765625, 0.91796875, 0.98828125, 0.94140625, 0.13671875, 0.02734375,
    0.19140625, 0.35546875, 0.54296875, 0.75390625, 0.96484375, 0.82421875, 0.01953125,
    0.00390625, 0.02734375, 0.05078125, 0.23828125, 0.58984375, 0.94140625, 0.70703125,
    0.09765625, 0.01953125, 0.13671875, 0.25390625, 0.44140625, 0.69921875, 0.95703125,
    0.78515625 };
  InterpImage *grid = interp_image_new (1, 3, 3);
  const float g[9] = { 1, 0, 1, 0, 1, 1, 0, 0, 1 };
  memcpy (grid->data, g, sizeof g);
  float whole[64], crop[36];
  rise_mask_crop (grid, 8, 8, 0, 0, 8, 8, whole);
  for (int i = 0; i < 64; i++)
    cr_assert_float_eq (whole[i], sk[i], 1e-7, "[%d] = %g, skimage %g", i, whole[i], sk[i]);
  rise_mask_crop (grid, 8, 8, 1, 0, 6, 6, crop);
  for (int y = 0; y < 6; y++)
    for (int x = 0; x < 6; x++)
      cr_assert_float_eq (crop[y * 6 + x], sk[(y + 1) * 8 + x], 1e-7, "crop (%d, %d)", y, x);
  interp_image_free (grid);
}

/* The same seed gives bit-identical maps; another seed different ones; an
 * image's map is the same alone as in the middle of a batch of 3. */
Test (rise, deterministic_and_batch_independent)
{
  InterpNet *net = relu_net ();
  InterpTensor *x3 = random_images (3, 1, 6, 6, 8);
  const int32_t t3[3] = { 0, 2, 1 };
  const char *pairs[] = { "masks=50", "cells=3", "internal-batch-size=16", NULL };
  InterpTensor *a = map_of (&interp_saliency_rise, pairs, net, x3, t3, 5);
  InterpTensor *a2 = map_of (&interp_saliency_rise, pairs, net, x3, t3, 5);
  InterpTensor *other = map_of (&interp_saliency_rise, pairs, net, x3, t3, 6);
  cr_assert (memcmp (a->data, a2->data, a->numel * sizeof (float)) == 0, "same seed differs");
  cr_assert (memcmp (a->data, other->data, a->numel * sizeof (float)) != 0,
             "another seed gives the same masks");
  InterpTensor x1 = saliency_batch_view (x3, 1, 1);
  InterpTensor *alone = map_of (&interp_saliency_rise, pairs, net, &x1, &t3[1], 5);
  cr_assert (memcmp (alone->data, a->data + 36, 36 * sizeof (float)) == 0,
             "image 1 alone differs from image 1 in its batch");
  interp_tensor_free (a);
  interp_tensor_free (a2);
  interp_tensor_free (other);
  interp_tensor_free (alone);
  interp_tensor_free (x3);
  interp_net_free (net);
}

Test (rise, bad_keys_name_the_key)
{
  GError *error = NULL;
  const char *p0[] = { "p=0", NULL }, *typo[] = { "mask=10", NULL };
  cr_assert_null (method_new (&interp_saliency_rise, p0, &error));
  cr_assert (strstr (error->message, "p"), "%s", error->message);
  g_clear_error (&error);
  cr_assert_null (method_new (&interp_saliency_rise, typo, &error));
  cr_assert (strstr (error->message, "mask"), "%s", error->message);
  g_clear_error (&error);
  InterpNet *net = relu_net ();
  InterpTensor *x = random_images (1, 1, 6, 6, 4), *attr = interp_tensor_new_4d (1, 1, 1, 1);
  const int32_t t = 0;
  const char *big[] = { "cells=7", NULL };
  gpointer self = method_new (&interp_saliency_rise, big, &error);
  OK (self != NULL, error);
  cr_assert (!method_run (&interp_saliency_rise, self, net, x, &t, 1, attr, &error));
  cr_assert (strstr (error->message, "cells"), "%s", error->message);
  g_clear_error (&error);
  method_free (&interp_saliency_rise, self);
  interp_tensor_free (attr);
  interp_tensor_free (x);
  interp_net_free (net);
}

