/* 2-d convolution by im2col/col2im and cblas_sgemm, one image at a time and
 * in column tiles of a few output rows, so the column buffer stays in L2
 * (OpenBLAS is markedly faster on these shapes than on one whole-batch
 * GEMM).  A 1x1, stride-1, unpadded convolution multiplies the image
 * directly.
 *
 * Weight: OC x IC x K x K (PyTorch layout), i.e. OC x (IC*K*K) row-major,
 * whose column order matches the rows of the im2col matrix.
 *
 * Per image i:   forward   Y_i = W . cols(X_i)
 *                backward  dW += dY_i . cols(X_i)^T      (cols recomputed)
 *                          dX_i = conv(dY_i, flipped W^T)   ("same" geometry)
 *                               | col2im(W^T . dY_i)        (otherwise)
 *
 * Threads (BLAS is single-threaded while the network runs, see net-pass.c):
 * images, or in backward fixed chunks of the batch, are handed out to
 * interp_threads() threads dynamically; each chunk keeps its own
 * weight-gradient partial sum and the partials are added in chunk order,
 * so results do not depend on scheduling (nor on the thread count, up to
 * NET_CONV_CHUNKS threads). */
#include "config.h"

#include "nn/net-impl.h"

#include <cblas.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

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

/* Output rows [r0, r1) of the column matrix:
 * cols[(c*K + a)*K + b][(r - r0)*OW + q] = x[c][r*s - p + a*d][q*s - p + b*d],
 * 0 outside the image; row length (r1 - r0) * OW. */
static void
im2col (const ConvGeom *g, const float *restrict x, float *restrict cols, int64_t r0,
        int64_t r1)
{
  int64_t ld = (r1 - r0) * g->ow;
  for (int64_t c = 0; c < g->ic; c++)
    for (int a = 0; a < g->k; a++)
      for (int b = 0; b < g->k; b++)
        {
          float *dst = cols + ((c * g->k + a) * g->k + b) * ld;
          int64_t qlo, qhi;
          valid_range (g->ow, g->iw, g->s, (int64_t) b * g->d - g->p, &qlo, &qhi);
          int64_t off = (int64_t) b * g->d - g->p;
          if (g->s == 1 && g->ow == g->iw && qlo < qhi)
            {
              /* "Same" stride-1 geometry: output and input rows have one
               * length, so all valid rows are one contiguous shifted copy;
               * only the columns that wrapped into a neighbouring row are
               * zeroed afterwards. */
              int64_t va = MAX (r0, (int64_t) g->p - (int64_t) a * g->d);
              int64_t vb = MIN (r1, g->ih + g->p - (int64_t) a * g->d);
              if (va >= vb)
                {
                  memset (dst, 0, (size_t) ld * sizeof (float));
                  continue;
                }
              if (va > r0)
                memset (dst, 0, (size_t) ((va - r0) * g->ow) * sizeof (float));
              if (vb < r1)
                memset (dst + (vb - r0) * g->ow, 0, (size_t) ((r1 - vb) * g->ow) * sizeof (float));
              int64_t d0 = (va - r0) * g->ow + qlo, d1 = (vb - 1 - r0) * g->ow + qhi;
              const float *src = x + (c * g->ih + va - g->p + (int64_t) a * g->d) * g->iw + qlo + off;
              memcpy (dst + d0, src, (size_t) (d1 - d0) * sizeof (float));
              for (int64_t r = va; r < vb; r++)
                {
                  float *row = dst + (r - r0) * g->ow;
                  for (int64_t q = 0; q < qlo; q++)
                    row[q] = 0.0f;
                  for (int64_t q = qhi; q < g->ow; q++)
                    row[q] = 0.0f;
                }
              continue;
            }
          for (int64_t r = r0; r < r1; r++)
            {
              float *row = dst + (r - r0) * g->ow;
              int64_t ir = r * g->s - g->p + (int64_t) a * g->d;
              if (ir < 0 || ir >= g->ih)
                {
                  for (int64_t q = 0; q < g->ow; q++)
                    row[q] = 0.0f;
                  continue;
                }
              const float *xr = x + (c * g->ih + ir) * g->iw;
              for (int64_t q = 0; q < qlo; q++)
                row[q] = 0.0f;
              if (g->s == 1)
                {
                  /* Rows are short (8-32 floats): an inline loop beats memcpy calls. */
                  #pragma omp simd
                  for (int64_t q = qlo; q < qhi; q++)
                    row[q] = xr[q + off];
                }
              else
                for (int64_t q = qlo; q < qhi; q++)
                  row[q] = xr[q * g->s + off];
              for (int64_t q = qhi; q < g->ow; q++)
                row[q] = 0.0f;
            }
        }
}

/* Output rows per column tile: the tile (rows x tile_rows*OW floats) stays
 * within about 384 KB, so im2col writes and the GEMM's packing reads hit L2
 * (OpenBLAS runs these GEMMs as fast at N = 128..512 as at whole images;
 * measured: 96 KB tiles lose 30%, untiled ResNet stage-1 images 20%). */
static int64_t
tile_rows (const ConvGeom *g)
{
  int64_t budget = 98304 / (g->rows * g->ow);
  if (budget < 1)
    budget = 1;
  int64_t tiles = (g->oh + budget - 1) / budget;
  return (g->oh + tiles - 1) / tiles;
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
                {
                  #pragma omp simd
                  for (int64_t q = qlo; q < qhi; q++)
                    xr[q + off] += row[q];
                }
              else
                for (int64_t q = qlo; q < qhi; q++)
                  xr[q * g->s + off] += row[q];
            }
        }
}

/* Chunks the batch is cut into for weight-gradient partial sums. */
#define NET_CONV_CHUNKS 8

static inline int
thread_id (void)
{
#ifdef _OPENMP
  return omp_get_thread_num ();
#else
  return 0;
#endif
}

static size_t
round16 (size_t n)
{
  return (n + 15) / 16 * 16;
}

/* Floats of the per-thread column tile for geometry g. */
static size_t
tile_floats (const ConvGeom *g)
{
  return g->direct ? 0 : round16 ((size_t) (g->rows * tile_rows (g) * g->ow));
}

/* y (M x OH*OW) = beta * y + A (M x rows) . im2col(x), tile by tile. */
static void
conv_gemm (const ConvGeom *g, const float *a, int64_t m, const float *x, float *cols,
           float beta, float *y)
{
  if (g->direct)
    {
      cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, (int) m, (int) g->cols,
                   (int) g->rows, 1.0f, a, (int) g->rows, x, (int) g->cols, beta, y,
                   (int) g->cols);
      return;
    }
  int64_t tr = tile_rows (g);
  for (int64_t r0 = 0; r0 < g->oh; r0 += tr)
    {
      int64_t r1 = MIN (r0 + tr, g->oh), nc = (r1 - r0) * g->ow;
      im2col (g, x, cols, r0, r1);
      cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, (int) m, (int) nc,
                   (int) g->rows, 1.0f, a, (int) g->rows, cols, (int) nc, beta,
                   y + r0 * g->ow, (int) g->cols);
    }
}

/* dw (OC x rows) += dy (OC x OH*OW) . im2col(x)^T, tile by tile. */
static void
conv_gemm_dw (const ConvGeom *g, const float *dy, const float *x, float *cols, float *dw)
{
  if (g->direct)
    {
      cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, (int) g->oc, (int) g->rows,
                   (int) g->cols, 1.0f, dy, (int) g->cols, x, (int) g->cols, 1.0f, dw,
                   (int) g->rows);
      return;
    }
  int64_t tr = tile_rows (g);
  for (int64_t r0 = 0; r0 < g->oh; r0 += tr)
    {
      int64_t r1 = MIN (r0 + tr, g->oh), nc = (r1 - r0) * g->ow;
      im2col (g, x, cols, r0, r1);
      cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, (int) g->oc, (int) g->rows,
                   (int) nc, 1.0f, dy + r0 * g->ow, (int) g->cols, cols, (int) nc, 1.0f, dw,
                   (int) g->rows);
    }
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
  int threads = net_chunks (n);
  size_t per = tile_floats (&g);
  float *work = net_workspace (net, per * (size_t) threads + 16);
  /* Images are independent: hand them out dynamically (a busy core then
   * does not hold the others back). */
  #pragma omp parallel num_threads(threads) if (threads > 1)
  {
    float *cols = work + per * (size_t) thread_id ();
    #pragma omp for schedule(dynamic, 1)
    for (int64_t i = 0; i < n; i++)
      {
        float *yi = y + i * g.oc * g.cols;
        conv_gemm (&g, w, g.oc, x + i * g.ic * g.ih * g.iw, cols, 0.0f, yi);
        if (bias)
          for (int64_t o = 0; o < g.oc; o++)
            {
              float bo = bias[o];
              #pragma omp simd
              for (int64_t j = 0; j < g.cols; j++)
                yi[o * g.cols + j] += bo;
            }
      }
  }
}

static void
conv_backward (InterpNet *net, NetNode *node, const NetGradMode *grad_in)
{
  ConvGeom g = conv_geom (net, node);
  int64_t n = net_batch (node);
  NetNode *src = net_input (net, node, 0);
  InterpParam *wp = node->params[0];
  InterpParam *bp = node->has_bias ? node->params[1] : NULL;
  gboolean want_dw = net_param_wants_grad (net, wp);
  gboolean want_db = bp != NULL && net_param_wants_grad (net, bp);
  NetGradMode dx_mode = grad_in[0];
  if (n == 0 || (!want_dw && !want_db && dx_mode == NET_GRAD_SKIP))
    return;
  const float *x = src->value->data;
  const float *w = wp->value->data;
  const float *dy = node->grad->data;
  float *dx = dx_mode != NET_GRAD_SKIP ? src->grad->data : NULL;
  /* "Same" stride-1 convolutions (output size = input size): dX is itself
   * such a convolution of dY with the flipped, transposed kernel (padding
   * d(K-1) - p = p), which needs neither a column-gradient buffer nor the
   * col2im scatter, and its im2col takes the contiguous fast path.  Other
   * geometries (strided, unpadded): dcols = W^T dY per image, scattered back
   * by col2im, which measured faster there. */
  gboolean transposed = dx != NULL && !g.direct && g.s == 1 && g.oh == g.ih && g.ow == g.iw;
  gboolean scatter = dx != NULL && !g.direct && !transposed;
  ConvGeom gt = {
    .ic = g.oc, .ih = g.oh, .iw = g.ow, .oc = g.ic, .oh = g.ih, .ow = g.iw,
    .k = g.k, .s = 1, .p = g.d * (g.k - 1) - g.p, .d = g.d,
    .rows = g.oc * g.k * g.k, .cols = g.ih * g.iw, .direct = FALSE,
  };

  int threads = net_chunks (n);
  int chunks = (int) MIN (n, MAX (NET_CONV_CHUNKS, threads));
  size_t sz_cols = MAX (tile_floats (&g), transposed ? tile_floats (&gt) : 0);
  size_t sz_dcols = scatter ? round16 ((size_t) (g.rows * g.cols)) : 0;
  size_t sz_dw = round16 ((size_t) (g.oc * g.rows));
  size_t sz_db = round16 ((size_t) g.oc);
  size_t sz_wt = transposed ? round16 ((size_t) (g.ic * gt.rows)) : 0;
  size_t per_thread = sz_cols + sz_dcols, per_chunk = sz_dw + sz_db;
  float *work = net_workspace (net, per_thread * (size_t) threads
                                    + per_chunk * (size_t) chunks + sz_wt + 16);
  float *partials = work + per_thread * (size_t) threads;
  float *wt = partials + per_chunk * (size_t) chunks;
  if (transposed)
    /* wt[c][o][a][b] = w[o][c][K-1-a][K-1-b]: IC x (OC*K*K) */
    for (int64_t c = 0; c < g.ic; c++)
      for (int64_t o = 0; o < g.oc; o++)
        for (int a = 0; a < g.k; a++)
          for (int b = 0; b < g.k; b++)
            wt[((c * g.oc + o) * g.k + a) * g.k + b]
              = w[((o * g.ic + c) * g.k + (g.k - 1 - a)) * g.k + (g.k - 1 - b)];

  /* Chunk t of the batch (a fixed partition) sums its weight gradient in
   * its own buffer; chunks are handed out dynamically. */
  #pragma omp parallel num_threads(threads) if (threads > 1)
  {
    float *cols = work + per_thread * (size_t) thread_id ();
    float *dcols = cols + sz_cols;
    #pragma omp for schedule(dynamic, 1)
    for (int t = 0; t < chunks; t++)
      {
        float *dw = partials + per_chunk * (size_t) t;
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
                  #pragma omp simd reduction(+:s)
                  for (int64_t j = 0; j < g.cols; j++)
                    s += dyi[o * g.cols + j];
                  db[o] += s;
                }
            if (want_dw)
              conv_gemm_dw (&g, dyi, xi, cols, dw);
            if (dx == NULL)
              continue;
            float *dxi = dx + i * g.ic * g.ih * g.iw;
            float beta = dx_mode == NET_GRAD_ADD ? 1.0f : 0.0f;
            if (transposed)
              conv_gemm (&gt, wt, g.ic, dyi, cols, beta, dxi);
            else if (g.direct)
              cblas_sgemm (CblasRowMajor, CblasTrans, CblasNoTrans, (int) g.rows,
                           (int) g.cols, (int) g.oc, 1.0f, w, (int) g.rows, dyi,
                           (int) g.cols, beta, dxi, (int) g.cols);
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

  /* Partial sums in chunk order: bit-identical whatever thread ran which
   * chunk, and for any thread count up to NET_CONV_CHUNKS. */
  for (int t = 0; t < chunks; t++)
    {
      const float *dw = partials + per_chunk * (size_t) t;
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
  net_init_weight_bias (net, w, node->has_bias ? node->params[1]->value : NULL,
                        w->shape[1] * w->shape[2] * w->shape[3], rng);
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
  double n_params = (double) out_channels * (double) src->shape[0] * kernel * kernel
                    + (bias ? (double) out_channels : 0.0);
  if (net_node_params_fit (node, n_params, error) < 0)
    return -1;
  int id = net_node_commit (net, node);
  int64_t wshape[4] = { out_channels, src->shape[0], kernel, kernel };
  net_node_add_param (net, node, "weight", 4, wshape, FALSE);
  if (bias)
    net_node_add_param (net, node, "bias", 1, &out_channels, FALSE);
  return id;
}
