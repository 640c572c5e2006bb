/* Grad-CAM and guided Grad-CAM (plugins/saliency) on tiny networks with
 * fixed weights whose maps can be worked out by hand, and what every map
 * method shares: batch independence, describe(). */
#include "config.h"

#include <math.h>
#include <string.h>

#include <criterion/criterion.h>

#include "grad-cam-map.h"
#include "maps-helpers.h"
#include "plugin-components.h"
#include "saliency-fixture.h"
#include "saliency-common.h"

/* ---- Grad-CAM ------------------------------------------------------------ */

/* 1 x 4 x 4 input -> conv 1x1 "conv" (2 channels: A_0 = x, A_1 = -2x + 0.5)
 * -> avgpool 2x2 "pool" (2 x 2 x 2) -> global average "gap" -> linear "fc"
 * with rows V_0 = (2, 0.5), V_1 = (-1, 3), biases 0. */
static InterpNet *
cam_net (void)
{
  GError *error = NULL;
  InterpNet *net = interp_net_new (1, 4, 4);
  int c = interp_net_conv2d (net, "conv", 0, 2, 1, 1, 0, 1, TRUE, &error);
  OK (c >= 0, error);
  int p = interp_net_avgpool (net, "pool", c, 2, 2, 0, &error);
  OK (p >= 0, error);
  int g = interp_net_global_avgpool (net, "gap", p, &error);
  OK (g >= 0, error);
  OK (interp_net_linear (net, "fc", g, 2, TRUE, &error) >= 0, error);
  const float k[2] = { 1.0f, -2.0f }, kb[2] = { 0.0f, 0.5f };
  const float v[4] = { 2.0f, 0.5f, -1.0f, 3.0f }, vb[2] = { 0.0f, 0.0f };
  sal_set_param (net, "conv.weight", k, 2);
  sal_set_param (net, "conv.bias", kb, 2);
  sal_set_param (net, "fc.weight", v, 4);
  sal_set_param (net, "fc.bias", vb, 2);
  interp_net_set_mode (net, INTERP_MODE_EVAL);
  return net;
}

/* x(r, c) = (4 r + c) / 16. */
static InterpTensor *
cam_input (int64_t n)
{
  InterpTensor *x = interp_tensor_new_4d (n, 1, 4, 4);
  for (int64_t i = 0; i < n; i++)
    for (int q = 0; q < 16; q++)
      x->data[i * 16 + q] = (float) q / 16.0f;
  return x;
}

/* By hand.  z_t = sum_c V_tc mean(P_c), P the 2x2 pool of A, so
 * d z_t / d P_c(u, v) = V_tc / 4 and a_c = V_tc / 4.  The pool's blocks
 * have mean x m = (2.5, 4.5, 10.5, 12.5) / 16 (block (0,0) holds 0, 1, 4,
 * 5), so P_0 = m, P_1 = -2 m + 0.5.
 *   t = 0: L = (2 m + 0.5 (-2 m + 0.5)) / 4 = (m + 0.25) / 4
 *          = (6.5, 8.5, 14.5, 16.5) / 64
 *   t = 1: L = (-m + 3 (-2 m + 0.5)) / 4 = (1.5 - 7 m) / 4
 *          = (6.5, -7.5, -49.5, -63.5) / 64, ReLU -> (6.5, 0, 0, 0) / 64. */
Test (grad_cam, coarse_map_and_weights_by_hand)
{
  GError *error = NULL;
  InterpNet *net = cam_net ();
  InterpTensor *x = cam_input (2);
  const int32_t targets[2] = { 0, 1 };
  int node;
  OK (gradcam_find_layer (net, "grad-cam", "", &node, &error), error);
  cr_assert_eq (node, interp_net_find (net, "pool"), "default layer: the last 3-d before gap");
  InterpTensor *coarse = interp_tensor_new_4d (1, 1, 1, 1), *w = interp_tensor_new_2d (1, 1);
  OK (gradcam_coarse (net, x, targets, node, FALSE, coarse, w, &error), error);
  const double want_w[4] = { 0.5, 0.125, -0.25, 0.75 };
  const double want[8] = { 6.5, 8.5, 14.5, 16.5, 6.5, -7.5, -49.5, -63.5 };
  /* Exact in float but for the rounding of sums of a few terms of size
   * <= 1: 1e-6 is a few ulps. */
  for (int i = 0; i < 4; i++)
    cr_assert_float_eq (w->data[i], want_w[i], 1e-6, "a[%d] = %g", i, w->data[i]);
  for (int i = 0; i < 8; i++)
    cr_assert_float_eq (coarse->data[i], want[i] / 64.0, 1e-6, "L[%d] = %g", i,
                        coarse->data[i]);
  OK (gradcam_coarse (net, x, targets, node, TRUE, coarse, NULL, &error), error);
  for (int i = 0; i < 8; i++)
    cr_assert_float_eq (coarse->data[i], MAX (want[i], 0.0) / 64.0, 1e-6, "relu L[%d]", i);
  interp_tensor_free (coarse);
  interp_tensor_free (w);
  interp_tensor_free (x);
  interp_net_free (net);
}

/* The upsampled map: 2x2 -> 4x4 with half-pixel centres gives, along each
 * axis, (L0, (3 L0 + L1) / 4, (L0 + 3 L1) / 4, L1); the component writes it
 * in every channel and leaves the network as found. */
Test (grad_cam, upsampled_map_by_hand)
{
  InterpNet *net = cam_net ();
  InterpTensor *x = cam_input (1);
  const int32_t t = 0;
  const char *pairs[] = { "layer=pool", NULL };
  InterpTensor *attr = map_of (&interp_saliency_grad_cam, pairs, net, x, &t, 1);
  const double l[4] = { 6.5 / 64, 8.5 / 64, 14.5 / 64, 16.5 / 64 };
  const double f[4][2] = { { 1, 0 }, { 0.75, 0.25 }, { 0.25, 0.75 }, { 0, 1 } };
  for (int r = 0; r < 4; r++)
    for (int c = 0; c < 4; c++)
      {
        double want = 0.0;
        for (int a = 0; a < 2; a++)
          for (int b = 0; b < 2; b++)
            want += f[r][a] * f[c][b] * l[a * 2 + b];
        cr_assert_float_eq (attr->data[r * 4 + c], want, 1e-6, "(%d, %d) = %g, want %g", r, c,
                            attr->data[r * 4 + c], want);
      }
  interp_tensor_free (attr);
  interp_tensor_free (x);
  interp_net_free (net);
}

/* gradcam_upsample against torch.nn.functional.interpolate(..., mode="bilinear",
 * align_corners=False), values printed by
 *   /usr/bin/python3 -c "import torch, torch.nn.functional as F;
 *     b = torch.arange(9.).reshape(1, 1, 3, 3);
 *     print(F.interpolate(b, size=(7, 5), mode='bilinear',
 *                         align_corners=False).flatten().tolist())"
 * (torch 1.13), in every one of 2 channels.  torch works in float with
 * scale 3/7 rounded to float; 2e-6 covers that on values <= 8. */
Test (grad_cam, upsample_matches_torch)
{
  static const double torch_7x5[35] = {
    0.0, 0.40000003576278687, 1.0, 1.6000001430511475, 2.0, 0.4285714626312256,
    0.8285714983940125, 1.4285714626312256, 2.028571605682373, 2.4285714626312256,
    1.7142858505249023, 2.114285945892334, 2.7142858505249023, 3.3142857551574707,
    3.7142858505249023, 3.0, 3.4000000953674316, 4.0, 4.600000381469727, 5.0,
    4.285714149475098, 4.685714244842529, 5.285714149475098, 5.885714530944824,
    6.285714149475098, 5.5714287757873535, 5.971428394317627, 6.5714287757873535,
    7.171428680419922, 7.571428298950195, 6.0, 6.400000095367432, 7.0, 7.599999904632568,
    8.0 };
  InterpTensor *coarse = interp_tensor_new_4d (1, 1, 3, 3);
  for (int i = 0; i < 9; i++)
    coarse->data[i] = (float) i;
  const int64_t shape[4] = { 1, 2, 7, 5 };
  InterpTensor *attr = interp_tensor_new_4d (1, 1, 1, 1);
  gradcam_upsample (coarse, shape, attr);
  for (int ch = 0; ch < 2; ch++)
    for (int i = 0; i < 35; i++)
      cr_assert_float_eq (attr->data[ch * 35 + i], torch_7x5[i], 2e-6, "channel %d [%d] = %g",
                          ch, i, attr->data[ch * 35 + i]);
  interp_tensor_free (coarse);
  interp_tensor_free (attr);
}

static double
logit (InterpNet *net, const InterpTensor *x, int32_t t)
{
  GError *error = NULL;
  OK (interp_net_forward (net, x, &error), error);
  const InterpTensor *z = interp_net_value (net, interp_net_output_node (net));
  return z->data[t];
}

/* Grad-CAM's weights are the spatial mean of d z_t / d A_c.  Shifting every
 * activation of channel c by e changes z_t by e * sum_uv d z_t / d A_c(u, v)
 * = e * h * w * a_c (first order), and adding e to the conv's bias b_c is
 * exactly that shift of A_c = conv output.  So a_c = (z(b_c + e) -
 * z(b_c - e)) / (2 e h w).  The net is piecewise linear, so the central
 * difference is exact while no relu or max crosses a kink within e; the
 * one-sided differences agreeing checks that.  Error: float rounding of z
 * (|z| < 4, ulp ~ 5e-7) over 2 e = 2e-3 -> ~5e-4 on h w a_c, i.e. ~1.5e-5
 * on a_c (h w = 36); tolerance 1e-4. */
Test (grad_cam, weights_match_finite_differences)
{
  GError *error = NULL;
  InterpNet *net = relu_net ();
  InterpTensor *x = random_images (1, 1, 6, 6, 3);
  InterpTensor *coarse = interp_tensor_new_4d (1, 1, 1, 1), *w = interp_tensor_new_2d (1, 1);
  InterpParam *b = interp_net_find_param (net, "conv.bias");
  const double e = 1e-3;
  for (int32_t t = 0; t < 3; t++)
    {
      int node = interp_net_find (net, "conv");
      SaliencyGuard guard;
      saliency_guard_begin (&guard, net);
      OK (gradcam_coarse (net, x, &t, node, TRUE, coarse, w, &error), error);
      saliency_guard_end (&guard, net);
      for (int c = 0; c < 3; c++)
        {
          const float b0 = b->value->data[c];
          const double z0 = logit (net, x, t);
          b->value->data[c] = (float) (b0 + e);
          const double zp = logit (net, x, t);
          b->value->data[c] = (float) (b0 - e);
          const double zm = logit (net, x, t);
          b->value->data[c] = b0;
          cr_assert_float_eq ((zp - z0) / e, (z0 - zm) / e, 1e-3, "a kink within e");
          const double fd = (zp - zm) / (2 * e * 36);
          cr_assert_float_eq (w->data[c], fd, 1e-4, "t %d: a_%d = %g, finite difference %g", t,
                              c, w->data[c], fd);
        }
    }
  interp_tensor_free (coarse);
  interp_tensor_free (w);
  interp_tensor_free (x);
  interp_net_free (net);
}

Test (grad_cam, bad_layer_names_key_and_node)
{
  GError *error = NULL;
  InterpNet *net = cam_net ();
  InterpTensor *x = cam_input (1), *attr = interp_tensor_new_4d (1, 1, 1, 1);
  const int32_t t = 0;
  const char *missing[] = { "layer=conv9", NULL }, *flat[] = { "layer=fc", NULL };
  gpointer self = method_new (&interp_saliency_grad_cam, missing, &error);
  OK (self != NULL, error);
  cr_assert (!method_run (&interp_saliency_grad_cam, self, net, x, &t, 1, attr, &error));
  cr_assert (strstr (error->message, "layer") && strstr (error->message, "conv9"), "%s",
             error->message);
  g_clear_error (&error);
  method_free (&interp_saliency_grad_cam, self);
  self = method_new (&interp_saliency_grad_cam, flat, &error);
  OK (self != NULL, error);
  cr_assert (!method_run (&interp_saliency_grad_cam, self, net, x, &t, 1, attr, &error));
  cr_assert (strstr (error->message, "layer") && strstr (error->message, "\"fc\"")
             && strstr (error->message, "1-d"), "%s", error->message);
  g_clear_error (&error);
  method_free (&interp_saliency_grad_cam, self);
  const char *typo[] = { "layr=conv", NULL };
  cr_assert_null (method_new (&interp_saliency_grad_cam, typo, &error));
  cr_assert (strstr (error->message, "layr"), "%s", error->message);
  g_clear_error (&error);
  interp_tensor_free (attr);
  interp_tensor_free (x);
  interp_net_free (net);
}

/* ---- guided Grad-CAM ----------------------------------------------------- */

/* 1 x 4 x 4 -> conv 1x1 "conv" (A_0 = x - 0.3, A_1 = -x + 0.6) -> relu
 * "relu" -> avgpool 2x2 "pool" -> global average "gap" -> linear "fc",
 * V_0 = (2, 1), V_1 = (1, -1). */
static InterpNet *
guided_net (void)
{
  GError *error = NULL;
  InterpNet *net = interp_net_new (1, 4, 4);
  int c = interp_net_conv2d (net, "conv", 0, 2, 1, 1, 0, 1, TRUE, &error);
  OK (c >= 0, error);
  int r = interp_net_relu (net, "relu", c, &error);
  OK (r >= 0, error);
  int p = interp_net_avgpool (net, "pool", r, 2, 2, 0, &error);
  OK (p >= 0, error);
  int g = interp_net_global_avgpool (net, "gap", p, &error);
  OK (g >= 0, error);
  OK (interp_net_linear (net, "fc", g, 2, TRUE, &error) >= 0, error);
  const float k[2] = { 1.0f, -1.0f }, kb[2] = { -0.3f, 0.6f };
  const float v[4] = { 2.0f, 1.0f, 1.0f, -1.0f }, vb[2] = { 0.0f, 0.0f };
  sal_set_param (net, "conv.weight", k, 2);
  sal_set_param (net, "conv.bias", kb, 2);
  sal_set_param (net, "fc.weight", v, 4);
  sal_set_param (net, "fc.bias", vb, 2);
  interp_net_set_mode (net, INTERP_MODE_EVAL);
  return net;
}

/* By hand, x(q) = q / 16 (q = 4 r + c), image 0 explaining class 0 and
 * image 1 class 1.  relu(A_0) > 0 for q >= 5, relu(A_1) > 0 for q <= 9.
 * Guided backprop: d z_t / d relu(A_c) = V_tc / 16 (pool then gap: a mean
 * over 16); the guided rule passes it where A_c > 0 and V_tc > 0; then the
 * conv (weights 1, -1):
 *   t = 0: G(q) = (2 [q >= 5] - [q <= 9]) / 16 = -1/16 (q <= 4),
 *          1/16 (5..9), 2/16 (q >= 10)
 *   t = 1: V_11 = -1 < 0 is blocked: G(q) = [q >= 5] / 16 (the true
 *          gradient would add [q <= 9] / 16).
 * Grad-CAM at "pool" (the default): a_c = V_tc / 4, P_c the block means
 * of relu(A_c):
 *   P_0 = (0.0125, 0.2125, 1.425, 1.925) / 4
 *   P_1 = (1.775, 1.275, 0.1375, 0) / 4
 *   t = 0: L = (2 P_0 + P_1) / 4 = (0.1125, 0.10625, 0.18671875, 0.240625)
 *   t = 1: L = relu((P_0 - P_1) / 4) = (0, 0, 0.08046875, 0.1203125)
 * upsampled to 4 x 4 as in upsampled_map_by_hand; the map is G times that. */
Test (guided_grad_cam, map_by_hand)
{
  GError *error = NULL;
  InterpNet *net = guided_net ();
  InterpTensor *x = cam_input (2);
  const int32_t t[2] = { 0, 1 };
  InterpTensor *attr = map_of (&interp_saliency_guided_grad_cam, NULL, net, x, t, 1);
  const double l[2][4] = { { 0.1125, 0.10625, 0.18671875, 0.240625 },
                           { 0, 0, 0.08046875, 0.1203125 } };
  const double f[4][2] = { { 1, 0 }, { 0.75, 0.25 }, { 0.25, 0.75 }, { 0, 1 } };
  for (int i = 0; i < 2; i++)
    for (int r = 0; r < 4; r++)
      for (int c = 0; c < 4; c++)
        {
          const int q = r * 4 + c;
          const double g = i == 0 ? (q <= 4 ? -1.0 / 16 : q <= 9 ? 1.0 / 16 : 2.0 / 16)
                                  : (q >= 5 ? 1.0 / 16 : 0.0);
          double cam = 0.0;
          for (int a = 0; a < 2; a++)
            for (int b = 0; b < 2; b++)
              cam += f[r][a] * f[c][b] * l[i][a * 2 + b];
          /* Products of values < 1 computed in float: 1e-7 absolute is a
           * few ulps of the largest (0.03). */
          cr_assert_float_eq (attr->data[i * 16 + q], g * cam, 1e-7,
                              "image %d (%d, %d) = %g, want %g", i, r, c,
                              attr->data[i * 16 + q], g * cam);
        }
  /* A rule the caller set (deconvnet on the relu) neither changes the map
   * (Grad-CAM and guided rules are the method's own) nor is lost. */
  int relu = interp_net_find (net, "relu");
  OK (interp_net_set_backward_rule (net, relu, INTERP_RULE_DECONVNET, 0.0f, &error), error);
  InterpTensor *again = map_of (&interp_saliency_guided_grad_cam, NULL, net, x, t, 1);
  cr_assert (memcmp (again->data, attr->data, attr->numel * sizeof (float)) == 0,
             "the caller's rule changed the map");
  cr_assert_eq (interp_net_backward_rule (net, relu), INTERP_RULE_DECONVNET);
  InterpTensor *cam = map_of (&interp_saliency_grad_cam, NULL, net, x, t, 1);
  cr_assert_eq (interp_net_backward_rule (net, relu), INTERP_RULE_DECONVNET);
  cr_assert_float_eq (cam->data[0], l[0][0], 1e-6, "grad-cam with a rule set: %g", cam->data[0]);
  interp_tensor_free (cam);
  interp_tensor_free (again);
  interp_tensor_free (attr);
  interp_tensor_free (x);
  interp_net_free (net);
}

/* ---- every method, one image alone and in a batch ------------------------ */

/* Occlusion forwards each image on its own (its windows in internal
 * batches), so its map is bit-identical alone and in a batch.  Grad-CAM
 * and guided Grad-CAM take one backward of the sum of the batch's target
 * logits; in eval mode images do not interact, but BLAS may block a batch
 * of 3 differently from one of 1, so sums of 9-term products (|terms| < 1)
 * may round differently: 1e-6 absolute. */
Test (maps, image_alone_or_in_a_batch)
{
  InterpNet *net = relu_net ();
  InterpTensor *x3 = random_images (3, 1, 6, 6, 21);
  const int32_t t3[3] = { 2, 0, 1 };
  InterpTensor x1 = saliency_batch_view (x3, 2, 1);
  const InterpComponent *methods[] = { &interp_saliency_occlusion, &interp_saliency_grad_cam,
                                       &interp_saliency_guided_grad_cam };
  const char *cam_pairs[] = { "layer=conv", NULL };
  const char *occ_pairs[] = { "window=3", "stride=1", "internal-batch-size=5", NULL };
  for (int m = 0; m < 3; m++)
    {
      const char *const *pairs = m == 0 ? occ_pairs : cam_pairs;
      InterpTensor *all = map_of (methods[m], pairs, net, x3, t3, 1);
      InterpTensor *one = map_of (methods[m], pairs, net, &x1, &t3[2], 1);
      double max_abs = 0.0;
      for (int q = 0; q < 36; q++)
        {
          const float a = all->data[2 * 36 + q], b = one->data[q];
          if (m == 0)
            cr_assert (memcmp (&a, &b, sizeof a) == 0, "occlusion pixel %d: %g vs %g", q, a, b);
          else
            cr_assert_float_eq (a, b, 1e-6, "%s pixel %d: %g vs %g", methods[m]->name, q, a, b);
          max_abs = MAX (max_abs, fabs (a));
        }
      cr_assert (max_abs > 0.0, "%s: an all-zero map tests nothing", methods[m]->name);
      interp_tensor_free (all);
      interp_tensor_free (one);
    }
  interp_tensor_free (x3);
  interp_net_free (net);
}

/* What the built module says of each method (describe()). */
Test (maps, module_describes_the_methods)
{
  static const struct {
    const char *name;
    guint flags;
  } want[] = {
    { "grad-cam", INTERP_SALIENCY_COARSE },
    { "guided-grad-cam", INTERP_SALIENCY_SIGNED | INTERP_SALIENCY_MODIFIED_BACKWARD },
    { "occlusion", INTERP_SALIENCY_GRADIENT_FREE | INTERP_SALIENCY_SIGNED },
    { "rise", INTERP_SALIENCY_GRADIENT_FREE | INTERP_SALIENCY_RANDOMIZED },
  };
  for (size_t i = 0; i < G_N_ELEMENTS (want); i++)
    {
      SalMethod *m = sal_method (want[i].name, NULL);
      cr_assert_eq (m->info.flags, want[i].flags, "%s: flags %#x", want[i].name,
                    m->info.flags);
      sal_method_free (m);
    }
  const char *signed_cam[] = { "relu=false", NULL };
  SalMethod *m = sal_method ("grad-cam", signed_cam);
  cr_assert_eq (m->info.flags, INTERP_SALIENCY_COARSE | INTERP_SALIENCY_SIGNED);
  sal_method_free (m);
  m = sal_method ("rise", NULL);
  cr_assert_eq (m->info.passes_per_image, 2000, "rise: %" G_GINT64_FORMAT " passes",
                m->info.passes_per_image);
  sal_method_free (m);
}
