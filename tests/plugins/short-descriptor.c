/* A descriptor that claims to be shorter than this ABI's (as if built from
 * an older header without the trailing members). */
#include "test-plugin.h"

#include <stddef.h>

static const InterpComponent metric = INTERP_COMPONENT (
  .kind = INTERP_KIND_METRIC, .name = "test-short-descriptor",
  .description = "Never registered.", .params = NULL, .vtable = &test_metric_vtable);

static const InterpComponent *const components[] = { &metric };

static const InterpPluginDescriptor descriptor = {
  .abi_version = INTERP_ABI_VERSION,
  .struct_size = offsetof (InterpPluginDescriptor, reserved),
  .name = "test-short-descriptor", .version = "1", .license = "MIT",
  .description = "Descriptor too short.",
  .components = components, .n_components = 1,
};

INTERP_PLUGIN_EXPORT const InterpPluginDescriptor *interp_plugin_describe (void);
INTERP_PLUGIN_EXPORT const InterpPluginDescriptor *
interp_plugin_describe (void)
{
  return &descriptor;
}
