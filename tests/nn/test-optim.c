/* Optimisers: one- and two-step updates against hand-computed values, the
 * rules PyTorch applies (cross-checked against torch when it is installed),
 * frozen parameters, masks, and bit-identical resume through save/load. */
#include "config.h"

#include <criterion/criterion.h>
#include <float.h>
#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include <interp/checkpoint.h>
#include <interp/error.h>
#include <interp/optim.h>

/* fc: 3 -> 2 with bias: "fc.weight" [2, 3], "fc.bias" [2]. */
static InterpNet *
linear_net (void)
{
  InterpNet *net = interp_net_new (3, 1, 1);
  GError *error = NULL;
  int fc = interp_net_linear (net, "fc", 0, 2, TRUE, &error);
  cr_assert (fc > 0, "%s", error ? error->message : "");
  return net;
}

static void
fill_params (InterpNet *net, float value, float grad)
{
  for (int i = 0; i < interp_net_n_params (net); i++)
    {
      InterpParam *p = interp_net_param (net, i);
      interp_tensor_fill (p->value, value);
      if (p->grad)
        interp_tensor_fill (p->grad, grad);
    }
}

static void
fill_grads (InterpNet *net, float grad)
{
  for (int i = 0; i < interp_net_n_params (net); i++)
    {
      InterpParam *p = interp_net_param (net, i);
      if (p->grad)
        interp_tensor_fill (p->grad, grad);
    }
}

/* Every parameter value equals `want` to float precision. */
static void
assert_all (InterpNet *net, double want, const char *what)
{
  for (int i = 0; i < interp_net_n_params (net); i++)
    {
      InterpParam *p = interp_net_param (net, i);
      for (size_t j = 0; j < p->value->numel; j++)
        cr_assert (fabs (p->value->data[j] - want) <= 2e-7 * fabs (want) + 1e-9,
                   "%s: %s[%zu] = %.9g, want %.9g", what, p->name, j,
                   (double) p->value->data[j], want);
    }
}

static InterpOptim *
new_optim (InterpNet *net, InterpOptimKind kind, double momentum, gboolean nesterov,
           double wd)
{
  InterpOptimConfig c;
  interp_optim_config_init (&c, kind);
  c.momentum = momentum;
  c.nesterov = nesterov;
  c.weight_decay = wd;
  InterpOptim *opt = interp_optim_new (net, &c);
  cr_assert_not_null (opt);
  return opt;
}

/* ---- update rules against hand-computed values --------------------------- */

Test (optim, sgd_plain)
{
  InterpNet *net = linear_net ();
  fill_params (net, 1.0f, 0.5f);
  InterpOptim *opt = new_optim (net, INTERP_OPTIM_SGD, 0, FALSE, 0);
  interp_optim_step (opt, 0.1);
  assert_all (net, 0.95, "step 1");
  interp_optim_step (opt, 0.2);
  assert_all (net, 0.85, "step 2");
  /* Momentum 0 keeps no buffer: only the step count is state. */
  cr_assert_eq (interp_optim_n_state (opt), 1);
  cr_assert_str_eq (interp_optim_state_name (opt, 0), "step");
  cr_assert_eq (interp_optim_state (opt, 0)->data[0], 2.0f);
  cr_assert_eq (interp_optim_steps (opt), 2);
  interp_optim_free (opt);
  interp_net_free (net);
}

Test (optim, sgd_momentum_weight_decay)
{
  InterpNet *net = linear_net ();
  fill_params (net, 1.0f, 0.5f);
  InterpOptim *opt = new_optim (net, INTERP_OPTIM_SGD, 0.9, FALSE, 0.01);
  cr_assert_eq (interp_optim_n_state (opt), 1);
  interp_optim_step (opt, 0.1);
  /* d = 0.5 + 0.01 * 1 = 0.51; the buffer starts as d. */
  assert_all (net, 0.949, "step 1");
  interp_optim_step (opt, 0.1);
  /* d = 0.5 + 0.01 * 0.949; b = 0.9 * 0.51 + d; p = 0.949 - 0.1 b. */
  assert_all (net, 0.852151, "step 2");

  cr_assert_eq (interp_optim_n_state (opt), 3);
  cr_assert_str_eq (interp_optim_state_name (opt, 1), "fc.weight.momentum_buffer");
  cr_assert_str_eq (interp_optim_state_name (opt, 2), "fc.bias.momentum_buffer");
  InterpTensor *b = interp_optim_state (opt, 1);
  cr_assert_eq (b->ndim, 2);
  cr_assert_eq (b->shape[0], 2);
  cr_assert_eq (b->shape[1], 3);
  cr_assert_float_eq (b->data[0], 0.9 * 0.51 + 0.5 + 0.01 * 0.949, 1e-6);
  interp_optim_free (opt);
  interp_net_free (net);
}

Test (optim, sgd_nesterov)
{
  InterpNet *net = linear_net ();
  fill_params (net, 1.0f, 0.5f);
  InterpOptim *opt = new_optim (net, INTERP_OPTIM_SGD, 0.9, TRUE, 0.01);
  interp_optim_step (opt, 0.1);
  /* b = d = 0.51; step d + 0.9 b = 0.969. */
  assert_all (net, 0.9031, "step 1");
  interp_optim_step (opt, 0.1);
  assert_all (net, 0.76507411, "step 2");
  interp_optim_free (opt);
  interp_net_free (net);
}

/* PyTorch creates the buffer lazily, on a parameter's first step, as a copy
 * of the (decayed) gradient; before that there is no state to save. */
Test (optim, sgd_buffer_created_on_first_step)
{
  InterpNet *net = linear_net ();
  fill_params (net, 2.0f, 0.25f);
  InterpOptim *opt = new_optim (net, INTERP_OPTIM_SGD, 0.5, FALSE, 0.5);
  cr_assert_eq (interp_optim_n_state (opt), 1);
  interp_optim_step (opt, 0.0);
  cr_assert_eq (interp_optim_n_state (opt), 3);
  for (int i = 1; i < interp_optim_n_state (opt); i++)
    {
      InterpTensor *b = interp_optim_state (opt, i);
      for (size_t j = 0; j < b->numel; j++)
        cr_assert_eq (b->data[j], 0.25f + 0.5f * 2.0f);
    }
  assert_all (net, 2.0, "lr 0 leaves parameters");
  interp_optim_free (opt);
  interp_net_free (net);
}

Test (optim, adam)
{
  InterpNet *net = linear_net ();
  fill_params (net, 1.0f, 0.5f);
  InterpOptim *opt = new_optim (net, INTERP_OPTIM_ADAM, 0, FALSE, 0);
  interp_optim_step (opt, 0.1);
  /* The first Adam step moves by lr * g / (|g| + eps). */
  assert_all (net, 0.9000000019999999, "step 1");
  fill_grads (net, -1.0f);
  interp_optim_step (opt, 0.1);
  /* m = -0.055, v = 0.00124975, bias-corrected by 0.19 and 0.001999. */
  assert_all (net, 0.9366103542405653, "step 2");

  cr_assert_eq (interp_optim_n_state (opt), 7);
  const char *want[] = { "step", "fc.weight.exp_avg", "fc.weight.exp_avg_sq", "fc.weight.step",
                         "fc.bias.exp_avg", "fc.bias.exp_avg_sq", "fc.bias.step" };
  for (int i = 0; i < 7; i++)
    cr_assert_str_eq (interp_optim_state_name (opt, i), want[i]);
  cr_assert_float_eq (interp_optim_state (opt, 1)->data[0], -0.055, 1e-7);
  cr_assert_float_eq (interp_optim_state (opt, 2)->data[0], 0.00124975, 1e-9);
  cr_assert_eq (interp_optim_state (opt, 3)->data[0], 2.0f);
  interp_optim_free (opt);
  interp_net_free (net);
}

Test (optim, adam_l2_weight_decay)
{
  InterpNet *net = linear_net ();
  fill_params (net, 1.0f, 0.5f);
  InterpOptim *opt = new_optim (net, INTERP_OPTIM_ADAM, 0, FALSE, 0.1);
  interp_optim_step (opt, 0.1);
  assert_all (net, 0.9000000016666666, "step 1");
  interp_optim_step (opt, 0.1);
  /* g = 0.5 + 0.1 * 0.9 = 0.59 enters the moments. */
  assert_all (net, 0.8000473404883315, "step 2");
  interp_optim_free (opt);
  interp_net_free (net);
}

Test (optim, adamw_decoupled_decay)
{
  InterpNet *net = linear_net ();
  fill_params (net, 1.0f, 0.5f);
  InterpOptim *opt = new_optim (net, INTERP_OPTIM_ADAMW, 0, FALSE, 0.01);
  interp_optim_step (opt, 0.1);
  /* p = 1 (1 - 0.1 * 0.01) - 0.1: decay never enters the moments. */
  assert_all (net, 0.8990000019999999, "step 1");
  fill_grads (net, -1.0f);
  interp_optim_step (opt, 0.1);
  assert_all (net, 0.9347113542385652, "step 2");
  cr_assert_float_eq (interp_optim_state (opt, 1)->data[0], -0.055, 1e-7);
  interp_optim_free (opt);
  interp_net_free (net);
}

/* ---- frozen parameters, buffers, masks ------------------------------------ */

Test (optim, frozen_and_buffers_are_skipped)
{
  InterpNet *net = interp_net_new (1, 3, 3);
  GError *error = NULL;
  int conv = interp_net_conv2d (net, "conv", 0, 2, 3, 1, 1, 1, FALSE, &error);
  int bn = interp_net_batchnorm (net, "bn", conv, 1e-5f, 0.1f, &error);
  int flat = interp_net_flatten (net, "flat", bn, &error);
  int fc = interp_net_linear (net, "fc", flat, 2, TRUE, &error);
  cr_assert (fc > 0, "%s", error ? error->message : "");
  fill_params (net, 1.0f, 0.5f);
  interp_net_set_frozen (net, conv, TRUE);

  InterpOptim *opt = new_optim (net, INTERP_OPTIM_ADAM, 0, FALSE, 0);
  interp_optim_step (opt, 0.1);
  cr_assert_eq (interp_net_find_param (net, "conv.weight")->value->data[0], 1.0f);
  cr_assert_eq (interp_net_find_param (net, "bn.running_mean")->value->data[0], 1.0f);
  cr_assert_eq (interp_net_find_param (net, "bn.running_var")->value->data[1], 1.0f);
  cr_assert_float_eq (interp_net_find_param (net, "bn.weight")->value->data[0], 0.9, 1e-6);
  cr_assert_float_eq (interp_net_find_param (net, "fc.bias")->value->data[1], 0.9, 1e-6);
  for (int i = 0; i < interp_optim_n_state (opt); i++)
    {
      const char *name = interp_optim_state_name (opt, i);
      cr_assert_not (g_str_has_prefix (name, "conv."), "%s", name);
      cr_assert_not (g_str_has_prefix (name, "bn.running"), "%s", name);
    }

  /* Unfrozen later, conv starts its own Adam clock: its first step moves by
   * lr exactly like a first step, while fc is at step 2. */
  interp_net_set_frozen (net, conv, FALSE);
  interp_optim_step (opt, 0.1);
  cr_assert_float_eq (interp_net_find_param (net, "conv.weight")->value->data[0], 0.9, 1e-6);
  gboolean found = FALSE;
  for (int i = 0; i < interp_optim_n_state (opt); i++)
    if (g_str_equal (interp_optim_state_name (opt, i), "conv.weight.step"))
      {
        cr_assert_eq (interp_optim_state (opt, i)->data[0], 1.0f);
        found = TRUE;
      }
  cr_assert (found);
  cr_assert_eq (interp_optim_steps (opt), 2);
  interp_optim_free (opt);
  interp_net_free (net);
}

Test (optim, masks_are_reapplied)
{
  InterpNet *net = linear_net ();
  fill_params (net, 1.0f, 0.5f);
  InterpTensor *mask = interp_tensor_new_2d (2, 3);
  interp_tensor_fill (mask, 1.0f);
  mask->data[1] = 0.0f;
  mask->data[4] = 0.0f;
  cr_assert (interp_net_set_mask (net, "fc.weight", mask, NULL));
  fill_grads (net, 0.5f);  /* gradients of masked entries deliberately nonzero */
  InterpOptim *opt = new_optim (net, INTERP_OPTIM_SGD, 0.9, FALSE, 0.1);
  interp_optim_step (opt, 0.1);
  interp_optim_step (opt, 0.1);
  const InterpTensor *w = interp_net_find_param (net, "fc.weight")->value;
  for (int j = 0; j < 6; j++)
    {
      if (j == 1 || j == 4)
        cr_assert_eq (w->data[j], 0.0f, "masked weight %d = %g", j, w->data[j]);
      else
        cr_assert_neq (w->data[j], 1.0f);
    }
  interp_tensor_free (mask);
  interp_optim_free (opt);
  interp_net_free (net);
}

/* The optimiser drives a real forward/backward to a lower loss: fit
 * y = W x to a target with 0.5 |y - t|^2. */
static double
quadratic_step (InterpNet *net, const InterpTensor *x, const float *target)
{
  cr_assert (interp_net_forward (net, x, NULL));
  int out = interp_net_output_node (net);
  const InterpTensor *y = interp_net_value (net, out);
  interp_net_zero_grad (net);
  interp_net_zero_param_grad (net);
  InterpTensor *gy = interp_net_grad (net, out);
  double loss = 0;
  for (size_t i = 0; i < y->numel; i++)
    {
      double d = y->data[i] - target[i];
      loss += 0.5 * d * d;
      gy->data[i] = (float) d;
    }
  interp_net_backward (net);
  return loss;
}

Test (optim, every_kind_reduces_a_real_loss)
{
  InterpOptimKind kinds[] = { INTERP_OPTIM_SGD, INTERP_OPTIM_ADAM, INTERP_OPTIM_ADAMW };
  InterpTensor *x = interp_tensor_new_4d (4, 3, 1, 1);
  for (size_t i = 0; i < x->numel; i++)
    x->data[i] = (float) ((int) (i * 7 % 5) - 2) / 2.0f;
  const float target[8] = { 1, -1, 0.5f, 2, -0.5f, 0, 1, 1 };
  for (size_t k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      InterpNet *net = linear_net ();
      InterpRng rng;
      interp_rng_derive (&rng, 3, "init");
      interp_net_init (net, &rng);
      InterpOptim *opt = new_optim (net, kinds[k], 0.9, FALSE, 0);
      double first = quadratic_step (net, x, target), last = first;
      for (int s = 0; s < 50; s++)
        {
          interp_optim_step (opt, 0.05);
          last = quadratic_step (net, x, target);
        }
      cr_assert (last < 0.5 * first, "kind %zu: loss %g -> %g", k, first, last);
      interp_optim_free (opt);
      interp_net_free (net);
    }
  interp_tensor_free (x);
}

/* ---- PyTorch cross-check ---------------------------------------------------- */

static gboolean
have_torch (void)
{
  if (!g_file_test ("/usr/bin/python3", G_FILE_TEST_IS_EXECUTABLE))
    return FALSE;
  char *argv[] = { "/usr/bin/python3", "-c", "import torch", NULL };
  int status = 1;
  if (!g_spawn_sync (NULL, argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                     NULL, NULL, NULL, NULL, &status, NULL))
    return FALSE;
  return g_spawn_check_wait_status (status, NULL);
}

/* Exactly representable inputs both sides compute from the same formula:
 * a 40 -> 25 linear layer (1025 values, enough for torch's vector kernels
 * and their scalar tails) and three steps of gradients. */
#define XN_IN 40
#define XN_OUT 25
#define XN (XN_IN * XN_OUT + XN_OUT)
static float
x_param (int i)
{
  return (float) ((i * 37) % 101 - 50) / 32.0f;
}

static float
x_grad (int s, int i)
{
  return (float) ((i * 53 + s * 17) % 97 - 48) / 64.0f;
}

static const double x_lrs[3] = { 0.1, 0.05, 0.02 };

static const char cross_prelude[] =
  "import struct, torch\n"
  "NI, NO = 40, 25\n"
  "N = NI * NO + NO\n"
  "def par(i): return ((i * 37) % 101 - 50) / 32.0\n"
  "def grd(s, i): return ((i * 53 + s * 17) % 97 - 48) / 64.0\n"
  "def run(make):\n"
  "    v = torch.tensor([par(i) for i in range(N)], dtype=torch.float32)\n"
  "    w = v[:NI * NO].reshape(NO, NI).clone().requires_grad_()\n"
  "    b = v[NI * NO:].clone().requires_grad_()\n"
  "    opt = make([w, b])\n"
  "    for s, lr in enumerate([0.1, 0.05, 0.02]):\n"
  "        g = torch.tensor([grd(s, i) for i in range(N)], dtype=torch.float32)\n"
  "        w.grad = g[:NI * NO].reshape(NO, NI).clone()\n"
  "        b.grad = g[NI * NO:].clone()\n"
  "        for grp in opt.param_groups: grp['lr'] = lr\n"
  "        opt.step()\n"
  "    out = w.detach().flatten().tolist() + b.detach().tolist()\n"
  "    print(' '.join(str(struct.unpack('<I', struct.pack('<f', x))[0]) for x in out))\n";

static void
cross_case (InterpOptimKind kind, double momentum, gboolean nesterov, double wd, float *ours)
{
  InterpNet *net = interp_net_new (XN_IN, 1, 1);
  cr_assert (interp_net_linear (net, "fc", 0, XN_OUT, TRUE, NULL) > 0);
  InterpParam *w = interp_net_find_param (net, "fc.weight");
  InterpParam *b = interp_net_find_param (net, "fc.bias");
  for (int i = 0; i < XN; i++)
    *(i < XN_IN * XN_OUT ? &w->value->data[i] : &b->value->data[i - XN_IN * XN_OUT])
      = x_param (i);
  InterpOptim *opt = new_optim (net, kind, momentum, nesterov, wd);
  for (int s = 0; s < 3; s++)
    {
      for (int i = 0; i < XN; i++)
        *(i < XN_IN * XN_OUT ? &w->grad->data[i] : &b->grad->data[i - XN_IN * XN_OUT])
          = x_grad (s, i);
      interp_optim_step (opt, x_lrs[s]);
    }
  memcpy (ours, w->value->data, XN_IN * XN_OUT * sizeof (float));
  memcpy (ours + XN_IN * XN_OUT, b->value->data, XN_OUT * sizeof (float));
  interp_optim_free (opt);
  interp_net_free (net);
}

/* Distance in units in the last place between two finite floats. */
static guint32
ulps (float a, float b)
{
  gint32 ia, ib;
  memcpy (&ia, &a, 4);
  memcpy (&ib, &b, 4);
  if (ia < 0)
    ia = G_MININT32 - ia;
  if (ib < 0)
    ib = G_MININT32 - ib;
  return ia > ib ? (guint32) ia - (guint32) ib : (guint32) ib - (guint32) ia;
}

Test (optim, matches_torch)
{
  if (!have_torch ())
    cr_skip_test ("python3 with torch not installed");
  static const struct {
    InterpOptimKind kind;
    double momentum;
    gboolean nesterov;
    double wd;
    const char *ctor;
  } cases[] = {
    { INTERP_OPTIM_SGD, 0, FALSE, 0.01, "torch.optim.SGD(p, lr=0.1, weight_decay=0.01)" },
    { INTERP_OPTIM_SGD, 0.9, FALSE, 0.01,
      "torch.optim.SGD(p, lr=0.1, momentum=0.9, weight_decay=0.01)" },
    { INTERP_OPTIM_SGD, 0.9, TRUE, 5e-4,
      "torch.optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True, weight_decay=5e-4)" },
    { INTERP_OPTIM_ADAM, 0, FALSE, 0, "torch.optim.Adam(p, lr=0.1)" },
    { INTERP_OPTIM_ADAM, 0, FALSE, 0.1, "torch.optim.Adam(p, lr=0.1, weight_decay=0.1)" },
    { INTERP_OPTIM_ADAMW, 0, FALSE, 0.05, "torch.optim.AdamW(p, lr=0.1, weight_decay=0.05)" },
  };
  enum { N = G_N_ELEMENTS (cases) };
  GString *script = g_string_new (cross_prelude);
  for (int c = 0; c < N; c++)
    g_string_append_printf (script, "run(lambda p: %s)\n", cases[c].ctor);

  char *argv[] = { "/usr/bin/python3", "-c", script->str, NULL };
  char *out = NULL, *err = NULL;
  int status = 0;
  cr_assert (g_spawn_sync (NULL, argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err,
                           &status, NULL));
  cr_assert (g_spawn_check_wait_status (status, NULL), "python: %s", err);
  char **lines = g_strsplit (g_strstrip (out), "\n", -1);
  cr_assert_eq (g_strv_length (lines), N, "%s", out);
  float *ours = g_new (float, XN);
  for (int c = 0; c < N; c++)
    {
      cross_case (cases[c].kind, cases[c].momentum, cases[c].nesterov, cases[c].wd, ours);
      char **vals = g_strsplit (lines[c], " ", -1);
      cr_assert_eq (g_strv_length (vals), XN);
      guint32 worst = 0;
      for (int i = 0; i < XN; i++)
        {
          guint32 bits = (guint32) g_ascii_strtoull (vals[i], NULL, 10);
          float ref;
          memcpy (&ref, &bits, 4);
          worst = MAX (worst, ulps (ours[i], ref));
          /* Same rule, same roundings: bit-identical to PyTorch's AVX2
           * kernels; other builds of torch may fuse differently, hence a
           * margin of 2 ulps.  A wrong rule is off by far more. */
          cr_assert (ulps (ours[i], ref) <= 2, "%s: value %d ours %.9g torch %.9g", cases[c].ctor,
                     i, (double) ours[i], (double) ref);
        }
      if (worst > 0)
        cr_log_warn ("%s: up to %u ulps from torch", cases[c].ctor, worst);
      g_strfreev (vals);
    }
  g_free (ours);
  g_strfreev (lines);
  g_free (out);
  g_free (err);
  g_string_free (script, TRUE);
}

/* ---- configuration ---------------------------------------------------------- */

Test (optim, config_defaults_and_check)
{
  InterpOptimConfig c;
  interp_optim_config_init (&c, INTERP_OPTIM_ADAMW);
  cr_assert_eq (c.beta1, 0.9);
  cr_assert_eq (c.beta2, 0.999);
  cr_assert_eq (c.eps, 1e-8);
  cr_assert_eq (c.weight_decay, 1e-2);
  cr_assert (interp_optim_config_check (&c, NULL));

  struct {
    InterpOptimKind kind;
    double momentum, wd, beta1, beta2, eps;
    gboolean nesterov;
    const char *field;
  } bad[] = {
    { INTERP_OPTIM_SGD, -0.1, 0, 0.9, 0.999, 1e-8, FALSE, "momentum" },
    { INTERP_OPTIM_SGD, 0, 0, 0.9, 0.999, 1e-8, TRUE, "nesterov" },
    { INTERP_OPTIM_SGD, 0.9, -1, 0.9, 0.999, 1e-8, FALSE, "weight decay" },
    { INTERP_OPTIM_ADAM, 0, 0, 1.0, 0.999, 1e-8, FALSE, "beta1" },
    { INTERP_OPTIM_ADAM, 0, 0, 0.9, -0.1, 1e-8, FALSE, "beta2" },
    { INTERP_OPTIM_ADAMW, 0, 0, 0.9, 0.999, -1, FALSE, "eps" },
  };
  for (size_t i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      InterpOptimConfig b = { .kind = bad[i].kind, .momentum = bad[i].momentum,
                              .nesterov = bad[i].nesterov, .weight_decay = bad[i].wd,
                              .beta1 = bad[i].beta1, .beta2 = bad[i].beta2, .eps = bad[i].eps };
      GError *error = NULL;
      cr_assert_not (interp_optim_config_check (&b, &error), "case %zu", i);
      cr_assert_eq (error->code, INTERP_ERROR_OUT_OF_RANGE);
      cr_assert_not_null (strstr (error->message, bad[i].field), "%s", error->message);
      g_error_free (error);
    }
}
