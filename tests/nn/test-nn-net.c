/* The network as a whole: building and its errors, lookup, gradient
 * injection, frozen parameters, masks, initialisation, determinism, batch
 * size changes and train/eval behaviour. */
#include <criterion/criterion.h>

#include <math.h>
#include <string.h>

#include <interp/interp.h>

static InterpTensor *
random_images (int64_t n, int64_t c, int64_t h, int64_t w, uint64_t seed)
{
  InterpTensor *t = interp_tensor_new_4d (n, c, h, w);
  InterpRng rng;
  interp_rng_seed (&rng, seed);
  for (size_t i = 0; i < t->numel; i++)
    t->data[i] = (float) interp_rng_uniform (&rng);
  return t;
}

/* normalize -> conv1 -> bn1 -> relu1 -> layer1.0.{conv1,bn1,relu,add} ->
 * pool -> flatten -> drop -> fc */
static InterpNet *
build_cnn (void)
{
  InterpNet *net = interp_net_new (2, 8, 8);
  GError *err = NULL;
  const float mean[2] = { 0.5f, 0.5f }, std[2] = { 0.25f, 0.25f };
  int x = interp_net_normalize (net, "normalize", 0, mean, std, &err);
  x = interp_net_conv2d (net, "conv1", x, 4, 3, 1, 1, 1, FALSE, &err);
  x = interp_net_batchnorm (net, "bn1", x, 1e-5f, 0.1f, &err);
  int a = interp_net_relu (net, "relu1", x, &err);
  x = interp_net_conv2d (net, "layer1.0.conv1", a, 4, 3, 1, 1, 1, TRUE, &err);
  x = interp_net_batchnorm (net, "layer1.0.bn1", x, 1e-5f, 0.1f, &err);
  x = interp_net_add (net, "layer1.0.add", x, a, &err);
  x = interp_net_relu (net, "layer1.0.relu", x, &err);
  x = interp_net_maxpool (net, "pool", x, 2, 2, 0, &err);
  x = interp_net_flatten (net, "flatten", x, &err);
  x = interp_net_dropout (net, "drop", x, 0.3f, &err);
  x = interp_net_linear (net, "fc", x, 3, TRUE, &err);
  cr_assert_geq (x, 0, "%s", err ? err->message : "");
  return net;
}

static void
init_seed (InterpNet *net, uint64_t seed)
{
  InterpRng rng;
  interp_rng_derive (&rng, seed, "init");
  interp_net_init (net, &rng);
}

/* One training-style pass: forward, mean CE at the output, backward. */
static double
loss_step (InterpNet *net, const InterpTensor *x, const int32_t *labels)
{
  cr_assert (interp_net_forward (net, x, NULL));
  interp_net_zero_grad (net);
  int out = interp_net_output_node (net);
  double l = interp_softmax_cross_entropy (interp_net_value (net, out), labels, 0.0f,
                                           interp_net_grad (net, out), 1.0f, NULL);
  interp_net_backward (net);
  return l;
}

static const int32_t labels8[8] = { 0, 1, 2, 0, 1, 2, 2, 1 };

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

  /* PyTorch names, state_dict order. */
  const char *names[] = { "conv1.weight", "bn1.weight", "bn1.bias", "bn1.running_mean",
                          "bn1.running_var", "layer1.0.conv1.weight", "layer1.0.conv1.bias",
                          "layer1.0.bn1.weight", "layer1.0.bn1.bias",
                          "layer1.0.bn1.running_mean", "layer1.0.bn1.running_var",
                          "fc.weight", "fc.bias" };
  cr_assert_eq (interp_net_n_params (net), 13);
  for (int i = 0; i < 13; i++)
    cr_assert_str_eq (interp_net_param (net, i)->name, names[i]);
  InterpParam *w = interp_net_find_param (net, "conv1.weight");
  cr_assert (w->value->ndim == 4 && w->value->shape[0] == 4 && w->value->shape[1] == 2
             && w->value->shape[2] == 3 && w->value->shape[3] == 3);
  cr_assert_eq (w->node, interp_net_find (net, "conv1"));
  InterpParam *fc = interp_net_find_param (net, "fc.weight");
  cr_assert (fc->value->shape[0] == 3 && fc->value->shape[1] == 64);
  InterpParam *rv = interp_net_find_param (net, "bn1.running_var");
  cr_assert (rv->is_buffer && rv->grad == NULL);
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

/* ---- determinism ------------------------------------------------------------------------ */

static void
run_train_step (uint64_t seed, InterpTensor **out, InterpTensor **grad, InterpTensor **gx)
{
  InterpNet *net = build_cnn ();
  init_seed (net, seed);
  interp_rng_derive (interp_net_rng (net), seed, "dropout");
  interp_net_set_mode (net, INTERP_MODE_TRAIN);
  interp_net_set_input_grad (net, TRUE);
  InterpTensor *x = random_images (8, 2, 8, 8, 5);
  interp_net_zero_param_grad (net);
  loss_step (net, x, labels8);
  *out = interp_tensor_copy (interp_net_value (net, interp_net_output_node (net)));
  *grad = interp_tensor_copy (interp_net_find_param (net, "conv1.weight")->grad);
  *gx = interp_tensor_copy (interp_net_input_grad (net));
  interp_tensor_free (x);
  interp_net_free (net);
}

Test (net, determinism)
{
  InterpTensor *o1, *g1, *x1, *o2, *g2, *x2, *o3, *g3, *x3;
  run_train_step (7, &o1, &g1, &x1);
  run_train_step (7, &o2, &g2, &x2);
  run_train_step (8, &o3, &g3, &x3);
  cr_assert_arr_eq (o1->data, o2->data, o1->numel * sizeof (float));
  cr_assert_arr_eq (g1->data, g2->data, g1->numel * sizeof (float));
  cr_assert_arr_eq (x1->data, x2->data, x1->numel * sizeof (float));
  cr_assert (memcmp (o1->data, o3->data, o1->numel * sizeof (float)) != 0);
  cr_assert (memcmp (g1->data, g3->data, g1->numel * sizeof (float)) != 0);
  InterpTensor *ts[] = { o1, g1, x1, o2, g2, x2, o3, g3, x3 };
  for (int i = 0; i < 9; i++)
    interp_tensor_free (ts[i]);
}

Test (net, threads_setting)
{
  interp_set_threads (1);
  cr_assert_eq (interp_threads (), 1);
  InterpTensor *o1, *g1, *x1, *o2, *g2, *x2;
  run_train_step (7, &o1, &g1, &x1);
  interp_set_threads (2);
  cr_assert_eq (interp_threads (), 2);
  run_train_step (7, &o2, &g2, &x2);
  /* Another thread count may round differently, but not by much. */
  for (size_t i = 0; i < g1->numel; i++)
    cr_assert (fabs (g1->data[i] - g2->data[i]) <= 1e-4 * (1 + fabs (g1->data[i])));
  InterpTensor *ts[] = { o1, g1, x1, o2, g2, x2 };
  for (int i = 0; i < 6; i++)
    interp_tensor_free (ts[i]);
  g_setenv ("INTERP_THREADS", "3", TRUE);
  interp_set_threads (0);
  cr_assert_eq (interp_threads (), 3);
  interp_set_threads (2);
}

/* ---- batch size, modes ---------------------------------------------------------------------- */

Test (net, batch_size_changes)
{
  InterpNet *net = build_cnn ();
  init_seed (net, 2);
  interp_net_set_input_grad (net, TRUE);
  InterpTensor *x8 = random_images (8, 2, 8, 8, 6);
  InterpTensor *x3 = random_images (3, 2, 8, 8, 6);   /* the first 3 images of x8 */
  int out = interp_net_output_node (net);
  cr_assert (interp_net_forward (net, x8, NULL));
  InterpTensor *y8 = interp_tensor_copy (interp_net_value (net, out));
  cr_assert_eq (y8->shape[0], 8);
  interp_net_zero_param_grad (net);
  loss_step (net, x3, labels8);
  const InterpTensor *y3 = interp_net_value (net, out);
  cr_assert_eq (y3->shape[0], 3);
  cr_assert_eq (interp_net_grad (net, out)->shape[0], 3);
  cr_assert_eq (interp_net_input_grad (net)->shape[0], 3);
  for (size_t i = 0; i < y3->numel; i++)
    cr_assert_float_eq (y3->data[i], y8->data[i], 1e-5);
  InterpTensor *g3 = interp_tensor_copy (interp_net_find_param (net, "conv1.weight")->grad);
  /* Grow again: the same 3-image step inside a bigger batch history gives the same grads. */
  cr_assert (interp_net_forward (net, x8, NULL));
  interp_net_zero_param_grad (net);
  loss_step (net, x3, labels8);
  cr_assert_arr_eq (interp_net_find_param (net, "conv1.weight")->grad->data, g3->data,
                    g3->numel * sizeof (float));
  interp_tensor_free (g3);
  interp_tensor_free (y8);
  interp_tensor_free (x3);
  interp_tensor_free (x8);
  interp_net_free (net);
}

Test (net, train_vs_eval_batchnorm)
{
  InterpNet *net = build_cnn ();
  init_seed (net, 4);
  InterpTensor *x = random_images (8, 2, 8, 8, 9);
  InterpTensor *x1 = random_images (1, 2, 8, 8, 9);
  int bn = interp_net_find (net, "bn1");
  /* Eval: a sample's output does not depend on the rest of its batch. */
  cr_assert (interp_net_forward (net, x, NULL));
  InterpTensor *yb = interp_tensor_copy (interp_net_value (net, bn));
  cr_assert (interp_net_forward (net, x1, NULL));
  const InterpTensor *y1 = interp_net_value (net, bn);
  for (size_t i = 0; i < y1->numel; i++)
    cr_assert_float_eq (y1->data[i], yb->data[i], 1e-6);
  /* Train: batch statistics, so the normalised channel has mean 0, variance 1. */
  interp_net_set_mode (net, INTERP_MODE_TRAIN);
  cr_assert_eq (interp_net_mode (net), INTERP_MODE_TRAIN);
  cr_assert (interp_net_forward (net, x, NULL));
  const InterpTensor *yt = interp_net_value (net, bn);
  double s = 0, s2 = 0;
  for (int64_t n = 0; n < 8; n++)
    for (int j = 0; j < 64; j++)
      {
        double v = yt->data[(n * 4 + 1) * 64 + j];
        s += v;
        s2 += v * v;
      }
  cr_assert_float_eq (s / 512, 0.0, 1e-5);
  cr_assert_float_eq (s2 / 512, 1.0, 1e-3);
  /* ... and the running statistics moved. */
  cr_assert_neq (interp_net_find_param (net, "bn1.running_mean")->value->data[1], 0.0f);
  interp_tensor_free (yb);
  interp_tensor_free (x1);
  interp_tensor_free (x);
  interp_net_free (net);
}

/* ---- injection ------------------------------------------------------------------------------ */

static InterpTensor *
input_grad_for (InterpNet *net, const InterpTensor *x, gboolean loss, int inner,
                const float *w)
{
  cr_assert (interp_net_forward (net, x, NULL));
  interp_net_zero_grad (net);
  interp_net_zero_param_grad (net);
  int out = interp_net_output_node (net);
  if (loss)
    interp_softmax_cross_entropy (interp_net_value (net, out), labels8, 0.0f,
                                  interp_net_grad (net, out), 1.0f, NULL);
  if (inner >= 0)
    {
      InterpTensor *g = interp_net_grad (net, inner);
      for (size_t i = 0; i < g->numel; i++)
        g->data[i] += w[i];
    }
  interp_net_backward (net);
  return interp_tensor_copy (interp_net_input_grad (net));
}

Test (net, inner_scalar_and_injection_add_up)
{
  InterpNet *net = build_cnn ();
  init_seed (net, 5);
  interp_net_set_input_grad (net, TRUE);
  InterpTensor *x = random_images (4, 2, 8, 8, 10);
  int inner = interp_net_find (net, "layer1.0.bn1");
  size_t n_inner = 4 * 4 * 8 * 8;
  float *w = g_new (float, n_inner);
  InterpRng rng;
  interp_rng_seed (&rng, 3);
  for (size_t i = 0; i < n_inner; i++)
    w[i] = (float) (interp_rng_uniform (&rng) - 0.5);

  /* Gradient of sum(w * inner) alone, against finite differences. */
  InterpTensor *gi = input_grad_for (net, x, FALSE, inner, w);
  for (size_t k = 0; k < x->numel; k += 37)
    {
      double lsum[2];
      for (int side = 0; side < 2; side++)
        {
          float keep = x->data[k];
          x->data[k] = keep + (side ? -1e-2f : 1e-2f);
          cr_assert (interp_net_forward_to (net, x, inner, NULL));
          const InterpTensor *v = interp_net_value (net, inner);
          lsum[side] = 0;
          for (size_t i = 0; i < n_inner; i++)
            lsum[side] += (double) w[i] * v->data[i];
          x->data[k] = keep;
        }
      double fd = (lsum[0] - lsum[1]) / 2e-2;
      cr_assert (fabs (fd - gi->data[k]) < 1e-2 * (1 + fabs (fd)), "x[%zu]: %g vs fd %g", k,
                 (double) gi->data[k], fd);
    }
  InterpTensor *gl = input_grad_for (net, x, TRUE, -1, NULL);
  InterpTensor *gb = input_grad_for (net, x, TRUE, inner, w);
  for (size_t i = 0; i < x->numel; i++)
    cr_assert (fabs (gb->data[i] - (gl->data[i] + gi->data[i]))
               <= 1e-5 * (1 + fabs (gb->data[i])));
  interp_tensor_free (gi);
  interp_tensor_free (gl);
  interp_tensor_free (gb);
  g_free (w);
  interp_tensor_free (x);
  interp_net_free (net);
}

Test (net, backward_accumulates_and_input_grad_switch)
{
  InterpNet *net = build_cnn ();
  init_seed (net, 6);
  InterpTensor *x = random_images (4, 2, 8, 8, 11);
  interp_net_zero_param_grad (net);
  loss_step (net, x, labels8);
  InterpTensor *g1 = interp_tensor_copy (interp_net_find_param (net, "conv1.weight")->grad);
  /* Input gradient off: stays zero. */
  const InterpTensor *gx = interp_net_input_grad (net);
  for (size_t i = 0; i < gx->numel; i++)
    cr_assert_eq (gx->data[i], 0.0f);
  /* A second backward without zero_param_grad doubles the parameter gradients. */
  loss_step (net, x, labels8);
  const InterpTensor *g2 = interp_net_find_param (net, "conv1.weight")->grad;
  for (size_t i = 0; i < g1->numel; i++)
    cr_assert_float_eq (g2->data[i], 2 * g1->data[i], 1e-6 * (1 + fabs (g1->data[i])));
  /* Switching the input gradient on does not change parameter gradients. */
  interp_net_set_input_grad (net, TRUE);
  interp_net_zero_param_grad (net);
  loss_step (net, x, labels8);
  cr_assert_arr_eq (interp_net_find_param (net, "conv1.weight")->grad->data, g1->data,
                    g1->numel * sizeof (float));
  gx = interp_net_input_grad (net);
  double norm = 0;
  for (size_t i = 0; i < gx->numel; i++)
    norm += fabs (gx->data[i]);
  cr_assert_gt (norm, 0.0);
  interp_tensor_free (g1);
  interp_tensor_free (x);
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
static InterpTensor *
conv_grad_with_threads (int threads, InterpTensor **gx)
{
  interp_set_threads (threads);
  InterpNet *net = interp_net_new (3, 9, 9);
  int a = interp_net_conv2d (net, "c1", 0, 8, 3, 1, 1, 1, TRUE, NULL);
  int b = interp_net_conv2d (net, "c2", a, 8, 3, 2, 1, 1, TRUE, NULL);
  int c = interp_net_conv2d (net, "c3", b, 4, 1, 1, 0, 1, FALSE, NULL);
  init_seed (net, 21);
  interp_net_set_input_grad (net, TRUE);
  InterpTensor *x = random_images (13, 3, 9, 9, 22);
  cr_assert (interp_net_forward (net, x, NULL));
  interp_net_zero_grad (net);
  interp_net_zero_param_grad (net);
  InterpTensor *g = interp_net_grad (net, c);
  for (size_t i = 0; i < g->numel; i++)
    g->data[i] = (float) ((i * 7919) % 13) - 6.0f;
  interp_net_backward (net);
  InterpTensor *gw = interp_tensor_copy (interp_net_find_param (net, "c1.weight")->grad);
  *gx = interp_tensor_copy (interp_net_input_grad (net));
  interp_tensor_free (x);
  interp_net_free (net);
  return gw;
}

Test (net, conv_grads_independent_of_threads)
{
  InterpTensor *x1, *x2;
  InterpTensor *g1 = conv_grad_with_threads (1, &x1);
  InterpTensor *g2 = conv_grad_with_threads (2, &x2);
  cr_assert_arr_eq (g1->data, g2->data, g1->numel * sizeof (float));
  cr_assert_arr_eq (x1->data, x2->data, x1->numel * sizeof (float));
  interp_tensor_free (g1);
  interp_tensor_free (g2);
  interp_tensor_free (x1);
  interp_tensor_free (x2);
}
