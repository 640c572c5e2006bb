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
  const char *const pairs[] = { "norm=l2", "epsilon=0.5", "step-size=0.2", NULL };
  check_pgd_budget (pairs, INTERP_NORM_L2, 0.5);
}

Test (pgd, l2_restarts_stay_in_ball)
{
  const char *const pairs[] = { "norm=l2", "epsilon=0.5", "restarts=3",
                                "relative-step-size=0.25", NULL };
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
  /* Both flag combinations, both modes (the attack itself runs in eval
   * mode: the result must not depend on the mode it is handed), and a
   * seeding batch size (5) other than the attacked one (12), so node
   * gradients must come back with their shape. */
  InterpTensor *first = interp_tensor_new_4d (1, 1, 1, 1);
  for (int flags = 0; flags < 2; flags++)
    {
      InterpTensor *probe = interp_tensor_new_4d (5, 1, 8, 8);
      memcpy (probe->data, test.x->data, probe->numel * sizeof (float));
      interp_net_set_mode (net, flags == 1 ? INTERP_MODE_TRAIN : INTERP_MODE_EVAL);
      FixtureNetSnapshot *snap = fixture_net_seed (net, probe, flags == 1, flags == 0);
      fixture_attack_run (c, self, net, test.x, test.labels, 8.0 / 255.0, 3, adv);
      fixture_net_check (net, snap, c->name);
      if (flags == 0)
        interp_tensor_copy_into (first, adv);
      else
        cr_assert_arr_eq (adv->data, first->data, adv->numel * sizeof (float),
                          "%s depends on the mode it is handed", c->name);
      interp_tensor_free (probe);
    }
  interp_net_set_mode (net, INTERP_MODE_EVAL);
  interp_tensor_free (first);
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
  const char *const ce[] = { "steps=10", "targeted=true", "n-target-classes=2",
                             "norm=l2", "epsilon=0.5",
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
  const char *const pairs[] = { "norm=l2", "epsilon=0.5", "steps=1", "random-start=false",
                                "step-size=0.1",
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

/* ---- APGD's schedule ----------------------------------------------------------- */

Test (apgd, checkpoints_by_hand)
{
  /* N = 100: w_1 = 22, intervals 19, 16, 13, 10, 7, then 6 (the floor):
   * p_{j+1} = p_j + max(p_j - p_{j-1} - 0.03, 0.06). */
  const gint64 want100[] = { 22, 41, 57, 70, 80, 87, 93, 99 };
  gint64 w[16];
  cr_assert_eq (interp_attack_apgd_checkpoints (100, w, 16), 8);
  cr_assert_arr_eq (w, want100, sizeof want100);
  /* N = 10: int(2.2) = 2, then intervals of max(int(0.3), 1) less, at least
   * max(int(0.6), 1) = 1: 2, 3, ..., 10. */
  const gint64 want10[] = { 2, 3, 4, 5, 6, 7, 8, 9, 10 };
  cr_assert_eq (interp_attack_apgd_checkpoints (10, w, 16), 9);
  cr_assert_arr_eq (w, want10, sizeof want10);
}

Test (apgd, halving_conditions_by_hand)
{
  /* Condition 1: rose in at most rho of the window (0.75 * 22 = 16.5). */
  cr_assert (interp_attack_apgd_halve (16, 22, 0.75, TRUE, 1.0, 2.0));
  cr_assert_not (interp_attack_apgd_halve (17, 22, 0.75, TRUE, 1.0, 2.0));
  /* "At most": 3 of 4 at rho 0.75 halves. */
  cr_assert (interp_attack_apgd_halve (3, 4, 0.75, TRUE, 1.0, 2.0));
  /* Condition 2: not halved last time and the best loss did not improve. */
  cr_assert (interp_attack_apgd_halve (17, 22, 0.75, FALSE, 2.0, 2.0));
  cr_assert_not (interp_attack_apgd_halve (17, 22, 0.75, FALSE, 2.0, 2.5));
  /* ... but not when it was halved last time. */
  cr_assert_not (interp_attack_apgd_halve (17, 22, 0.75, TRUE, 2.0, 2.0));
}

/* A binary classifier that can never be fooled within the budget (z_1 =
 * w.x - 10 < 0 on [0, 1]^4) and whose CE loss for label 0 grows along
 * sign(w): the first step (2 eps) lands on the corner x + eps sign(w) of
 * the ball, the maximum, and every later step stays there.  So the loss
 * rises once (first iteration) and then never: condition 1 holds at every
 * checkpoint and the step halves at each one, exactly at 22, 41, 57, ... */
Test (apgd, step_halves_at_the_checkpoints)
{
  const float w[] = { 1.0f, -1.0f, 2.0f, 0.5f };
  InterpNet *net = fixture_binary_net (4, w, -10.0f);
  InterpTensor *x = interp_tensor_new_4d (1, 4, 1, 1);
  interp_tensor_fill (x, 0.5f);
  const int32_t labels[] = { 0 };
  gpointer apgd = attack_new (&interp_attack_apgd, NULL);
  double trace[100];
  for (int i = 0; i < 100; i++)
    trace[i] = NAN;
  interp_attack_apgd_trace (apgd, trace);
  InterpTensor *adv = interp_tensor_new_4d (1, 4, 1, 1);
  const double eps = 0.1;
  fixture_attack_run (&interp_attack_apgd, apgd, net, x, labels, eps, 5, adv);
  const int checks[] = { 22, 41, 57, 70, 80, 87, 93, 99 };
  double want = 2 * eps;
  int next = 0;
  for (int it = 0; it < 100; it++)
    {
      if (next < 8 && it == checks[next])
        {
          want /= 2;
          next++;
        }
      /* Halving a double is exact, so equality. */
      cr_assert_eq (trace[it], want, "iteration %d: step %g, want %g", it, trace[it], want);
    }
  /* Not fooled: the highest-loss point, the corner 0.5 + 0.1 sign(w). */
  for (int j = 0; j < 4; j++)
    cr_assert_eq (adv->data[j], 0.5f + (w[j] > 0 ? 0.1f : -0.1f), "pixel %d: %.9g", j,
                  (double) adv->data[j]);
  fixture_attack_free (&interp_attack_apgd, apgd);
  interp_tensor_free (adv);
  interp_tensor_free (x);
  interp_net_free (net);
}

/* ---- robust accuracy on the trained net ------------------------------------------ */

/* Robust accuracy at each budget of the grid: never above clean, and (when
 * monotone) never above the previous budget's.  Iterative attacks that
 * search the whole ball are expected to be monotone; FGSM's single step is
 * not (a larger step can overshoot into the true class's region again), so
 * its monotonicity is tested where it is a theorem, on a linear model. */
static void
check_monotone_on (InterpNet *net, const FixtureBatch *test, const InterpComponent *c,
                   const char *const *pairs, const double *eps, int n_eps, gboolean monotone,
                   double *last_out)
{
  gpointer self = attack_new (c, pairs);
  InterpTensor *adv = interp_tensor_new_4d (1, 1, 1, 1);
  const double clean = fixture_accuracy (net, test->x, test->labels);
  double last = clean;
  for (int e = 0; e < n_eps; e++)
    {
      fixture_attack_run (c, self, net, test->x, test->labels, eps[e], 17, adv);
      double acc = fixture_accuracy (net, adv, test->labels);
      cr_log_info ("%s eps %g: robust accuracy %.3f (clean %.3f)", c->name, eps[e], acc, clean);
      cr_assert_leq (acc, clean, "%s: robust accuracy %.3f above clean %.3f at eps %g", c->name,
                     acc, clean, eps[e]);
      if (monotone)
        cr_assert_leq (acc, last, "%s: robust accuracy rose from %.3f to %.3f at eps %g",
                       c->name, last, acc, eps[e]);
      last = acc;
    }
  interp_tensor_free (adv);
  fixture_attack_free (c, self);
  *last_out = last;
}

static void
check_monotone_full (const InterpComponent *c, const char *const *pairs, const double *eps,
                     int n_eps, gboolean monotone)
{
  FixtureBatch test;
  InterpNet *net = fixture_conv_net (45, &test);
  const double clean = fixture_accuracy (net, test.x, test.labels);
  double last;
  check_monotone_on (net, &test, c, pairs, eps, n_eps, monotone, &last);
  /* The largest budget must actually hurt: bars of contrast 0.4-0.6 are
   * erased by a perturbation of that size. */
  cr_assert_lt (last, clean - 0.3, "%s barely hurts: %.3f vs clean %.3f", c->name, last, clean);
  fixture_batch_free (&test);
  interp_net_free (net);
}

static void
check_monotone (const InterpComponent *c, const char *const *pairs, const double *eps, int n_eps)
{
  check_monotone_full (c, pairs, eps, n_eps, TRUE);
}

static const double linf_grid[] = { 0, 0.02, 0.05, 0.1, 0.2, 0.3 };
static const double l2_grid[] = { 0, 0.1, 0.3, 0.6, 1.2, 2.4 };

Test (robust_accuracy, fgsm)
{
  check_monotone_full (&interp_attack_fgsm, NULL, linf_grid, 6, FALSE);
}

/* On a binary linear classifier FGSM is the optimal Linf attack and each
 * pixel moves by min(eps, room to the box edge) against the margin, which
 * only shrinks as eps grows: robust accuracy is monotone, provably. */
Test (robust_accuracy, fgsm_linear_monotone)
{
  const float w[] = { 1.0f, -2.0f, 0.5f, 1.5f };
  InterpNet *net = fixture_binary_net (4, w, -0.5f);
  FixtureBatch b = { interp_tensor_new_4d (60, 4, 1, 1), g_new (int32_t, 60), 60 };
  InterpRng rng;
  interp_rng_seed (&rng, 4);
  for (int64_t i = 0; i < b.n; i++)
    {
      double m = -0.5;
      for (int j = 0; j < 4; j++)
        {
          b.x->data[i * 4 + j] = (float) interp_rng_uniform (&rng);
          m += w[j] * b.x->data[i * 4 + j];
        }
      b.labels[i] = m > 0;
    }
  static const double grid[] = { 0, 0.01, 0.03, 0.1, 0.2, 0.4, 0.8 };
  double last;
  check_monotone_on (net, &b, &interp_attack_fgsm, NULL, grid, 7, TRUE, &last);
  cr_assert_lt (last, 0.2, "FGSM at eps 0.8 leaves %.3f of a linear model's accuracy", last);
  fixture_batch_free (&b);
  interp_net_free (net);
}

Test (robust_accuracy, bim)
{
  const char *const bp[] = { "step-size=0.03", NULL };
  check_monotone (&interp_attack_bim, bp, linf_grid, 6);
}

Test (robust_accuracy, pgd_linf)
{
  const char *const pairs[] = { "relative-step-size=0.25", NULL };
  check_monotone (&interp_attack_pgd, pairs, linf_grid, 6);
}

Test (robust_accuracy, pgd_l2)
{
  const char *const pairs[] = { "norm=l2", "epsilon=0.5", "relative-step-size=0.25",
                                "restarts=2", NULL };
  check_monotone (&interp_attack_pgd, pairs, l2_grid, 6);
}

Test (robust_accuracy, apgd_ce)
{
  const char *const pairs[] = { "steps=20", NULL };
  check_monotone (&interp_attack_apgd, pairs, linf_grid, 6);
}

Test (robust_accuracy, apgd_dlr_l2)
{
  const char *const pairs[] = { "steps=20", "loss=dlr", "norm=l2", "epsilon=0.5", NULL };
  check_monotone (&interp_attack_apgd, pairs, l2_grid, 6);
}

Test (robust_accuracy, apgd_targeted_ce)
{
  const char *const pairs[] = { "steps=20", "targeted=true", "n-target-classes=2", NULL };
  check_monotone (&interp_attack_apgd, pairs, linf_grid, 6);
}

/* ---- every attack: eps = 0, budgets, determinism ------------------------------- */

typedef struct {
  const InterpComponent *c;
  const char *pairs[6];
  InterpNorm norm;
} Config;

static const Config configs[] = {
  { &interp_attack_fgsm, { 0 }, INTERP_NORM_LINF },
  { &interp_attack_bim, { 0 }, INTERP_NORM_LINF },
  { &interp_attack_pgd, { "restarts=2", NULL }, INTERP_NORM_LINF },
  { &interp_attack_pgd, { "norm=l2", "epsilon=0.5", "relative-step-size=0.3", NULL },
    INTERP_NORM_L2 },
  { &interp_attack_apgd, { "steps=12", NULL }, INTERP_NORM_LINF },
  { &interp_attack_apgd, { "steps=12", "norm=l2", "epsilon=0.5", "restarts=2", NULL },
    INTERP_NORM_L2 },
  { &interp_attack_apgd, { "steps=12", "targeted=true", "n-target-classes=2", NULL },
    INTERP_NORM_LINF },
};

/* One batch, per-image budgets (0 for every third image), twice with the
 * same seed: bit-identical; eps = 0 images are x exactly; everyone within
 * its budget and in [0, 1]. */
Test (every_attack, zero_budget_budgets_and_determinism)
{
  FixtureBatch test;
  InterpNet *net = fixture_conv_net (18, &test);
  const int64_t n = test.n;
  const size_t d = interp_tensor_sample_size (test.x);
  double *eps = g_new (double, n);
  for (size_t ci = 0; ci < G_N_ELEMENTS (configs); ci++)
    {
      const Config *cf = &configs[ci];
      const double scale = cf->norm == INTERP_NORM_L2 ? 1.0 : 0.1;
      for (int64_t i = 0; i < n; i++)
        eps[i] = i % 3 == 0 ? 0.0 : scale * (double) (1 + i % 4) / 4.0;
      gpointer self = attack_new (cf->c, cf->pairs);
      const InterpAttackVTable *vt = cf->c->vtable;
      InterpTensor *a1 = interp_tensor_new_4d (n, 1, 8, 8), *a2 = interp_tensor_new_4d (n, 1, 8, 8);
      GError *error = NULL;
      InterpRng rng;
      interp_rng_seed (&rng, 99);
      cr_assert (vt->perturb (self, net, test.x, test.labels, eps, &rng, a1, &error), "%s: %s",
                 cf->c->name, error ? error->message : "");
      interp_rng_seed (&rng, 99);
      cr_assert (vt->perturb (self, net, test.x, test.labels, eps, &rng, a2, &error), "%s: %s",
                 cf->c->name, error ? error->message : "");
      cr_assert_arr_eq (a1->data, a2->data, a1->numel * sizeof (float),
                        "%s (config %zu) is not deterministic", cf->c->name, ci);
      assert_in_box01 (a1, cf->c->name);
      InterpAttackInfo info;
      vt->describe (self, &info);
      cr_assert_eq (info.norm, cf->norm, "%s describes the wrong norm", cf->c->name);
      for (int64_t i = 0; i < n; i++)
        {
          const float *xi = test.x->data + i * d, *ai = a1->data + i * d;
          if (eps[i] == 0)
            cr_assert_arr_eq (ai, xi, d * sizeof (float), "%s moved image %" G_GINT64_FORMAT
                              " with eps 0", cf->c->name, i);
          /* 1e-6: the projection's float rounding, as in check_pgd_budget. */
          double m = interp_perturbation_norm (cf->norm, ai, xi, d);
          cr_assert_leq (m, eps[i] + 1e-6, "%s: image %" G_GINT64_FORMAT " at %.9g > eps %g",
                         cf->c->name, i, m, eps[i]);
        }
      interp_tensor_free (a1);
      interp_tensor_free (a2);
      fixture_attack_free (cf->c, self);
    }
  g_free (eps);
  fixture_batch_free (&test);
  interp_net_free (net);
}

/* Randomised attacks draw from the stream: another seed, another result. */
Test (every_attack, randomised_ones_use_the_stream)
{
  FixtureBatch test;
  InterpNet *net = fixture_conv_net (6, &test);
  const char *const pairs[] = { "steps=3", NULL };
  gpointer pgd = attack_new (&interp_attack_pgd, pairs);
  InterpTensor *a1 = interp_tensor_new_4d (1, 1, 1, 1), *a2 = interp_tensor_new_4d (1, 1, 1, 1);
  fixture_attack_run (&interp_attack_pgd, pgd, net, test.x, test.labels, 0.05, 1, a1);
  fixture_attack_run (&interp_attack_pgd, pgd, net, test.x, test.labels, 0.05, 2, a2);
  cr_assert (memcmp (a1->data, a2->data, a1->numel * sizeof (float)) != 0);
  interp_tensor_free (a1);
  interp_tensor_free (a2);
  fixture_attack_free (&interp_attack_pgd, pgd);
  fixture_batch_free (&test);
  interp_net_free (net);
}

/* ---- errors -------------------------------------------------------------------- */

static void
assert_refused (const InterpComponent *c, const char *const *pairs, const char *needle)
{
  GError *error = NULL;
  gpointer self = fixture_attack_new (c, pairs, &error);
  cr_assert_null (self, "%s accepted %s", c->name, pairs[0]);
  cr_assert_not_null (error);
  cr_assert (strstr (error->message, needle) != NULL, "'%s' does not name %s", error->message,
             needle);
  g_error_free (error);
}

Test (errors, bad_keys_are_named)
{
  const char *const l3[] = { "norm=l3", NULL };
  assert_refused (&interp_attack_pgd, l3, "norm");
  assert_refused (&interp_attack_apgd, l3, "norm");
  const char *const loss[] = { "loss=hinge", NULL };
  assert_refused (&interp_attack_apgd, loss, "loss");
  const char *const zero[] = { "step-size=0", NULL };
  assert_refused (&interp_attack_pgd, zero, "step-size");
  const char *const l2step[] = { "norm=l2", "epsilon=0.5", NULL };
  assert_refused (&interp_attack_pgd, l2step, "step-size");
  const char *const fixed[] = { "random-start=false", "restarts=3", NULL };
  assert_refused (&interp_attack_pgd, fixed, "random-start");
  const char *const steps[] = { "steps=0", NULL };
  assert_refused (&interp_attack_bim, steps, "steps");
  const char *const l2[] = { "norm=l2", NULL };
  assert_refused (&interp_attack_pgd, l2, "epsilon");
  assert_refused (&interp_attack_apgd, l2, "epsilon");
  const char *const rho[] = { "rho=1.5", NULL };
  assert_refused (&interp_attack_apgd, rho, "rho");
}

Test (errors, budgets_and_classes_at_perturb)
{
  InterpNet *net = fixture_linear_net (4, 2, lin_w, lin_b);
  InterpTensor *x = interp_tensor_new_4d (1, 4, 1, 1), *adv = interp_tensor_new_4d (1, 4, 1, 1);
  interp_tensor_fill (x, 0.5f);
  const int32_t labels[] = { 0 };
  InterpRng rng;
  interp_rng_seed (&rng, 1);
  GError *error = NULL;
  const double inf = INFINITY;
  gpointer pgd = attack_new (&interp_attack_pgd, NULL);
  const InterpAttackVTable *vt = interp_attack_pgd.vtable;
  cr_assert_not (vt->perturb (pgd, net, x, labels, &inf, &rng, adv, &error));
  cr_assert (strstr (error->message, "budget") != NULL, "%s", error->message);
  g_clear_error (&error);
  fixture_attack_free (&interp_attack_pgd, pgd);
  /* Two classes: no runner-up beyond the first, and DLR needs three. */
  const char *const tg[] = { "targeted=true", "n-target-classes=2", NULL };
  gpointer apgd = attack_new (&interp_attack_apgd, tg);
  const double e = 0.1;
  vt = interp_attack_apgd.vtable;
  cr_assert_not (vt->perturb (apgd, net, x, labels, &e, &rng, adv, &error));
  cr_assert (strstr (error->message, "n-target-classes") != NULL, "%s", error->message);
  g_clear_error (&error);
  fixture_attack_free (&interp_attack_apgd, apgd);
  const char *const dlr[] = { "loss=dlr", NULL };
  apgd = attack_new (&interp_attack_apgd, dlr);
  cr_assert_not (vt->perturb (apgd, net, x, labels, &e, &rng, adv, &error));
  cr_assert (strstr (error->message, "DLR") != NULL, "%s", error->message);
  g_clear_error (&error);
  fixture_attack_free (&interp_attack_apgd, apgd);
  interp_tensor_free (x);
  interp_tensor_free (adv);
  interp_net_free (net);
}
