/* A second well-formed plugin, with a parameterless metric. */
#include "test-plugin.h"

static const InterpComponent second_metric = INTERP_COMPONENT (
  .kind = INTERP_KIND_METRIC, .name = "test-second",
  .description = "Another metric that measures nothing.",
  .params = NULL, .vtable = &test_metric_vtable);

static const InterpComponent *const components[] = { &second_metric };

INTERP_PLUGIN_DEFINE (.name = "test-second", .version = "0.1", .license = "MIT",
                      .description = "Second well-formed test plugin.",
                      .components = components, .n_components = G_N_ELEMENTS (components))
