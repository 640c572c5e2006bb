/* The components of the interp-attacks module, one per source file, listed
 * by plugin.c.  Each file defines `const InterpComponent interp_attack_NAME`
 * (NAME with underscores) and adds itself here and to plugin.c. */
#ifndef INTERP_PLUGINS_ATTACKS_COMPONENTS_H
#define INTERP_PLUGINS_ATTACKS_COMPONENTS_H

#include <interp/plugin.h>

extern const InterpComponent interp_attack_bim;
extern const InterpComponent interp_attack_apgd;
extern const InterpComponent interp_attack_fgsm;
extern const InterpComponent interp_attack_pgd;
extern const InterpComponent interp_attack_cw_l2;
extern const InterpComponent interp_attack_deepfool;
extern const InterpComponent interp_attack_square;
extern const InterpComponent interp_attack_auto;

/* apgd.c's schedule, for its tests.  checkpoints: the iteration counts
 * after which APGD checks its step size (steps = n_iter), up to max of them
 * into w; returns how many there are.  halve: the decision at a checkpoint
 * (rises of the loss in a window of `window` iterations, the fraction rho,
 * whether the step was halved at the last checkpoint, the best loss then and
 * now).  trace: record image 0's step size at every iteration of the next
 * perturb()'s first run into steps (n_iter entries; NULL stops). */
gint64 interp_attack_apgd_checkpoints (gint64 n_iter, gint64 *w, gint64 max);
gboolean interp_attack_apgd_halve (gint64 rises, gint64 window, double rho,
                                   gboolean reduced_last, double best_last, double best_now);
void interp_attack_apgd_trace (gpointer apgd, double *steps);

#endif
