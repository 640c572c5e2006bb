/* Batch normalisation over (N, H, W) per channel, or over N per feature.
 * Train mode normalises with the batch statistics (biased variance) and
 * updates the running statistics with the unbiased variance, as PyTorch:
 * running = (1 - momentum) * running + momentum * batch.  Eval mode uses the
 * running statistics, unless interp_net_set_batchnorm_batch_stats is on:
 * then eval mode normalises with the batch statistics as train mode does,
 * bit for bit, and leaves the running statistics untouched.  Parameters in state_dict order: weight, bias,
 * running_mean, running_var. */
#include "config.h"

#include "nn/net-impl.h"

#include <math.h>
#include <string.h>

static int64_t
bn_plane (const NetNode *node)
{
  return node->ndim == 3 ? node->shape[1] * node->shape[2] : 1;
}

static void
bn_forward (InterpNet *net, NetNode *node)
{
  const float *x = net_input (net, node, 0)->value->data;
  float *y = node->value->data;
  int64_t n = net_batch (node), c = node->shape[0], hw = bn_plane (node);
  const float *gamma = node->params[0]->value->data;
  const float *beta = node->params[1]->value->data;
  float *rmean = node->params[2]->value->data;
  float *rvar = node->params[3]->value->data;
  int64_t m = n * hw;
  /* Batch statistics in train mode, or in eval mode with the net's
   * batchnorm-batch-stats flag; only train mode updates the running ones.
   * Backward follows the statistics used (they depend on x either way). */
  node->fwd_train = net->mode == INTERP_MODE_TRAIN || net->bn_batch_stats;
  gboolean train = node->fwd_train && m > 0;
  gboolean update_running = net->mode == INTERP_MODE_TRAIN;
  float momentum = node->momentum, eps = node->eps;

  #pragma omp parallel for schedule(static) if (n * c * hw > NET_PARALLEL_MIN)
  for (int64_t ch = 0; ch < c; ch++)
    {
      float mean, inv_std;
      if (train)
        {
          /* One pass over shifted data (shift = the channel's first value,
           * which keeps E[d^2] - E[d]^2 from cancelling when |mean| >> std);
           * float partial sums per plane, double across planes. */
          float shift = x[ch * hw];
          double sum = 0.0, sumsq = 0.0;
          for (int64_t i = 0; i < n; i++)
            {
              const float *xp = x + (i * c + ch) * hw;
              float s = 0.0f, s2 = 0.0f;
              #pragma omp simd reduction(+:s, s2)
              for (int64_t j = 0; j < hw; j++)
                {
                  float d = xp[j] - shift;
                  s += d;
                  s2 += d * d;
                }
              sum += s;
              sumsq += s2;
            }
          double md = sum / (double) m;
          double mu = (double) shift + md;
          double sq = sumsq - (double) m * md * md;
          if (sq < 0.0)
            sq = 0.0;
          double var = sq / (double) m;
          double unbiased = m > 1 ? sq / (double) (m - 1) : var;
          mean = (float) mu;
          inv_std = (float) (1.0 / sqrt (var + (double) eps));
          if (update_running)
            {
              rmean[ch] = (1.0f - momentum) * rmean[ch] + momentum * (float) mu;
              rvar[ch] = (1.0f - momentum) * rvar[ch] + momentum * (float) unbiased;
            }
        }
      else
        {
          mean = rmean[ch];
          inv_std = (float) (1.0 / sqrt ((double) rvar[ch] + (double) eps));
        }
      node->stat_mean[ch] = mean;
      node->stat_inv_std[ch] = inv_std;
      float scale = gamma[ch] * inv_std, shift = beta[ch] - mean * scale;
      for (int64_t i = 0; i < n; i++)
        {
          const float *xp = x + (i * c + ch) * hw;
          float *yp = y + (i * c + ch) * hw;
          #pragma omp simd
          for (int64_t j = 0; j < hw; j++)
            yp[j] = xp[j] * scale + shift;
        }
    }
}

static void
bn_backward (InterpNet *net, NetNode *node, const NetGradMode *grad_in)
{
  NetNode *src = net_input (net, node, 0);
  const float *x = src->value->data;
  const float *dy = node->grad->data;
  float *dx = grad_in[0] != NET_GRAD_SKIP ? src->grad->data : NULL;
  int64_t n = net_batch (node), c = node->shape[0], hw = bn_plane (node);
  int64_t m = n * hw;
  if (m == 0)
    return;
  InterpParam *pg = node->params[0], *pb = node->params[1];
  gboolean want_g = net_param_wants_grad (net, pg), want_b = net_param_wants_grad (net, pb);
  const float *gamma = pg->value->data;
  gboolean train = node->fwd_train;
  gboolean set = grad_in[0] == NET_GRAD_SET;

  #pragma omp parallel for schedule(static) if (n * c * hw > NET_PARALLEL_MIN)
  for (int64_t ch = 0; ch < c; ch++)
    {
      float mean = node->stat_mean[ch], inv_std = node->stat_inv_std[ch];
      double sum_dy = 0.0, sum_dy_xhat = 0.0;
      for (int64_t i = 0; i < n; i++)
        {
          const float *xp = x + (i * c + ch) * hw;
          const float *dyp = dy + (i * c + ch) * hw;
          float s = 0.0f, sx = 0.0f;
          #pragma omp simd reduction(+:s, sx)
          for (int64_t j = 0; j < hw; j++)
            {
              s += dyp[j];
              sx += dyp[j] * (xp[j] - mean);
            }
          sum_dy += s;
          sum_dy_xhat += sx;
        }
      sum_dy_xhat *= inv_std;
      if (want_g)
        pg->grad->data[ch] += (float) sum_dy_xhat;
      if (want_b)
        pb->grad->data[ch] += (float) sum_dy;
      if (dx == NULL)
        continue;
      /* train: dx = gamma * inv_std * (dy - mean(dy) - xhat * mean(dy * xhat)) */
      float k = gamma[ch] * inv_std;
      float a = train ? (float) (sum_dy / (double) m) : 0.0f;
      float b = train ? (float) (sum_dy_xhat / (double) m) * inv_std : 0.0f;
      for (int64_t i = 0; i < n; i++)
        {
          const float *xp = x + (i * c + ch) * hw;
          const float *dyp = dy + (i * c + ch) * hw;
          float *dxp = dx + (i * c + ch) * hw;
          if (set)
            {
              #pragma omp simd
              for (int64_t j = 0; j < hw; j++)
                dxp[j] = k * (dyp[j] - a - (xp[j] - mean) * b);
            }
          else
            {
              #pragma omp simd
              for (int64_t j = 0; j < hw; j++)
                dxp[j] += k * (dyp[j] - a - (xp[j] - mean) * b);
            }
        }
    }
}

static void
bn_init (InterpNet *net, NetNode *node, InterpRng *rng)
{
  interp_tensor_fill (node->params[0]->value, 1.0f);
  interp_tensor_zero (node->params[1]->value);
  interp_tensor_zero (node->params[2]->value);
  interp_tensor_fill (node->params[3]->value, 1.0f);
}

const NetOpClass net_op_batchnorm = { bn_forward, bn_backward, bn_init };

int
interp_net_batchnorm (InterpNet *net, const char *name, int input,
                      float eps, float momentum, GError **error)
{
  NetNode *node = net_node_begin (net, name, INTERP_OP_BATCHNORM, &net_op_batchnorm, 1,
                                  &input, error);
  if (node == NULL)
    return -1;
  if (!(eps > 0.0f) || !(momentum >= 0.0f && momentum <= 1.0f))
    return net_node_fail (node, error, INTERP_ERROR_INVALID_ARGUMENT,
                          "eps %g must be positive and momentum %g in [0, 1]",
                          (double) eps, (double) momentum);
  const NetNode *src = net_node (net, input);
  node->ndim = src->ndim;
  memcpy (node->shape, src->shape, sizeof node->shape);
  node->eps = eps;
  node->momentum = momentum;
  int64_t c = src->shape[0];
  node->stat_mean = g_new0 (float, c);
  node->stat_inv_std = g_new0 (float, c);
  int id = net_node_commit (net, node);
  net_node_add_param (net, node, "weight", 1, &c, FALSE);
  net_node_add_param (net, node, "bias", 1, &c, FALSE);
  net_node_add_param (net, node, "running_mean", 1, &c, TRUE);
  net_node_add_param (net, node, "running_var", 1, &c, TRUE);
  /* A fresh network is usable before interp_net_init. */
  bn_init (net, node, NULL);
  return id;
}
