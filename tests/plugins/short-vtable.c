/* A metric whose vtable claims to lack the last member of this ABI's. */
#include "test-plugin.h"

static const InterpMetricVTable short_vtable = {
  .struct_size = sizeof (InterpMetricVTable) - sizeof (void *),
  .create = test_metric_create,
  .destroy = test_metric_destroy,
  .reset = test_metric_reset,
  .update = test_metric_update,
  .finish = test_metric_finish,
};

static const InterpComponent metric = INTERP_COMPONENT (
  .kind = INTERP_KIND_METRIC, .name = "test-short-vtable",
  .description = "Never registered.", .params = NULL, .vtable = &short_vtable);

/* The good vtable is referenced too, so the shared header has no unused parts. */
static const InterpComponent fine = INTERP_COMPONENT (
  .kind = INTERP_KIND_METRIC, .name = "test-short-vtable-fine",
  .description = "Never registered either: its plugin is refused as a whole.",
  .params = NULL, .vtable = &test_metric_vtable);

static const InterpComponent *const components[] = { &fine, &metric };

INTERP_PLUGIN_DEFINE (.name = "test-short-vtable", .version = "1", .license = "MIT",
                      .description = "Vtable too short.",
                      .components = components, .n_components = G_N_ELEMENTS (components))
