/* Nodes without parameters that move or rescale values: normalize, add,
 * flatten and the ResNet option-A shortcut. */
#include "config.h"

#include "nn/net-impl.h"

#include <math.h>
#include <string.h>

/* ---- normalize: y = (x - mean_c) / std_c ------------------------------------
 * mean and std are buffers of the node ("<name>.mean", "<name>.std"), so a
 * checkpoint carries the statistics the network was trained with and a
 * loaded one predicts as it did (PyTorch: register_buffer).  The kernels
 * read them at every pass; 1 / std is computed per channel as it was when
 * the statistics were copied in, so results are unchanged. */

#define NORM_MEAN 0   /* params[] of a normalize node */
#define NORM_STD 1

/* Plane size: H*W for images, 1 for feature vectors. */
static int64_t
plane_size (const NetNode *node)
{
  return node->ndim == 3 ? node->shape[1] * node->shape[2] : 1;
}

static void
normalize_forward (InterpNet *net, NetNode *node)
{
  const float *x = net_input (net, node, 0)->value->data;
  float *y = node->value->data;
  int64_t n = net_batch (node), c = node->shape[0], hw = plane_size (node);
  const float *mean = node->params[NORM_MEAN]->value->data;
  const float *std = node->params[NORM_STD]->value->data;
  for (int64_t i = 0; i < n; i++)
    for (int64_t ch = 0; ch < c; ch++)
      {
        float m = mean[ch], s = 1.0f / std[ch];
        size_t off = (size_t) ((i * c + ch) * hw);
        #pragma omp simd
        for (int64_t j = 0; j < hw; j++)
          y[off + j] = (x[off + j] - m) * s;
      }
}

static void
normalize_backward (InterpNet *net, NetNode *node, const NetGradMode *grad_in)
{
  if (grad_in[0] == NET_GRAD_SKIP)
    return;
  float *dx = net_input (net, node, 0)->grad->data;
  const float *dy = node->grad->data;
  int64_t n = net_batch (node), c = node->shape[0], hw = plane_size (node);
  gboolean set = grad_in[0] == NET_GRAD_SET;
  const float *std = node->params[NORM_STD]->value->data;
  for (int64_t i = 0; i < n; i++)
    for (int64_t ch = 0; ch < c; ch++)
      {
        float s = 1.0f / std[ch];
        size_t off = (size_t) ((i * c + ch) * hw);
        if (set)
          for (int64_t j = 0; j < hw; j++)
            dx[off + j] = dy[off + j] * s;
        else
          for (int64_t j = 0; j < hw; j++)
            dx[off + j] += dy[off + j] * s;
      }
}

const NetOpClass net_op_normalize = { normalize_forward, normalize_backward, NULL };

int
interp_net_normalize (InterpNet *net, const char *name, int input,
                      const float *mean, const float *std, GError **error)
{
  NetNode *node = net_node_begin (net, name, INTERP_OP_NORMALIZE, &net_op_normalize, 1,
                                  &input, error);
  if (node == NULL)
    return -1;
  const NetNode *src = net_node (net, input);
  node->ndim = src->ndim;
  memcpy (node->shape, src->shape, sizeof node->shape);
  int64_t c = src->shape[0];
  for (int64_t ch = 0; ch < c; ch++)
    if (!(std[ch] > 0.0f && isfinite (std[ch])) || !isfinite (mean[ch]))
      return net_node_fail (node, error, INTERP_ERROR_INVALID_ARGUMENT,
                            "channel %" G_GINT64_FORMAT ": mean %g, std %g: the std must be "
                            "positive and both finite", ch, (double) mean[ch], (double) std[ch]);
  int id = net_node_commit (net, node);
  InterpParam *pm = net_node_add_param (net, node, "mean", 1, &c, TRUE);
  InterpParam *ps = net_node_add_param (net, node, "std", 1, &c, TRUE);
  memcpy (pm->value->data, mean, (size_t) c * sizeof (float));
  memcpy (ps->value->data, std, (size_t) c * sizeof (float));
  return id;
}

/* ---- add ---------------------------------------------------------------------- */

static void
add_forward (InterpNet *net, NetNode *node)
{
  const float *a = net_input (net, node, 0)->value->data;
  const float *b = net_input (net, node, 1)->value->data;
  float *y = node->value->data;
  size_t n = node->value->numel;
  #pragma omp parallel for simd schedule(static) if (n > NET_PARALLEL_MIN)
  for (size_t i = 0; i < n; i++)
    y[i] = a[i] + b[i];
}

static void
add_backward (InterpNet *net, NetNode *node, const NetGradMode *grad_in)
{
  for (int k = 0; k < 2; k++)
    net_grad_accumulate (net_input (net, node, k)->grad->data, node->grad->data,
                         node->grad->numel, grad_in[k]);
}

const NetOpClass net_op_add = { add_forward, add_backward, NULL };

int
interp_net_add (InterpNet *net, const char *name, int a, int b, GError **error)
{
  int in[2] = { a, b };
  NetNode *node = net_node_begin (net, name, INTERP_OP_ADD, &net_op_add, 2, in, error);
  if (node == NULL)
    return -1;
  const NetNode *na = net_node (net, a), *nb = net_node (net, b);
  if (na->ndim != nb->ndim || memcmp (na->shape, nb->shape, sizeof na->shape) != 0)
    return net_node_fail (node, error, INTERP_ERROR_SHAPE,
                          "inputs '%s' and '%s' have different shapes", na->name, nb->name);
  node->ndim = na->ndim;
  memcpy (node->shape, na->shape, sizeof node->shape);
  return net_node_commit (net, node);
}

/* ---- flatten: (C, H, W) -> (C*H*W), same memory order ----------------------------- */

static void
flatten_forward (InterpNet *net, NetNode *node)
{
  memcpy (node->value->data, net_input (net, node, 0)->value->data,
          node->value->numel * sizeof (float));
}

static void
flatten_backward (InterpNet *net, NetNode *node, const NetGradMode *grad_in)
{
  net_grad_accumulate (net_input (net, node, 0)->grad->data, node->grad->data,
                       node->grad->numel, grad_in[0]);
}

const NetOpClass net_op_flatten = { flatten_forward, flatten_backward, NULL };

int
interp_net_flatten (InterpNet *net, const char *name, int input, GError **error)
{
  NetNode *node = net_node_begin (net, name, INTERP_OP_FLATTEN, &net_op_flatten, 1,
                                  &input, error);
  if (node == NULL)
    return -1;
  const NetNode *src = net_node (net, input);
  node->ndim = 1;
  node->shape[0] = net_sample_size (src);
  return net_node_commit (net, node);
}

/* ---- shortcut_pad: y[c + before, i, j] = x[c, i*s, j*s] ------------------------------ */

static void
shortcut_forward (InterpNet *net, NetNode *node)
{
  const NetNode *src = net_input (net, node, 0);
  const float *x = src->value->data;
  float *y = node->value->data;
  int64_t n = net_batch (node), ic = src->shape[0], ih = src->shape[1], iw = src->shape[2];
  int64_t oc = node->shape[0], oh = node->shape[1], ow = node->shape[2];
  int64_t before = (oc - ic) / 2, s = node->stride;
  memset (y, 0, node->value->numel * sizeof (float));
  for (int64_t i = 0; i < n; i++)
    for (int64_t c = 0; c < ic; c++)
      {
        const float *xp = x + (i * ic + c) * ih * iw;
        float *yp = y + (i * oc + c + before) * oh * ow;
        for (int64_t r = 0; r < oh; r++)
          for (int64_t q = 0; q < ow; q++)
            yp[r * ow + q] = xp[r * s * iw + q * s];
      }
}

static void
shortcut_backward (InterpNet *net, NetNode *node, const NetGradMode *grad_in)
{
  if (grad_in[0] == NET_GRAD_SKIP)
    return;
  NetNode *src = net_input (net, node, 0);
  float *dx = src->grad->data;
  const float *dy = node->grad->data;
  int64_t n = net_batch (node), ic = src->shape[0], ih = src->shape[1], iw = src->shape[2];
  int64_t oc = node->shape[0], oh = node->shape[1], ow = node->shape[2];
  int64_t before = (oc - ic) / 2, s = node->stride;
  if (grad_in[0] == NET_GRAD_SET)
    memset (dx, 0, src->grad->numel * sizeof (float));
  for (int64_t i = 0; i < n; i++)
    for (int64_t c = 0; c < ic; c++)
      {
        float *dxp = dx + (i * ic + c) * ih * iw;
        const float *dyp = dy + (i * oc + c + before) * oh * ow;
        for (int64_t r = 0; r < oh; r++)
          for (int64_t q = 0; q < ow; q++)
            dxp[r * s * iw + q * s] += dyp[r * ow + q];
      }
}

const NetOpClass net_op_shortcut_pad = { shortcut_forward, shortcut_backward, NULL };

int
interp_net_shortcut_pad (InterpNet *net, const char *name, int input,
                         int64_t out_channels, int stride, GError **error)
{
  NetNode *node = net_node_begin (net, name, INTERP_OP_SHORTCUT_PAD, &net_op_shortcut_pad,
                                  1, &input, error);
  if (node == NULL)
    return -1;
  const NetNode *src = net_node (net, input);
  if (src->ndim != 3)
    return net_node_fail (node, error, INTERP_ERROR_SHAPE,
                          "needs a (C, H, W) input, '%s' is 1-d", src->name);
  if (stride < 1)
    return net_node_fail (node, error, INTERP_ERROR_INVALID_ARGUMENT,
                          "stride %d is not positive", stride);
  if (out_channels < src->shape[0])
    return net_node_fail (node, error, INTERP_ERROR_SHAPE,
                          "%" G_GINT64_FORMAT " output channels are fewer than the input's %"
                          G_GINT64_FORMAT, out_channels, src->shape[0]);
  node->stride = stride;
  node->out = out_channels;
  node->ndim = 3;
  node->shape[0] = out_channels;
  /* x[:, :, ::s, ::s] keeps ceil(H / s) rows. */
  node->shape[1] = (src->shape[1] + stride - 1) / stride;
  node->shape[2] = (src->shape[2] + stride - 1) / stride;
  return net_node_commit (net, node);
}
