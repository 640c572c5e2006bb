/* libinterp internals shared by the hypothesis files of core/stats
 * (hypothesis-spec.c, -data.c, -verdict.c, -json.c); the API the rest of
 * the core uses is hypothesis.h. */
#ifndef INTERP_HYPOTHESIS_PRIVATE_H
#define INTERP_HYPOTHESIS_PRIVATE_H

#include "stats/hypothesis.h"

G_BEGIN_DECLS

/* NULL, "" and "clean" all name clean (unperturbed) data. */
static inline gboolean
interp_hypothesis_is_clean (const char *perturbation)
{
  return perturbation == NULL || *perturbation == '\0' || g_str_equal (perturbation, "clean");
}

/* The values (double, one per trial) that `h` compares: of the trials
 * matching its condition into *condition, of its control into *control,
 * both newly referenced.  FALSE (and both NULL) with the errors that
 * interp_hypothesis_evaluate documents: every refusal comes from here. */
gboolean interp_hypothesis_collect_samples (const InterpHypothesis *h,
                                            const InterpObservation *obs, size_t n_obs,
                                            GArray **condition, GArray **control,
                                            GError **error);

/* A result naming h's claim, data, test and premises; no statistics yet. */
InterpHypothesisResult *interp_hypothesis_result_new (const InterpHypothesis *h);

/* (Re)decides r->verdict and r->message from its CI and either the raw
 * (p, p_against) or the adjusted values (the rules in hypothesis.h). */
void interp_hypothesis_decide (InterpHypothesisResult *r, gboolean adjusted);

G_END_DECLS

#endif
