/* The network as a graph (core/nn/net.c): building and its errors, lookup
 * by id, name and glob, and the input's shape check.  Running it is tested
 * in test-nn-net-pass.c, its parameters in test-nn-net-params.c (one
 * program: test-nn-net). */
#include <criterion/criterion.h>

#include <math.h>
#include <string.h>

#include <interp/interp.h>

#include "net-fixture.h"

/* ---- building and lookup ---------------------------------------------------------- */

Test (net, lookup_and_shapes)
{
  InterpNet *net = build_cnn ();
  cr_assert_eq (interp_net_n_nodes (net), 13);
  cr_assert_eq (interp_net_output_node (net), 12);
  cr_assert_str_eq (interp_net_node_name (net, 0), "input");
  cr_assert_eq (interp_net_node_op (net, 0), INTERP_OP_INPUT);
  cr_assert_eq (interp_net_find (net, "layer1.0.bn1"), 6);
  cr_assert_eq (interp_net_find (net, "nope"), -1);
  cr_assert_eq (interp_net_node_op (net, 6), INTERP_OP_BATCHNORM);
  cr_assert_str_eq (interp_op_name (INTERP_OP_SHORTCUT_PAD), "shortcut-pad");
  int64_t s[3];
  cr_assert_eq (interp_net_node_shape (net, interp_net_find (net, "pool"), s), 3);
  cr_assert (s[0] == 4 && s[1] == 4 && s[2] == 4);
  cr_assert_eq (interp_net_node_shape (net, interp_net_find (net, "flatten"), s), 1);
  cr_assert_eq (s[0], 64);
  cr_assert_eq (interp_net_node_units (net, interp_net_find (net, "relu1")), 4);
  cr_assert_eq (interp_net_node_units (net, 12), 3);

  /* PyTorch names, state_dict order; the normalize node's statistics are buffers. */
  const char *names[] = { "normalize.mean", "normalize.std", "conv1.weight", "bn1.weight", "bn1.bias", "bn1.running_mean",
                          "bn1.running_var", "layer1.0.conv1.weight", "layer1.0.conv1.bias",
                          "layer1.0.bn1.weight", "layer1.0.bn1.bias",
                          "layer1.0.bn1.running_mean", "layer1.0.bn1.running_var",
                          "fc.weight", "fc.bias" };
  cr_assert_eq (interp_net_n_params (net), 15);
  for (int i = 0; i < 15; i++)
    cr_assert_str_eq (interp_net_param (net, i)->name, names[i]);
  InterpParam *w = interp_net_find_param (net, "conv1.weight");
  cr_assert (w->value->ndim == 4 && w->value->shape[0] == 4 && w->value->shape[1] == 2
             && w->value->shape[2] == 3 && w->value->shape[3] == 3);
  cr_assert_eq (w->node, interp_net_find (net, "conv1"));
  InterpParam *fc = interp_net_find_param (net, "fc.weight");
  cr_assert (fc->value->shape[0] == 3 && fc->value->shape[1] == 64);
  InterpParam *rv = interp_net_find_param (net, "bn1.running_var");
  cr_assert (rv->is_buffer && rv->grad == NULL);
  InterpParam *ns = interp_net_find_param (net, "normalize.std");
  cr_assert (ns->is_buffer && ns->grad == NULL && ns->value->numel == 2);
  cr_assert_null (interp_net_find_param (net, "bn1.nope"));
  /* 72 + 4 + 4 + 144 + 4 + 4 + 4 + 192 + 3 */
  cr_assert_eq (interp_net_count_params (net), 72 + 8 + 148 + 8 + 195);
  interp_net_free (net);
}

Test (net, glob_matching)
{
  InterpNet *net = build_cnn ();
  GArray *m = interp_net_match (net, "*relu*");
  cr_assert_eq (m->len, 2);
  cr_assert_eq (g_array_index (m, int, 0), interp_net_find (net, "relu1"));
  cr_assert_eq (g_array_index (m, int, 1), interp_net_find (net, "layer1.0.relu"));
  g_array_unref (m);
  m = interp_net_match (net, "layer1.?.*1");
  cr_assert_eq (m->len, 2);
  g_array_unref (m);
  m = interp_net_match (net, "conv?");
  cr_assert_eq (m->len, 1);
  g_array_unref (m);
  m = interp_net_match (net, "nothing*");
  cr_assert_not_null (m);
  cr_assert_eq (m->len, 0);
  g_array_unref (m);
  interp_net_free (net);
}

/* Takes GError ** so the error is read after the builder ran (argument
 * evaluation order is unspecified); clears it. */
static void
assert_build_error (int id, GError **errp, int code, const char *needle)
{
  GError *err = *errp;
  cr_assert_eq (id, -1);
  cr_assert_not_null (err);
  cr_assert_eq (err->domain, INTERP_ERROR);
  cr_assert_eq (err->code, code, "code %d (%s)", err->code, err->message);
  cr_assert_not_null (strstr (err->message, needle), "'%s' not in: %s", needle, err->message);
  g_clear_error (errp);
}

Test (net, builder_errors)
{
  InterpNet *net = interp_net_new (1, 6, 6);
  GError *err = NULL;
  int c = interp_net_conv2d (net, "conv", 0, 2, 3, 1, 1, 1, TRUE, &err);
  cr_assert_eq (c, 1);
  int n = interp_net_n_nodes (net);

  assert_build_error (interp_net_relu (net, "conv", c, &err), &err, INTERP_ERROR_DUPLICATE,
                      "conv");
  assert_build_error (interp_net_relu (net, "r", 7, &err), &err, INTERP_ERROR_NOT_FOUND, "'r'");
  assert_build_error (interp_net_relu (net, "r", -1, &err), &err, INTERP_ERROR_NOT_FOUND, "'r'");
  /* (1, 6, 6) + (2, 6, 6) */
  assert_build_error (interp_net_add (net, "sum", 0, c, &err), &err, INTERP_ERROR_SHAPE, "sum");
  assert_build_error (interp_net_conv2d (net, "big", c, 2, 9, 1, 1, 1, TRUE, &err), &err,
                      INTERP_ERROR_SHAPE, "big");
  assert_build_error (interp_net_conv2d (net, "zero", c, 2, 0, 1, 1, 1, TRUE, &err), &err,
                      INTERP_ERROR_INVALID_ARGUMENT, "zero");
  int f = interp_net_flatten (net, "flat", c, &err);
  cr_assert_geq (f, 0);
  n++;
  assert_build_error (interp_net_conv2d (net, "c1d", f, 2, 1, 1, 0, 1, TRUE, &err), &err,
                      INTERP_ERROR_SHAPE, "c1d");
  assert_build_error (interp_net_maxpool (net, "mp", f, 2, 2, 0, &err), &err,
                      INTERP_ERROR_SHAPE, "mp");
  assert_build_error (interp_net_shortcut_pad (net, "sc", c, 1, 2, &err), &err,
                      INTERP_ERROR_SHAPE, "sc");
  assert_build_error (interp_net_dropout (net, "d", f, 1.0f, &err), &err,
                      INTERP_ERROR_INVALID_ARGUMENT, "'d'");
  assert_build_error (interp_net_maxpool (net, "mp2", c, 2, 2, 2, &err), &err,
                      INTERP_ERROR_INVALID_ARGUMENT, "mp2");
  /* Failed builds leave the network as it was and the name free. */
  cr_assert_eq (interp_net_n_nodes (net), n);
  cr_assert_eq (interp_net_find (net, "sum"), -1);
  cr_assert_geq (interp_net_relu (net, "sum", c, &err), 0);
  interp_net_free (net);
}

Test (net, forward_shape_error)
{
  InterpNet *net = build_cnn ();
  InterpTensor *x = random_images (2, 3, 8, 8, 1);
  GError *err = NULL;
  cr_assert_not (interp_net_forward (net, x, &err));
  cr_assert_eq (err->code, INTERP_ERROR_SHAPE);
  cr_assert_not_null (strstr (err->message, "[2, 3, 8, 8]"), "%s", err->message);
  g_clear_error (&err);
  interp_tensor_free (x);
  interp_net_free (net);
}

