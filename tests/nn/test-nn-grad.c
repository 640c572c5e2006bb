/* Every layer's input and parameter gradients against central finite
 * differences of a random linear probe L = sum_i w_i y_i of a node's output. */
#include <criterion/criterion.h>

#include <math.h>
#include <string.h>

#include <interp/interp.h>

typedef struct {
  InterpNet *net;
  InterpTensor *x;
  int out;
  float *w;                 /* probe weights, one per output element */
  size_t n_out;
  InterpRng rng0;           /* dropout stream at the start: every pass draws the same masks */
} Probe;

static InterpTensor *
random_tensor (int ndim, const int64_t *shape, uint64_t seed, float lo, float hi)
{
  InterpTensor *t = interp_tensor_new (ndim, shape);
  InterpRng rng;
  interp_rng_seed (&rng, seed);
  for (size_t i = 0; i < t->numel; i++)
    t->data[i] = lo + (hi - lo) * (float) interp_rng_uniform (&rng);
  return t;
}

static double
probe_forward (Probe *p)
{
  *interp_net_rng (p->net) = p->rng0;
  GError *err = NULL;
  cr_assert (interp_net_forward_to (p->net, p->x, p->out, &err), "%s", err ? err->message : "");
  const InterpTensor *y = interp_net_value (p->net, p->out);
  if (p->w == NULL)
    {
      InterpRng rng;
      interp_rng_seed (&rng, 4242);
      p->n_out = y->numel;
      p->w = g_new (float, y->numel);
      for (size_t i = 0; i < y->numel; i++)
        p->w[i] = (float) (2.0 * interp_rng_uniform (&rng) - 1.0);
    }
  cr_assert_eq (y->numel, p->n_out);
  double l = 0.0;
  for (size_t i = 0; i < y->numel; i++)
    l += (double) p->w[i] * (double) y->data[i];
  return l;
}

static void
probe_backward (Probe *p)
{
  probe_forward (p);
  interp_net_zero_grad (p->net);
  interp_net_zero_param_grad (p->net);
  InterpTensor *g = interp_net_grad (p->net, p->out);
  for (size_t i = 0; i < g->numel; i++)
    g->data[i] += p->w[i];
  interp_net_backward (p->net);
}

/* Compares analytic[0..n) with central differences of the probe in the
 * floats values[0..n). */
static void
check_fd (Probe *p, const char *what, float *values, const float *analytic, size_t n,
          double h, double tol)
{
  double *fd = g_new (double, n);
  double scale = 1e-3;
  for (size_t i = 0; i < n; i++)
    {
      float v = values[i];
      values[i] = v + (float) h;
      double lp = probe_forward (p);
      values[i] = v - (float) h;
      double lm = probe_forward (p);
      values[i] = v;
      fd[i] = (lp - lm) / (2.0 * h);
      scale = fmax (scale, fabs (fd[i]));
    }
  for (size_t i = 0; i < n; i++)
    cr_assert (fabs (analytic[i] - fd[i]) <= tol * scale,
               "%s[%zu]: analytic %.6g, finite difference %.6g (scale %.3g)",
               what, i, (double) analytic[i], fd[i], scale);
  g_free (fd);
}

/* Checks d/d(input) and d/d(every trainable parameter) of the probe at
 * node `out`. */
static void
check_net (InterpNet *net, InterpTensor *x, int out, double h, double tol)
{
  Probe p = { .net = net, .x = x, .out = out };
  p.rng0 = *interp_net_rng (net);
  interp_net_set_input_grad (net, TRUE);
  probe_backward (&p);
  const InterpTensor *gx = interp_net_input_grad (net);
  cr_assert_eq (gx->numel, x->numel);
  float *ax = g_memdup2 (gx->data, gx->numel * sizeof (float));
  int np = interp_net_n_params (net);
  float **ap = g_new0 (float *, np);
  for (int i = 0; i < np; i++)
    {
      InterpParam *prm = interp_net_param (net, i);
      if (!prm->is_buffer)
        ap[i] = g_memdup2 (prm->grad->data, prm->grad->numel * sizeof (float));
    }
  check_fd (&p, "input", x->data, ax, x->numel, h, tol);
  for (int i = 0; i < np; i++)
    {
      InterpParam *prm = interp_net_param (net, i);
      if (!prm->is_buffer)
        check_fd (&p, prm->name, prm->value->data, ap[i], prm->value->numel, h, tol);
      g_free (ap[i]);
    }
  g_free (ap);
  g_free (ax);
  probe_forward (&p);   /* leave the unperturbed forward pass behind */
  g_free (p.w);
}

static void
init_net (InterpNet *net, uint64_t seed)
{
  InterpRng rng;
  interp_rng_seed (&rng, seed);
  interp_net_init (net, &rng);
  /* Non-trivial biases and BN affine parameters, so their gradients are exercised. */
  for (int i = 0; i < interp_net_n_params (net); i++)
    {
      InterpParam *p = interp_net_param (net, i);
      if (p->is_buffer)
        continue;
      if (g_str_has_suffix (p->name, ".bias"))
        for (size_t j = 0; j < p->value->numel; j++)
          p->value->data[j] = (float) (interp_rng_uniform (&rng) - 0.5);
      if (p->value->ndim == 1 && g_str_has_suffix (p->name, ".weight"))
        for (size_t j = 0; j < p->value->numel; j++)
          p->value->data[j] = (float) (0.5 + interp_rng_uniform (&rng));
    }
}

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
