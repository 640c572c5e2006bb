/* A parameter whose default does not parse as its own type. */
#include "test-plugin.h"

static const InterpParamSpec params[] = {
  { "count", INTERP_PARAM_INT, "many", "How many.", 0, 0, NULL },
  { NULL }
};

static const InterpComponent metric = INTERP_COMPONENT (
  .kind = INTERP_KIND_METRIC, .name = "test-bad-default",
  .description = "Never registered.", .params = params, .vtable = &test_metric_vtable);

static const InterpComponent *const components[] = { &metric };

INTERP_PLUGIN_DEFINE (.name = "test-bad-default", .version = "1", .license = "MIT",
                      .description = "Default fails its spec.",
                      .components = components, .n_components = G_N_ELEMENTS (components))
