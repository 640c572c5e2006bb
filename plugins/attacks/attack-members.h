/* The attacks of this module that the `auto` ensemble runs as members,
 * created from settings structs rather than from a pipeline group (a plugin
 * cannot build an InterpParams).  Each component's create() reads its keys
 * into the settings and calls the same constructor, so a member run by
 * `auto` behaves exactly as the component with those settings.  Instances
 * are destroyed, perturbed and described through the component's vtable. */
#ifndef INTERP_PLUGINS_ATTACK_MEMBERS_H
#define INTERP_PLUGINS_ATTACK_MEMBERS_H

#include <interp/interp.h>

G_BEGIN_DECLS

/* APGD (apgd.c, the "gradient" engineer's): AutoAttack's APGD-CE is
 * { LINF, dlr FALSE, targeted FALSE, 100 steps, 1 restart, -, rho 0.75 },
 * APGD-T { LINF, dlr TRUE, targeted TRUE, 100, 1, 9 targets, 0.75 }
 * (fra31/auto-attack, the "standard" version). */
typedef struct {
  InterpNorm norm;
  gboolean dlr;         /* DLR loss, else cross-entropy */
  gboolean targeted;    /* APGD-T: towards each of n_targets runner-up classes */
  gint64 steps, restarts, n_targets;
  double rho;
} ApgdSettings;

gpointer apgd_new (const ApgdSettings *s);

/* DeepFool (deepfool.c). */
typedef struct {
  InterpNorm norm;      /* L2 or Linf */
  int steps;            /* iterations (LTS4/DeepFool: 50) */
  double overshoot;     /* on the total perturbation (0.02) */
  int candidates;       /* classes tried, the true one included (10) */
} DeepFoolSettings;

void deepfool_settings_default (DeepFoolSettings *s);
gpointer deepfool_new (const DeepFoolSettings *s);

/* Carlini-Wagner L2 (cw-l2.c). */
typedef struct {
  int binary_steps;     /* searches over c (9) */
  int steps;            /* Adam steps per c */
  double initial_const; /* first c (1e-3) */
  double learning_rate; /* Adam's (0.01) */
  double confidence;    /* kappa (0) */
  gboolean abort_early; /* stop a c when the loss stops falling */
} CwSettings;

void cw_settings_default (CwSettings *s);
gpointer cw_new (const CwSettings *s);

/* Square, Linf (square.c). */
typedef struct {
  int queries;          /* forward passes per image, the initial one included (5000) */
  double p_init;        /* initial fraction of pixels per square (0.8) */
} SquareSettings;

void square_settings_default (SquareSettings *s);
gpointer square_new (const SquareSettings *s);
/* perturb() with one seed per image instead of the batch stream: image i
 * draws only from its own stream seeded with seeds[i].  The vtable's
 * perturb draws seeds[i] = interp_rng_next (rng) for i = 0..n-1, so `auto`,
 * which runs Square on a subset, passes the seeds those images would have
 * had in the whole batch and gets exactly the images Square alone finds. */
gboolean square_perturb_seeded (gpointer self, InterpNet *net, const InterpTensor *x,
                                const int32_t *labels, const double *eps,
                                const guint64 *seeds, InterpTensor *x_adv, GError **error);

/* perturb()'s budget check for the attacks that accept eps[i] = +inf (the
 * minimal-norm ones, and auto, whose members check their own): every
 * eps[i] >= 0, NaN refused. */
static inline gboolean
attack_check_budgets_or_inf (const char *attack, const double *eps, int64_t n, GError **error)
{
  for (int64_t i = 0; i < n; i++)
    if (!(eps[i] >= 0))
      {
        g_set_error (error, INTERP_ERROR, INTERP_ERROR_BAD_VALUE,
                     "%s: image %" G_GINT64_FORMAT "'s budget %g is not a number >= 0",
                     attack, i, eps[i]);
        return FALSE;
      }
  return TRUE;
}

G_END_DECLS

#endif
