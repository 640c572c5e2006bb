/* attack-common.c: the losses' values by hand and their gradients by
 * central differences, the ascent step and the random start. */
#include "config.h"

#include <math.h>
#include <string.h>

#include <criterion/criterion.h>

#include "attack-common.h"

/* ---- attack_loss_row's gradients by central differences ------------------------- */

/* Logits with gaps >= 0.6 between any two, so a step of h = 1e-2 never
 * changes their order (DLR's pi_k and the margin's max are then smooth). */
static const float fd_z[] = { 3.0f, 1.0f, -0.5f, -2.0f, 0.4f };

Test (losses, gradients_by_central_differences)
{
  const struct { AttackLoss loss; int32_t label, target; } cases[] = {
    { ATTACK_LOSS_CE, 1, -1 },          { ATTACK_LOSS_CE, 0, -1 },
    { ATTACK_LOSS_CE_TARGETED, 0, 2 },  { ATTACK_LOSS_DLR, 1, -1 },
    { ATTACK_LOSS_DLR, 0, -1 },         { ATTACK_LOSS_DLR, 4, -1 },
    { ATTACK_LOSS_DLR_TARGETED, 0, 2 }, { ATTACK_LOSS_DLR_TARGETED, 1, 4 },
    { ATTACK_LOSS_MARGIN, 0, -1 },      { ATTACK_LOSS_MARGIN, 3, -1 },
  };
  const int64_t k = 5;
  const float h = 1e-2f;
  for (size_t c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      float dz[5], z[5];
      attack_loss_row (cases[c].loss, fd_z, k, cases[c].label, cases[c].target, dz);
      for (int64_t i = 0; i < k; i++)
        {
          memcpy (z, fd_z, sizeof z);
          z[i] = fd_z[i] + h;
          const float up = z[i];
          double lp = attack_loss_row (cases[c].loss, z, k, cases[c].label, cases[c].target, NULL);
          z[i] = fd_z[i] - h;
          const float down = z[i];
          double lm = attack_loss_row (cases[c].loss, z, k, cases[c].label, cases[c].target, NULL);
          /* The step actually taken (float z +- h rounds), exactly in double. */
          double fd = (lp - lm) / ((double) up - (double) down);
          /* Tolerance: the central difference's error is h^2/6 |L'''| with
           * |L'''| <= 2 for these logits (CE: softmax moments <= 1; DLR: 6
           * |num| / den^4 <= 6 * 3.5 / 2.6^4 < 1 and the mixed terms 2 / den^3
           * < 0.2), i.e. 3.4e-5; dz is a float (rounding < 1e-7 for |dz| <=
           * 1); the losses are doubles of float inputs (error ~1e-16 / h).
           * 5e-5 covers the sum. */
          cr_assert_float_eq (dz[i], fd, 5e-5, "loss %d case %zu: d/dz_%" G_GINT64_FORMAT
                              " = %.8g, differences %.8g", cases[c].loss, c, i,
                              (double) dz[i], fd);
        }
    }
}

/* The values themselves, by hand for the same logits (sorted 3, 1, 0.4,
 * -0.5, -2 at indices 0, 1, 4, 2, 3). */
Test (losses, values_by_hand)
{
  const int64_t k = 5;
  double lse = 0;
  for (int i = 0; i < 5; i++)
    lse += exp ((double) fd_z[i]);
  lse = log (lse);
  /* 1e-12: the sums of five exps in double. */
  cr_assert_float_eq (attack_loss_row (ATTACK_LOSS_CE, fd_z, k, 1, -1, NULL), lse - 1.0, 1e-12);
  cr_assert_float_eq (attack_loss_row (ATTACK_LOSS_CE_TARGETED, fd_z, k, 0, 2, NULL),
                      -(lse + 0.5), 1e-12);
  /* DLR, label 1: -(1 - 3) / (3 - 0.4); label 0: -(3 - 1) / 2.6.  The logits
   * are floats (0.4f is 0.4 + 6e-9), hence 1e-7. */
  cr_assert_float_eq (attack_loss_row (ATTACK_LOSS_DLR, fd_z, k, 1, -1, NULL), 2.0 / 2.6, 1e-7);
  cr_assert_float_eq (attack_loss_row (ATTACK_LOSS_DLR, fd_z, k, 0, -1, NULL), -2.0 / 2.6,
                      1e-7);
  /* DLR-targeted, label 0, target 2: -(3 + 0.5) / (3 - (0.4 - 0.5) / 2). */
  cr_assert_float_eq (attack_loss_row (ATTACK_LOSS_DLR_TARGETED, fd_z, k, 0, 2, NULL),
                      -3.5 / 3.05, 1e-7);
  /* Margin, label 3: 3 - (-2). */
  cr_assert_float_eq (attack_loss_row (ATTACK_LOSS_MARGIN, fd_z, k, 3, -1, NULL), 5.0, 1e-12);
}

/* ---- the ascent step and the random start -------------------------------------- */

Test (common, sign_step_leaves_zero_gradients)
{
  float a[] = { 0.5f, 0.5f, 0.5f };
  const float g[] = { 2.0f, 0.0f, -1e-30f };
  attack_ascent_step (INTERP_NORM_LINF, a, g, 3, 0.25);
  cr_assert_eq (a[0], 0.75f);
  cr_assert_eq (a[1], 0.5f);
  cr_assert_eq (a[2], 0.25f);
  float b[] = { 0.5f, 0.5f };
  const float zero[] = { 0.0f, 0.0f };
  attack_ascent_step (INTERP_NORM_L2, b, zero, 2, 0.25);
  cr_assert_eq (b[0], 0.5f);
  cr_assert_eq (b[1], 0.5f);
}

Test (common, random_start_in_ball)
{
  InterpRng rng;
  interp_rng_seed (&rng, 3);
  float x[64], a[64];
  for (int j = 0; j < 64; j++)
    x[j] = (float) j / 63.0f;
  for (int rep = 0; rep < 20; rep++)
    for (int nrm = 0; nrm < 2; nrm++)
      {
        InterpNorm norm = nrm ? INTERP_NORM_L2 : INTERP_NORM_LINF;
        attack_random_start (norm, x, a, 64, 0.1, &rng);
        /* x + e * u rounds once per pixel: 1e-6 as for the projection. */
        cr_assert_leq (interp_perturbation_norm (norm, a, x, 64), 0.1 + 1e-6);
        for (int j = 0; j < 64; j++)
          cr_assert (a[j] >= 0.0f && a[j] <= 1.0f);
      }
}
