/* model:resnet, residual networks of basic blocks (He et al. 2016).
 *
 * arch = cifar: the CIFAR family of He et al. 2016, section 4.2: depth
 * 6n + 2 (20, 32, 44, 56, 110), a 3x3 stem of 16 channels, three stages of n
 * blocks with 16, 32 and 64 channels (times `width`), strides 1, 2, 2,
 * option-A shortcuts (subsample + zero-pad channels, no parameters), global
 * average pooling and fc.  ResNet20 with 10 classes has 269,722 parameters.
 *
 * arch = resnet18: torchvision's resnet18 layout: stages of 2 blocks with
 * 64, 128, 256, 512 channels (times `width`), 1x1 projection shortcuts with
 * BN ("downsample") where the shape changes.  The stem follows `stem`:
 * imagenet is conv 7x7 stride 2 + max pool 3x3 stride 2; cifar is a single
 * 3x3 stride-1 conv without max pool, the usual choice for 32x32 and 64x64
 * (Tiny ImageNet) inputs, where the ImageNet stem would leave a 2x2 map
 * for the last stage.  auto picks imagenet for inputs of 128 pixels or more.
 *
 * Node names follow torchvision, so checkpoints map onto its state_dict:
 *   conv1 bn1 relu [maxpool]
 *   layer<s>.<b>.conv1 .bn1 .relu1 .conv2 .bn2
 *     [.shortcut | .downsample.0 .downsample.1]  .add .relu2
 *   avgpool [flatten] fc
 * (torchvision's blocks share one ReLU module; here each application is its
 * own node so `*relu*`, `layer3.*.relu2` and the like address them.)
 */
#include "config.h"

#include <string.h>

#include "models-private.h"

static const InterpParamSpec resnet_params[] = {
  { "arch", INTERP_PARAM_CHOICE, "cifar",
    "cifar: depth 6n+2, 16-32-64 channels, option-A shortcuts; resnet18: 64-128-256-512, "
    "projection shortcuts", 0, 0, "cifar|resnet18" },
  { "depth", INTERP_PARAM_INT, "20",
    "arch=cifar only: 6n+2 layers (20, 32, 44, 56, 110)", 8, 1202, NULL },
  { "width", INTERP_PARAM_INT, "1", "channel multiplier of every stage", 1, 16, NULL },
  { "stem", INTERP_PARAM_CHOICE, "auto",
    "arch=resnet18 only: imagenet (7x7/2 conv + 3x3/2 max pool), cifar (3x3/1 conv), "
    "auto (imagenet for inputs of 128 pixels or more)", 0, 0, "auto|imagenet|cifar" },
  /* Kaiming-normal: the init of He et al. for these BatchNorm nets. */
  { "init", INTERP_PARAM_CHOICE, "kaiming", MODEL_INIT_HELP, 0, 0, "pytorch|kaiming" },
  { 0 }
};

/* One basic block: two 3x3 convs with BN, and a shortcut that is the
 * identity when shapes agree, else option A (projection = FALSE) or a
 * 1x1 conv + BN (projection = TRUE).  Returns the block's output node. */
static int
basic_block (ModelBuilder *b, const char *prefix, int x, int64_t in_channels,
             int64_t channels, int stride, gboolean projection, GError **error)
{
#define NAME(suffix) (g_free (name), name = g_strconcat (prefix, suffix, NULL))
  char *name = NULL;
  int y = model_conv (b, NAME (".conv1"), x, channels, 3, stride, 1, FALSE, error);
  if (y >= 0)
    y = model_batchnorm (b, NAME (".bn1"), y, error);
  if (y >= 0)
    y = model_relu (b, NAME (".relu1"), y, error);
  if (y >= 0)
    y = model_conv (b, NAME (".conv2"), y, channels, 3, 1, 1, FALSE, error);
  if (y >= 0)
    y = model_batchnorm (b, NAME (".bn2"), y, error);

  int shortcut = x;
  if (y >= 0 && (stride != 1 || in_channels != channels))
    {
      if (projection)
        {
          shortcut = model_conv (b, NAME (".downsample.0"), x, channels, 1, stride, 0,
                                 FALSE, error);
          if (shortcut >= 0)
            shortcut = model_batchnorm (b, NAME (".downsample.1"), shortcut, error);
        }
      else
        shortcut = model_shortcut_pad (b, NAME (".shortcut"), x, channels, stride, error);
      if (shortcut < 0)
        y = -1;
    }
  if (y >= 0)
    y = model_add (b, NAME (".add"), y, shortcut, error);
  if (y >= 0)
    y = model_relu (b, NAME (".relu2"), y, error);
  g_free (name);
  return y;
#undef NAME
}

/* Stages of basic blocks: layer1..layer<n_stages>. */
static int
stages (ModelBuilder *b, int x, int64_t in_channels, const int64_t *channels,
        const int *blocks, int n_stages, gboolean projection, GError **error)
{
  for (int s = 0; s < n_stages && x >= 0; s++)
    for (int k = 0; k < blocks[s] && x >= 0; k++)
      {
        g_autofree char *prefix = g_strdup_printf ("layer%d.%d", s + 1, k);
        int stride = (s > 0 && k == 0) ? 2 : 1;
        x = basic_block (b, prefix, x, in_channels, channels[s], stride, projection, error);
        in_channels = channels[s];
      }
  return x;
}

/* Global average pool, a flatten when the pool keeps C x 1 x 1, and fc. */
static int
head (ModelBuilder *b, int x, int n_classes, GError **error)
{
  int64_t shape[3];
  x = model_global_avgpool (b, "avgpool", x, error);
  if (x >= 0 && interp_net_node_shape (b->net, x, shape) != 1)
    x = model_flatten (b, "flatten", x, error);
  if (x >= 0)
    x = model_linear (b, "fc", x, n_classes, TRUE, error);
  return x;
}

static gboolean
resnet_build (const InterpParams *params, const InterpDataInfo *data, InterpNet *net,
              int input, GError **error)
{
  ModelBuilder b;
  model_builder_init (&b, net, "resnet");
  const char *arch = interp_params_get_string (params, "arch");
  int64_t depth = interp_params_get_int (params, "depth");
  int64_t width = interp_params_get_int (params, "width");
  const char *stem = interp_params_get_string (params, "stem");
  int x;
  model_apply_init (params, net);

  if (strcmp (arch, "cifar") == 0)
    {
      if (interp_params_is_set (params, "stem"))
        {
          g_set_error (error, INTERP_ERROR, INTERP_ERROR_BAD_VALUE,
                       "%s: key 'stem' applies only to arch = resnet18 (arch = cifar always "
                       "uses a 3x3 stem)", interp_params_where (params));
          return FALSE;
        }
      if ((depth - 2) % 6 != 0)
        {
          g_set_error (error, INTERP_ERROR, INTERP_ERROR_OUT_OF_RANGE,
                       "%s: key 'depth': %" G_GINT64_FORMAT " is not of the form 6n+2 "
                       "(20, 32, 44, 56, 110, ...)", interp_params_where (params), depth);
          return FALSE;
        }
      int n = (int) ((depth - 2) / 6);
      const int blocks[3] = { n, n, n };
      const int64_t channels[3] = { 16 * width, 32 * width, 64 * width };
      x = model_conv (&b, "conv1", input, channels[0], 3, 1, 1, FALSE, error);
      if (x >= 0)
        x = model_batchnorm (&b, "bn1", x, error);
      if (x >= 0)
        x = model_relu (&b, "relu", x, error);
      if (x >= 0)
        x = stages (&b, x, channels[0], channels, blocks, 3, FALSE, error);
    }
  else
    {
      if (interp_params_is_set (params, "depth") && depth != 18)
        {
          g_set_error (error, INTERP_ERROR, INTERP_ERROR_BAD_VALUE,
                       "%s: key 'depth' applies only to arch = cifar (arch = resnet18 has "
                       "18 layers)", interp_params_where (params));
          return FALSE;
        }
      gboolean imagenet_stem = strcmp (stem, "imagenet") == 0
        || (strcmp (stem, "auto") == 0 && MIN (data->height, data->width) >= 128);
      const int blocks[4] = { 2, 2, 2, 2 };
      const int64_t channels[4] = { 64 * width, 128 * width, 256 * width, 512 * width };
      if (imagenet_stem)
        x = model_conv (&b, "conv1", input, channels[0], 7, 2, 3, FALSE, error);
      else
        x = model_conv (&b, "conv1", input, channels[0], 3, 1, 1, FALSE, error);
      if (x >= 0)
        x = model_batchnorm (&b, "bn1", x, error);
      if (x >= 0)
        x = model_relu (&b, "relu", x, error);
      if (x >= 0 && imagenet_stem)
        x = model_pool (&b, "maxpool", x, TRUE, 3, 2, 1, error);
      if (x >= 0)
        x = stages (&b, x, channels[0], channels, blocks, 4, TRUE, error);
    }
  if (x >= 0)
    x = head (&b, x, data->n_classes, error);
  return x >= 0;
}

static const InterpModelVTable resnet_vtable = {
  INTERP_VTABLE_SIZE (InterpModelVTable),
  .build = resnet_build,
};

const InterpComponent models_resnet_component = INTERP_COMPONENT (
  .kind = INTERP_KIND_MODEL,
  .name = "resnet",
  .description = "Residual network (CIFAR ResNet-6n+2 or ResNet18) with torchvision's node "
                 "names: conv1, bn1, relu, layer1.0.conv1 ... layer3.2.relu2, avgpool, fc.",
  .params = resnet_params,
  .vtable = &resnet_vtable);
