/* attack:deepfool and attack:cw-l2 on affine classifiers whose minimal
 * adversarial perturbations are known in closed form: between classes i
 * and j the boundary is at L2 distance |f_i - f_j| / ||w_i - w_j||_2 and
 * Linf distance |f_i - f_j| / ||w_i - w_j||_1; per-image budgets on a
 * trained conv net; errors and descriptions of the four components. */
#include "config.h"

#include <float.h>
#include <math.h>
#include <string.h>

#include <criterion/criterion.h>

#include <interp/interp.h>

#include "host/params-private.h"
#include "attack-fixture.h"
#include "minimal-helpers.h"
#include "attack-common.h"
#include "attack-members.h"
#include "plugin-components.h"

/* ---- DeepFool ----------------------------------------------------------- */

Test (deepfool, l2_binary_one_step_is_the_analytic_distance)
{
  InterpNet *net = affine_net (2, 2, 2, BIN_W, BIN_B);
  InterpTensor *x = constant_images (1, 2, 2, 0.5f);
  cr_assert_float_eq (analytic_distance (INTERP_NORM_L2, BIN_W, BIN_B, 4, 1, 0, x->data),
                      BIN_L2, 1e-12);
  int32_t label = 0;
  /* One step, no overshoot: the step is (d + 1e-4) along w / ||w|| (LTS4's
   * 1e-4 pushes it across), so the norm is d + 1e-4. */
  gpointer df = attack_new (&interp_attack_deepfool,
                            (const char *[]) { "steps=1", "overshoot=0", NULL });
  InterpTensor *adv = run (&interp_attack_deepfool, df, net, x, &label, INFINITY);
  cr_assert_eq (predict (net, adv, 0), 1, "one step crosses the boundary");
  cr_assert_float_eq (norm_of (INTERP_NORM_L2, adv, x, 0), BIN_L2 + 1e-4, ROUNDING);
  /* The direction is w's: x + (d + 1e-4) v. */
  for (int q = 0; q < 4; q++)
    cr_assert_float_eq (adv->data[q], 0.5 + (BIN_L2 + 1e-4) * BIN_W[4 + q], ROUNDING);
  interp_tensor_free (adv);
  attack_free (&interp_attack_deepfool, df);

  /* Defaults: overshoot 0.02 scales the total perturbation. */
  df = attack_new (&interp_attack_deepfool, NULL);
  adv = run (&interp_attack_deepfool, df, net, x, &label, INFINITY);
  cr_assert_float_eq (norm_of (INTERP_NORM_L2, adv, x, 0), 1.02 * (BIN_L2 + 1e-4), ROUNDING);
  interp_tensor_free (adv);
  attack_free (&interp_attack_deepfool, df);
  interp_tensor_free (x);
  interp_net_free (net);
}

Test (deepfool, linf_binary_is_distance_over_l1_norm)
{
  InterpNet *net = affine_net (2, 2, 2, BIN_W, BIN_B);
  InterpTensor *x = constant_images (1, 2, 2, 0.5f);
  cr_assert_float_eq (analytic_distance (INTERP_NORM_LINF, BIN_W, BIN_B, 4, 1, 0, x->data),
                      BIN_LINF, 1e-12);
  int32_t label = 0;
  gpointer df = attack_new (&interp_attack_deepfool,
                            (const char *[]) { "norm=linf", "epsilon=8/255", "steps=1",
                                               "overshoot=0", NULL });
  InterpTensor *adv = run (&interp_attack_deepfool, df, net, x, &label, INFINITY);
  cr_assert_eq (predict (net, adv, 0), 1);
  cr_assert_float_eq (norm_of (INTERP_NORM_LINF, adv, x, 0), BIN_LINF + 1e-4, ROUNDING);
  /* Every pixel moves by the same amount along sign (v). */
  for (int q = 0; q < 4; q++)
    cr_assert_float_eq (fabs (adv->data[q] - 0.5), BIN_LINF + 1e-4, ROUNDING);
  interp_tensor_free (adv);
  attack_free (&interp_attack_deepfool, df);
  interp_tensor_free (x);
  interp_net_free (net);
}

Test (deepfool, multiclass_goes_to_the_nearest_boundary)
{
  InterpNet *net = affine_net (2, 2, 3, TRI_W, TRI_B);
  InterpTensor *x = constant_images (1, 2, 2, 0.5f);
  double d1 = analytic_distance (INTERP_NORM_L2, TRI_W, TRI_B, 4, 1, 0, x->data);
  double d2 = analytic_distance (INTERP_NORM_L2, TRI_W, TRI_B, 4, 2, 0, x->data);
  cr_assert_float_eq (d1, 0.3, 1e-12);
  cr_assert_float_eq (d2, 0.2, 1e-12);
  int32_t label = 0;
  gpointer df = attack_new (&interp_attack_deepfool,
                            (const char *[]) { "steps=1", "overshoot=0", NULL });
  InterpTensor *adv = run (&interp_attack_deepfool, df, net, x, &label, INFINITY);
  cr_assert_eq (predict (net, adv, 0), 2);
  cr_assert_float_eq (norm_of (INTERP_NORM_L2, adv, x, 0), d2 + 1e-4, ROUNDING);
  interp_tensor_free (adv);
  attack_free (&interp_attack_deepfool, df);
  interp_tensor_free (x);
  interp_net_free (net);
}

/* ---- CW-L2 -------------------------------------------------------------- */

Test (cw_l2, finds_the_analytic_distance_within_one_adam_step)
{
  InterpNet *net = affine_net (2, 2, 2, BIN_W, BIN_B);
  InterpTensor *x = constant_images (1, 2, 2, 0.5f);
  int32_t label = 0;
  gpointer cw = attack_new (&interp_attack_cw_l2, (const char *[]) { "steps=300", NULL });
  InterpTensor *adv = run (&interp_attack_cw_l2, cw, net, x, &label, INFINITY);
  cr_assert_eq (predict (net, adv, 0), 1);
  double l2 = norm_of (INTERP_NORM_L2, adv, x, 0);
  cr_log_info ("cw-l2: L2 %.6f for the minimum %.6f", l2, BIN_L2);
  /* No image closer than the boundary is misclassified, so l2 >= 0.3 is a
   * theorem, checked up to rounding.  From above: the kept iterate is the
   * first (smallest) to cross, at most one Adam step past the boundary; a
   * step moves each tanh coordinate by at most about lr = 0.01, each pixel
   * by half that (dx/dw = (1 - tanh^2)/2 <= 1/2), so by at most
   * sqrt (4) 0.005 = 0.01 in L2: 3.3% of 0.3. */
  cr_assert_geq (l2, BIN_L2 - ROUNDING);
  cr_assert_leq (l2, BIN_L2 + 0.01, "CW found %g, the minimum is %g", l2, BIN_L2);
  interp_tensor_free (adv);
  attack_free (&interp_attack_cw_l2, cw);
  interp_tensor_free (x);
  interp_net_free (net);
}

/* ---- minimal-norm budgets ---------------------------------------------- */

static void
check_budget (const InterpComponent *comp, const char *const *pairs)
{
  InterpNet *net = affine_net (2, 2, 2, BIN_W, BIN_B);
  InterpTensor *x = constant_images (1, 2, 2, 0.5f);
  int32_t label = 0;
  gpointer a = attack_new (comp, pairs);
  /* Below the minimal distance nothing can be found: x comes back. */
  InterpTensor *adv = run (comp, a, net, x, &label, 0.29);
  cr_assert_arr_eq (adv->data, x->data, x->numel * sizeof (float));
  interp_tensor_free (adv);
  adv = run (comp, a, net, x, &label, 0);
  cr_assert_arr_eq (adv->data, x->data, x->numel * sizeof (float));
  interp_tensor_free (adv);
  /* Above what the attack finds (DeepFool 1.02 (0.3 + 1e-4), CW <= 0.31). */
  adv = run (comp, a, net, x, &label, 0.32);
  cr_assert_eq (predict (net, adv, 0), 1);
  cr_assert_leq (norm_of (INTERP_NORM_L2, adv, x, 0), 0.32);
  interp_tensor_free (adv);
  attack_free (comp, a);
  interp_tensor_free (x);
  interp_net_free (net);
}

Test (minimal_norm, deepfool_returns_x_when_eps_is_below_the_found_norm)
{
  check_budget (&interp_attack_deepfool, NULL);
}

Test (minimal_norm, cw_returns_x_when_eps_is_below_the_found_norm)
{
  check_budget (&interp_attack_cw_l2, (const char *[]) { "steps=300", NULL });
}

/* ---- errors and descriptions ------------------------------------------- */

static GError *
create_error (const InterpComponent *comp, const char *const *pairs)
{
  GError *error = NULL;
  InterpParams *p = interp_params_new_from_pairs (comp->params, "test.ini: [attack:a]", pairs,
                                                  &error);
  if (p == NULL)
    return error;
  gpointer self = ((const InterpAttackVTable *) comp->vtable)->create (p, NULL, &error);
  cr_assert_null (self, "created despite %s", pairs[0]);
  interp_params_free (p);
  return error;
}

Test (errors, a_bad_key_or_member_is_named)
{
  GError *e = create_error (&interp_attack_deepfool, (const char *[]) { "stpes=3", NULL });
  cr_assert_eq (e->code, INTERP_ERROR_UNKNOWN_KEY);
  cr_assert (strstr (e->message, "stpes") && strstr (e->message, "[attack:a]"), "%s",
             e->message);
  g_error_free (e);
  e = create_error (&interp_attack_cw_l2, (const char *[]) { "binary-steps=0", NULL });
  cr_assert_eq (e->code, INTERP_ERROR_OUT_OF_RANGE);
  g_error_free (e);
  e = create_error (&interp_attack_auto, (const char *[]) { "members=deepfool, sqare", NULL });
  cr_assert_eq (e->code, INTERP_ERROR_NOT_FOUND);
  cr_assert (strstr (e->message, "'members'") && strstr (e->message, "sqare")
             && strstr (e->message, "[attack:a]"), "%s", e->message);
  g_error_free (e);
  e = create_error (&interp_attack_auto,
                    (const char *[]) { "norm=l2", "epsilon=0.5", "members=square", NULL });
  cr_assert_eq (e->code, INTERP_ERROR_UNSUPPORTED);
  cr_assert (strstr (e->message, "'members'") && strstr (e->message, "square"), "%s",
             e->message);
  g_error_free (e);
  /* A budget default of the other norm is refused, not silently used. */
  e = create_error (&interp_attack_deepfool, (const char *[]) { "norm=linf", NULL });
  cr_assert_eq (e->code, INTERP_ERROR_MISSING);
  cr_assert (strstr (e->message, "'epsilon'"), "%s", e->message);
  g_error_free (e);
  e = create_error (&interp_attack_auto, (const char *[]) { "norm=l2", "members=cw-l2", NULL });
  cr_assert_eq (e->code, INTERP_ERROR_MISSING);
  cr_assert (strstr (e->message, "'epsilon'"), "%s", e->message);
  g_error_free (e);
  e = create_error (&interp_attack_auto, (const char *[]) { "members=", NULL });
  cr_assert_eq (e->code, INTERP_ERROR_BAD_VALUE);
  g_error_free (e);
}

Test (errors, a_label_outside_the_classes_is_an_error)
{
  InterpNet *net = affine_net (2, 2, 2, BIN_W, BIN_B);
  InterpTensor *x = constant_images (1, 2, 2, 0.5f);
  InterpTensor *adv = interp_tensor_new_4d (1, 1, 2, 2);
  int32_t label = 5;
  double eps = 1;
  InterpRng rng;
  interp_rng_seed (&rng, 1);
  const InterpComponent *comps[] = { &interp_attack_deepfool, &interp_attack_cw_l2 };
  for (size_t c = 0; c < G_N_ELEMENTS (comps); c++)
    {
      gpointer a = attack_new (comps[c], NULL);
      GError *error = NULL;
      cr_assert_not (((const InterpAttackVTable *) comps[c]->vtable)
                       ->perturb (a, net, x, &label, &eps, &rng, adv, &error));
      cr_assert (strstr (error->message, "label 5"), "%s", error->message);
      g_error_free (error);
      attack_free (comps[c], a);
    }
  interp_tensor_free (adv);
  interp_tensor_free (x);
  interp_net_free (net);
}

static InterpAttackInfo
info_of (const InterpComponent *comp, const char *const *pairs)
{
  gpointer a = attack_new (comp, pairs);
  InterpAttackInfo info = { 0 };
  ((const InterpAttackVTable *) comp->vtable)->describe (a, &info);
  attack_free (comp, a);
  return info;
}

Test (describe, norms_and_flags)
{
  InterpAttackInfo i = info_of (&interp_attack_deepfool,
                                (const char *[]) { "norm=linf", "epsilon=8/255", NULL });
  cr_assert_eq (i.norm, INTERP_NORM_LINF);
  cr_assert_eq (i.flags, INTERP_ATTACK_MINIMAL_NORM);
  i = info_of (&interp_attack_cw_l2, NULL);
  cr_assert_eq (i.norm, INTERP_NORM_L2);
  cr_assert_eq (i.flags, INTERP_ATTACK_MINIMAL_NORM);
  i = info_of (&interp_attack_square, NULL);
  cr_assert_eq (i.norm, INTERP_NORM_LINF);
  cr_assert_eq (i.flags, INTERP_ATTACK_GRADIENT_FREE | INTERP_ATTACK_RANDOMIZED);
  i = info_of (&interp_attack_auto, (const char *[]) { "members=square", NULL });
  cr_assert_eq (i.flags, INTERP_ATTACK_GRADIENT_FREE | INTERP_ATTACK_RANDOMIZED);
  i = info_of (&interp_attack_auto, (const char *[]) { "members=deepfool, square", NULL });
  cr_assert_eq (i.flags, INTERP_ATTACK_RANDOMIZED);
  i = info_of (&interp_attack_auto, NULL);
  cr_assert_eq (i.norm, INTERP_NORM_LINF);
  cr_assert_eq (i.flags, INTERP_ATTACK_RANDOMIZED);
  i = info_of (&interp_attack_auto,
               (const char *[]) { "norm=l2", "epsilon=0.5", "members=cw-l2", NULL });
  cr_assert_eq (i.norm, INTERP_NORM_L2);
  cr_assert_eq (i.flags, 0u);
}

Test (errors, a_nan_or_negative_budget_is_refused)
{
  InterpNet *net = affine_net (2, 2, 2, BIN_W, BIN_B);
  InterpTensor *x = constant_images (1, 2, 2, 0.5f);
  InterpTensor *adv = interp_tensor_new_4d (1, 1, 2, 2);
  int32_t label = 0;
  InterpRng rng;
  interp_rng_seed (&rng, 1);
  const InterpComponent *comps[] = { &interp_attack_deepfool, &interp_attack_cw_l2,
                                     &interp_attack_square, &interp_attack_auto };
  const double bad[] = { NAN, -0.1 };
  for (size_t c = 0; c < G_N_ELEMENTS (comps); c++)
    for (size_t b = 0; b < G_N_ELEMENTS (bad); b++)
      {
        gpointer a = attack_new (comps[c], NULL);
        GError *error = NULL;
        cr_assert_not (((const InterpAttackVTable *) comps[c]->vtable)
                         ->perturb (a, net, x, &label, &bad[b], &rng, adv, &error),
                       "%s accepted eps %g", comps[c]->name, bad[b]);
        cr_assert (strstr (error->message, comps[c]->name), "%s", error->message);
        g_error_free (error);
        attack_free (comps[c], a);
      }
  interp_tensor_free (adv);
  interp_tensor_free (x);
  interp_net_free (net);
}

/* ---- a trained conv net ------------------------------------------------- */

/* Per-image budgets on a real network: one run at +inf gives each image's
 * found norm n_i; rerun with eps[i] = n_i (1 +- 1e-3), alternating, gives
 * the same image where it is within budget and x[i] where it is not (an
 * image's search does not depend on its budget or its batch). */
static void
check_per_image_budgets (const InterpComponent *comp, const char *const *pairs, InterpNorm norm)
{
  FixtureBatch test;
  InterpNet *net = fixture_conv_net (16, &test);
  const int64_t n = test.n;
  const size_t d = interp_tensor_sample_size (test.x);
  gpointer a = attack_new (comp, pairs);
  InterpTensor *free_adv = run (comp, a, net, test.x, test.labels, INFINITY);
  double *eps = g_new (double, n), *found = g_new (double, n);
  int fooled = 0;
  for (int64_t i = 0; i < n; i++)
    {
      found[i] = norm_of (norm, free_adv, test.x, i);
      gboolean correct = predict (net, test.x, i) == test.labels[i];
      if (correct)
        {
          cr_assert_neq (predict (net, free_adv, i), test.labels[i],
                         "%s: image %ld not fooled without a budget", comp->name, (long) i);
          fooled++;
        }
      eps[i] = found[i] * (i % 2 ? 1 + 1e-3 : 1 - 1e-3);
    }
  cr_log_info ("%s: %d correct images all fooled; image 0's norm %g", comp->name, fooled,
               found[0]);
  InterpRng rng;
  interp_rng_seed (&rng, 7);
  InterpTensor *adv = interp_tensor_new (test.x->ndim, test.x->shape);
  GError *error = NULL;
  cr_assert (((const InterpAttackVTable *) comp->vtable)
               ->perturb (a, net, test.x, test.labels, eps, &rng, adv, &error),
             "%s", error ? error->message : "");
  for (int64_t i = 0; i < n; i++)
    {
      const float *want = found[i] > 0 && i % 2 == 0 ? test.x->data + i * d
                                                     : free_adv->data + i * d;
      cr_assert_arr_eq (adv->data + i * d, want, d * sizeof (float), "%s: image %ld",
                        comp->name, (long) i);
    }
  interp_tensor_free (adv);
  interp_tensor_free (free_adv);
  g_free (eps);
  g_free (found);
  attack_free (comp, a);
  fixture_batch_free (&test);
  interp_net_free (net);
}

Test (conv_net, deepfool_l2_per_image_budgets, .timeout = 120)
{
  check_per_image_budgets (&interp_attack_deepfool, NULL, INTERP_NORM_L2);
}

Test (conv_net, deepfool_linf_per_image_budgets, .timeout = 120)
{
  check_per_image_budgets (&interp_attack_deepfool,
                           (const char *[]) { "norm=linf", "epsilon=8/255", NULL },
                           INTERP_NORM_LINF);
}

Test (conv_net, cw_per_image_budgets, .timeout = 120)
{
  check_per_image_budgets (&interp_attack_cw_l2, NULL, INTERP_NORM_L2);
}
