/* Gradients through the graph against central finite differences: add,
 * flatten, shortcut-pad and normalize, a small residual network, and one
 * input feeding several nodes (the second contribution is added). */
#include <criterion/criterion.h>

#include <math.h>
#include <string.h>

#include <interp/interp.h>

#include "grad-fixture.h"

/* ---- add, flatten, shortcut, normalize ------------------------------------------------------ */

Test (grad, add_two_branches_and_self)
{
  InterpNet *net = interp_net_new (2, 3, 3);
  int c1 = interp_net_conv2d (net, "c1", 0, 2, 3, 1, 1, 1, TRUE, NULL);
  int sum = interp_net_add (net, "sum", c1, 0, NULL);
  int twice = interp_net_add (net, "twice", sum, sum, NULL);
  init_net (net, 51);
  InterpTensor *x = random_tensor (4, (int64_t[]) { 2, 2, 3, 3 }, 52, -1, 1);
  check_net (net, x, twice, 1e-2, 1e-3);
  interp_tensor_free (x);
  interp_net_free (net);
}

Test (grad, flatten)
{
  InterpNet *net = interp_net_new (2, 3, 2);
  int f = interp_net_flatten (net, "flat", 0, NULL);
  int fc = interp_net_linear (net, "fc", f, 3, TRUE, NULL);
  init_net (net, 61);
  InterpTensor *x = random_tensor (4, (int64_t[]) { 2, 2, 3, 2 }, 62, -1, 1);
  check_net (net, x, fc, 1e-2, 1e-3);
  check_net (net, x, f, 1e-2, 1e-4);
  cr_assert_arr_eq (interp_net_value (net, f)->data, x->data, x->numel * sizeof (float));
  interp_tensor_free (x);
  interp_net_free (net);
}

Test (grad, shortcut_pad)
{
  InterpNet *net = interp_net_new (2, 5, 4);
  int sc = interp_net_shortcut_pad (net, "sc", 0, 6, 2, NULL);
  int64_t shape[3];
  interp_net_node_shape (net, sc, shape);
  cr_assert_eq (shape[0], 6);
  cr_assert_eq (shape[1], 3);
  cr_assert_eq (shape[2], 2);
  InterpTensor *x = random_tensor (4, (int64_t[]) { 2, 2, 5, 4 }, 71, -1, 1);
  check_net (net, x, sc, 1e-2, 1e-4);
  const InterpTensor *y = interp_net_value (net, sc);
  /* sample 1, out channel 2 + 1 = in channel 1, row 2, col 1 = x[1,1,4,2] */
  cr_assert_eq (y->data[((1 * 6 + 3) * 3 + 2) * 2 + 1], x->data[((1 * 2 + 1) * 5 + 4) * 4 + 2]);
  for (int c = 0; c < 6; c++)
    if (c < 2 || c >= 4)
      for (int j = 0; j < 6; j++)
        cr_assert_eq (y->data[(0 * 6 + c) * 6 + j], 0.0f);
  interp_tensor_free (x);
  interp_net_free (net);
}

Test (grad, normalize)
{
  InterpNet *net = interp_net_new (2, 2, 2);
  const float mean[2] = { 0.5f, -1 }, std[2] = { 0.25f, 2 };
  int nm = interp_net_normalize (net, "norm", 0, mean, std, NULL);
  InterpTensor *x = random_tensor (4, (int64_t[]) { 2, 2, 2, 2 }, 81, 0, 1);
  check_net (net, x, nm, 1e-2, 1e-4);
  const InterpTensor *y = interp_net_value (net, nm);
  cr_assert_float_eq (y->data[5], (x->data[5] + 1) / 2, 1e-6);
  cr_assert_float_eq (y->data[9], (x->data[9] - 0.5f) / 0.25f, 1e-5);
  interp_tensor_free (x);
  interp_net_free (net);
}

/* ---- a whole small network ---------------------------------------------------------------- */

static InterpNet *
small_resnet (void)
{
  InterpNet *net = interp_net_new (2, 6, 6);
  const float mean[2] = { 0.5f, 0.4f }, std[2] = { 0.3f, 0.2f };
  GError *err = NULL;
  int x = interp_net_normalize (net, "norm", 0, mean, std, &err);
  x = interp_net_conv2d (net, "conv1", x, 4, 3, 1, 1, 1, FALSE, &err);
  x = interp_net_batchnorm (net, "bn1", x, 1e-5f, 0.1f, &err);
  int a = interp_net_relu (net, "relu1", x, &err);
  x = interp_net_conv2d (net, "l.conv", a, 8, 3, 2, 1, 1, FALSE, &err);
  x = interp_net_batchnorm (net, "l.bn", x, 1e-5f, 0.1f, &err);
  int sc = interp_net_shortcut_pad (net, "l.sc", a, 8, 2, &err);
  x = interp_net_add (net, "l.add", x, sc, &err);
  x = interp_net_relu (net, "l.relu", x, &err);
  x = interp_net_maxpool (net, "pool", x, 2, 1, 0, &err);
  x = interp_net_global_avgpool (net, "gap", x, &err);
  x = interp_net_dropout (net, "drop", x, 0.2f, &err);
  x = interp_net_linear (net, "fc", x, 3, TRUE, &err);
  cr_assert_geq (x, 0, "%s", err ? err->message : "");
  return net;
}

Test (grad, small_resnet_train)
{
  InterpNet *net = small_resnet ();
  init_net (net, 91);
  interp_net_set_mode (net, INTERP_MODE_TRAIN);
  InterpTensor *x = random_tensor (4, (int64_t[]) { 3, 2, 6, 6 }, 92, 0, 1);
  check_net (net, x, interp_net_output_node (net), 1e-3, 1e-2);
  interp_tensor_free (x);
  interp_net_free (net);
}

/* ---- one input feeding several nodes: the second contribution is added ---------------- */

/* A node read by several consumers gets its gradient overwritten by the
 * first one backward visits and added to by the others; every layer's
 * input-gradient path is exercised in both roles here. */
static void
check_shared_input (gboolean one_by_one_first)
{
  InterpNet *net = interp_net_new (2, 5, 5);
  GError *err = NULL;
  int a, b;
  if (one_by_one_first)
    {
      a = interp_net_conv2d (net, "one", 0, 3, 1, 1, 0, 1, TRUE, &err);
      b = interp_net_conv2d (net, "same", 0, 3, 3, 1, 1, 1, FALSE, &err);
    }
  else
    {
      a = interp_net_conv2d (net, "same", 0, 3, 3, 1, 1, 1, FALSE, &err);
      b = interp_net_conv2d (net, "one", 0, 3, 1, 1, 0, 1, TRUE, &err);
    }
  int s = interp_net_add (net, "sum", a, b, &err);
  int st = interp_net_conv2d (net, "strided", 0, 3, 3, 2, 1, 1, FALSE, &err);
  int bn = interp_net_batchnorm (net, "bn", 0, 1e-5f, 0.1f, &err);
  int r = interp_net_relu (net, "relu", bn, &err);
  int m = interp_net_maxpool (net, "pool", r, 2, 2, 0, &err);
  int f1 = interp_net_flatten (net, "f1", s, &err);
  int f2 = interp_net_flatten (net, "f2", st, &err);
  int f3 = interp_net_flatten (net, "f3", m, &err);
  int l1 = interp_net_linear (net, "l1", f1, 4, TRUE, &err);
  int l2 = interp_net_linear (net, "l2", f2, 4, FALSE, &err);
  int l3 = interp_net_linear (net, "l3", f3, 4, TRUE, &err);
  int s2 = interp_net_add (net, "s2", l1, l2, &err);
  int out = interp_net_add (net, "out", s2, l3, &err);
  cr_assert_geq (out, 0, "%s", err ? err->message : "");
  init_net (net, 101);
  interp_net_set_mode (net, INTERP_MODE_TRAIN);
  InterpTensor *x = random_tensor (4, (int64_t[]) { 3, 2, 5, 5 }, 102, -1, 1);
  check_net (net, x, out, 1e-3, 1e-2);
  interp_tensor_free (x);
  interp_net_free (net);
}

Test (grad, shared_input_one_by_one_first) { check_shared_input (TRUE); }
Test (grad, shared_input_same_first) { check_shared_input (FALSE); }
