/* The rows and arrays the saliency stage records, declared as a metric
 * declares its outputs (saliency-stage.h says when each is written). */
#include "config.h"

#include "runner/saliency-stage.h"

#include <math.h>

#define SIMILARITY_RANGE .min = -1.0, .max = 1.0

const InterpMetricOutput interp_saliency_outputs[] = {
  { .name = "saliency-completeness-delta", .kind = INTERP_OUTPUT_SCALAR,
    .description = "Mean |sum of attributions - (f(x) - f(baseline))| over the explained images",
    .unit = "logit", .min = 0.0, .max = INFINITY, .higher_is_better = INTERP_BETTER_LOWER },
  { .name = "saliency-completeness-deltas", .kind = INTERP_OUTPUT_VALUES,
    .description = "Completeness delta of each explained image (signed)", .unit = "logit" },
  /* -sd first: the first pattern that matches wins. */
  { .name = "sanity-cascading-*-sd", .kind = INTERP_OUTPUT_PER_LAYER,
    .description = "Standard deviation over images of the map similarity after cascading "
                   "randomisation down to this layer",
    .min = 0.0, .max = INFINITY },
  { .name = "sanity-cascading-*", .kind = INTERP_OUTPUT_PER_LAYER,
    .description = "Similarity of original and randomised maps, cascading randomisation from "
                   "the output down to this layer (mean over images)",
    SIMILARITY_RANGE },
  { .name = "sanity-independent-*-sd", .kind = INTERP_OUTPUT_PER_LAYER,
    .description = "Standard deviation over images of the map similarity with only this layer "
                   "randomised",
    .min = 0.0, .max = INFINITY },
  { .name = "sanity-independent-*", .kind = INTERP_OUTPUT_PER_LAYER,
    .description = "Similarity of original and randomised maps, only this layer randomised "
                   "(mean over images)",
    SIMILARITY_RANGE },
  { .name = "sanity-data-*-sd", .kind = INTERP_OUTPUT_SCALAR,
    .description = "Standard deviation over images of the similarity of maps of the networks "
                   "trained on permuted and on true labels",
    .min = 0.0, .max = INFINITY },
  { .name = "sanity-data-*", .kind = INTERP_OUTPUT_SCALAR,
    .description = "Similarity of the maps of the network trained on permuted labels and the "
                   "one trained on true labels (mean over images)",
    SIMILARITY_RANGE },
  { .name = "deletion-auc", .kind = INTERP_OUTPUT_SCALAR,
    .description = "Area under the deletion curve (top-1 probability as the most salient pixels "
                   "are removed)",
    .unit = "probability", .min = 0.0, .max = 1.0, .higher_is_better = INTERP_BETTER_LOWER },
  { .name = "insertion-auc", .kind = INTERP_OUTPUT_SCALAR,
    .description = "Area under the insertion curve (top-1 probability as the most salient pixels "
                   "are put back onto a blurred image)",
    .unit = "probability", .min = 0.0, .max = 1.0, .higher_is_better = INTERP_BETTER_HIGHER },
  { .name = "deletion-curve", .kind = INTERP_OUTPUT_CURVE,
    .description = "Deletion curve: mean top-1 probability", .unit = "probability",
    .min = 0.0, .max = 1.0, .x_label = "fraction of pixels removed", .x_min = 0.0,
    .x_max = 1.0 },
  { .name = "insertion-curve", .kind = INTERP_OUTPUT_CURVE,
    .description = "Insertion curve: mean top-1 probability", .unit = "probability",
    .min = 0.0, .max = 1.0, .x_label = "fraction of pixels inserted", .x_min = 0.0,
    .x_max = 1.0 },
  { .name = "infidelity", .kind = INTERP_OUTPUT_SCALAR,
    .description = "Infidelity: mean squared error of attributions as predictors of the output "
                   "change under noise (Yeh et al. 2019)",
    .min = 0.0, .max = INFINITY, .higher_is_better = INTERP_BETTER_LOWER },
  { .name = "max-sensitivity", .kind = INTERP_OUTPUT_SCALAR,
    .description = "Max-sensitivity: largest relative change of the map under small input "
                   "perturbations (Yeh et al. 2019)",
    .min = 0.0, .max = INFINITY, .higher_is_better = INTERP_BETTER_LOWER },
  { .name = "roar-accuracy", .kind = INTERP_OUTPUT_SCALAR,
    .description = "Test accuracy after retraining with the most salient inputs removed (ROAR)",
    .unit = "fraction", .min = 0.0, .max = 1.0, .higher_is_better = INTERP_BETTER_LOWER },
  { .name = "kar-accuracy", .kind = INTERP_OUTPUT_SCALAR,
    .description = "Test accuracy after retraining with only the most salient inputs kept (KAR)",
    .unit = "fraction", .min = 0.0, .max = 1.0, .higher_is_better = INTERP_BETTER_HIGHER },
  { 0 }
};
