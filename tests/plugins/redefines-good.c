/* Well-formed, but claims metric:test-good, which good.c already declares:
 * whichever is reached second is refused as a duplicate. */
#include "test-plugin.h"

static const InterpComponent metric = INTERP_COMPONENT (
  .kind = INTERP_KIND_METRIC, .name = "test-good",
  .description = "A second metric:test-good.",
  .params = NULL, .vtable = &test_metric_vtable);

static const InterpComponent *const components[] = { &metric };

INTERP_PLUGIN_DEFINE (.name = "test-redefines", .version = "9.9", .license = "MIT",
                      .description = "Redefines metric:test-good.",
                      .components = components, .n_components = G_N_ELEMENTS (components))
