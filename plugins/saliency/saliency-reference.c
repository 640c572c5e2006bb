/* Baselines of the saliency methods; contracts in saliency-reference.h. */
#include "config.h"

#include "saliency-reference.h"

#include <string.h>

/* scipy.ndimage.gaussian_filter's default truncate (radius = 4 sigma). */
#define BLUR_TRUNCATE 4.0

SaliencyBaseline
saliency_baseline_parse (const char *text)
{
  if (g_strcmp0 (text, "blur") == 0)
    return SALIENCY_BASELINE_BLUR;
  if (g_strcmp0 (text, "uniform") == 0)
    return SALIENCY_BASELINE_UNIFORM;
  if (g_strcmp0 (text, "mean") == 0)
    return SALIENCY_BASELINE_MEAN;
  return SALIENCY_BASELINE_ZERO;
}

/* The normalize node fed by the input: its "<name>.mean" buffer. */
static const InterpTensor *
network_mean (InterpNet *net)
{
  for (int i = 1; i < interp_net_n_nodes (net); i++)
    if (interp_net_node_op (net, i) == INTERP_OP_NORMALIZE)
      {
        char *name = g_strconcat (interp_net_node_name (net, i), ".mean", NULL);
        InterpParam *p = interp_net_find_param (net, name);
        g_free (name);
        return p ? p->value : NULL;
      }
  return NULL;
}

gboolean
saliency_baseline_make (const char *method, SaliencyBaseline kind, double blur_sigma,
                        InterpNet *net, const InterpTensor *x, InterpRng *rng,
                        InterpTensor *out, GError **error)
{
  interp_tensor_reshape (out, x->ndim, x->shape);
  int64_t n = x->shape[0];
  int64_t c = x->ndim == 4 ? x->shape[1] : 1;
  int64_t plane = (int64_t) interp_tensor_sample_size (x) / c;
  switch (kind)
    {
    case SALIENCY_BASELINE_ZERO:
      interp_tensor_zero (out);
      return TRUE;
    case SALIENCY_BASELINE_UNIFORM:
      for (size_t i = 0; i < out->numel; i++)
        out->data[i] = (float) interp_rng_uniform (rng);
      return TRUE;
    case SALIENCY_BASELINE_MEAN:
      {
        const InterpTensor *mean = network_mean (net);
        /* feature vectors: one mean per feature */
        int64_t want = x->ndim == 4 ? c : (int64_t) interp_tensor_sample_size (x);
        if (mean == NULL || (int64_t) mean->numel != want)
          {
            g_set_error (error, INTERP_ERROR, INTERP_ERROR_BAD_VALUE,
                         "saliency '%s': baseline = mean takes the dataset mean from the "
                         "network's normalize node, and %s", method,
                         mean ? "its channels do not fit the input's" : "the network has none");
            return FALSE;
          }
        if (x->ndim != 4)
          {
            plane = 1;
            c = want;
          }
        for (int64_t i = 0; i < n; i++)
          for (int64_t ch = 0; ch < c; ch++)
            for (int64_t j = 0; j < plane; j++)
              out->data[(i * c + ch) * plane + j] = mean->data[ch];
        return TRUE;
      }
    case SALIENCY_BASELINE_BLUR:
      {
        if (x->ndim != 4)
          {
            g_set_error (error, INTERP_ERROR, INTERP_ERROR_BAD_VALUE,
                         "saliency '%s': baseline = blur needs images (N x C x H x W), got "
                         "feature vectors", method);
            return FALSE;
          }
        InterpTensor *dst = out;
        for (int64_t i = 0; i < n; i++)
          {
            InterpImage src = interp_image_view (x, i), to = interp_image_view (dst, i);
            interp_image_gaussian_blur (&src, blur_sigma, BLUR_TRUNCATE, INTERP_BORDER_NEAREST,
                                        &to);
          }
        return TRUE;
      }
    }
  return TRUE;
}
