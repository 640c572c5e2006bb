/* A plugin that does not say under which license it is distributed. */
#include "test-plugin.h"

static const InterpComponent metric = INTERP_COMPONENT (
  .kind = INTERP_KIND_METRIC, .name = "test-missing-metadata",
  .description = "Never registered.", .params = NULL, .vtable = &test_metric_vtable);

static const InterpComponent *const components[] = { &metric };

INTERP_PLUGIN_DEFINE (.name = "test-missing-metadata", .version = "1", .license = NULL,
                      .description = "No license.",
                      .components = components, .n_components = G_N_ELEMENTS (components))
