/* The gradient attacks (fgsm, bim, pgd, apgd) and attack-common.c: known
 * answers on linear classifiers, the budget and the [0, 1] box, the
 * network left as found, determinism, and errors. */
#include "config.h"

#include <math.h>
#include <string.h>

#include <criterion/criterion.h>

#include "attack-common.h"
#include "attack-fixture.h"
#include "plugin-components.h"

/* ---- helpers --------------------------------------------------------------- */


static gpointer
attack_new (const InterpComponent *c, const char *const *pairs)
{
  GError *error = NULL;
  gpointer self = fixture_attack_new (c, pairs, &error);
  cr_assert_not_null (self, "%s", error ? error->message : "");
  return self;
}

/* Largest per-image perturbation norm of a batch. */
static double
max_norm (InterpNorm norm, const InterpTensor *a, const InterpTensor *x)
{
  const size_t d = interp_tensor_sample_size (x);
  double m = 0;
  for (int64_t i = 0; i < x->shape[0]; i++)
    m = fmax (m, interp_perturbation_norm (norm, a->data + i * d, x->data + i * d, d));
  return m;
}

static void
assert_in_box01 (const InterpTensor *a, const char *who)
{
  for (size_t j = 0; j < a->numel; j++)
    cr_assert (a->data[j] >= 0.0f && a->data[j] <= 1.0f, "%s: pixel %zu = %g outside [0, 1]",
               who, j, (double) a->data[j]);
}

/* ---- PGD stays in its ball and in [0, 1] ----------------------------------- */

static void
check_pgd_budget (const char *const *pairs, InterpNorm norm, double eps)
{
  FixtureBatch test;
  InterpNet *net = fixture_conv_net (30, &test);
  gpointer pgd = attack_new (&interp_attack_pgd, pairs);
  InterpTensor *adv = interp_tensor_new_4d (1, 1, 1, 1);
  fixture_attack_run (&interp_attack_pgd, pgd, net, test.x, test.labels, eps, 7, adv);
  assert_in_box01 (adv, "pgd");
  /* The projection computes x + clamp(a - x, -e, e) in float (Linf), or
   * scales by eps / ||d|| (L2): both round once per pixel, at most half an
   * ulp of 1 (6e-8) per pixel; over 64 pixels the L2 norm is off by at most
   * sqrt(64) * 6e-8 ~ 5e-7, so 1e-6 bounds both. */
  double m = max_norm (norm, adv, test.x);
  cr_assert_leq (m, eps + 1e-6, "pgd left its ball: %.9g > %.9g", m, eps);
  /* And it did something: a PGD that never moves would pass the above. */
  cr_assert_gt (m, 0.5 * eps, "pgd hardly moved: %g for eps %g", m, eps);
  interp_tensor_free (adv);
  fixture_attack_free (&interp_attack_pgd, pgd);
  fixture_batch_free (&test);
  interp_net_free (net);
}

Test (pgd, linf_stays_in_box)
{
  check_pgd_budget (NULL, INTERP_NORM_LINF, 8.0 / 255.0);
}

Test (pgd, l2_stays_in_ball)
{
  const char *const pairs[] = { "norm=l2", NULL };
  check_pgd_budget (pairs, INTERP_NORM_L2, 0.5);
}

Test (pgd, l2_restarts_stay_in_ball)
{
  const char *const pairs[] = { "norm=l2", "restarts=3", "relative-step-size=0.25", NULL };
  check_pgd_budget (pairs, INTERP_NORM_L2, 1.0);
}

/* ---- left as found --------------------------------------------------------- */

static void
check_left_as_found (const InterpComponent *c, const char *const *pairs)
{
  FixtureBatch test;
  InterpNet *net = fixture_conv_net (12, &test);
  gpointer self = attack_new (c, pairs);
  InterpTensor *adv = interp_tensor_new_4d (1, 1, 1, 1);
  /* Both flag combinations, and a seeding batch size (5) other than the
   * attacked one (12), so node gradients must come back with their shape. */
  for (int flags = 0; flags < 2; flags++)
    {
      InterpTensor *probe = interp_tensor_new_4d (5, 1, 8, 8);
      memcpy (probe->data, test.x->data, probe->numel * sizeof (float));
      FixtureNetSnapshot *snap = fixture_net_seed (net, probe, flags == 1, flags == 0);
      fixture_attack_run (c, self, net, test.x, test.labels, 8.0 / 255.0, 3, adv);
      fixture_net_check (net, snap, c->name);
      interp_tensor_free (probe);
    }
  interp_tensor_free (adv);
  fixture_attack_free (c, self);
  fixture_batch_free (&test);
  interp_net_free (net);
}

Test (left_as_found, fgsm)
{
  check_left_as_found (&interp_attack_fgsm, NULL);
}

Test (left_as_found, pgd)
{
  const char *const pairs[] = { "restarts=2", NULL };
  check_left_as_found (&interp_attack_pgd, pairs);
}

Test (left_as_found, bim)
{
  check_left_as_found (&interp_attack_bim, NULL);
}

Test (left_as_found, apgd)
{
  const char *const pairs[] = { "steps=10", "restarts=2", NULL };
  check_left_as_found (&interp_attack_apgd, pairs);
}

/* APGD-T attacks sub-batches (the images not yet fooled) of varying sizes. */
Test (left_as_found, apgd_targeted_l2)
{
  /* DLR-targeted needs 4 classes and the conv fixture has 3: the CE one. */
  const char *const ce[] = { "steps=10", "targeted=true", "n-target-classes=2", "norm=l2",
                             NULL };
  check_left_as_found (&interp_attack_apgd, ce);
}

/* ---- FGSM and one PGD step on a linear classifier, by hand ----------------- */

/* Two classes over 4 pixels: z_c = w_c . x.  For label y the CE gradient is
 * p_o (w_o - w_y) with p_o > 0, so FGSM moves pixel j by eps sign(w_o - w_y),
 * then clips.  (No pixel has w_o = w_y: the float gradient there is
 * (p_y - 1 + p_o) w, rounding noise of either sign, not 0.) */
static const float lin_w[] = {
  1.0f, -2.0f, 0.5f, 3.0f,    /* w_0 */
  2.0f, -2.5f, -1.0f, 1.0f,   /* w_1 */
};
static const float lin_b[] = { 0.0f, 0.0f };

Test (fgsm, linear_moves_by_eps_sign)
{
  InterpNet *net = fixture_linear_net (4, 2, lin_w, lin_b);
  /* w_1 - w_0 = (1, -0.5, -1.5, -2): label 0 moves (+, -, -, -) and label 1
   * (-, +, +, +); image 1's pixel 3 at 0.98 goes up by eps and is clipped. */
  const float xv[] = { 0.5f, 0.5f, 0.5f, 0.5f,
                       0.3f, 0.6f, 0.2f, 0.98f };
  InterpTensor *x = interp_tensor_new_4d (2, 4, 1, 1);
  memcpy (x->data, xv, sizeof xv);
  const int32_t labels[] = { 0, 1 };
  gpointer fgsm = attack_new (&interp_attack_fgsm, NULL);
  InterpTensor *adv = interp_tensor_new_4d (2, 4, 1, 1);
  const float e = 0.05f;
  fixture_attack_run (&interp_attack_fgsm, fgsm, net, x, labels, e, 1, adv);
  /* x + e rounds once in float; the expected values are the same float sums. */
  const float want[] = { 0.5f + e, 0.5f - e, 0.5f - e, 0.5f - e,
                         0.3f - e, 0.6f + e, 0.2f + e, 1.0f };
  for (int j = 0; j < 8; j++)
    cr_assert_eq (adv->data[j], want[j], "pixel %d: %.9g, want %.9g", j,
                  (double) adv->data[j], (double) want[j]);

  /* PGD with one step of eps and no random start is FGSM bit for bit. */
  const char *const pairs[] = { "steps=1", "random-start=false", "step-size=0.05", NULL };
  gpointer pgd = attack_new (&interp_attack_pgd, pairs);
  InterpTensor *adv2 = interp_tensor_new_4d (2, 4, 1, 1);
  fixture_attack_run (&interp_attack_pgd, pgd, net, x, labels, e, 1, adv2);
  cr_assert_arr_eq (adv2->data, adv->data, sizeof xv);
  /* And so is BIM with one step of eps. */
  const char *const bp[] = { "steps=1", "step-size=0.05", NULL };
  gpointer bim = attack_new (&interp_attack_bim, bp);
  fixture_attack_run (&interp_attack_bim, bim, net, x, labels, e, 1, adv2);
  cr_assert_arr_eq (adv2->data, adv->data, sizeof xv);
  fixture_attack_free (&interp_attack_bim, bim);
  fixture_attack_free (&interp_attack_pgd, pgd);
  fixture_attack_free (&interp_attack_fgsm, fgsm);
  interp_tensor_free (adv2);
  interp_tensor_free (adv);
  interp_tensor_free (x);
  interp_net_free (net);
}

/* One L2 step of alpha from x (no random start, inside the box and ball):
 * the CE gradient is parallel to u = w_1 - w_0 for label 0, so the step is
 * alpha u / ||u||: u = (1, -0.5, -1.5, -2), ||u|| = sqrt(7.5). */
Test (pgd, l2_one_step_by_hand)
{
  InterpNet *net = fixture_linear_net (4, 2, lin_w, lin_b);
  InterpTensor *x = interp_tensor_new_4d (1, 4, 1, 1);
  interp_tensor_fill (x, 0.5f);
  const int32_t labels[] = { 0 };
  const char *const pairs[] = { "norm=l2", "steps=1", "random-start=false", "step-size=0.1",
                                NULL };
  gpointer pgd = attack_new (&interp_attack_pgd, pairs);
  InterpTensor *adv = interp_tensor_new_4d (1, 4, 1, 1);
  fixture_attack_run (&interp_attack_pgd, pgd, net, x, labels, 1.0, 1, adv);
  const double u[] = { 1, -0.5, -1.5, -2 }, nu = sqrt (7.5);
  /* The float gradient p_o u has relative rounding ~1e-7 per component, and
   * the step's float sum one rounding of 0.5 (3e-8): 1e-6 bounds both. */
  for (int j = 0; j < 4; j++)
    cr_assert_float_eq (adv->data[j], 0.5 + 0.1 * u[j] / nu, 1e-6, "pixel %d: %.9g", j,
                        (double) adv->data[j]);
  fixture_attack_free (&interp_attack_pgd, pgd);
  interp_tensor_free (adv);
  interp_tensor_free (x);
  interp_net_free (net);
}
