/* interp-metrics: the metric components shipped with interp. */
#include "config.h"

#include <interp/interp.h>

#include "plugin-components.h"

static const InterpComponent *const components[] = {
  &interp_metric_accuracy,
  &interp_metric_class_selectivity,
  &interp_metric_dimensionality,
  &interp_metric_gradient_variability,
};

INTERP_PLUGIN_DEFINE (.name = "interp-metrics", .version = INTERP_VERSION_STRING,
                      .license = "MIT",
                      .description = "Accuracy, class selectivity, dimensionality and gradient variability metrics.",
                      .components = components,
                      .n_components = G_N_ELEMENTS (components))
