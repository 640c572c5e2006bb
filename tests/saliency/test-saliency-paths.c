/* The path methods of interp-saliency (gradient, gradient-x-input,
 * integrated-gradients, noise-tunnel, gradient-shap) against hand-computed
 * values, finite differences and their defining identities. */
#include "config.h"

#include <math.h>
#include <string.h>

#include <criterion/criterion.h>

#include "saliency-fixture.h"
#include "path-common.h"

/* ---- gradient ------------------------------------------------------------ */

/* Central differences with step h on float inputs.  The net is piecewise
 * linear (relu, maxpool), so where no kink lies within +-h of x the
 * difference quotient is exact but for rounding: the logits (|z| < 4) carry
 * about eps_f |z| = 6e-8 * 4 each, divided by 2h = 2e-2: 2.4e-5; the
 * analytic gradient is a float sum of ~40 products below 1 (relative error
 * ~40 eps_f = 2.4e-6).  A kink inside +-h would instead show as an error
 * of the size of a weight product (~0.1), so 1e-3 tells the two apart;
 * these fixed images and weights cross none (should a change make one
 * cross, shrink h rather than loosen the tolerance). */
Test (gradient, matches_finite_differences_on_the_conv_net)
{
  InterpNet *net = sal_conv_net (FALSE);
  InterpTensor *x = sal_images (2, 1, SAL_SIDE, SAL_SIDE, 3);
  const int32_t targets[2] = { 0, 2 };
  SalMethod *m = sal_method ("gradient", NULL);
  InterpTensor *attr = interp_tensor_new_4d (1, 1, 1, 1);
  sal_attribute (m, net, x, targets, 1, attr, NULL);
  double *fd = g_new (double, x->numel);
  sal_fd_grad (net, x, targets, 1e-2, fd);
  double worst = 0.0;
  for (size_t j = 0; j < x->numel; j++)
    worst = MAX (worst, fabs (fd[j] - attr->data[j]));
  cr_assert_lt (worst, 1e-3, "gradient vs finite differences: %g", worst);
  g_free (fd);
  interp_tensor_free (attr);
  sal_method_free (m);
  interp_tensor_free (x);
  interp_net_free (net);
}

/* ---- helpers ------------------------------------------------------------- */

static InterpTensor *
empty (void)
{
  return interp_tensor_new_4d (1, 1, 1, 1);
}

/* |a - b| <= tol_rel * |b| + tol_abs for every element. */
static void
assert_close (const float *a, const float *b, size_t n, double tol_rel, double tol_abs,
              const char *what)
{
  for (size_t j = 0; j < n; j++)
    cr_assert_leq (fabs ((double) a[j] - (double) b[j]), tol_rel * fabs ((double) b[j]) + tol_abs,
                   "%s: element %zu: %.9g vs %.9g", what, j, (double) a[j], (double) b[j]);
}

static void
assert_same (const InterpTensor *a, const InterpTensor *b, const char *what)
{
  cr_assert (interp_tensor_same_shape (a, b), "%s: shapes differ", what);
  cr_assert (memcmp (a->data, b->data, a->numel * sizeof (float)) == 0,
             "%s: not bit-identical (max diff %g)", what,
             sal_max_abs_diff (a->data, b->data, a->numel));
}

/* An affine model on 2 x 3 x 3 images: normalize (mean m_c, std s_c) ->
 * flatten -> linear "fc" to 2 classes, weights sal_weight.  d z_t / dx_j =
 * W_tj / s_c(j), so every path method's map is (x - b)_j W_tj / s_c(j). */
enum { AFF_C = 2, AFF_S = 3, AFF_F = AFF_C * AFF_S * AFF_S, AFF_K = 2 };
static const float aff_mean[AFF_C] = { 0.5f, 0.25f }, aff_std[AFF_C] = { 0.25f, 0.5f };

static InterpNet *
affine_net (void)
{
  GError *error = NULL;
  InterpNet *net = interp_net_new (AFF_C, AFF_S, AFF_S);
  int a = interp_net_normalize (net, "normalize", 0, aff_mean, aff_std, &error);
  a = interp_net_flatten (net, "flat", a, &error);
  cr_assert_geq (interp_net_linear (net, "fc", a, AFF_K, TRUE, &error), 0);
  float w[AFF_K * AFF_F], b[AFF_K] = { 0.3f, -0.2f };
  for (int j = 0; j < AFF_K * AFF_F; j++)
    w[j] = sal_weight (j, 0.7);
  sal_set_param (net, "fc.weight", w, AFF_K * AFF_F);
  sal_set_param (net, "fc.bias", b, AFF_K);
  interp_net_set_mode (net, INTERP_MODE_EVAL);
  return net;
}

/* ---- gradient x input ----------------------------------------------------- */

Test (gradient_x_input, is_x_times_the_weight_row_on_a_linear_model)
{
  const float w[2 * 3] = { 1.0f, -2.0f, 0.5f, 3.0f, 0.25f, -1.0f }, b[2] = { 0.1f, 0.2f };
  InterpNet *net = sal_linear_net (3, 2, w, b);
  InterpTensor *x = interp_tensor_new_4d (2, 3, 1, 1);
  const float xv[6] = { 0.5f, 0.25f, 2.0f, -1.0f, 4.0f, 0.125f };
  memcpy (x->data, xv, sizeof xv);
  const int32_t targets[2] = { 0, 1 };
  /* By hand: image 0 row 0 (1, -2, 0.5) * (0.5, 0.25, 2) = (0.5, -0.5, 1);
   * image 1 row 1 (3, 0.25, -1) * (-1, 4, 0.125) = (-3, 1, -0.125).  Exact
   * in float (powers of two). */
  const float expect[6] = { 0.5f, -0.5f, 1.0f, -3.0f, 1.0f, -0.125f };
  SalMethod *m = sal_method ("gradient-x-input", NULL);
  cr_assert (m->info.flags & INTERP_SALIENCY_SIGNED);
  InterpTensor *attr = empty ();
  sal_attribute (m, net, x, targets, 1, attr, NULL);
  assert_close (attr->data, expect, 6, 0.0, 0.0, "gradient-x-input");
  interp_tensor_free (attr);
  sal_method_free (m);
  interp_tensor_free (x);
  interp_net_free (net);
}

/* ---- integrated gradients: the linear identity ---------------------------- */

/* The baseline the method must have used, recomputed from its documented
 * construction (path-common.h). */
static InterpTensor *
expected_baseline (const char *kind, const InterpTensor *x, uint64_t seed)
{
  InterpTensor *b = interp_tensor_new (x->ndim, x->shape);
  const int64_t n = x->shape[0], plane = AFF_S * AFF_S;
  if (strcmp (kind, "uniform") == 0)
    {
      InterpRng rng;
      interp_rng_seed (&rng, seed);
      for (size_t j = 0; j < b->numel; j++)
        b->data[j] = (float) interp_rng_uniform (&rng);
    }
  else if (strcmp (kind, "mean") == 0)
    for (int64_t i = 0; i < n; i++)
      for (int c = 0; c < AFF_C; c++)
        for (int64_t j = 0; j < plane; j++)
          b->data[(i * AFF_C + c) * plane + j] = aff_mean[c];
  else if (strcmp (kind, "blur") == 0)
    for (int64_t i = 0; i < n; i++)
      {
        InterpImage s = interp_image_view (x, i), d = interp_image_view (b, i);
        interp_image_gaussian_blur (&s, 1.0, 4.0, INTERP_BORDER_REFLECT, &d);
      }
  else
    interp_tensor_zero (b);
  return b;
}

/* On an affine model the integrand is constant, so every quadrature rule
 * whose weights sum to 1 gives (x - b) W_t / s exactly but for rounding:
 * the weights sum to 1 within ~n * 1e-16 in double, the gradient is one
 * float product W/s (eps_f = 6e-8 relative), and (x - b) * acc is rounded
 * once more: 4 eps_f relative bounds it, 1e-6 leaves room.  delta: the
 * logits are float sums of 18 products of size < 2.5, |z| < 10, so each
 * carries ~18 * 6e-8 * 10 = 1e-5 at worst; 3e-5 for the difference of two. */
Test (integrated_gradients, is_exact_on_an_affine_model_for_every_rule_and_baseline)
{
  InterpNet *net = affine_net ();
  InterpTensor *x = sal_images (3, AFF_C, AFF_S, AFF_S, 5);
  const int32_t targets[3] = { 0, 1, 1 };
  const char *rules[] = { "gausslegendre", "riemann-left", "riemann-right", "riemann-middle",
                          "riemann-trapezoid" };
  const char *bases[] = { "zero", "blur", "uniform", "mean" };
  const InterpParam *w = interp_net_find_param (net, "fc.weight");
  const int64_t per = AFF_F, plane = AFF_S * AFF_S;
  InterpTensor *attr = empty ();
  for (size_t r = 0; r < G_N_ELEMENTS (rules); r++)
    for (size_t bi = 0; bi < G_N_ELEMENTS (bases); bi++)
      {
        char *rule = g_strdup_printf ("method=%s", rules[r]);
        char *base = g_strdup_printf ("baseline=%s", bases[bi]);
        const char *pairs[] = { rule, base, "steps=7", "blur-sigma=1", "internal-batch-size=5",
                                NULL };
        SalMethod *m = sal_method ("integrated-gradients", pairs);
        cr_assert (m->info.flags & INTERP_SALIENCY_COMPLETENESS);
        double delta[3] = { NAN, NAN, NAN };
        sal_attribute (m, net, x, targets, 42, attr, delta);
        InterpTensor *b = expected_baseline (bases[bi], x, 42);
        float *expect = g_new (float, x->numel);
        for (int64_t i = 0; i < 3; i++)
          for (int64_t j = 0; j < per; j++)
            {
              const int64_t e = i * per + j;
              expect[e] = (float) (((double) x->data[e] - b->data[e])
                                   * w->value->data[targets[i] * per + j]
                                   / aff_std[j / plane]);
            }
        char *what = g_strdup_printf ("IG %s %s", rules[r], bases[bi]);
        assert_close (attr->data, expect, x->numel, 1e-6, 1e-7, what);
        for (int i = 0; i < 3; i++)
          cr_assert_lt (fabs (delta[i]), 3e-5, "%s: delta[%d] = %g", what, i, delta[i]);
        g_free (what);
        g_free (expect);
        interp_tensor_free (b);
        sal_method_free (m);
        g_free (rule);
        g_free (base);
      }
  interp_tensor_free (attr);
  interp_tensor_free (x);
  interp_net_free (net);
}

/* Where each rule puts its points, seen through a net whose gradient is a
 * step: z = 3 relu(x - 0.5) on one feature, x = 1, zero baseline, so the
 * integrand is 3 for alpha > 1/2 and 0 below, and IG = 3 * (the weight of
 * the rule's alphas above 1/2).  Captum's alphas and weights
 * (approximation_methods.py) give the values below, exactly in float. */
Test (integrated_gradients, one_step_rules_evaluate_where_captum_does)
{
  GError *error = NULL;
  InterpNet *net = interp_net_new (1, 1, 1);
  int a = interp_net_flatten (net, "flat", 0, &error);
  a = interp_net_linear (net, "h", a, 1, TRUE, &error);
  a = interp_net_relu (net, "r", a, &error);
  cr_assert_geq (interp_net_linear (net, "out", a, 1, FALSE, &error), 0);
  const float one = 1.0f, mhalf = -0.5f, three = 3.0f;
  sal_set_param (net, "h.weight", &one, 1);
  sal_set_param (net, "h.bias", &mhalf, 1);
  sal_set_param (net, "out.weight", &three, 1);
  InterpTensor *x = interp_tensor_new_4d (1, 1, 1, 1);
  x->data[0] = 1.0f;
  const int32_t t = 0;
  struct { const char *rule; int steps; float expect; } cases[] = {
    /* 1 step: right at alpha 1, left at 0. */
    { "riemann-right", 1, 3.0f }, { "riemann-left", 1, 0.0f },
    /* 4 steps: left alphas 0, .25, .5, .75 -> gradient 3 only at .75: 3/4;
     * right .25, .5, .75, 1 -> 3 * 2/4; middle .125 .. .875 -> 3 * 2/4;
     * trapezoid 0, 1/3, 2/3, 1 (weights 1/6, 1/3, 1/3, 1/6) -> 3 * (1/3 + 1/6). */
    { "riemann-left", 4, 0.75f }, { "riemann-right", 4, 1.5f }, { "riemann-middle", 4, 1.5f },
    { "riemann-trapezoid", 4, 1.5f },
    /* Gauss-Legendre 2 nodes at (1 -+ 1/sqrt 3)/2 = 0.211, 0.789, weights
     * 1/2: 3 * 1/2. */
    { "gausslegendre", 2, 1.5f },
  };
  InterpTensor *attr = empty ();
  for (size_t c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      char *rule = g_strdup_printf ("method=%s", cases[c].rule);
      char *steps = g_strdup_printf ("steps=%d", cases[c].steps);
      const char *pairs[] = { rule, steps, NULL };
      SalMethod *m = sal_method ("integrated-gradients", pairs);
      sal_attribute (m, net, x, &t, 1, attr, NULL);
      cr_assert_float_eq (attr->data[0], cases[c].expect, 1e-6, "%s, %d steps: %g",
                          cases[c].rule, cases[c].steps, (double) attr->data[0]);
      sal_method_free (m);
      g_free (rule);
      g_free (steps);
    }
  interp_tensor_free (attr);
  interp_tensor_free (x);
  interp_net_free (net);
}

/* ---- integrated gradients: completeness on the conv net ------------------ */

/* The integrand g(a) = grad z_t(b + a (x - b)) . (x - b) of a relu/maxpool
 * net is piecewise constant in a, so a rule exact for constants (weights
 * summing to 1) errs only at g's jumps: the sum over the rule of a step of
 * height J differs from its integral by at most J times the largest weight
 * (the breakpoint falls inside one weight's share).  Hence
 * |delta| <= TV(g) * max_k w_k + rounding, TV the total variation of g on
 * [0, 1], measured here on 4000 points (it can only be underestimated by
 * jumps closer than 1/4000, which the 3x margin covers).  Rounding:
 * attributions and logits are float sums (|z| < 10, ~100 terms):
 * 1e-4 absolute.  For 50 Gauss-Legendre nodes max_k w_k = 0.0313 (the middle
 * weights, ~pi / (2n)). */
static void
integrand_tv (InterpNet *net, const InterpTensor *x, const int32_t *targets, double *tv)
{
  const int64_t n = x->shape[0], per = interp_tensor_sample_size (x), m = 4000;
  SalMethod *g = sal_method ("gradient", NULL);
  InterpTensor *pts = interp_tensor_new_4d (m, 1, SAL_SIDE, SAL_SIDE);
  InterpTensor *grad = empty ();
  int32_t *tg = g_new (int32_t, m);
  for (int64_t i = 0; i < n; i++)
    {
      for (int64_t k = 0; k < m; k++)
        {
          const float a = (float) ((k + 0.5) / m);
          for (int64_t j = 0; j < per; j++)
            pts->data[k * per + j] = a * x->data[i * per + j];
          tg[k] = targets[i];
        }
      sal_attribute (g, net, pts, tg, 1, grad, NULL);
      double prev = 0.0;
      tv[i] = 0.0;
      for (int64_t k = 0; k < m; k++)
        {
          double v = 0.0;
          for (int64_t j = 0; j < per; j++)
            v += (double) grad->data[k * per + j] * x->data[i * per + j];
          if (k > 0)
            tv[i] += fabs (v - prev);
          prev = v;
        }
    }
  g_free (tg);
  interp_tensor_free (grad);
  interp_tensor_free (pts);
  sal_method_free (g);
}

static double
mean_abs_delta (InterpNet *net, const InterpTensor *x, const int32_t *targets, int steps,
                double *delta)
{
  char *s = g_strdup_printf ("steps=%d", steps);
  const char *pairs[] = { s, NULL };
  SalMethod *m = sal_method ("integrated-gradients", pairs);
  InterpTensor *attr = empty ();
  sal_attribute (m, net, x, targets, 1, attr, delta);
  double mean = 0.0;
  for (int64_t i = 0; i < x->shape[0]; i++)
    mean += fabs (delta[i]) / (double) x->shape[0];
  interp_tensor_free (attr);
  sal_method_free (m);
  g_free (s);
  return mean;
}

Test (integrated_gradients, completeness_delta_shrinks_with_steps_and_meets_its_bound)
{
  InterpNet *net = sal_conv_net (FALSE);
  InterpTensor *x = sal_images (4, 1, SAL_SIDE, SAL_SIDE, 7);
  const int32_t targets[4] = { 0, 1, 2, 0 };
  double delta[4], tv[4];
  double d8 = mean_abs_delta (net, x, targets, 8, delta);
  double d32 = mean_abs_delta (net, x, targets, 32, delta);
  double d128 = mean_abs_delta (net, x, targets, 128, delta);
  cr_log_info ("IG mean |delta|: 8 steps %.3g, 32 steps %.3g, 128 steps %.3g", d8, d32, d128);
  cr_assert_lt (d32, d8, "|delta| did not shrink from 8 to 32 steps: %g, %g", d8, d32);
  cr_assert_lt (d128, d32, "|delta| did not shrink from 32 to 128 steps: %g, %g", d32, d128);
  mean_abs_delta (net, x, targets, 50, delta);
  integrand_tv (net, x, targets, tv);
  for (int i = 0; i < 4; i++)
    {
      double bound = 3.0 * tv[i] * 0.0313 + 1e-4;
      cr_log_info ("image %d: |delta| %.3g, bound %.3g (TV %.3g)", i, fabs (delta[i]), bound,
                   tv[i]);
      cr_assert_leq (fabs (delta[i]), bound, "image %d: |delta| %g above %g", i,
                     fabs (delta[i]), bound);
    }
  interp_tensor_free (x);
  interp_net_free (net);
}

/* ---- integrated gradients: implementation invariance ---------------------- */

/* The fixture's conv net with its relu split in two parallel relus summed
 * by an add node, and the last layer's weights halved: the same function
 * (halving is exact in float), computed by another graph. */
static InterpNet *
split_conv_net (InterpNet *ref)
{
  GError *error = NULL;
  InterpNet *net = interp_net_new (1, SAL_SIDE, SAL_SIDE);
  const float mean = 0.4f, std = 0.25f;
  int a = interp_net_normalize (net, "normalize", 0, &mean, &std, &error);
  int c = interp_net_conv2d (net, "conv", a, 2, 3, 1, 1, 1, TRUE, &error);
  int r1 = interp_net_relu (net, "relu1", c, &error);
  int r2 = interp_net_relu (net, "relu2", c, &error);
  a = interp_net_add (net, "sum", r1, r2, &error);
  a = interp_net_maxpool (net, "pool", a, 2, 2, 0, &error);
  a = interp_net_flatten (net, "flat", a, &error);
  cr_assert_geq (interp_net_linear (net, "fc", a, SAL_CLASSES, TRUE, &error), 0, "%s",
                 error ? error->message : "");
  const char *copy[] = { "conv.weight", "conv.bias", "fc.weight", "fc.bias" };
  for (size_t k = 0; k < G_N_ELEMENTS (copy); k++)
    {
      InterpParam *p = interp_net_find_param (ref, copy[k]);
      sal_set_param (net, copy[k], p->value->data, p->value->numel);
    }
  InterpParam *w = interp_net_find_param (net, "fc.weight");
  for (size_t j = 0; j < w->value->numel; j++)
    w->value->data[j] *= 0.5f;
  interp_net_set_mode (net, INTERP_MODE_EVAL);
  return net;
}

/* Both graphs' gradients are the same float sums but for the order in
 * which the add node's two halves meet (each exact: w/2 * 1), so the maps
 * agree to a few float roundings of their size: 1e-6 relative + 1e-7. */
Test (integrated_gradients, two_graphs_of_one_function_give_the_same_maps)
{
  InterpNet *a = sal_conv_net (FALSE);
  InterpNet *b = split_conv_net (a);
  InterpTensor *x = sal_images (3, 1, SAL_SIDE, SAL_SIDE, 9);
  const int32_t targets[3] = { 2, 0, 1 };
  double za[3], zb[3];
  sal_target_logits (a, x, targets, za);
  sal_target_logits (b, x, targets, zb);
  for (int i = 0; i < 3; i++)
    cr_assert_float_eq (za[i], zb[i], 1e-6, "the two nets differ: %g vs %g", za[i], zb[i]);
  const char *pairs[] = { "steps=16", NULL };
  SalMethod *m = sal_method ("integrated-gradients", pairs);
  InterpTensor *ma = empty (), *mb = empty ();
  sal_attribute (m, a, x, targets, 1, ma, NULL);
  sal_attribute (m, b, x, targets, 1, mb, NULL);
  assert_close (mb->data, ma->data, ma->numel, 1e-6, 1e-7, "IG, split relu");
  interp_tensor_free (ma);
  interp_tensor_free (mb);
  sal_method_free (m);
  interp_tensor_free (x);
  interp_net_free (a);
  interp_net_free (b);
}

/* ---- noise tunnel ----------------------------------------------------------- */

static void
define_gradient_group (void)
{
  sal_define_group ("gradient", "gradient", NULL);
}

/* With stdev 0 every noisy copy is the image, and the running means in
 * double are exact for equal samples: smoothgrad is the inner map bit for
 * bit, smoothgrad-sq its float square, vargrad exactly 0. */
Test (noise_tunnel, without_noise_is_the_inner_method_its_square_and_zero)
{
  define_gradient_group ();
  InterpNet *net = sal_conv_net (TRUE);
  InterpTensor *x = sal_images (3, 1, SAL_SIDE, SAL_SIDE, 11);
  const int32_t targets[3] = { 0, 1, 2 };
  SalMethod *g = sal_method ("gradient", NULL);
  InterpTensor *ref = empty (), *attr = empty ();
  sal_attribute (g, net, x, targets, 1, ref, NULL);
  const char *types[] = { "smoothgrad", "smoothgrad-sq", "vargrad" };
  for (int t = 0; t < 3; t++)
    {
      char *type = g_strdup_printf ("type=%s", types[t]);
      /* 4 rows per inner call: the chunks cut across images. */
      const char *pairs[] = { "method=saliency:gradient", type, "stdev=0", "samples=3",
                              "internal-batch-size=4", NULL };
      SalMethod *m = sal_method ("noise-tunnel", pairs);
      cr_assert (m->info.flags & INTERP_SALIENCY_RANDOMIZED);
      cr_assert_eq (m->info.passes_per_image, 3);
      sal_attribute (m, net, x, targets, 5, attr, NULL);
      for (size_t j = 0; j < x->numel; j++)
        {
          float v = ref->data[j];
          float expect = t == 0 ? v : t == 1 ? v * v : 0.0f;
          cr_assert (attr->data[j] == expect, "%s: element %zu: %.9g, not %.9g", types[t], j,
                     (double) attr->data[j], (double) expect);
        }
      sal_method_free (m);
      g_free (type);
    }
  interp_tensor_free (ref);
  interp_tensor_free (attr);
  sal_method_free (g);
  interp_tensor_free (x);
  interp_net_free (net);
}

/* ---- streams ------------------------------------------------------------------ */

static void
same_seed_same_map_other_seed_other_map (SalMethod *m)
{
  InterpNet *net = sal_conv_net (FALSE);
  InterpTensor *x = sal_images (2, 1, SAL_SIDE, SAL_SIDE, 13);
  const int32_t targets[2] = { 1, 2 };
  InterpTensor *a = empty (), *b = empty (), *c = empty ();
  sal_attribute (m, net, x, targets, 77, a, NULL);
  sal_attribute (m, net, x, targets, 77, b, NULL);
  sal_attribute (m, net, x, targets, 78, c, NULL);
  assert_same (a, b, m->component->name);
  cr_assert_gt (sal_max_abs_diff (a->data, c->data, a->numel), 0.0,
                "%s: another seed gave the same map", m->component->name);
  interp_tensor_free (a);
  interp_tensor_free (b);
  interp_tensor_free (c);
  interp_tensor_free (x);
  interp_net_free (net);
}

Test (noise_tunnel, a_seed_fixes_the_map)
{
  define_gradient_group ();
  const char *pairs[] = { "method=saliency:gradient", "samples=4", NULL };
  SalMethod *m = sal_method ("noise-tunnel", pairs);
  same_seed_same_map_other_seed_other_map (m);
  sal_method_free (m);
}

Test (gradient_shap, a_seed_fixes_the_map)
{
  const char *pairs[] = { "samples=4", "stdev=0.1", NULL };
  SalMethod *m = sal_method ("gradient-shap", pairs);
  same_seed_same_map_other_seed_other_map (m);
  sal_method_free (m);
}

Test (integrated_gradients, a_seed_fixes_the_uniform_baseline)
{
  const char *pairs[] = { "baseline=uniform", "steps=8", NULL };
  SalMethod *m = sal_method ("integrated-gradients", pairs);
  same_seed_same_map_other_seed_other_map (m);
  sal_method_free (m);
}

/* ---- gradient shap ---------------------------------------------------------- */

/* On an affine model the gradient is the same at every point, so without
 * noise each sample's map is (x - b) W_t / s: the mean is IG's map, and
 * completeness holds exactly (to rounding, as for IG above). */
Test (gradient_shap, is_exact_on_an_affine_model)
{
  InterpNet *net = affine_net ();
  InterpTensor *x = sal_images (2, AFF_C, AFF_S, AFF_S, 17);
  const int32_t targets[2] = { 1, 0 };
  const char *bases[] = { "zero", "mean" };
  InterpTensor *ig = empty (), *shap = empty ();
  for (int bi = 0; bi < 2; bi++)
    {
      char *base = g_strdup_printf ("baseline=%s", bases[bi]);
      const char *ig_pairs[] = { base, NULL };
      const char *shap_pairs[] = { base, "samples=6", "internal-batch-size=5", NULL };
      SalMethod *a = sal_method ("integrated-gradients", ig_pairs);
      SalMethod *b = sal_method ("gradient-shap", shap_pairs);
      cr_assert (b->info.flags & INTERP_SALIENCY_COMPLETENESS);
      double delta[2] = { NAN, NAN };
      sal_attribute (a, net, x, targets, 3, ig, NULL);
      sal_attribute (b, net, x, targets, 3, shap, delta);
      assert_close (shap->data, ig->data, ig->numel, 2e-6, 1e-7, bases[bi]);
      for (int i = 0; i < 2; i++)
        cr_assert_lt (fabs (delta[i]), 3e-5, "%s: delta[%d] = %g", bases[bi], i, delta[i]);
      sal_method_free (a);
      sal_method_free (b);
      g_free (base);
    }
  interp_tensor_free (ig);
  interp_tensor_free (shap);
  interp_tensor_free (x);
  interp_net_free (net);
}

/* ---- batch independence ------------------------------------------------------- */

/* Image 3 alone and as the 4th of 5: its map must be bit-identical (the
 * deterministic methods; internal batches cut differently in the two runs). */
Test (paths, a_map_does_not_depend_on_its_batch)
{
  define_gradient_group ();
  InterpNet *net = sal_conv_net (TRUE);
  InterpTensor *x = sal_images (5, 1, SAL_SIDE, SAL_SIDE, 19);
  const int32_t targets[5] = { 0, 1, 2, 1, 0 };
  int64_t shape[4] = { 1, 1, SAL_SIDE, SAL_SIDE };
  InterpTensor *x3 = interp_tensor_new (4, shape);
  const int64_t per = SAL_SIDE * SAL_SIDE;
  memcpy (x3->data, x->data + 3 * per, per * sizeof (float));
  const char *ig_pairs[] = { "steps=12", "internal-batch-size=7", NULL };
  const char *nt_pairs[] = { "method=saliency:gradient", "stdev=0", "samples=3",
                             "internal-batch-size=4", NULL };
  struct { const char *name; const char *const *pairs; } methods[] = {
    { "gradient-x-input", NULL }, { "integrated-gradients", ig_pairs },
    { "noise-tunnel", nt_pairs } };
  InterpTensor *all = empty (), *alone = empty ();
  for (size_t k = 0; k < G_N_ELEMENTS (methods); k++)
    {
      SalMethod *m = sal_method (methods[k].name, methods[k].pairs);
      sal_attribute (m, net, x, targets, 1, all, NULL);
      sal_attribute (m, net, x3, targets + 3, 1, alone, NULL);
      cr_assert (memcmp (all->data + 3 * per, alone->data, per * sizeof (float)) == 0,
                 "%s: image 3's map depends on its batch (max diff %g)", methods[k].name,
                 sal_max_abs_diff (all->data + 3 * per, alone->data, (size_t) per));
      sal_method_free (m);
    }
  interp_tensor_free (all);
  interp_tensor_free (alone);
  interp_tensor_free (x3);
  interp_tensor_free (x);
  interp_net_free (net);
}

/* ---- left as found ------------------------------------------------------------ */

Test (paths, leave_the_network_as_found)
{
  define_gradient_group ();
  InterpNet *net = sal_conv_net (TRUE);
  InterpTensor *x = sal_images (2, 1, SAL_SIDE, SAL_SIDE, 23);
  const int32_t targets[2] = { 2, 1 };
  const char *ig_pairs[] = { "steps=4", "internal-batch-size=3", NULL };
  const char *nt_pairs[] = { "method=saliency:gradient", "samples=2", NULL };
  const char *shap_pairs[] = { "samples=3", "baseline=uniform", NULL };
  struct { const char *name; const char *const *pairs; } methods[] = {
    { "gradient-x-input", NULL }, { "integrated-gradients", ig_pairs },
    { "noise-tunnel", nt_pairs }, { "gradient-shap", shap_pairs } };
  InterpTensor *attr = empty ();
  for (size_t k = 0; k < G_N_ELEMENTS (methods); k++)
    {
      SalMethod *m = sal_method (methods[k].name, methods[k].pairs);
      /* Training mode and the opposite flags to the ones methods use. */
      interp_net_set_mode (net, INTERP_MODE_TRAIN);
      SalSnapshot *snap = sal_net_seed (net, x, FALSE, TRUE);
      double delta[2];
      sal_attribute (m, net, x, targets, 1, attr, delta);
      sal_net_check (net, snap, methods[k].name);
      sal_method_free (m);
    }
  interp_tensor_free (attr);
  interp_tensor_free (x);
  interp_net_free (net);
}

/* ---- bad keys ------------------------------------------------------------------- */

static void
assert_refused (const char *name, const char *const *pairs, const char *needle)
{
  GError *error = NULL;
  SalMethod *m = sal_method_new (name, pairs, &error);
  cr_assert_null (m, "%s accepted %s", name, pairs[0]);
  cr_assert_not_null (error);
  cr_assert (strstr (error->message, needle) != NULL, "%s: \"%s\" does not name %s", name,
             error->message, needle);
  g_error_free (error);
}

Test (paths, bad_keys_are_refused_naming_the_key)
{
  const char *steps0[] = { "steps=0", NULL };
  assert_refused ("integrated-gradients", steps0, "steps");
  const char *rule[] = { "method=simpson", NULL };
  assert_refused ("integrated-gradients", rule, "method");
  const char *trap[] = { "method=riemann-trapezoid", "steps=1", NULL };
  assert_refused ("integrated-gradients", trap, "steps");
  const char *base[] = { "baseline=gray", NULL };
  assert_refused ("gradient-shap", base, "baseline");
  const char *samples[] = { "samples=0", NULL };
  assert_refused ("gradient-shap", samples, "samples");
  const char *missing[] = { "method=saliency:nowhere", NULL };
  assert_refused ("noise-tunnel", missing, "saliency:nowhere");
  const char *notgroup[] = { "method=gradient", NULL };
  assert_refused ("noise-tunnel", notgroup, "method");
  const char *type[] = { "method=saliency:gradient", "type=smooth", NULL };
  assert_refused ("noise-tunnel", type, "type");
}

/* baseline = mean needs a normalize node: the linear fixture has none. */
Test (paths, mean_baseline_without_normalize_is_an_error)
{
  const float w[2] = { 1.0f, 2.0f }, b[1] = { 0.0f };
  InterpNet *net = sal_linear_net (2, 1, w, b);
  InterpTensor *x = sal_images (1, 2, 1, 1, 1);
  const int32_t t = 0;
  const char *pairs[] = { "baseline=mean", NULL };
  SalMethod *m = sal_method ("integrated-gradients", pairs);
  InterpTensor *attr = empty ();
  GError *error = NULL;
  cr_assert_not (sal_attribute_try (m, net, x, &t, 1, attr, NULL, &error));
  cr_assert (strstr (error->message, "baseline = mean") != NULL, "%s", error->message);
  g_error_free (error);
  interp_tensor_free (attr);
  sal_method_free (m);
  interp_tensor_free (x);
  interp_net_free (net);
}

/* ---- the quadrature rules ------------------------------------------------------ */

/* By hand: leggauss(3) has nodes 0, -+sqrt(3/5) and weights 8/9, 5/9
 * (Abramowitz & Stegun table 25.4); on [0, 1]: (1 -+ sqrt(0.6)) / 2, 1/2
 * and 5/18, 4/9, 5/18. */
Test (quadrature, gauss_legendre_3_is_the_textbook_rule)
{
  double a[3], w[3];
  cr_assert (path_quadrature ("gausslegendre", 3, a, w));
  const double r = sqrt (0.6);
  const double ea[3] = { (1 - r) / 2, 0.5, (1 + r) / 2 }, ew[3] = { 5.0 / 18, 4.0 / 9, 5.0 / 18 };
  for (int k = 0; k < 3; k++)
    {
      cr_assert_float_eq (a[k], ea[k], 1e-15, "alpha %d: %.17g", k, a[k]);
      cr_assert_float_eq (w[k], ew[k], 1e-15, "weight %d: %.17g", k, w[k]);
    }
}

/* An n-point Gauss-Legendre rule integrates every polynomial of degree
 * < 2n exactly: on [0, 1], sum_k w_k a_k^d = 1 / (d + 1) for d <= 99 when
 * n = 50 (Captum's default steps).  In double each term is within ~1e-16
 * of exact and there are 50: 1e-14 bounds the sum's rounding; nodes off by
 * even 1e-12 would break high degrees by far more. */
Test (quadrature, gauss_legendre_50_is_exact_to_degree_99)
{
  double a[50], w[50];
  cr_assert (path_quadrature ("gausslegendre", 50, a, w));
  for (int k = 1; k < 50; k++)
    cr_assert_lt (a[k - 1], a[k], "nodes not ascending at %d", k);
  for (int d = 0; d <= 99; d++)
    {
      double s = 0.0;
      for (int k = 0; k < 50; k++)
        s += w[k] * pow (a[k], d);
      cr_assert_float_eq (s, 1.0 / (d + 1), 1e-14, "degree %d: %.17g", d, s);
    }
}

/* Captum's riemann alphas (torch.linspace) and step sizes, n = 4. */
Test (quadrature, riemann_rules_are_captums)
{
  struct { const char *name; double a[4], w[4]; } rules[] = {
    { "riemann-left", { 0, 0.25, 0.5, 0.75 }, { 0.25, 0.25, 0.25, 0.25 } },
    { "riemann-right", { 0.25, 0.5, 0.75, 1 }, { 0.25, 0.25, 0.25, 0.25 } },
    { "riemann-middle", { 0.125, 0.375, 0.625, 0.875 }, { 0.25, 0.25, 0.25, 0.25 } },
    { "riemann-trapezoid", { 0, 1.0 / 3, 2.0 / 3, 1 }, { 1.0 / 6, 1.0 / 3, 1.0 / 3, 1.0 / 6 } },
  };
  for (size_t r = 0; r < G_N_ELEMENTS (rules); r++)
    {
      double a[4], w[4];
      cr_assert (path_quadrature (rules[r].name, 4, a, w));
      for (int k = 0; k < 4; k++)
        {
          cr_assert_float_eq (a[k], rules[r].a[k], 1e-15, "%s alpha %d", rules[r].name, k);
          cr_assert_float_eq (w[k], rules[r].w[k], 1e-15, "%s weight %d", rules[r].name, k);
        }
    }
  double a[1], w[1];
  cr_assert_not (path_quadrature ("riemann-trapezoid", 1, a, w));
  cr_assert_not (path_quadrature ("simpson", 1, a, w));
}
