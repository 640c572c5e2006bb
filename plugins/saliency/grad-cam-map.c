/* Grad-CAM's coarse map and its upsampling; contracts in grad-cam-map.h. */
#include "config.h"

#include "grad-cam-map.h"
#include "saliency-common.h"

#include <string.h>

gboolean
gradcam_find_layer (const InterpNet *net, const char *method, const char *layer, int *node,
                    GError **error)
{
  int64_t shape[3];
  if (layer != NULL && *layer != '\0')
    {
      int id = interp_net_find (net, layer);
      if (id < 0)
        {
          g_set_error (error, INTERP_ERROR, INTERP_ERROR_NOT_FOUND,
                       "%s: key layer: the network has no node \"%s\"", method, layer);
          return FALSE;
        }
      if (interp_net_node_shape (net, id, shape) != 3)
        {
          g_set_error (error, INTERP_ERROR, INTERP_ERROR_BAD_VALUE,
                       "%s: key layer: node \"%s\" (%s) has a 1-d output; Grad-CAM needs "
                       "a C x h x w one (conv, relu, pool, batchnorm)", method, layer,
                       interp_op_name (interp_net_node_op (net, id)));
          return FALSE;
        }
      *node = id;
      return TRUE;
    }
  int last = -1;
  for (int i = 1; i < interp_net_n_nodes (net); i++)
    {
      InterpOp op = interp_net_node_op (net, i);
      if (op == INTERP_OP_FLATTEN || op == INTERP_OP_GLOBAL_AVGPOOL)
        break;
      if (interp_net_node_shape (net, i, shape) == 3)
        last = i;
    }
  if (last < 0)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_BAD_VALUE,
                   "%s: key layer: no node with a C x h x w output before the first flatten "
                   "or global pool; name one", method);
      return FALSE;
    }
  *node = last;
  return TRUE;
}

gboolean
gradcam_check_images (const char *method, const InterpTensor *x, GError **error)
{
  if (x->ndim != 4)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_SHAPE,
                   "%s: needs a batch of images (N x C x H x W), got feature vectors", method);
      return FALSE;
    }
  return TRUE;
}

gboolean
gradcam_coarse (InterpNet *net, const InterpTensor *x, const int32_t *targets, int node,
                gboolean relu, InterpTensor *coarse, InterpTensor *weights, GError **error)
{
  const int64_t n = x->shape[0];
  InterpTensor *dx = interp_tensor_new_4d (n, x->shape[1], x->shape[2], x->shape[3]);
  gboolean ok = saliency_target_grad (net, x, targets, NULL, dx, NULL, error);
  interp_tensor_free (dx);
  if (!ok)
    return FALSE;
  int64_t s[3];
  interp_net_node_shape (net, node, s);
  const int64_t c = s[0], hw = s[1] * s[2];
  const InterpTensor *a = interp_net_value (net, node);
  const InterpTensor *g = interp_net_grad (net, node);
  int64_t cshape[4] = { n, 1, s[1], s[2] };
  interp_tensor_reshape (coarse, 4, cshape);
  if (weights)
    {
      int64_t wshape[2] = { n, c };
      interp_tensor_reshape (weights, 2, wshape);
    }
  double *acc = g_new (double, hw);
  for (int64_t i = 0; i < n; i++)
    {
      memset (acc, 0, sizeof (double) * (size_t) hw);
      for (int64_t ch = 0; ch < c; ch++)
        {
          const float *gp = g->data + (i * c + ch) * hw, *ap = a->data + (i * c + ch) * hw;
          double w = 0.0;
          for (int64_t k = 0; k < hw; k++)
            w += gp[k];
          w /= (double) hw;
          if (weights)
            weights->data[i * c + ch] = (float) w;
          for (int64_t k = 0; k < hw; k++)
            acc[k] += w * ap[k];
        }
      for (int64_t k = 0; k < hw; k++)
        coarse->data[i * hw + k] = (float) (relu && acc[k] < 0.0 ? 0.0 : acc[k]);
    }
  g_free (acc);
  return TRUE;
}

void
gradcam_upsample (const InterpTensor *coarse, const int64_t shape[4], InterpTensor *attr)
{
  const int64_t n = shape[0], c = shape[1], h = shape[2], w = shape[3];
  interp_tensor_reshape (attr, 4, shape);
  InterpImage *up = interp_image_new (1, h, w);
  for (int64_t i = 0; i < n; i++)
    {
      InterpImage src = interp_image_view (coarse, i);
      interp_image_resize (&src, INTERP_RESIZE_BILINEAR, up);
      for (int64_t ch = 0; ch < c; ch++)
        memcpy (attr->data + (i * c + ch) * h * w, up->data, sizeof (float) * (size_t) (h * w));
    }
  interp_image_free (up);
}
