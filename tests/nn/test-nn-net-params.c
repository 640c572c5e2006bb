/* The network's parameters (core/nn/net-params.c): Kaiming and PyTorch
 * initialisation, re-initialising one node, frozen parameters, masks and
 * copying parameters between networks. */
#include <criterion/criterion.h>

#include <math.h>
#include <string.h>

#include <interp/interp.h>

#include "net-fixture.h"

/* ---- initialisation ------------------------------------------------------------------- */

Test (net, kaiming_init)
{
  InterpNet *net = interp_net_new (64, 8, 8);
  interp_net_conv2d (net, "conv", 0, 64, 3, 1, 1, 1, TRUE, NULL);
  interp_net_batchnorm (net, "bn", 1, 1e-5f, 0.1f, NULL);
  init_seed (net, 3);
  InterpParam *w = interp_net_find_param (net, "conv.weight");
  double s = 0, s2 = 0;
  for (size_t i = 0; i < w->value->numel; i++)
    {
      s += w->value->data[i];
      s2 += (double) w->value->data[i] * w->value->data[i];
    }
  double n = (double) w->value->numel, mean = s / n, sd = sqrt (s2 / n - mean * mean);
  double want = sqrt (2.0 / (64 * 9));
  cr_assert (fabs (sd - want) < 0.03 * want, "sd %g, want %g", sd, want);
  cr_assert (fabs (mean) < 0.05 * want);
  for (int i = 0; i < 64; i++)
    {
      cr_assert_eq (interp_net_find_param (net, "conv.bias")->value->data[i], 0.0f);
      cr_assert_eq (interp_net_find_param (net, "bn.weight")->value->data[i], 1.0f);
      cr_assert_eq (interp_net_find_param (net, "bn.bias")->value->data[i], 0.0f);
      cr_assert_eq (interp_net_find_param (net, "bn.running_mean")->value->data[i], 0.0f);
      cr_assert_eq (interp_net_find_param (net, "bn.running_var")->value->data[i], 1.0f);
    }
  interp_net_free (net);
}

/* Every entry of t within [-bound, bound], standard deviation
 * bound / sqrt(3) (uniform) within 3%, mean near 0. */
static void
assert_uniform (const InterpTensor *t, double bound, const char *what)
{
  double s = 0, s2 = 0;
  for (size_t i = 0; i < t->numel; i++)
    {
      cr_assert (fabs (t->data[i]) <= bound, "%s[%zu] = %g outside +-%g", what, i,
                 (double) t->data[i], bound);
      s += t->data[i];
      s2 += (double) t->data[i] * t->data[i];
    }
  double n = (double) t->numel, mean = s / n, sd = sqrt (s2 / n - mean * mean);
  double want = bound / sqrt (3.0);
  cr_assert (fabs (sd - want) < 0.03 * want, "%s: sd %g, want %g", what, sd, want);
  cr_assert (fabs (mean) < 0.05 * want, "%s: mean %g", what, mean);
}

/* PyTorch's reset_parameters: weights and biases U(+-1/sqrt(fan_in)). */
Test (net, pytorch_init)
{
  InterpNet *net = interp_net_new (64, 8, 8);
  int conv = interp_net_conv2d (net, "conv", 0, 256, 3, 1, 1, 1, TRUE, NULL);
  int flat = interp_net_flatten (net, "flatten", conv, NULL);
  interp_net_linear (net, "fc", flat, 64, TRUE, NULL);
  cr_assert_eq (interp_net_get_init (net), INTERP_INIT_KAIMING_NORMAL);
  interp_net_set_init (net, INTERP_INIT_PYTORCH);
  cr_assert_eq (interp_net_get_init (net), INTERP_INIT_PYTORCH);
  init_seed (net, 5);
  assert_uniform (interp_net_find_param (net, "conv.weight")->value, 1.0 / sqrt (64 * 9),
                  "conv.weight");
  /* 256 and 64 entries: only the bound is tight enough to test. */
  const InterpTensor *cb = interp_net_find_param (net, "conv.bias")->value;
  const InterpTensor *fb = interp_net_find_param (net, "fc.bias")->value;
  int nonzero = 0;
  for (size_t i = 0; i < cb->numel; i++)
    {
      cr_assert (fabs (cb->data[i]) <= 1.0 / sqrt (64 * 9));
      nonzero += cb->data[i] != 0.0f;
    }
  cr_assert_gt (nonzero, 250);
  assert_uniform (interp_net_find_param (net, "fc.weight")->value, 1.0 / sqrt (256 * 64),
                  "fc.weight");
  for (size_t i = 0; i < fb->numel; i++)
    cr_assert (fabs (fb->data[i]) <= 1.0 / sqrt (256 * 64));
  interp_net_free (net);
}

Test (net, reinit_one_node)
{
  InterpNet *net = build_cnn ();
  init_seed (net, 1);
  InterpTensor *c1 = interp_tensor_copy (interp_net_find_param (net, "conv1.weight")->value);
  InterpTensor *fc = interp_tensor_copy (interp_net_find_param (net, "fc.weight")->value);
  InterpRng rng;
  interp_rng_seed (&rng, 99);
  interp_net_reinit_node (net, interp_net_find (net, "fc"), &rng);
  cr_assert_arr_eq (interp_net_find_param (net, "conv1.weight")->value->data, c1->data,
                    c1->numel * sizeof (float));
  cr_assert (memcmp (interp_net_find_param (net, "fc.weight")->value->data, fc->data,
                     fc->numel * sizeof (float)) != 0);
  interp_tensor_free (c1);
  interp_tensor_free (fc);
  interp_net_free (net);
}

/* ---- frozen parameters and masks --------------------------------------------------------------- */

Test (net, frozen_params_get_no_grad)
{
  InterpNet *net = build_cnn ();
  init_seed (net, 7);
  interp_net_set_input_grad (net, TRUE);
  InterpTensor *x = random_images (4, 2, 8, 8, 12);
  interp_net_zero_param_grad (net);
  InterpTensor *gx_free = (loss_step (net, x, labels8),
                           interp_tensor_copy (interp_net_input_grad (net)));
  interp_net_set_frozen (net, interp_net_find (net, "conv1"), TRUE);
  interp_net_set_frozen (net, interp_net_find (net, "layer1.0.bn1"), TRUE);
  cr_assert (interp_net_find_param (net, "conv1.weight")->frozen);
  interp_net_zero_param_grad (net);
  interp_tensor_fill (interp_net_find_param (net, "conv1.weight")->grad, 7.0f);
  loss_step (net, x, labels8);
  const InterpTensor *g = interp_net_find_param (net, "conv1.weight")->grad;
  for (size_t i = 0; i < g->numel; i++)
    cr_assert_eq (g->data[i], 7.0f);
  g = interp_net_find_param (net, "layer1.0.bn1.weight")->grad;
  for (size_t i = 0; i < g->numel; i++)
    cr_assert_eq (g->data[i], 0.0f);
  double norm = 0;
  g = interp_net_find_param (net, "layer1.0.conv1.weight")->grad;
  for (size_t i = 0; i < g->numel; i++)
    norm += fabs (g->data[i]);
  cr_assert_gt (norm, 0.0);
  /* The gradient still flows through frozen layers. */
  cr_assert_arr_eq (interp_net_input_grad (net)->data, gx_free->data,
                    gx_free->numel * sizeof (float));
  interp_tensor_free (gx_free);
  interp_tensor_free (x);
  interp_net_free (net);
}

Test (net, masks)
{
  InterpNet *net = build_cnn ();
  init_seed (net, 8);
  InterpParam *w = interp_net_find_param (net, "layer1.0.conv1.weight");
  InterpTensor *mask = interp_tensor_copy (w->value);
  for (size_t i = 0; i < mask->numel; i++)
    mask->data[i] = (i % 3 == 0) ? 0.0f : 1.0f;
  GError *err = NULL;
  cr_assert (interp_net_set_mask (net, "layer1.0.conv1.weight", mask, &err));
  cr_assert_not_null (w->mask);
  for (size_t i = 0; i < mask->numel; i++)
    if (i % 3 == 0)
      cr_assert_eq (w->value->data[i], 0.0f);
    else
      cr_assert_neq (w->value->data[i], 0.0f);
  InterpTensor *x = random_images (4, 2, 8, 8, 13);
  interp_net_zero_param_grad (net);
  loss_step (net, x, labels8);
  for (size_t i = 0; i < mask->numel; i++)
    if (i % 3 == 0)
      cr_assert_eq (w->grad->data[i], 0.0f);
  size_t nonzero = 0;
  for (size_t i = 0; i < mask->numel; i++)
    nonzero += w->grad->data[i] != 0.0f;
  cr_assert_gt (nonzero, mask->numel / 2);
  /* An update that ignores the mask is undone by apply_masks. */
  interp_tensor_fill (w->value, 0.5f);
  interp_net_apply_masks (net);
  cr_assert_eq (w->value->data[0], 0.0f);
  cr_assert_eq (w->value->data[1], 0.5f);
  /* Errors name the parameter. */
  InterpTensor *bad = interp_tensor_new_2d (2, 2);
  cr_assert_not (interp_net_set_mask (net, "layer1.0.conv1.weight", bad, &err));
  cr_assert_eq (err->code, INTERP_ERROR_SHAPE);
  cr_assert_not_null (strstr (err->message, "layer1.0.conv1.weight"));
  g_clear_error (&err);
  cr_assert_not (interp_net_set_mask (net, "nope.weight", mask, &err));
  cr_assert_eq (err->code, INTERP_ERROR_NOT_FOUND);
  cr_assert_not_null (strstr (err->message, "nope.weight"));
  g_clear_error (&err);
  /* Removing the mask lets the entries change again. */
  cr_assert (interp_net_set_mask (net, "layer1.0.conv1.weight", NULL, &err));
  cr_assert_null (w->mask);
  interp_tensor_fill (w->value, 0.5f);
  interp_net_apply_masks (net);
  cr_assert_eq (w->value->data[0], 0.5f);
  interp_tensor_free (bad);
  interp_tensor_free (mask);
  interp_tensor_free (x);
  interp_net_free (net);
}

Test (net, copy_params)
{
  InterpNet *a = build_cnn (), *b = build_cnn ();
  init_seed (a, 9);
  init_seed (b, 10);
  InterpTensor *x = random_images (2, 2, 8, 8, 14);
  cr_assert (interp_net_forward (a, x, NULL));
  GError *err = NULL;
  cr_assert (interp_net_copy_params (b, a, &err));
  cr_assert (interp_net_forward (b, x, NULL));
  int out = interp_net_output_node (a);
  cr_assert_arr_eq (interp_net_value (a, out)->data, interp_net_value (b, out)->data,
                    interp_net_value (a, out)->numel * sizeof (float));
  InterpNet *c = interp_net_new (2, 8, 8);
  interp_net_conv2d (c, "conv1", 0, 5, 3, 1, 1, 1, FALSE, NULL);
  cr_assert_not (interp_net_copy_params (c, a, &err));
  cr_assert_eq (err->code, INTERP_ERROR_SHAPE);
  g_clear_error (&err);
  interp_net_free (c);
  interp_tensor_free (x);
  interp_net_free (a);
  interp_net_free (b);
}

/* Convolutions sum weight gradients over fixed chunks of the batch, so one
 * and two threads give the same bits (up to 8 threads, see conv2d.c). */
