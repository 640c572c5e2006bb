/* 2-d convolution by im2col/col2im and cblas_sgemm, one image at a time so
 * the column buffer stays in cache (OpenBLAS is markedly faster on these
 * per-image shapes than on one whole-batch GEMM).  A 1x1, stride-1,
 * unpadded convolution multiplies the image directly.
 *
 * Weight: OC x IC x K x K (PyTorch layout), i.e. OC x (IC*K*K) row-major,
 * whose column order matches the rows of the im2col matrix.
 *
 * Threads: the batch is cut into T contiguous chunks (T = interp_threads(),
 * at most N); chunk t runs on one thread with single-threaded BLAS and keeps
 * its own weight-gradient partial sum, and the partials are added to the
 * parameter gradient in chunk order, so results are bit-identical for a
 * given thread count. */
#include "config.h"

#include "nn/net-impl.h"

#include <cblas.h>
#include <string.h>

typedef struct {
  int64_t ic, ih, iw, oc, oh, ow;
  int k, s, p, d;
  int64_t rows;          /* IC*K*K */
  int64_t cols;          /* OH*OW */
  gboolean direct;       /* 1x1, stride 1, no padding: the image is its own column matrix */
} ConvGeom;

static ConvGeom
conv_geom (InterpNet *net, const NetNode *node)
{
  const NetNode *src = net_input (net, node, 0);
  ConvGeom g = {
    .ic = src->shape[0], .ih = src->shape[1], .iw = src->shape[2],
    .oc = node->shape[0], .oh = node->shape[1], .ow = node->shape[2],
    .k = node->kernel, .s = node->stride, .p = node->padding, .d = node->dilation,
  };
  g.rows = g.ic * g.k * g.k;
  g.cols = g.oh * g.ow;
  g.direct = g.k == 1 && g.s == 1 && g.p == 0;
  return g;
}

/* Output columns q in [lo, hi) read an input column inside the image, for
 * kernel column offset `off` = b*d - p. */
static inline void
valid_range (int64_t n_out, int64_t n_in, int s, int64_t off, int64_t *lo, int64_t *hi)
{
  /* q*s + off >= 0  and  q*s + off <= n_in - 1 */
  int64_t a = off >= 0 ? 0 : (-off + s - 1) / s;
  int64_t b = n_in - 1 - off < 0 ? -1 : (n_in - 1 - off) / s;
  *lo = a < n_out ? a : n_out;
  *hi = b + 1 < n_out ? b + 1 : n_out;
  if (*hi < *lo)
    *hi = *lo;
}

/* cols[(c*K + a)*K + b][r*OW + q] = x[c][r*s - p + a*d][q*s - p + b*d], 0 outside. */
static void
im2col (const ConvGeom *g, const float *restrict x, float *restrict cols)
{
  for (int64_t c = 0; c < g->ic; c++)
    for (int a = 0; a < g->k; a++)
      for (int b = 0; b < g->k; b++)
        {
          float *dst = cols + ((c * g->k + a) * g->k + b) * g->cols;
          int64_t qlo, qhi;
          valid_range (g->ow, g->iw, g->s, (int64_t) b * g->d - g->p, &qlo, &qhi);
          for (int64_t r = 0; r < g->oh; r++)
            {
              float *row = dst + r * g->ow;
              int64_t ir = r * g->s - g->p + (int64_t) a * g->d;
              if (ir < 0 || ir >= g->ih)
                {
                  memset (row, 0, (size_t) g->ow * sizeof (float));
                  continue;
                }
              const float *xr = x + (c * g->ih + ir) * g->iw;
              int64_t off = (int64_t) b * g->d - g->p;
              for (int64_t q = 0; q < qlo; q++)
                row[q] = 0.0f;
              if (g->s == 1)
                memcpy (row + qlo, xr + qlo + off, (size_t) (qhi - qlo) * sizeof (float));
              else
                for (int64_t q = qlo; q < qhi; q++)
                  row[q] = xr[q * g->s + off];
              for (int64_t q = qhi; q < g->ow; q++)
                row[q] = 0.0f;
            }
        }
}

/* The adjoint of im2col: dx[...] += dcols[...]. */
static void
col2im_add (const ConvGeom *g, const float *restrict dcols, float *restrict dx)
{
  for (int64_t c = 0; c < g->ic; c++)
    for (int a = 0; a < g->k; a++)
      for (int b = 0; b < g->k; b++)
        {
          const float *src = dcols + ((c * g->k + a) * g->k + b) * g->cols;
          int64_t qlo, qhi;
          valid_range (g->ow, g->iw, g->s, (int64_t) b * g->d - g->p, &qlo, &qhi);
          for (int64_t r = 0; r < g->oh; r++)
            {
              int64_t ir = r * g->s - g->p + (int64_t) a * g->d;
              if (ir < 0 || ir >= g->ih)
                continue;
              const float *row = src + r * g->ow;
              float *xr = dx + (c * g->ih + ir) * g->iw;
              int64_t off = (int64_t) b * g->d - g->p;
              if (g->s == 1)
                for (int64_t q = qlo; q < qhi; q++)
                  xr[q + off] += row[q];
              else
                for (int64_t q = qlo; q < qhi; q++)
                  xr[q * g->s + off] += row[q];
            }
        }
}

/* Chunks of the batch: T = min(threads, N), chunk t = [t*N/T, (t+1)*N/T). */
static int
conv_chunks (int64_t n)
{
  int t = interp_threads ();
  if (t > n)
    t = (int) n;
  return t < 1 ? 1 : t;
}

static size_t
round16 (size_t n)
{
  return (n + 15) / 16 * 16;
}

static void
conv_forward (InterpNet *net, NetNode *node)
{
  ConvGeom g = conv_geom (net, node);
  int64_t n = net_batch (node);
  const float *x = net_input (net, node, 0)->value->data;
  const float *w = node->params[0]->value->data;
  const float *bias = node->has_bias ? node->params[1]->value->data : NULL;
  float *y = node->value->data;
  if (n == 0)
    return;
  int chunks = conv_chunks (n);
  size_t per = g.direct ? 0 : round16 ((size_t) (g.rows * g.cols));
  float *work = net_workspace (net, per * (size_t) chunks + 16);
  if (chunks > 1)
    _interp_blas_serial_begin ();
  #pragma omp parallel for schedule(static, 1) num_threads(chunks) if (chunks > 1)
  for (int t = 0; t < chunks; t++)
    {
      float *cols = work + per * (size_t) t;
      for (int64_t i = n * t / chunks; i < n * (t + 1) / chunks; i++)
        {
          const float *xi = x + i * g.ic * g.ih * g.iw;
          float *yi = y + i * g.oc * g.cols;
          const float *b_mat = xi;
          if (!g.direct)
            {
              im2col (&g, xi, cols);
              b_mat = cols;
            }
          cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, (int) g.oc, (int) g.cols,
                       (int) g.rows, 1.0f, w, (int) g.rows, b_mat, (int) g.cols, 0.0f, yi,
                       (int) g.cols);
          if (bias)
            for (int64_t o = 0; o < g.oc; o++)
              for (int64_t j = 0; j < g.cols; j++)
                yi[o * g.cols + j] += bias[o];
        }
    }
  if (chunks > 1)
    _interp_blas_serial_end ();
}

static void
conv_backward (InterpNet *net, NetNode *node, const NetGradMode *grad_in)
{
  ConvGeom g = conv_geom (net, node);
  int64_t n = net_batch (node);
  NetNode *src = net_input (net, node, 0);
  InterpParam *wp = node->params[0];
  InterpParam *bp = node->has_bias ? node->params[1] : NULL;
  gboolean want_dw = net_param_wants_grad (wp);
  gboolean want_db = bp != NULL && net_param_wants_grad (bp);
  NetGradMode dx_mode = grad_in[0];
  if (n == 0 || (!want_dw && !want_db && dx_mode == NET_GRAD_SKIP))
    return;
  const float *x = src->value->data;
  const float *w = wp->value->data;
  const float *dy = node->grad->data;
  float *dx = dx_mode != NET_GRAD_SKIP ? src->grad->data : NULL;

  int chunks = conv_chunks (n);
  size_t sz_cols = g.direct ? 0 : round16 ((size_t) (g.rows * g.cols));
  size_t sz_dw = round16 ((size_t) (g.oc * g.rows));
  size_t sz_db = round16 ((size_t) g.oc);
  size_t per = 2 * sz_cols + sz_dw + sz_db;
  float *work = net_workspace (net, per * (size_t) chunks + 16);

  if (chunks > 1)
    _interp_blas_serial_begin ();
  #pragma omp parallel for schedule(static, 1) num_threads(chunks) if (chunks > 1)
  for (int t = 0; t < chunks; t++)
    {
      float *cols = work + per * (size_t) t;
      float *dcols = cols + sz_cols;
      float *dw = dcols + sz_cols;
      float *db = dw + sz_dw;
      if (want_dw)
        memset (dw, 0, sz_dw * sizeof (float));
      if (want_db)
        memset (db, 0, sz_db * sizeof (float));
      for (int64_t i = n * t / chunks; i < n * (t + 1) / chunks; i++)
        {
          const float *xi = x + i * g.ic * g.ih * g.iw;
          const float *dyi = dy + i * g.oc * g.cols;
          if (want_db)
            for (int64_t o = 0; o < g.oc; o++)
              {
                float s = 0.0f;
                for (int64_t j = 0; j < g.cols; j++)
                  s += dyi[o * g.cols + j];
                db[o] += s;
              }
          if (want_dw)
            {
              const float *b_mat = xi;
              if (!g.direct)
                {
                  im2col (&g, xi, cols);
                  b_mat = cols;
                }
              /* dW (OC x rows) += dY_i (OC x cols) . X_i^T (cols x rows) */
              cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, (int) g.oc, (int) g.rows,
                           (int) g.cols, 1.0f, dyi, (int) g.cols, b_mat, (int) g.cols, 1.0f,
                           dw, (int) g.rows);
            }
          if (dx != NULL)
            {
              float *dxi = dx + i * g.ic * g.ih * g.iw;
              if (g.direct)
                cblas_sgemm (CblasRowMajor, CblasTrans, CblasNoTrans, (int) g.rows,
                             (int) g.cols, (int) g.oc, 1.0f, w, (int) g.rows, dyi,
                             (int) g.cols, dx_mode == NET_GRAD_ADD ? 1.0f : 0.0f, dxi,
                             (int) g.cols);
              else
                {
                  cblas_sgemm (CblasRowMajor, CblasTrans, CblasNoTrans, (int) g.rows,
                               (int) g.cols, (int) g.oc, 1.0f, w, (int) g.rows, dyi,
                               (int) g.cols, 0.0f, dcols, (int) g.cols);
                  if (dx_mode == NET_GRAD_SET)
                    memset (dxi, 0, (size_t) (g.ic * g.ih * g.iw) * sizeof (float));
                  col2im_add (&g, dcols, dxi);
                }
            }
        }
    }
  if (chunks > 1)
    _interp_blas_serial_end ();

  for (int t = 0; t < chunks; t++)
    {
      const float *dw = work + per * (size_t) t + 2 * sz_cols;
      const float *db = dw + sz_dw;
      if (want_dw)
        {
          float *gw = wp->grad->data;
          for (int64_t j = 0; j < g.oc * g.rows; j++)
            gw[j] += dw[j];
        }
      if (want_db)
        {
          float *gb = bp->grad->data;
          for (int64_t o = 0; o < g.oc; o++)
            gb[o] += db[o];
        }
    }
}

static void
conv_init (InterpNet *net, NetNode *node, InterpRng *rng)
{
  InterpTensor *w = node->params[0]->value;
  net_kaiming_normal (w, w->shape[1] * w->shape[2] * w->shape[3], rng);
  if (node->has_bias)
    interp_tensor_zero (node->params[1]->value);
}

const NetOpClass net_op_conv2d = { conv_forward, conv_backward, conv_init };

int
interp_net_conv2d (InterpNet *net, const char *name, int input,
                   int64_t out_channels, int kernel, int stride, int padding,
                   int dilation, gboolean bias, GError **error)
{
  NetNode *node = net_node_begin (net, name, INTERP_OP_CONV2D, &net_op_conv2d, 1, &input,
                                  error);
  if (node == NULL)
    return -1;
  const NetNode *src = net_node (net, input);
  if (src->ndim != 3)
    return net_node_fail (node, error, INTERP_ERROR_SHAPE,
                          "needs a (C, H, W) input, '%s' is 1-d", src->name);
  if (out_channels < 1 || kernel < 1 || stride < 1 || padding < 0 || dilation < 1)
    return net_node_fail (node, error, INTERP_ERROR_INVALID_ARGUMENT,
                          "out_channels %" G_GINT64_FORMAT ", kernel %d, stride %d, "
                          "padding %d, dilation %d: all must be positive (padding may be 0)",
                          out_channels, kernel, stride, padding, dilation);
  int64_t span = (int64_t) dilation * (kernel - 1) + 1;
  int64_t oh = (src->shape[1] + 2 * padding - span) / stride + 1;
  int64_t ow = (src->shape[2] + 2 * padding - span) / stride + 1;
  if (src->shape[1] + 2 * padding < span || src->shape[2] + 2 * padding < span)
    return net_node_fail (node, error, INTERP_ERROR_SHAPE,
                          "kernel %d (dilation %d) does not fit the %" G_GINT64_FORMAT " x %"
                          G_GINT64_FORMAT " input with padding %d", kernel, dilation,
                          src->shape[1], src->shape[2], padding);
  node->out = out_channels;
  node->kernel = kernel;
  node->stride = stride;
  node->padding = padding;
  node->dilation = dilation;
  node->has_bias = bias;
  node->ndim = 3;
  node->shape[0] = out_channels;
  node->shape[1] = oh;
  node->shape[2] = ow;
  int id = net_node_commit (net, node);
  int64_t wshape[4] = { out_channels, src->shape[0], kernel, kernel };
  net_node_add_param (net, node, "weight", 4, wshape, FALSE);
  if (bias)
    net_node_add_param (net, node, "bias", 1, &out_channels, FALSE);
  return id;
}
