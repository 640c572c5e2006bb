/* Layer-wise relevance propagation (nn.h: LRP_EPSILON, LRP_ZPLUS).  The
 * node's gradient buffer holds the relevance R_j of its outputs; the rule
 * writes (or adds, as grad_in says) the relevance of its inputs.  Batch
 * statistics and parameters are constants here: no parameter gradient is
 * accumulated under an LRP rule.
 *
 * For a layer z_j = sum_i x_i w_ij + b_j (linear, conv2d, avgpool and
 * global-avgpool, whose weights are 1/k^2 or 1/HW), the epsilon rule
 * R_i = sum_j x_i w_ij / (z_j + eps sign z_j) R_j  (Bach et al. 2015) is
 * x_i times the layer's transpose applied to s_j = R_j / (z_j + eps sign z_j),
 * so it reuses the op's own backward with s in place of the gradient
 * (Montavon et al. 2019, "Layer-wise relevance propagation: an overview",
 * section 10.2.2, the same four steps). */
#include "config.h"

#include "nn/net-impl.h"

#include <math.h>
#include <string.h>

/* z + eps sign(z), sign(0) = +1 (nn.h). */
static inline float
stabilise (float z, float eps)
{
  return z >= 0.0f ? z + eps : z - eps;
}

static inline void
put (float *dx, size_t i, float v, NetGradMode mode)
{
  if (mode == NET_GRAD_SET)
    dx[i] = v;
  else
    dx[i] += v;
}

/* out = the op's backward (transpose) applied to s, for input 0, without
 * parameter gradients.  out is shaped like the input's value. */
static void
op_transpose (InterpNet *net, NetNode *node, InterpTensor *s, InterpTensor *out)
{
  NetNode *src = net_input (net, node, 0);
  InterpTensor *g = node->grad, *sg = src->grad;
  gboolean pg = net->param_grad;
  interp_tensor_reshape (out, src->value->ndim, src->value->shape);
  node->grad = s;
  src->grad = out;
  net->param_grad = FALSE;
  NetGradMode mode[2] = { NET_GRAD_SET, NET_GRAD_SKIP };
  node->klass->backward (net, node, mode);
  node->grad = g;
  src->grad = sg;
  net->param_grad = pg;
}

/* out = the op's forward on input x with weight w and no bias (linear,
 * conv2d).  out is shaped like the node's value. */
static void
op_forward_with (InterpNet *net, NetNode *node, InterpTensor *w, InterpTensor *x,
                 InterpTensor *out)
{
  NetNode *src = net_input (net, node, 0);
  InterpTensor *v = node->value, *sv = src->value, *wv = node->params[0]->value;
  gboolean bias = node->has_bias;
  interp_tensor_reshape (out, v->ndim, v->shape);
  node->value = out;
  src->value = x;
  node->params[0]->value = w;
  node->has_bias = FALSE;
  node->klass->forward (net, node);
  node->value = v;
  src->value = sv;
  node->params[0]->value = wv;
  node->has_bias = bias;
}

/* Epsilon rule through the op's transpose (linear, conv2d, avgpool, GAP). */
static void
lrp_epsilon_affine (InterpNet *net, NetNode *node, NetGradMode mode)
{
  NetNode *src = net_input (net, node, 0);
  const float *z = node->value->data, *r = node->grad->data, *x = src->value->data;
  size_t n_out = node->value->numel, n_in = src->value->numel;
  InterpTensor *s = interp_tensor_copy (node->grad);
  InterpTensor *c = interp_tensor_new (src->value->ndim, src->value->shape);
  float eps = node->rule_eps;
  for (size_t j = 0; j < n_out; j++)
    s->data[j] = r[j] / stabilise (z[j], eps);
  op_transpose (net, node, s, c);
  float *dx = src->grad->data;
  for (size_t i = 0; i < n_in; i++)
    put (dx, i, x[i] * c->data[i], mode);
  interp_tensor_free (s);
  interp_tensor_free (c);
}

/* z+ rule (Montavon et al. 2017, "Explaining nonlinear classification
 * decisions with deep Taylor decomposition", eq. for the z+ rule): only
 * contributions x_i w_ij > 0 count, no bias.  For inputs of either sign
 * (x_i w_ij)^+ = x_i^+ w_ij^+ + x_i^- w_ij^-, so
 * z_j^+ = W^+ x^+ + W^- x^- and R_i = x_i^+ (W^+T s)_i + x_i^- (W^-T s)_i
 * with s_j = R_j / z_j^+; s_j = 0 where z_j^+ = 0 (no positive contribution:
 * that relevance is dropped). */
static void
lrp_zplus (InterpNet *net, NetNode *node, NetGradMode mode)
{
  NetNode *src = net_input (net, node, 0);
  InterpTensor *w = node->params[0]->value;
  InterpTensor *wp = interp_tensor_copy (w), *wm = interp_tensor_copy (w);
  for (size_t k = 0; k < w->numel; k++)
    {
      wp->data[k] = net_clamp_min0 (w->data[k]);
      wm->data[k] = net_clamp_max0 (w->data[k]);
    }
  InterpTensor *xp = interp_tensor_copy (src->value), *xm = interp_tensor_copy (src->value);
  size_t n_in = src->value->numel, n_out = node->value->numel;
  for (size_t i = 0; i < n_in; i++)
    {
      float v = src->value->data[i];
      xp->data[i] = net_clamp_min0 (v);
      xm->data[i] = net_clamp_max0 (v);
    }
  InterpTensor *zp = interp_tensor_new (node->value->ndim, node->value->shape);
  InterpTensor *zm = interp_tensor_new (node->value->ndim, node->value->shape);
  op_forward_with (net, node, wp, xp, zp);
  op_forward_with (net, node, wm, xm, zm);
  InterpTensor *s = zp;   /* s overwrites z+ in place */
  const float *r = node->grad->data;
  for (size_t j = 0; j < n_out; j++)
    {
      float z = zp->data[j] + zm->data[j];
      s->data[j] = z <= 0.0f ? 0.0f : r[j] / z;   /* a NaN z propagates */
    }
  InterpTensor *cp = interp_tensor_new (src->value->ndim, src->value->shape);
  InterpTensor *cm = interp_tensor_new (src->value->ndim, src->value->shape);
  InterpTensor *wv = node->params[0]->value;
  node->params[0]->value = wp;
  op_transpose (net, node, s, cp);
  node->params[0]->value = wm;
  op_transpose (net, node, s, cm);
  node->params[0]->value = wv;
  float *dx = src->grad->data;
  for (size_t i = 0; i < n_in; i++)
    put (dx, i, xp->data[i] * cp->data[i] + xm->data[i] * cm->data[i], mode);
  interp_tensor_free (wp);
  interp_tensor_free (wm);
  interp_tensor_free (xp);
  interp_tensor_free (xm);
  interp_tensor_free (zp);
  interp_tensor_free (zm);
  interp_tensor_free (cp);
  interp_tensor_free (cm);
}

/* Batchnorm as the per-channel affine map it applied: y = a x + (beta - a mean),
 * a = gamma * inv_std of the statistics forward used (the running ones in
 * eval mode), so R_x = a x / (y + eps sign y) R_y. */
static void
lrp_batchnorm (InterpNet *net, NetNode *node, NetGradMode mode)
{
  NetNode *src = net_input (net, node, 0);
  int64_t n = net_batch (node), c = node->shape[0];
  int64_t hw = node->ndim == 3 ? node->shape[1] * node->shape[2] : 1;
  const float *gamma = node->params[0]->value->data;
  const float *x = src->value->data, *y = node->value->data, *r = node->grad->data;
  float *dx = src->grad->data, eps = node->rule_eps;
  for (int64_t i = 0; i < n; i++)
    for (int64_t ch = 0; ch < c; ch++)
      {
        float a = gamma[ch] * node->stat_inv_std[ch];
        for (int64_t j = 0; j < hw; j++)
          {
            size_t k = (size_t) ((i * c + ch) * hw + j);
            put (dx, k, a * x[k] / stabilise (y[k], eps) * r[k], mode);
          }
      }
}

/* y = a + b: R_a = a / (y + eps sign y) R, R_b likewise.  Inputs are
 * handled in order (the same node twice: SET then ADD). */
static void
lrp_add (InterpNet *net, NetNode *node, const NetGradMode *grad_in)
{
  const float *y = node->value->data, *r = node->grad->data;
  size_t n = node->value->numel;
  float eps = node->rule_eps;
  for (int k = 0; k < 2; k++)
    {
      if (grad_in[k] == NET_GRAD_SKIP)
        continue;
      NetNode *src = net_input (net, node, k);
      const float *x = src->value->data;
      float *dx = src->grad->data;
      for (size_t i = 0; i < n; i++)
        put (dx, i, x[i] / stabilise (y[i], eps) * r[i], grad_in[k]);
    }
}

void
net_lrp_backward (InterpNet *net, NetNode *node, const NetGradMode *grad_in)
{
  if (node->op == INTERP_OP_ADD)
    {
      lrp_add (net, node, grad_in);
      return;
    }
  if (grad_in[0] == NET_GRAD_SKIP)
    return;
  NetNode *src = net_input (net, node, 0);
  switch (node->op)
    {
    case INTERP_OP_NORMALIZE:
      /* An element-wise bijection: the relevance of the normalised pixel is
       * the pixel's (its gradient would divide it by std). */
      net_grad_accumulate (src->grad->data, node->grad->data, node->grad->numel, grad_in[0]);
      return;
    case INTERP_OP_BATCHNORM:
      lrp_batchnorm (net, node, grad_in[0]);
      return;
    case INTERP_OP_LINEAR:
    case INTERP_OP_CONV2D:
      if (node->rule == INTERP_RULE_LRP_ZPLUS)
        {
          lrp_zplus (net, node, grad_in[0]);
          return;
        }
      lrp_epsilon_affine (net, node, grad_in[0]);
      return;
    case INTERP_OP_AVGPOOL:
    case INTERP_OP_GLOBAL_AVGPOOL:
      lrp_epsilon_affine (net, node, grad_in[0]);
      return;
    default:
      g_assert_not_reached ();
    }
}
