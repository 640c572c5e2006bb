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
