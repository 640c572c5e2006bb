/* plugins/models: the module's entry point, listing its model components. */
#include "config.h"

#include "models-private.h"

static const InterpComponent *const components[] = {
  &models_mlp_component,
  &models_cnn_component,
  &models_resnet_component,
};

INTERP_PLUGIN_DEFINE (
  .name = "interp-models",
  .version = PACKAGE_VERSION,
  .license = "MIT",
  .description = "Built-in classifiers: mlp, cnn and resnet (CIFAR ResNet-6n+2, ResNet18).",
  .components = components,
  .n_components = G_N_ELEMENTS (components))
