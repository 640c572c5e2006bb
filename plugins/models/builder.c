/* plugins/models: layer wrappers that name the model and layer in errors. */
#include "config.h"

#include <string.h>

#include "models-private.h"

void
model_builder_init (ModelBuilder *b, InterpNet *net, const char *model)
{
  *b = (ModelBuilder) { .net = net, .model = model };
}

void
model_apply_init (const InterpParams *params, InterpNet *net)
{
  const char *init = interp_params_get_string (params, "init");
  interp_net_set_init (net, strcmp (init, "kaiming") == 0 ? INTERP_INIT_KAIMING_NORMAL
                                                          : INTERP_INIT_PYTORCH);
}

char *
model_numbered (const char *kind, int *counter)
{
  return g_strdup_printf ("%s%d", kind, ++*counter);
}

/* Turns the engine's answer into ours: an id, or -1 with the error
 * prefixed by the model and layer (and set if the engine forgot to). */
static int
finish (ModelBuilder *b, const char *name, int id, GError **error, GError *local)
{
  if (id >= 0)
    return id;
  if (local == NULL)
    g_set_error (&local, INTERP_ERROR, INTERP_ERROR_FAILED, "the network refused the layer");
  g_prefix_error (&local, "model %s: layer %s: ", b->model, name);
  g_propagate_error (error, local);
  return -1;
}

/* The input's spatial shape; FALSE with an error when it is not C x H x W. */
static gboolean
spatial_input (ModelBuilder *b, const char *name, int input, int64_t shape[3],
               GError **error)
{
  if (input < 0 || input >= interp_net_n_nodes (b->net))
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_INVALID_ARGUMENT,
                   "model %s: layer %s: input node %d does not exist", b->model, name, input);
      return FALSE;
    }
  if (interp_net_node_shape (b->net, input, shape) != 3)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_SHAPE,
                   "model %s: layer %s: needs an image-shaped (C x H x W) input, but %s is flat",
                   b->model, name, interp_net_node_name (b->net, input));
      return FALSE;
    }
  return TRUE;
}

/* A sliding window must fit in the (padded) map at least once. */
static gboolean
check_window (ModelBuilder *b, const char *name, int input, int kernel, int stride,
              int padding, GError **error)
{
  int64_t shape[3];
  if (!spatial_input (b, name, input, shape, error))
    return FALSE;
  if (kernel < 1 || stride < 1 || padding < 0)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_INVALID_ARGUMENT,
                   "model %s: layer %s: kernel %d, stride %d, padding %d is not a window",
                   b->model, name, kernel, stride, padding);
      return FALSE;
    }
  if (shape[1] + 2 * padding < kernel || shape[2] + 2 * padding < kernel)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_SHAPE,
                   "model %s: layer %s: its %" G_GINT64_FORMAT "x%" G_GINT64_FORMAT
                   " input (from %s) is smaller than the %dx%d window with padding %d",
                   b->model, name, shape[1], shape[2],
                   interp_net_node_name (b->net, input), kernel, kernel, padding);
      return FALSE;
    }
  return TRUE;
}

int
model_conv (ModelBuilder *b, const char *name, int input, int64_t out_channels,
            int kernel, int stride, int padding, gboolean bias, GError **error)
{
  GError *local = NULL;
  if (!check_window (b, name, input, kernel, stride, padding, error))
    return -1;
  int id = interp_net_conv2d (b->net, name, input, out_channels, kernel, stride, padding,
                              1, bias, &local);
  return finish (b, name, id, error, local);
}

int
model_batchnorm (ModelBuilder *b, const char *name, int input, GError **error)
{
  GError *local = NULL;
  /* PyTorch's BatchNorm defaults, so checkpoints and training match. */
  int id = interp_net_batchnorm (b->net, name, input, 1e-5f, 0.1f, &local);
  return finish (b, name, id, error, local);
}

int
model_relu (ModelBuilder *b, const char *name, int input, GError **error)
{
  GError *local = NULL;
  int id = interp_net_relu (b->net, name, input, &local);
  return finish (b, name, id, error, local);
}

int
model_pool (ModelBuilder *b, const char *name, int input, gboolean max,
            int kernel, int stride, int padding, GError **error)
{
  GError *local = NULL;
  if (!check_window (b, name, input, kernel, stride, padding, error))
    return -1;
  int id = max ? interp_net_maxpool (b->net, name, input, kernel, stride, padding, &local)
               : interp_net_avgpool (b->net, name, input, kernel, stride, padding, &local);
  return finish (b, name, id, error, local);
}

int
model_global_avgpool (ModelBuilder *b, const char *name, int input, GError **error)
{
  GError *local = NULL;
  int64_t shape[3];
  if (!spatial_input (b, name, input, shape, error))
    return -1;
  int id = interp_net_global_avgpool (b->net, name, input, &local);
  return finish (b, name, id, error, local);
}

int
model_linear (ModelBuilder *b, const char *name, int input, int64_t out_features,
              gboolean bias, GError **error)
{
  GError *local = NULL;
  int id = interp_net_linear (b->net, name, input, out_features, bias, &local);
  return finish (b, name, id, error, local);
}

int
model_flatten (ModelBuilder *b, const char *name, int input, GError **error)
{
  GError *local = NULL;
  int id = interp_net_flatten (b->net, name, input, &local);
  return finish (b, name, id, error, local);
}

int
model_dropout (ModelBuilder *b, const char *name, int input, float p, GError **error)
{
  GError *local = NULL;
  int id = interp_net_dropout (b->net, name, input, p, &local);
  return finish (b, name, id, error, local);
}

int
model_add (ModelBuilder *b, const char *name, int a, int c, GError **error)
{
  GError *local = NULL;
  int id = interp_net_add (b->net, name, a, c, &local);
  return finish (b, name, id, error, local);
}

int
model_shortcut_pad (ModelBuilder *b, const char *name, int input, int64_t out_channels,
                    int stride, GError **error)
{
  GError *local = NULL;
  int id = interp_net_shortcut_pad (b->net, name, input, out_channels, stride, &local);
  return finish (b, name, id, error, local);
}

int
model_dense_head (ModelBuilder *b, int input, const gint64 *hidden, size_t n_hidden,
                  double dropout, int n_classes, GError **error)
{
  int x = model_flatten (b, "flatten", input, error);
  for (size_t i = 0; i < n_hidden && x >= 0; i++)
    {
      g_autofree char *fc = model_numbered ("fc", &b->n_fc);
      g_autofree char *relu = model_numbered ("relu", &b->n_relu);
      x = model_linear (b, fc, x, hidden[i], TRUE, error);
      if (x >= 0)
        x = model_relu (b, relu, x, error);
      if (x >= 0 && dropout > 0)
        {
          g_autofree char *drop = model_numbered ("dropout", &b->n_dropout);
          x = model_dropout (b, drop, x, (float) dropout, error);
        }
    }
  if (x >= 0)
    x = model_linear (b, "fc", x, n_classes, TRUE, error);
  return x;
}
