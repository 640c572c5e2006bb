/* The datasets module: every dataset component shipped with interp. */
#include "config.h"

#include "datasets.h"

#include <interp/version.h>

static const InterpComponent *const components[] = {
  &interp_dataset_fashion_mnist,
  &interp_dataset_mnist,
  &interp_dataset_cifar10,
  &interp_dataset_cifar100,
  &interp_dataset_image_folder,
  &interp_dataset_tiny_imagenet,
  &interp_dataset_synthetic,
  &interp_dataset_corrupted_set,
};

INTERP_PLUGIN_DEFINE (.name = "interp-datasets", .version = INTERP_VERSION_STRING,
                      .license = "MIT",
                      .description = "Dataset loaders: IDX (MNIST, Fashion-MNIST), CIFAR "
                                     "binary batches, image folders, Tiny ImageNet, synthetic",
                      .components = components, .n_components = G_N_ELEMENTS (components))
