/* Declares a plugin ABI this interp does not speak. */
#include "test-plugin.h"

static const InterpComponent metric = INTERP_COMPONENT (
  .kind = INTERP_KIND_METRIC, .name = "test-wrong-abi",
  .description = "Never registered.", .params = NULL, .vtable = &test_metric_vtable);

static const InterpComponent *const components[] = { &metric };

static const InterpPluginDescriptor descriptor = {
  .abi_version = INTERP_ABI_VERSION + 41,
  .struct_size = sizeof (InterpPluginDescriptor),
  .name = "test-wrong-abi", .version = "1", .license = "MIT",
  .description = "Built for another ABI.",
  .components = components, .n_components = 1,
};

INTERP_PLUGIN_EXPORT const InterpPluginDescriptor *interp_plugin_describe (void);
INTERP_PLUGIN_EXPORT const InterpPluginDescriptor *
interp_plugin_describe (void)
{
  return &descriptor;
}
