/* A shared object with a misspelt entry point: not an interp plugin. */
#include "test-plugin.h"

static const InterpComponent metric = INTERP_COMPONENT (
  .kind = INTERP_KIND_METRIC, .name = "test-no-entry",
  .description = "Never registered.", .params = NULL, .vtable = &test_metric_vtable);

static const InterpComponent *const components[] = { &metric };

static const InterpPluginDescriptor descriptor = {
  .abi_version = INTERP_ABI_VERSION,
  .struct_size = sizeof (InterpPluginDescriptor),
  .name = "test-no-entry", .version = "1", .license = "MIT",
  .description = "Exports the wrong symbol.",
  .components = components, .n_components = 1,
};

INTERP_PLUGIN_EXPORT const InterpPluginDescriptor *interp_plugin_descibe (void);
INTERP_PLUGIN_EXPORT const InterpPluginDescriptor *
interp_plugin_descibe (void)
{
  return &descriptor;
}
