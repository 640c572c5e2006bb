/* Shared by the saliency methods; contracts in saliency-common.h. */
#include "config.h"

#include "saliency-common.h"

#include <string.h>

void
saliency_guard_begin (SaliencyGuard *guard, InterpNet *net)
{
  guard->state = interp_net_state_save (net);
  interp_net_set_mode (net, INTERP_MODE_EVAL);
  interp_net_set_input_grad (net, TRUE);
  interp_net_set_param_grad (net, FALSE);
}

void
saliency_guard_end (SaliencyGuard *guard, InterpNet *net)
{
  interp_net_state_restore (net, guard->state);
  guard->state = NULL;
}

InterpTensor
saliency_batch_view (const InterpTensor *x, int64_t first, int64_t n)
{
  InterpTensor v = { .ndim = x->ndim };
  memcpy (v.shape, x->shape, sizeof v.shape);
  v.shape[0] = n;
  int64_t per = interp_tensor_sample_size (x);
  v.numel = (size_t) (n * per);
  v.capacity = v.numel;
  v.data = x->data + (size_t) (first * per);
  return v;
}

gboolean
saliency_check_batch (const char *method, const InterpTensor *x, const int32_t *targets,
                      GError **error)
{
  if (x == NULL || (x->ndim != 2 && x->ndim != 4) || x->shape[0] < 1)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_SHAPE,
                   "%s: expected a batch of images (N x C x H x W) or feature vectors (N x F)",
                   method);
      return FALSE;
    }
  for (int64_t i = 0; i < x->shape[0]; i++)
    if (targets[i] < 0)
      {
        g_set_error (error, INTERP_ERROR, INTERP_ERROR_BAD_VALUE,
                     "%s: image %" G_GINT64_FORMAT " has target class %d", method, i,
                     targets[i]);
        return FALSE;
      }
  return TRUE;
}

/* The output node's value as N rows of K logits, checking the targets. */
static gboolean
output_rows (InterpNet *net, const InterpTensor *x, const int32_t *targets,
             const InterpTensor **z, int64_t *k, GError **error)
{
  int out = interp_net_output_node (net);
  *z = interp_net_value (net, out);
  int64_t n = x->shape[0];
  *k = (int64_t) (*z)->numel / n;
  for (int64_t i = 0; i < n; i++)
    if (targets[i] >= *k)
      {
        g_set_error (error, INTERP_ERROR, INTERP_ERROR_BAD_VALUE,
                     "image %" G_GINT64_FORMAT ": target class %d, but the network has %"
                     G_GINT64_FORMAT " logits", i, targets[i], *k);
        return FALSE;
      }
  return TRUE;
}

gboolean
saliency_target_logits (InterpNet *net, const InterpTensor *x, const int32_t *targets,
                        double *out, InterpTensor *logits, GError **error)
{
  const InterpTensor *z;
  int64_t k;
  if (!interp_net_forward (net, x, error) || !output_rows (net, x, targets, &z, &k, error))
    return FALSE;
  for (int64_t i = 0; i < x->shape[0]; i++)
    out[i] = z->data[i * k + targets[i]];
  if (logits)
    interp_tensor_copy_into (logits, z);
  return TRUE;
}

gboolean
saliency_target_grad (InterpNet *net, const InterpTensor *x, const int32_t *targets,
                      const float *seed, InterpTensor *grad, InterpTensor *logits,
                      GError **error)
{
  const InterpTensor *z;
  int64_t k;
  if (!interp_net_forward (net, x, error) || !output_rows (net, x, targets, &z, &k, error))
    return FALSE;
  if (logits)
    interp_tensor_copy_into (logits, z);
  interp_net_zero_grad (net);
  InterpTensor *g = interp_net_grad (net, interp_net_output_node (net));
  interp_tensor_zero (g);
  for (int64_t i = 0; i < x->shape[0]; i++)
    g->data[i * k + targets[i]] = seed ? seed[i] : 1.0f;
  interp_net_backward (net);
  interp_tensor_copy_into (grad, interp_net_input_grad (net));
  /* The input node keeps feature vectors as N x F even when x is
   * N x F x 1 x 1: the map takes x's shape (same elements). */
  interp_tensor_reshape (grad, x->ndim, x->shape);
  return TRUE;
}
