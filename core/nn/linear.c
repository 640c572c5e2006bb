/* Fully connected layer: y = x W^T + b, W is OUT x IN (PyTorch layout).
 * A (C, H, W) input is read flattened in memory order. */
#include "config.h"

#include "nn/net-impl.h"

#include <cblas.h>
#include <string.h>

/* Each GEMM is cut into row blocks, one per thread (BLAS is single-threaded
 * while the network runs); every output element is computed by one thread
 * in a fixed order, so results do not depend on scheduling. */
static void
linear_forward (InterpNet *net, NetNode *node)
{
  const NetNode *src = net_input (net, node, 0);
  int64_t n = net_batch (node), in = net_sample_size (src), out = node->out;
  const float *x = src->value->data;
  const float *w = node->params[0]->value->data;
  const float *b = node->has_bias ? node->params[1]->value->data : NULL;
  float *y = node->value->data;
  if (n == 0)
    return;
  int chunks = net_chunks (n);
  #pragma omp parallel for schedule(static, 1) num_threads(chunks) if (chunks > 1)
  for (int t = 0; t < chunks; t++)
    {
      int64_t r0 = n * t / chunks, r1 = n * (t + 1) / chunks;
      if (b)
        for (int64_t i = r0; i < r1; i++)
          memcpy (y + i * out, b, (size_t) out * sizeof (float));
      /* Y = X W^T (+ b) */
      cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, (int) (r1 - r0), (int) out,
                   (int) in, 1.0f, x + r0 * in, (int) in, w, (int) in, b ? 1.0f : 0.0f,
                   y + r0 * out, (int) out);
    }
}

static void
linear_backward (InterpNet *net, NetNode *node, const NetGradMode *grad_in)
{
  NetNode *src = net_input (net, node, 0);
  int64_t n = net_batch (node), in = net_sample_size (src), out = node->out;
  InterpParam *wp = node->params[0];
  InterpParam *bp = node->has_bias ? node->params[1] : NULL;
  gboolean want_dw = net_param_wants_grad (net, wp);
  gboolean want_db = bp != NULL && net_param_wants_grad (net, bp);
  const float *dy = node->grad->data;
  const float *x = src->value->data;
  if (n == 0)
    return;
  /* dW (OUT x IN) += dY^T X and db += column sums of dY, by blocks of
   * output features. */
  int chunks = net_chunks (out);
  if (want_dw || want_db)
    {
      #pragma omp parallel for schedule(static, 1) num_threads(chunks) if (chunks > 1)
      for (int t = 0; t < chunks; t++)
        {
          int64_t o0 = out * t / chunks, o1 = out * (t + 1) / chunks;
          if (want_dw)
            cblas_sgemm (CblasRowMajor, CblasTrans, CblasNoTrans, (int) (o1 - o0), (int) in,
                         (int) n, 1.0f, dy + o0, (int) out, x, (int) in, 1.0f,
                         wp->grad->data + o0 * in, (int) in);
          if (want_db)
            {
              float *db = bp->grad->data;
              for (int64_t i = 0; i < n; i++)
                for (int64_t o = o0; o < o1; o++)
                  db[o] += dy[i * out + o];
            }
        }
    }
  if (grad_in[0] == NET_GRAD_SKIP)
    return;
  /* dX (N x IN) (+)= dY W, by blocks of samples. */
  float *dx = src->grad->data;
  float beta = grad_in[0] == NET_GRAD_ADD ? 1.0f : 0.0f;
  chunks = net_chunks (n);
  #pragma omp parallel for schedule(static, 1) num_threads(chunks) if (chunks > 1)
  for (int t = 0; t < chunks; t++)
    {
      int64_t r0 = n * t / chunks, r1 = n * (t + 1) / chunks;
      cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, (int) (r1 - r0), (int) in,
                   (int) out, 1.0f, dy + r0 * out, (int) out, wp->value->data, (int) in,
                   beta, dx + r0 * in, (int) in);
    }
}

static void
linear_init (InterpNet *net, NetNode *node, InterpRng *rng)
{
  net_init_weight_bias (net, node->params[0]->value,
                        node->has_bias ? node->params[1]->value : NULL,
                        node->params[0]->value->shape[1], rng);
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
  double n_params = (double) out_features * (double) in + (bias ? (double) out_features : 0.0);
  if (net_node_params_fit (node, n_params, error) < 0)
    return -1;
  int id = net_node_commit (net, node);
  int64_t wshape[2] = { out_features, in };
  net_node_add_param (net, node, "weight", 2, wshape, FALSE);
  if (bias)
    net_node_add_param (net, node, "bias", 1, &out_features, FALSE);
  return id;
}
