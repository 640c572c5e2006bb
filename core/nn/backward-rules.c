/* Modified backward rules (nn.h, "modified backward rules"): which rule a
 * node may carry, DeepLIFT's reference pass, and the relu and maxpool rules
 * (guided backprop, deconvnet, DeepLIFT rescale).  The LRP rules are
 * lrp-rules.c.  interp_net_backward calls net_rule_backward in place of the
 * op's backward for a node whose rule is not GRADIENT, so the default path
 * costs one comparison per node. */
#include "config.h"

#include "nn/net-impl.h"

#include <math.h>
#include <string.h>

/* Below this |x - x_ref| the rescale multiplier falls back to the gradient
 * (nn.h).  The part of the delta it loses is at most this times |dy| per
 * element: for relu |y - y_ref| <= |x - x_ref|, for maxpool a position whose
 * delta is 0 receives no contribution (see rescale_maxpool). */
#define RESCALE_MIN_DELTA 1e-7f

const char *
interp_backward_rule_name (InterpBackwardRule rule)
{
  switch (rule)
    {
    case INTERP_RULE_GRADIENT: return "gradient";
    case INTERP_RULE_GUIDED: return "guided";
    case INTERP_RULE_DECONVNET: return "deconvnet";
    case INTERP_RULE_RESCALE: return "rescale";
    case INTERP_RULE_LRP_EPSILON: return "lrp-epsilon";
    case INTERP_RULE_LRP_ZPLUS: return "lrp-zplus";
    }
  return "unknown";
}

static gboolean
rule_applies (InterpBackwardRule rule, InterpOp op)
{
  switch (rule)
    {
    case INTERP_RULE_GRADIENT:
      return TRUE;
    case INTERP_RULE_GUIDED:
    case INTERP_RULE_DECONVNET:
      return op == INTERP_OP_RELU;
    case INTERP_RULE_RESCALE:
      return op == INTERP_OP_RELU || op == INTERP_OP_MAXPOOL;
    case INTERP_RULE_LRP_EPSILON:
      return op == INTERP_OP_LINEAR || op == INTERP_OP_CONV2D || op == INTERP_OP_BATCHNORM
             || op == INTERP_OP_AVGPOOL || op == INTERP_OP_GLOBAL_AVGPOOL
             || op == INTERP_OP_ADD || op == INTERP_OP_NORMALIZE;
    case INTERP_RULE_LRP_ZPLUS:
      return op == INTERP_OP_LINEAR || op == INTERP_OP_CONV2D;
    }
  return FALSE;
}

gboolean
interp_net_set_backward_rule (InterpNet *net, int node, InterpBackwardRule rule, float eps,
                              GError **error)
{
  g_return_val_if_fail (net != NULL, FALSE);
  if (!net_valid_node (net, node))
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_NOT_FOUND,
                   "backward rule %s: node %d is not a node of the network (it has %u)",
                   interp_backward_rule_name (rule), node, net->nodes->len);
      return FALSE;
    }
  NetNode *n = net_node (net, node);
  if ((unsigned) rule > INTERP_RULE_LRP_ZPLUS || (node == 0 && rule != INTERP_RULE_GRADIENT)
      || !rule_applies (rule, n->op))
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_BAD_VALUE,
                   "node '%s' (%s): the backward rule %s does not apply to a %s node",
                   n->name, interp_op_name (n->op), interp_backward_rule_name (rule),
                   interp_op_name (n->op));
      return FALSE;
    }
  if (rule == INTERP_RULE_LRP_EPSILON && !(eps > 0.0f && isfinite (eps)))
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_BAD_VALUE,
                   "node '%s' (%s): the backward rule %s needs a finite eps > 0, got %g",
                   n->name, interp_op_name (n->op), interp_backward_rule_name (rule),
                   (double) eps);
      return FALSE;
    }
  net->n_rescale += (rule == INTERP_RULE_RESCALE) - (n->rule == INTERP_RULE_RESCALE);
  n->rule = rule;
  n->rule_eps = rule == INTERP_RULE_LRP_EPSILON ? eps : 0.0f;
  return TRUE;
}

InterpBackwardRule
interp_net_backward_rule (const InterpNet *net, int node)
{
  g_return_val_if_fail (net_valid_node (net, node), INTERP_RULE_GRADIENT);
  return net_node (net, node)->rule;
}

void
interp_net_clear_backward_rules (InterpNet *net)
{
  for (guint i = 0; i < net->nodes->len; i++)
    {
      NetNode *n = net_node (net, (int) i);
      n->rule = INTERP_RULE_GRADIENT;
      n->rule_eps = 0.0f;
    }
  net->n_rescale = 0;
}

/* ---- the reference ---------------------------------------------------------- */

void
net_reference_free (InterpNet *net)
{
  for (guint i = 0; i < net->nodes->len; i++)
    {
      NetNode *n = net_node (net, (int) i);
      interp_tensor_free (n->ref);
      n->ref = NULL;
      g_free (n->ref_argmax);
      n->ref_argmax = NULL;
    }
  net->ref_batch = -1;
  net->ref_last = -1;
}

void
interp_net_clear_reference (InterpNet *net)
{
  net_reference_free (net);
}

gboolean
interp_net_set_reference (InterpNet *net, const InterpTensor *x_ref, GError **error)
{
  g_return_val_if_fail (net != NULL, FALSE);
  /* The reference pass itself must not be checked against the old
   * reference: drop it first (a failed pass leaves none). */
  net_reference_free (net);
  int rescale = net->n_rescale;
  net->n_rescale = 0;
  gboolean ok = interp_net_forward (net, x_ref, error);
  net->n_rescale = rescale;
  if (!ok)
    {
      g_prefix_error (error, "DeepLIFT reference: ");
      return FALSE;
    }
  for (guint i = 0; i < net->nodes->len; i++)
    {
      NetNode *n = net_node (net, (int) i);
      n->ref = interp_tensor_copy (n->value);
      if (n->op == INTERP_OP_MAXPOOL)
        {
          n->ref_argmax = g_new (int32_t, MAX (n->value->numel, 1));
          memcpy (n->ref_argmax, n->argmax, n->value->numel * sizeof (int32_t));
        }
    }
  net->ref_batch = x_ref->shape[0];
  net->ref_last = (int) net->nodes->len - 1;
  return TRUE;
}

gboolean
net_rules_check_forward (const InterpNet *net, int64_t n, GError **error)
{
  if (net->ref_batch < 0)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_SHAPE,
                   "network input: %d node(s) have the backward rule rescale but no "
                   "reference is set (interp_net_set_reference)", net->n_rescale);
      return FALSE;
    }
  if (n != net->ref_batch)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_SHAPE,
                   "network input: a batch of %" G_GINT64_FORMAT " images, but the "
                   "DeepLIFT reference of the rescale rule has %" G_GINT64_FORMAT,
                   n, net->ref_batch);
      return FALSE;
    }
  return TRUE;
}

/* ---- relu: guided, deconvnet, rescale ------------------------------------- */

static inline void
put (float *dx, size_t i, float v, gboolean set)
{
  if (set)
    dx[i] = v;
  else
    dx[i] += v;
}

static void
relu_rule (InterpNet *net, NetNode *node, const NetGradMode *grad_in)
{
  NetNode *src = net_input (net, node, 0);
  const float *y = node->value->data, *dy = node->grad->data, *x = src->value->data;
  float *dx = src->grad->data;
  size_t n = node->value->numel;
  gboolean set = grad_in[0] == NET_GRAD_SET;
  switch (node->rule)
    {
    case INTERP_RULE_GUIDED:
      /* Springenberg et al. 2015, eq. (4): the forward mask (x > 0) and the
       * backward mask (dy > 0) together; as Captum computes it, relu's
       * backward of relu(dy), so a NaN in y or dy propagates. */
      for (size_t i = 0; i < n; i++)
        put (dx, i, net_relu_mask (y[i], net_clamp_min0 (dy[i])), set);
      break;
    case INTERP_RULE_DECONVNET:
      /* Zeiler & Fergus 2014: the reconstruction passes through a relu of
       * its own, ignoring the forward's switch. */
      for (size_t i = 0; i < n; i++)
        put (dx, i, net_clamp_min0 (dy[i]), set);
      break;
    case INTERP_RULE_RESCALE:
      {
        /* Shrikumar et al. 2017, section 3.5.1: m = (y - y_ref) / (x - x_ref). */
        const NetNode *s = src;
        if (node->ref == NULL || s->ref == NULL || node->ref->numel != n)
          {
            /* forward refuses this (net_rules_check_forward); reachable only
             * when a rule or reference changed between forward and backward */
            g_critical ("node '%s' (relu): the rescale rule has no reference of this "
                        "batch; backward uses the gradient", node->name);
            for (size_t i = 0; i < n; i++)
              put (dx, i, net_relu_mask (y[i], dy[i]), set);
            break;
          }
        const float *yr = node->ref->data, *xr = s->ref->data;
        for (size_t i = 0; i < n; i++)
          {
            float d = x[i] - xr[i];
            /* a NaN delta takes the quotient, so the NaN propagates */
            float m = !(fabsf (d) <= RESCALE_MIN_DELTA) ? (y[i] - yr[i]) / d
                                                        : net_relu_mask (y[i], 1.0f);
            put (dx, i, dy[i] * m, set);
          }
        break;
      }
    default:
      g_assert_not_reached ();
    }
}

/* ---- maxpool: rescale --------------------------------------------------------- */

/* DeepLIFT's rescale rule for max pooling as Captum implements it
 * (pytorch/captum, captum/attr/_core/deep_lift.py, maxpool): the window's
 * delta y - y_ref is split at max(y, y_ref): (max - y_ref) is credited to
 * the input's argmax, (y - max) (<= 0) to the reference's argmax, each times
 * the window's multiplier dy; an input element's multiplier is its summed
 * credit divided by its own x - x_ref.  Summing the credits gives
 * sum dy (y - y_ref), so summation-to-delta holds through the node.  An
 * element with x = x_ref is credited nothing: if it is the input's argmax,
 * y = x = x_ref <= y_ref; if the reference's, y_ref = x_ref = x <= y.  Such
 * elements take the gradient, as in Captum (there below eps = 1e-10). */
static void
rescale_maxpool (InterpNet *net, NetNode *node, const NetGradMode *grad_in)
{
  NetNode *src = net_input (net, node, 0);
  int64_t planes = net_batch (node) * node->shape[0];
  int64_t per_out = node->shape[1] * node->shape[2], per_in = src->shape[1] * src->shape[2];
  const float *dy = node->grad->data, *y = node->value->data, *x = src->value->data;
  const int32_t *am = node->argmax;
  float *dx = src->grad->data;
  gboolean set = grad_in[0] == NET_GRAD_SET;
  size_t n_in = (size_t) (planes * per_in);
  if (node->ref == NULL || src->ref == NULL || node->ref->numel != node->value->numel)
    {
      g_critical ("node '%s' (maxpool): the rescale rule has no reference of this batch; "
                  "backward uses the gradient", node->name);
      if (set)
        memset (dx, 0, n_in * sizeof (float));
      for (int64_t pl = 0; pl < planes; pl++)
        for (int64_t j = 0; j < per_out; j++)
          dx[pl * per_in + am[pl * per_out + j]] += dy[pl * per_out + j];
      return;
    }
  const float *yr = node->ref->data, *xr = src->ref->data;
  const int32_t *amr = node->ref_argmax;
  /* credit and gradient per input element, then the multipliers */
  float *work = net_workspace (net, 2 * n_in);
  float *credit = work, *grad = work + n_in;
  memset (work, 0, 2 * n_in * sizeof (float));
  for (int64_t pl = 0; pl < planes; pl++)
    for (int64_t j = 0; j < per_out; j++)
      {
        int64_t o = pl * per_out + j;
        float top = fmaxf (y[o], yr[o]);
        credit[pl * per_in + am[o]] += dy[o] * (top - yr[o]);
        credit[pl * per_in + amr[o]] += dy[o] * (y[o] - top);
        grad[pl * per_in + am[o]] += dy[o];
      }
  for (size_t i = 0; i < n_in; i++)
    {
      float d = x[i] - xr[i];
      put (dx, i, !(fabsf (d) <= RESCALE_MIN_DELTA) ? credit[i] / d : grad[i], set);
    }
}

/* ---- dispatch ------------------------------------------------------------------ */

void
net_rule_backward (InterpNet *net, NetNode *node, const NetGradMode *grad_in)
{
  switch (node->rule)
    {
    case INTERP_RULE_GUIDED:
    case INTERP_RULE_DECONVNET:
      if (grad_in[0] != NET_GRAD_SKIP)
        relu_rule (net, node, grad_in);
      return;
    case INTERP_RULE_RESCALE:
      if (grad_in[0] == NET_GRAD_SKIP)
        return;
      if (node->op == INTERP_OP_RELU)
        relu_rule (net, node, grad_in);
      else
        rescale_maxpool (net, node, grad_in);
      return;
    case INTERP_RULE_LRP_EPSILON:
    case INTERP_RULE_LRP_ZPLUS:
      net_lrp_backward (net, node, grad_in);
      return;
    case INTERP_RULE_GRADIENT:
      node->klass->backward (net, node, grad_in);
      return;
    }
}
