/* Fully connected layer: y = x W^T + b, W is OUT x IN (PyTorch layout).
 * A (C, H, W) input is read flattened in memory order. */
#include "config.h"

#include "nn/net-impl.h"

#include <cblas.h>
#include <string.h>

static void
linear_forward (InterpNet *net, NetNode *node)
{
  const NetNode *src = net_input (net, node, 0);
  int n = (int) net_batch (node), in = (int) net_sample_size (src), out = (int) node->out;
  const float *w = node->params[0]->value->data;
  float *y = node->value->data;
  if (n == 0)
    return;
  if (node->has_bias)
    {
      const float *b = node->params[1]->value->data;
      for (int i = 0; i < n; i++)
        memcpy (y + (size_t) i * out, b, (size_t) out * sizeof (float));
    }
  cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, n, out, in, 1.0f,
               src->value->data, in, w, in, node->has_bias ? 1.0f : 0.0f, y, out);
}

static void
linear_backward (InterpNet *net, NetNode *node, const NetGradMode *grad_in)
{
  NetNode *src = net_input (net, node, 0);
  int n = (int) net_batch (node), in = (int) net_sample_size (src), out = (int) node->out;
  InterpParam *w = node->params[0];
  const float *dy = node->grad->data;
  if (n == 0)
    return;
  if (net_param_wants_grad (w))
    cblas_sgemm (CblasRowMajor, CblasTrans, CblasNoTrans, out, in, n, 1.0f,
                 dy, out, src->value->data, in, 1.0f, w->grad->data, in);
  if (node->has_bias && net_param_wants_grad (node->params[1]))
    {
      float *db = node->params[1]->grad->data;
      for (int i = 0; i < n; i++)
        for (int o = 0; o < out; o++)
          db[o] += dy[(size_t) i * out + o];
    }
  if (grad_in[0] != NET_GRAD_SKIP)
    cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, n, in, out, 1.0f,
                 dy, out, w->value->data, in, grad_in[0] == NET_GRAD_ADD ? 1.0f : 0.0f,
                 src->grad->data, in);
}

static void
linear_init (InterpNet *net, NetNode *node, InterpRng *rng)
{
  net_kaiming_normal (node->params[0]->value, node->params[0]->value->shape[1], rng);
  if (node->has_bias)
    interp_tensor_zero (node->params[1]->value);
}

const NetOpClass net_op_linear = { linear_forward, linear_backward, linear_init };

int
interp_net_linear (InterpNet *net, const char *name, int input,
                   int64_t out_features, gboolean bias, GError **error)
{
  NetNode *node = net_node_begin (net, name, INTERP_OP_LINEAR, &net_op_linear, 1, &input,
                                  error);
  if (node == NULL)
    return -1;
  if (out_features < 1)
    return net_node_fail (node, error, INTERP_ERROR_INVALID_ARGUMENT,
                          "%" G_GINT64_FORMAT " output features", out_features);
  int64_t in = net_sample_size (net_node (net, input));
  node->out = out_features;
  node->has_bias = bias;
  node->ndim = 1;
  node->shape[0] = out_features;
  int id = net_node_commit (net, node);
  int64_t wshape[2] = { out_features, in };
  net_node_add_param (net, node, "weight", 2, wshape, FALSE);
  if (bias)
    net_node_add_param (net, node, "bias", 1, &out_features, FALSE);
  return id;
}
