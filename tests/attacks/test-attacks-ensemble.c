/* attack:square and attack:auto: Square computes no gradient, stays in
 * the Linf ball and fools exactly when the ball reaches the boundary; the
 * ensemble fools every image a member fools alone; every attack gives the
 * network back as found, whatever mode it is handed.
 *
 * This program is linked with --wrap for interp_net_forward and
 * interp_net_backward (tests/attacks/local.mk): the wrappers count the
 * passes, so "Square computes no gradient" is observed, not assumed. */
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

/* ---- counting passes ---------------------------------------------------- */

gboolean __real_interp_net_forward (InterpNet *net, const InterpTensor *x, GError **error);
gboolean __wrap_interp_net_forward (InterpNet *net, const InterpTensor *x, GError **error);
void __real_interp_net_backward (InterpNet *net);
void __wrap_interp_net_backward (InterpNet *net);

static int n_forward, n_forward_with_grad, n_backward;

gboolean
__wrap_interp_net_forward (InterpNet *net, const InterpTensor *x, GError **error)
{
  n_forward++;
  if (interp_net_input_grad_enabled (net) || interp_net_param_grad (net))
    n_forward_with_grad++;
  return __real_interp_net_forward (net, x, error);
}

void
__wrap_interp_net_backward (InterpNet *net)
{
  n_backward++;
  __real_interp_net_backward (net);
}

/* ---- Square ------------------------------------------------------------- */

Test (square, runs_no_backward_and_no_forward_with_gradients_on)
{
  InterpNet *net = affine_net (2, 2, 2, BIN_W, BIN_B);
  InterpTensor *x = constant_images (1, 2, 2, 0.5f);
  int32_t label = 0;
  /* The network arrives with both gradient flags on: Square must turn them
   * off rather than leave them as found during its forwards. */
  interp_net_set_input_grad (net, TRUE);
  interp_net_set_param_grad (net, TRUE);
  gpointer sq = attack_new (&interp_attack_square, (const char *[]) { "queries=200", NULL });
  n_forward = n_forward_with_grad = n_backward = 0;
  InterpTensor *adv = run (&interp_attack_square, sq, net, x, &label, 0.2);
  cr_assert_gt (n_forward, 1);
  cr_assert_eq (n_backward, 0);
  cr_assert_eq (n_forward_with_grad, 0);
  cr_assert (interp_net_input_grad_enabled (net) && interp_net_param_grad (net));
  /* The instrument sees gradients when there are some: DeepFool's. */
  gpointer df = attack_new (&interp_attack_deepfool, NULL);
  InterpTensor *adv2 = run (&interp_attack_deepfool, df, net, x, &label, INFINITY);
  cr_assert_gt (n_backward, 0);
  cr_assert_gt (n_forward_with_grad, 0);
  interp_tensor_free (adv2);
  attack_free (&interp_attack_deepfool, df);
  interp_tensor_free (adv);
  attack_free (&interp_attack_square, sq);
  interp_tensor_free (x);
  interp_net_free (net);
}

Test (square, fools_exactly_when_the_linf_ball_reaches_the_boundary)
{
  InterpNet *net = affine_net (2, 2, 2, BIN_W, BIN_B);
  InterpTensor *x = constant_images (1, 2, 2, 0.5f);
  int32_t label = 0;
  gpointer sq = attack_new (&interp_attack_square, (const char *[]) { "queries=200", NULL });
  /* eps 0.2 > 1/6: the corner x + 0.2 sign (v) raises f by 0.2 * 1.8 = 0.36
   * > 0.3.  With one channel every query flips one uniformly drawn pixel
   * (a 1 x 1 square; the sign must change it) and keeps the flip when the
   * margin falls, which on a linear f it does exactly when the pixel goes
   * to sign (v): after 199 queries a pixel is never drawn with probability
   * (3/4)^199 < 1e-24, and the seed is fixed. */
  InterpTensor *adv = run (&interp_attack_square, sq, net, x, &label, 0.2);
  cr_assert_eq (predict (net, adv, 0), 1);
  for (int q = 0; q < 4; q++)
    cr_assert_leq (fabs (adv->data[q] - 0.5), 0.2 + FLT_EPSILON);
  interp_tensor_free (adv);
  /* eps 0.15 < 1/6: no image in the ball is misclassified. */
  adv = run (&interp_attack_square, sq, net, x, &label, 0.15);
  cr_assert_eq (predict (net, adv, 0), 0);
  for (int q = 0; q < 4; q++)
    cr_assert_leq (fabs (adv->data[q] - 0.5), 0.15 + FLT_EPSILON);
  interp_tensor_free (adv);
  attack_free (&interp_attack_square, sq);
  interp_tensor_free (x);
  interp_net_free (net);
}

Test (square, stays_in_the_linf_ball_and_in_the_pixel_range)
{
  InterpTensor *x;
  int32_t labels[RND_N];
  InterpNet *net = random_model (&x, labels);
  gpointer sq = attack_new (&interp_attack_square, (const char *[]) { "queries=300", NULL });
  const double eps = 0.1;
  InterpTensor *adv = run (&interp_attack_square, sq, net, x, labels, eps);
  int fooled = 0;
  for (int64_t i = 0; i < RND_N; i++)
    {
      cr_assert_leq (norm_of (INTERP_NORM_LINF, adv, x, i), eps + FLT_EPSILON);
      fooled += predict (net, adv, i) != labels[i];
    }
  for (size_t q = 0; q < adv->numel; q++)
    cr_assert (adv->data[q] >= 0.0f && adv->data[q] <= 1.0f);
  cr_log_info ("square: %d of %d fooled at eps %g", fooled, RND_N, eps);
  interp_tensor_free (adv);
  attack_free (&interp_attack_square, sq);
  interp_tensor_free (x);
  interp_net_free (net);
}

Test (square, is_deterministic_and_an_image_does_not_depend_on_its_batch)
{
  InterpTensor *x;
  int32_t labels[RND_N];
  InterpNet *net = random_model (&x, labels);
  gpointer sq = attack_new (&interp_attack_square, (const char *[]) { "queries=100", NULL });
  InterpTensor *a = run (&interp_attack_square, sq, net, x, labels, 0.05);
  InterpTensor *b = run (&interp_attack_square, sq, net, x, labels, 0.05);
  cr_assert_arr_eq (a->data, b->data, a->numel * sizeof (float));
  /* Image 5 alone, with the seed it had in the batch (run() seeds 7). */
  InterpRng rng;
  interp_rng_seed (&rng, 7);
  guint64 seed = 0;
  for (int i = 0; i <= 5; i++)
    seed = interp_rng_next (&rng);
  const size_t d = 16;
  InterpTensor *one = interp_tensor_new_4d (1, 1, 4, 4);
  memcpy (one->data, x->data + 5 * d, d * sizeof (float));
  InterpTensor *one_adv = interp_tensor_new_4d (1, 1, 4, 4);
  double eps = 0.05;
  GError *error = NULL;
  cr_assert (square_perturb_seeded (sq, net, one, labels + 5, &eps, &seed, one_adv, &error),
             "%s", error ? error->message : "");
  cr_assert_arr_eq (one_adv->data, a->data + 5 * d, d * sizeof (float));
  interp_tensor_free (one);
  interp_tensor_free (one_adv);
  interp_tensor_free (a);
  interp_tensor_free (b);
  attack_free (&interp_attack_square, sq);
  interp_tensor_free (x);
  interp_net_free (net);
}

/* ---- auto --------------------------------------------------------------- */

Test (auto_ensemble, fools_every_image_a_member_fools_alone)
{
  InterpTensor *x;
  int32_t labels[RND_N];
  InterpNet *net = random_model (&x, labels);
  const double eps = 0.06;
  gpointer ens = attack_new (&interp_attack_auto,
                             (const char *[]) { "members=deepfool, square",
                                                "square-queries=300", NULL });
  gpointer df = attack_new (&interp_attack_deepfool,
                            (const char *[]) { "norm=linf", "epsilon=8/255", NULL });
  gpointer sq = attack_new (&interp_attack_square, (const char *[]) { "queries=300", NULL });
  InterpTensor *a = run (&interp_attack_auto, ens, net, x, labels, eps);
  InterpTensor *ad = run (&interp_attack_deepfool, df, net, x, labels, eps);
  InterpTensor *as = run (&interp_attack_square, sq, net, x, labels, eps);
  int robust_auto = 0, robust_df = 0, robust_sq = 0;
  for (int64_t i = 0; i < RND_N; i++)
    {
      gboolean fa = predict (net, a, i) != labels[i];
      gboolean fd = predict (net, ad, i) != labels[i];
      gboolean fs = predict (net, as, i) != labels[i];
      cr_assert (fa || !(fd || fs), "image %ld: a member alone fools it, auto does not",
                 (long) i);
      cr_assert_leq (norm_of (INTERP_NORM_LINF, a, x, i), eps + FLT_EPSILON);
      robust_auto += !fa;
      robust_df += !fd;
      robust_sq += !fs;
    }
  cr_log_info ("robust of %d: auto %d, deepfool %d, square %d", RND_N, robust_auto, robust_df,
               robust_sq);
  cr_assert_leq (robust_auto, robust_df);
  cr_assert_leq (robust_auto, robust_sq);
  /* Neither member fools every image nor none, so the comparison says
   * something: the budget sits between the images' distances. */
  cr_assert (robust_df > 0 && robust_df < RND_N);
  InterpTensor *a2 = run (&interp_attack_auto, ens, net, x, labels, eps);
  cr_assert_arr_eq (a->data, a2->data, a->numel * sizeof (float), "deterministic");
  interp_tensor_free (a2);
  interp_tensor_free (a);
  interp_tensor_free (ad);
  interp_tensor_free (as);
  attack_free (&interp_attack_auto, ens);
  attack_free (&interp_attack_deepfool, df);
  attack_free (&interp_attack_square, sq);
  interp_tensor_free (x);
  interp_net_free (net);
}

/* ---- the network given back as found ----------------------------------- */

/* The fixture's check: mode, both flags, which nodes' gradients were
 * touched, every node and parameter gradient bit for bit. */
static void
check_left_as_found (const InterpComponent *comp, const char *const *pairs, double eps,
                     gboolean input_grad)
{
  InterpTensor *x;
  int32_t labels[RND_N];
  InterpNet *net = random_model (&x, labels);
  for (int param_grad = 0; param_grad < 2; param_grad++)
    {
      FixtureNetSnapshot *snap = fixture_net_seed (net, x, input_grad, param_grad);
      gpointer a = attack_new (comp, pairs);
      InterpTensor *adv = run (comp, a, net, x, labels, eps);
      fixture_net_check (net, snap, comp->name);
      interp_tensor_free (adv);
      attack_free (comp, a);
    }
  interp_tensor_free (x);
  interp_net_free (net);
}

Test (left_as_found, every_attack)
{
  for (int flag = 0; flag < 2; flag++)
    {
      check_left_as_found (&interp_attack_deepfool, NULL, 1.0, flag);
      check_left_as_found (&interp_attack_cw_l2, (const char *[]) { "steps=20", NULL }, 1.0,
                           flag);
      check_left_as_found (&interp_attack_square, (const char *[]) { "queries=50", NULL }, 0.1,
                           flag);
      check_left_as_found (&interp_attack_auto,
                           (const char *[]) { "members=deepfool, square",
                                              "square-queries=50", NULL }, 0.1, flag);
    }
}

Test (conv_net, auto_is_at_least_as_strong_as_each_member, .timeout = 120)
{
  FixtureBatch test;
  InterpNet *net = fixture_conv_net (32, &test);
  const double eps = 0.06;
  gpointer ens = attack_new (&interp_attack_auto,
                             (const char *[]) { "members=deepfool, square",
                                                "square-queries=500", NULL });
  gpointer df = attack_new (&interp_attack_deepfool,
                            (const char *[]) { "norm=linf", "epsilon=8/255", NULL });
  gpointer sq = attack_new (&interp_attack_square, (const char *[]) { "queries=500", NULL });
  n_forward = n_forward_with_grad = n_backward = 0;
  InterpTensor *as = run (&interp_attack_square, sq, net, test.x, test.labels, eps);
  cr_assert_eq (n_backward, 0, "square ran a backward pass");
  InterpTensor *a = run (&interp_attack_auto, ens, net, test.x, test.labels, eps);
  InterpTensor *ad = run (&interp_attack_deepfool, df, net, test.x, test.labels, eps);
  double acc_clean = fixture_accuracy (net, test.x, test.labels);
  double acc_auto = fixture_accuracy (net, a, test.labels);
  double acc_df = fixture_accuracy (net, ad, test.labels);
  double acc_sq = fixture_accuracy (net, as, test.labels);
  cr_log_info ("conv net at eps %g: clean %.3f, auto %.3f, deepfool %.3f, square %.3f", eps,
               acc_clean, acc_auto, acc_df, acc_sq);
  for (int64_t i = 0; i < test.n; i++)
    {
      gboolean fa = predict (net, a, i) != test.labels[i];
      cr_assert (fa || (predict (net, ad, i) == test.labels[i]
                        && predict (net, as, i) == test.labels[i]),
                 "image %ld: a member alone fools it, auto does not", (long) i);
      cr_assert_leq (norm_of (INTERP_NORM_LINF, a, test.x, i), eps + FLT_EPSILON);
    }
  cr_assert_leq (acc_auto, acc_df);
  cr_assert_leq (acc_auto, acc_sq);
  cr_assert_lt (acc_auto, acc_clean, "the budget is large enough to fool some images");
  interp_tensor_free (a);
  interp_tensor_free (ad);
  interp_tensor_free (as);
  attack_free (&interp_attack_auto, ens);
  attack_free (&interp_attack_deepfool, df);
  attack_free (&interp_attack_square, sq);
  fixture_batch_free (&test);
  interp_net_free (net);
}

/* The default members (APGD-CE, APGD-T, Square) on a 10-class affine model
 * (APGD-T's 9 targets need 10 classes).  For APGD the bound is in
 * distribution only (auto.c: its starts on a subset differ from the whole
 * batch's), so this checks the counts, with every stream fixed. */
Test (auto_ensemble, default_members_do_not_do_worse_than_each_alone, .timeout = 120)
{
  InterpRng rng;
  interp_rng_seed (&rng, 99);
  double wt[10 * 16], b[10];
  for (int i = 0; i < 10 * 16; i++)
    wt[i] = 0.5 * interp_rng_normal (&rng);
  for (int i = 0; i < 10; i++)
    b[i] = 0.5 * interp_rng_normal (&rng);
  InterpNet *net = affine_net (4, 4, 10, wt, b);
  const int64_t n = 24;
  InterpTensor *x = interp_tensor_new_4d (n, 1, 4, 4);
  for (size_t i = 0; i < x->numel; i++)
    x->data[i] = (float) interp_rng_uniform (&rng);
  int32_t labels[24];
  for (int64_t i = 0; i < n; i++)
    labels[i] = predict (net, x, i);
  const double eps = 0.05;
  gpointer ens = attack_new (&interp_attack_auto,
                             (const char *[]) { "apgd-steps=20", "square-queries=300", NULL });
  gpointer ce = attack_new (&interp_attack_apgd, (const char *[]) { "steps=20", NULL });
  gpointer t = attack_new (&interp_attack_apgd,
                           (const char *[]) { "steps=20", "targeted=true", "loss=dlr", NULL });
  gpointer sq = attack_new (&interp_attack_square, (const char *[]) { "queries=300", NULL });
  InterpTensor *a = run (&interp_attack_auto, ens, net, x, labels, eps);
  InterpTensor *ac = run (&interp_attack_apgd, ce, net, x, labels, eps);
  InterpTensor *at = run (&interp_attack_apgd, t, net, x, labels, eps);
  InterpTensor *as = run (&interp_attack_square, sq, net, x, labels, eps);
  int r_auto = 0, r_ce = 0, r_t = 0, r_sq = 0;
  for (int64_t i = 0; i < n; i++)
    {
      r_auto += predict (net, a, i) == labels[i];
      r_ce += predict (net, ac, i) == labels[i];
      r_t += predict (net, at, i) == labels[i];
      r_sq += predict (net, as, i) == labels[i];
      cr_assert_leq (norm_of (INTERP_NORM_LINF, a, x, i), eps + FLT_EPSILON);
    }
  cr_log_info ("robust of %ld at eps %g: auto %d, apgd-ce %d, apgd-t %d, square %d", (long) n,
               eps, r_auto, r_ce, r_t, r_sq);
  cr_assert_leq (r_auto, r_ce);
  cr_assert_leq (r_auto, r_t);
  cr_assert_leq (r_auto, r_sq);
  cr_assert (r_auto < n, "the budget fools some images");
  InterpTensor *a2 = run (&interp_attack_auto, ens, net, x, labels, eps);
  cr_assert_arr_eq (a->data, a2->data, a->numel * sizeof (float), "deterministic");
  InterpTensor *tensors[] = { a, a2, ac, at, as };
  for (size_t i = 0; i < G_N_ELEMENTS (tensors); i++)
    interp_tensor_free (tensors[i]);
  attack_free (&interp_attack_auto, ens);
  attack_free (&interp_attack_apgd, ce);
  attack_free (&interp_attack_apgd, t);
  attack_free (&interp_attack_square, sq);
  interp_tensor_free (x);
  interp_net_free (net);
}

/* The conv net has dropout: handed in train mode, an attack must still run
 * in eval mode (the same images as handed in eval mode) and give train
 * mode back. */
static void
check_mode (const InterpComponent *comp, const char *const *pairs, double eps)
{
  FixtureBatch test;
  InterpNet *net = fixture_conv_net (8, &test);
  gpointer a = attack_new (comp, pairs);
  InterpTensor *in_eval = run (comp, a, net, test.x, test.labels, eps);
  interp_net_set_mode (net, INTERP_MODE_TRAIN);
  InterpTensor *in_train = run (comp, a, net, test.x, test.labels, eps);
  cr_assert_eq (interp_net_mode (net), INTERP_MODE_TRAIN, "%s changed the mode", comp->name);
  cr_assert_arr_eq (in_eval->data, in_train->data, in_eval->numel * sizeof (float),
                    "%s depends on the mode it is handed", comp->name);
  interp_tensor_free (in_eval);
  interp_tensor_free (in_train);
  attack_free (comp, a);
  fixture_batch_free (&test);
  interp_net_free (net);
}

Test (conv_net, the_mode_handed_does_not_matter, .timeout = 120)
{
  check_mode (&interp_attack_deepfool, NULL, INFINITY);
  check_mode (&interp_attack_cw_l2, (const char *[]) { "steps=20", NULL }, INFINITY);
  check_mode (&interp_attack_square, (const char *[]) { "queries=100", NULL }, 0.1);
  check_mode (&interp_attack_auto,
              (const char *[]) { "members=deepfool, square", "square-queries=100", NULL }, 0.1);
}
