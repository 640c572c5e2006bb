/* Element-wise nodes: ReLU and (inverted) dropout. */
#include "config.h"

#include "nn/net-impl.h"

#include <string.h>

static int
same_shape_node (InterpNet *net, NetNode *node, int input)
{
  const NetNode *src = net_node (net, input);
  node->ndim = src->ndim;
  memcpy (node->shape, src->shape, sizeof node->shape);
  return net_node_commit (net, node);
}

/* ---- relu ----------------------------------------------------------------------- */

static void
relu_forward (InterpNet *net, NetNode *node)
{
  const float *x = net_input (net, node, 0)->value->data;
  float *y = node->value->data;
  size_t n = node->value->numel;
  #pragma omp parallel for simd schedule(static) if (n > NET_PARALLEL_MIN)
  for (size_t i = 0; i < n; i++)
    y[i] = net_clamp_min0 (x[i]);
}

/* The derivative at 0 is taken as 0, as PyTorch does; at a NaN output the
 * gradient passes, as in PyTorch (the output is NaN anyway). */
static void
relu_backward (InterpNet *net, NetNode *node, const NetGradMode *grad_in)
{
  if (grad_in[0] == NET_GRAD_SKIP)
    return;
  const float *y = node->value->data, *dy = node->grad->data;
  float *dx = net_input (net, node, 0)->grad->data;
  size_t n = node->value->numel;
  if (grad_in[0] == NET_GRAD_SET)
    {
      #pragma omp parallel for simd schedule(static) if (n > NET_PARALLEL_MIN)
      for (size_t i = 0; i < n; i++)
        {
          float d = dy[i];   /* loaded unconditionally so the select vectorises */
          dx[i] = net_relu_mask (y[i], d);
        }
    }
  else
    {
      #pragma omp parallel for simd schedule(static) if (n > NET_PARALLEL_MIN)
      for (size_t i = 0; i < n; i++)
        {
          float d = dy[i];
          dx[i] += net_relu_mask (y[i], d);
        }
    }
}

const NetOpClass net_op_relu = { relu_forward, relu_backward, NULL };

int
interp_net_relu (InterpNet *net, const char *name, int input, GError **error)
{
  NetNode *node = net_node_begin (net, name, INTERP_OP_RELU, &net_op_relu, 1, &input, error);
  if (node == NULL)
    return -1;
  return same_shape_node (net, node, input);
}

/* ---- dropout ---------------------------------------------------------------------- */

/* Train mode: y = x * m with m = 1 / (1 - p) with probability 1 - p, else 0,
 * drawn in element order from the network's stream. */
static void
dropout_forward (InterpNet *net, NetNode *node)
{
  const float *x = net_input (net, node, 0)->value->data;
  float *y = node->value->data;
  size_t n = node->value->numel;
  node->fwd_train = net->mode == INTERP_MODE_TRAIN && node->p > 0.0f;
  if (!node->fwd_train)
    {
      memcpy (y, x, n * sizeof (float));
      return;
    }
  interp_tensor_reshape (node->saved, node->value->ndim, node->value->shape);
  float *m = node->saved->data;
  float keep = 1.0f / (1.0f - node->p);
  for (size_t i = 0; i < n; i++)
    {
      m[i] = interp_rng_uniform (&net->rng) >= node->p ? keep : 0.0f;
      y[i] = x[i] * m[i];
    }
}

static void
dropout_backward (InterpNet *net, NetNode *node, const NetGradMode *grad_in)
{
  if (grad_in[0] == NET_GRAD_SKIP)
    return;
  const float *dy = node->grad->data;
  float *dx = net_input (net, node, 0)->grad->data;
  size_t n = node->grad->numel;
  if (!node->fwd_train)
    {
      net_grad_accumulate (dx, dy, n, grad_in[0]);
      return;
    }
  const float *m = node->saved->data;
  if (grad_in[0] == NET_GRAD_SET)
    {
      #pragma omp simd
      for (size_t i = 0; i < n; i++)
        dx[i] = dy[i] * m[i];
    }
  else
    {
      #pragma omp simd
      for (size_t i = 0; i < n; i++)
        dx[i] += dy[i] * m[i];
    }
}

const NetOpClass net_op_dropout = { dropout_forward, dropout_backward, NULL };

int
interp_net_dropout (InterpNet *net, const char *name, int input, float p, GError **error)
{
  NetNode *node = net_node_begin (net, name, INTERP_OP_DROPOUT, &net_op_dropout, 1,
                                  &input, error);
  if (node == NULL)
    return -1;
  if (!(p >= 0.0f && p < 1.0f))
    return net_node_fail (node, error, INTERP_ERROR_INVALID_ARGUMENT,
                          "drop probability %g is not in [0, 1)", (double) p);
  node->p = p;
  node->saved = interp_tensor_new_2d (0, 1);
  return same_shape_node (net, node, input);
}
