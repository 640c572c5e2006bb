/* model:cnn, a plain convolutional network.
 *
 * Per entry of `channels`: conv<k>, [bn<k>], relu<k>, [pool<k>]; then
 * flatten, and per entry of `hidden`: fc<j>, relu<next>, [dropout<j>];
 * then "fc" (the logits).  Layers are numbered per kind in network order,
 * so the defaults on 1 x 28 x 28 (Fashion-MNIST) give
 *   conv1 (32, 3x3)  28 -> 26    relu1   pool1 (max 2x2)  26 -> 13
 *   conv2 (64, 3x3)  13 -> 11    relu2   pool2 (max 2x2)  11 -> 5
 *   flatten (64*5*5 = 1600)   fc1 (128)   relu3   fc (n_classes)
 * the classic two-conv Fashion-MNIST baseline (about 91-92% test accuracy).
 * Convolutions carry a bias unless a BatchNorm follows them (PyTorch's
 * convention: the BN shift makes it redundant).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "models-private.h"

static const InterpParamSpec cnn_params[] = {
  { "channels", INTERP_PARAM_INT_LIST, "32, 64",
    "output channels of the convolution stages, input side first", 1, 1 << 16, NULL },
  { "kernel", INTERP_PARAM_INT, "3", "square kernel size of every convolution", 1, 15, NULL },
  { "padding", INTERP_PARAM_STRING, "valid",
    "convolution padding: valid (none), same (kernel/2, odd kernels), or a pixel count",
    0, 0, NULL },
  { "pool", INTERP_PARAM_CHOICE, "max", "2x2 stride-2 pooling after every stage",
    0, 0, "max|avg|none" },
  { "hidden", INTERP_PARAM_INT_LIST, "128",
    "widths of the hidden fully connected layers after flatten", 1, 1 << 20, NULL },
  { "batchnorm", INTERP_PARAM_BOOL, "false",
    "BatchNorm between every convolution and its ReLU", 0, 0, NULL },
  { "dropout", INTERP_PARAM_DOUBLE, "0",
    "drop probability after every hidden fully connected ReLU (0 = none)", 0, 0.99, NULL },
  { "init", INTERP_PARAM_CHOICE, "pytorch", MODEL_INIT_HELP, 0, 0, "pytorch|kaiming" },
  { 0 }
};

/* `padding` as pixels; -1 with an error naming the key when it is none of
 * valid, same (odd kernels only) or a non-negative integer. */
static int
parse_padding (const InterpParams *params, int kernel, GError **error)
{
  const char *text = interp_params_get_string (params, "padding");
  if (g_ascii_strcasecmp (text, "valid") == 0)
    return 0;
  if (g_ascii_strcasecmp (text, "same") == 0)
    {
      if (kernel % 2 == 0)
        {
          g_set_error (error, INTERP_ERROR, INTERP_ERROR_BAD_VALUE,
                       "%s: key 'padding': 'same' needs an odd kernel, but kernel is %d",
                       interp_params_where (params), kernel);
          return -1;
        }
      return kernel / 2;
    }
  char *end = NULL;
  long pad = *text ? strtol (text, &end, 10) : -1;
  if (end == NULL || *end != '\0' || pad < 0 || pad > 64)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_BAD_VALUE,
                   "%s: key 'padding': expected valid, same or a pixel count in [0, 64], "
                   "got '%s'", interp_params_where (params), text);
      return -1;
    }
  return (int) pad;
}

static gboolean
cnn_build (const InterpParams *params, const InterpDataInfo *data, InterpNet *net,
           int input, GError **error)
{
  ModelBuilder b;
  model_builder_init (&b, net, "cnn");
  size_t n_stages = 0, n_hidden = 0;
  const gint64 *channels = interp_params_get_int_list (params, "channels", &n_stages);
  const gint64 *hidden = interp_params_get_int_list (params, "hidden", &n_hidden);
  int kernel = (int) interp_params_get_int (params, "kernel");
  const char *pool = interp_params_get_string (params, "pool");
  gboolean batchnorm = interp_params_get_bool (params, "batchnorm");
  double dropout = interp_params_get_double (params, "dropout");
  int padding = parse_padding (params, kernel, error);
  if (padding < 0)
    return FALSE;
  /* PyTorch's default by default: with Kaiming-normal, SGD at lr 0.05 and
   * momentum 0.9 leaves most of conv2's units never active on
   * Fashion-MNIST (47 of 64; PyTorch's init: 1) and costs ~2 points of
   * accuracy (see InterpInit in nn.h). */
  model_apply_init (params, net);

  int x = input;
  for (size_t i = 0; i < n_stages && x >= 0; i++)
    {
      g_autofree char *conv = model_numbered ("conv", &b.n_conv);
      g_autofree char *relu = model_numbered ("relu", &b.n_relu);
      x = model_conv (&b, conv, x, channels[i], kernel, 1, padding, !batchnorm, error);
      if (x >= 0 && batchnorm)
        {
          g_autofree char *bn = model_numbered ("bn", &b.n_bn);
          x = model_batchnorm (&b, bn, x, error);
        }
      if (x >= 0)
        x = model_relu (&b, relu, x, error);
      if (x >= 0 && strcmp (pool, "none") != 0)
        {
          g_autofree char *name = model_numbered ("pool", &b.n_pool);
          x = model_pool (&b, name, x, strcmp (pool, "max") == 0, 2, 2, 0, error);
        }
    }
  return x >= 0
         && model_dense_head (&b, x, hidden, n_hidden, dropout, data->n_classes, error) >= 0;
}

static const InterpModelVTable cnn_vtable = {
  INTERP_VTABLE_SIZE (InterpModelVTable),
  .build = cnn_build,
};

const InterpComponent models_cnn_component = INTERP_COMPONENT (
  .kind = INTERP_KIND_MODEL,
  .name = "cnn",
  .description = "Plain CNN; nodes conv1, [bn1], relu1, [pool1], conv2, ..., flatten, fc1, "
                 "relu<k>, [dropout1], ..., fc (the logits).",
  .params = cnn_params,
  .vtable = &cnn_vtable);
