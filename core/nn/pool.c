/* Pooling: max and average over k x k windows, and global average. */
#include "config.h"

#include "nn/net-impl.h"

#include <math.h>
#include <string.h>

typedef struct {
  int64_t planes;            /* N * C */
  int64_t ih, iw, oh, ow;
  int k, s, p;
} PoolGeom;

static PoolGeom
pool_geom (InterpNet *net, const NetNode *node)
{
  const NetNode *src = net_input (net, node, 0);
  PoolGeom g = {
    .planes = net_batch (node) * node->shape[0],
    .ih = src->shape[1], .iw = src->shape[2],
    .oh = node->shape[1], .ow = node->shape[2],
    .k = node->kernel, .s = node->stride, .p = node->padding,
  };
  return g;
}

/* ---- max ----------------------------------------------------------------------------- */

static inline uint32_t
float_bits (float f)
{
  uint32_t u;
  memcpy (&u, &f, sizeof u);
  return u;
}

static inline float
bits_float (uint32_t u)
{
  float f;
  memcpy (&f, &u, sizeof f);
  return f;
}

/* One step of a running max with its position: the first maximum wins and
 * the first NaN wins over everything (PyTorch's rule).  Written with bit
 * masks instead of branches so the 2x2 loop vectorises: after a ReLU the
 * winner is unpredictable and branches mispredict. */
static inline void
take_if_greater (uint32_t *m, int32_t *at, float v, int32_t pos)
{
  float cur = bits_float (*m);
  uint32_t k = -(uint32_t) ((v > cur) | ((v != v) & (cur == cur)));
  *m = (*m & ~k) | (float_bits (v) & k);
  *at = (int32_t) (((uint32_t) *at & ~k) | ((uint32_t) pos & k));
}

/* ---- max (general) ---------------------------------------------------------------------------- */

static void
maxpool_forward (InterpNet *net, NetNode *node)
{
  PoolGeom g = pool_geom (net, node);
  const float *x = net_input (net, node, 0)->value->data;
  float *y = node->value->data;
  size_t n_out = node->value->numel;
  if (node->argmax_cap < n_out)
    {
      g_free (node->argmax);
      node->argmax = g_new (int32_t, n_out);
      node->argmax_cap = n_out;
    }
  int32_t *am = node->argmax;
  if (g.k == 2 && g.s == 2 && g.p == 0)
    {
      /* The common 2x2 / 2 case: no padding, every window inside the image. */
      #pragma omp parallel for schedule(static) if (n_out > NET_PARALLEL_MIN / 4)
      for (int64_t pl = 0; pl < g.planes; pl++)
        {
          const float *xp = x + pl * g.ih * g.iw;
          float *yp = y + pl * g.oh * g.ow;
          int32_t *ap = am + pl * g.oh * g.ow;
          int32_t iw = (int32_t) g.iw;
          for (int64_t r = 0; r < g.oh; r++)
            {
              const float *x0 = xp + 2 * r * g.iw, *x1 = x0 + g.iw;
              float *yr = yp + r * g.ow;
              int32_t *ar = ap + r * g.ow, base = (int32_t) (2 * r * g.iw);
              #pragma omp simd
              for (int64_t q = 0; q < g.ow; q++)
                {
                  float a = x0[2 * q], b = x0[2 * q + 1], c = x1[2 * q], d = x1[2 * q + 1];
                  uint32_t m = float_bits (a);
                  int32_t at = 0;
                  take_if_greater (&m, &at, b, 1);
                  take_if_greater (&m, &at, c, iw);
                  take_if_greater (&m, &at, d, iw + 1);
                  yr[q] = bits_float (m);
                  ar[q] = base + 2 * (int32_t) q + at;
                }
            }
        }
      return;
    }
  #pragma omp parallel for schedule(static) if (n_out > NET_PARALLEL_MIN / 4)
  for (int64_t pl = 0; pl < g.planes; pl++)
    {
      const float *xp = x + pl * g.ih * g.iw;
      for (int64_t r = 0; r < g.oh; r++)
        for (int64_t q = 0; q < g.ow; q++)
          {
            float best = -INFINITY;
            int32_t at = -1;
            for (int a = 0; a < g.k; a++)
              {
                int64_t ir = r * g.s - g.p + a;
                if (ir < 0 || ir >= g.ih)
                  continue;
                for (int b = 0; b < g.k; b++)
                  {
                    int64_t ic = q * g.s - g.p + b;
                    if (ic < 0 || ic >= g.iw)
                      continue;
                    float v = xp[ir * g.iw + ic];
                    /* First maximum wins; a NaN propagates like in PyTorch. */
                    if (at < 0 || v > best || isnan (v))
                      {
                        best = v;
                        at = (int32_t) (ir * g.iw + ic);
                        if (isnan (v))
                          goto done;
                      }
                  }
              }
          done:
            y[(pl * g.oh + r) * g.ow + q] = best;
            am[(pl * g.oh + r) * g.ow + q] = at;
          }
    }
}

static void
maxpool_backward (InterpNet *net, NetNode *node, const NetGradMode *grad_in)
{
  if (grad_in[0] == NET_GRAD_SKIP)
    return;
  PoolGeom g = pool_geom (net, node);
  NetNode *src = net_input (net, node, 0);
  float *dx = src->grad->data;
  const float *dy = node->grad->data;
  const int32_t *am = node->argmax;
  gboolean set = grad_in[0] == NET_GRAD_SET;
  int64_t per_out = g.oh * g.ow, per_in = g.ih * g.iw;
  #pragma omp parallel for schedule(static) if (src->grad->numel > NET_PARALLEL_MIN)
  for (int64_t pl = 0; pl < g.planes; pl++)
    {
      if (set)
        memset (dx + pl * per_in, 0, (size_t) per_in * sizeof (float));
      for (int64_t j = 0; j < per_out; j++)
        dx[pl * per_in + am[pl * per_out + j]] += dy[pl * per_out + j];
    }
}

const NetOpClass net_op_maxpool = { maxpool_forward, maxpool_backward, NULL };

/* ---- average (count_include_pad: always divides by k*k) ---------------------------------- */

static void
avgpool_forward (InterpNet *net, NetNode *node)
{
  PoolGeom g = pool_geom (net, node);
  const float *x = net_input (net, node, 0)->value->data;
  float *y = node->value->data;
  float inv = 1.0f / (float) (g.k * g.k);
  #pragma omp parallel for schedule(static) if (node->value->numel > NET_PARALLEL_MIN / 4)
  for (int64_t pl = 0; pl < g.planes; pl++)
    {
      const float *xp = x + pl * g.ih * g.iw;
      for (int64_t r = 0; r < g.oh; r++)
        for (int64_t q = 0; q < g.ow; q++)
          {
            float sum = 0.0f;
            for (int a = 0; a < g.k; a++)
              {
                int64_t ir = r * g.s - g.p + a;
                if (ir < 0 || ir >= g.ih)
                  continue;
                for (int b = 0; b < g.k; b++)
                  {
                    int64_t ic = q * g.s - g.p + b;
                    if (ic >= 0 && ic < g.iw)
                      sum += xp[ir * g.iw + ic];
                  }
              }
            y[(pl * g.oh + r) * g.ow + q] = sum * inv;
          }
    }
}

static void
avgpool_backward (InterpNet *net, NetNode *node, const NetGradMode *grad_in)
{
  if (grad_in[0] == NET_GRAD_SKIP)
    return;
  PoolGeom g = pool_geom (net, node);
  NetNode *src = net_input (net, node, 0);
  float *dx = src->grad->data;
  const float *dy = node->grad->data;
  float inv = 1.0f / (float) (g.k * g.k);
  gboolean set = grad_in[0] == NET_GRAD_SET;
  #pragma omp parallel for schedule(static) if (src->grad->numel > NET_PARALLEL_MIN)
  for (int64_t pl = 0; pl < g.planes; pl++)
    {
      float *dxp = dx + pl * g.ih * g.iw;
      if (set)
        memset (dxp, 0, (size_t) (g.ih * g.iw) * sizeof (float));
      for (int64_t r = 0; r < g.oh; r++)
        for (int64_t q = 0; q < g.ow; q++)
          {
            float d = dy[(pl * g.oh + r) * g.ow + q] * inv;
            for (int a = 0; a < g.k; a++)
              {
                int64_t ir = r * g.s - g.p + a;
                if (ir < 0 || ir >= g.ih)
                  continue;
                for (int b = 0; b < g.k; b++)
                  {
                    int64_t ic = q * g.s - g.p + b;
                    if (ic >= 0 && ic < g.iw)
                      dxp[ir * g.iw + ic] += d;
                  }
              }
          }
    }
}

const NetOpClass net_op_avgpool = { avgpool_forward, avgpool_backward, NULL };

static int
pool_build (InterpNet *net, const char *name, InterpOp op, const NetOpClass *klass,
            int input, int kernel, int stride, int padding, GError **error)
{
  NetNode *node = net_node_begin (net, name, op, klass, 1, &input, error);
  if (node == NULL)
    return -1;
  const NetNode *src = net_node (net, input);
  if (src->ndim != 3)
    return net_node_fail (node, error, INTERP_ERROR_SHAPE,
                          "needs a (C, H, W) input, '%s' is 1-d", src->name);
  if (kernel < 1 || stride < 1 || padding < 0)
    return net_node_fail (node, error, INTERP_ERROR_INVALID_ARGUMENT,
                          "kernel %d, stride %d, padding %d: kernel and stride must be "
                          "positive, padding not negative", kernel, stride, padding);
  /* PyTorch's rule: a window must always hold a real pixel. */
  if (padding > kernel / 2)
    return net_node_fail (node, error, INTERP_ERROR_INVALID_ARGUMENT,
                          "padding %d is more than half the kernel %d", padding, kernel);
  int64_t oh = (src->shape[1] + 2 * padding - kernel) / stride + 1;
  int64_t ow = (src->shape[2] + 2 * padding - kernel) / stride + 1;
  if (src->shape[1] + 2 * padding < kernel || src->shape[2] + 2 * padding < kernel)
    return net_node_fail (node, error, INTERP_ERROR_SHAPE,
                          "kernel %d does not fit the %" G_GINT64_FORMAT " x %" G_GINT64_FORMAT
                          " input with padding %d", kernel, src->shape[1], src->shape[2],
                          padding);
  node->kernel = kernel;
  node->stride = stride;
  node->padding = padding;
  node->ndim = 3;
  node->shape[0] = src->shape[0];
  node->shape[1] = oh;
  node->shape[2] = ow;
  return net_node_commit (net, node);
}

int
interp_net_maxpool (InterpNet *net, const char *name, int input,
                    int kernel, int stride, int padding, GError **error)
{
  return pool_build (net, name, INTERP_OP_MAXPOOL, &net_op_maxpool, input, kernel, stride,
                     padding, error);
}

int
interp_net_avgpool (InterpNet *net, const char *name, int input,
                    int kernel, int stride, int padding, GError **error)
{
  return pool_build (net, name, INTERP_OP_AVGPOOL, &net_op_avgpool, input, kernel, stride,
                     padding, error);
}

/* ---- global average: (C, H, W) -> (C) ---------------------------------------------------- */

static void
gap_forward (InterpNet *net, NetNode *node)
{
  const NetNode *src = net_input (net, node, 0);
  int64_t planes = net_batch (node) * node->shape[0];
  int64_t hw = src->shape[1] * src->shape[2];
  const float *x = src->value->data;
  float *y = node->value->data;
  float inv = 1.0f / (float) hw;
  for (int64_t pl = 0; pl < planes; pl++)
    {
      float sum = 0.0f;
      for (int64_t j = 0; j < hw; j++)
        sum += x[pl * hw + j];
      y[pl] = sum * inv;
    }
}

static void
gap_backward (InterpNet *net, NetNode *node, const NetGradMode *grad_in)
{
  if (grad_in[0] == NET_GRAD_SKIP)
    return;
  NetNode *src = net_input (net, node, 0);
  int64_t planes = net_batch (node) * node->shape[0];
  int64_t hw = src->shape[1] * src->shape[2];
  float *dx = src->grad->data;
  const float *dy = node->grad->data;
  float inv = 1.0f / (float) hw;
  for (int64_t pl = 0; pl < planes; pl++)
    {
      float d = dy[pl] * inv;
      if (grad_in[0] == NET_GRAD_SET)
        for (int64_t j = 0; j < hw; j++)
          dx[pl * hw + j] = d;
      else
        for (int64_t j = 0; j < hw; j++)
          dx[pl * hw + j] += d;
    }
}

const NetOpClass net_op_global_avgpool = { gap_forward, gap_backward, NULL };

int
interp_net_global_avgpool (InterpNet *net, const char *name, int input, GError **error)
{
  NetNode *node = net_node_begin (net, name, INTERP_OP_GLOBAL_AVGPOOL, &net_op_global_avgpool,
                                  1, &input, error);
  if (node == NULL)
    return -1;
  const NetNode *src = net_node (net, input);
  if (src->ndim != 3)
    return net_node_fail (node, error, INTERP_ERROR_SHAPE,
                          "needs a (C, H, W) input, '%s' is 1-d", src->name);
  node->ndim = 1;
  node->shape[0] = src->shape[0];
  return net_node_commit (net, node);
}
