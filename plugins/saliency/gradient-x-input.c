/* Gradient x input (Shrikumar et al. 2016, "Not just a black box"):
 * attr = x * d z_t / dx, element by element, signed.  On a linear model it
 * is each feature's contribution w_tj x_j to the logit (without the bias). */
#include "config.h"

#include "saliency-common.h"
#include "plugin-components.h"

static gpointer
gxi_create (const InterpParams *params, InterpContext *ctx, GError **error)
{
  (void) params;
  (void) ctx;
  (void) error;
  /* No keys; a non-NULL instance all the same (NULL means failure). */
  return g_new0 (int, 1);
}

static void
gxi_destroy (gpointer data)
{
  g_free (data);
}

static gboolean
gxi_attribute (gpointer data, InterpNet *net, const InterpTensor *x, const int32_t *targets,
               InterpRng *rng, InterpTensor *attr, double *delta, GError **error)
{
  (void) data;
  (void) rng;
  (void) delta;
  if (!saliency_check_batch ("gradient-x-input", x, targets, error))
    return FALSE;
  SaliencyGuard guard;
  saliency_guard_begin (&guard, net);
  gboolean ok = saliency_target_grad (net, x, targets, NULL, attr, NULL, error);
  saliency_guard_end (&guard, net);
  if (ok)
    for (size_t i = 0; i < attr->numel; i++)
      attr->data[i] *= x->data[i];
  return ok;
}

static void
gxi_describe (gpointer data, InterpSaliencyInfo *info)
{
  (void) data;
  info->flags = INTERP_SALIENCY_SIGNED;
  info->passes_per_image = 1;
}

static const InterpParamSpec gxi_params[] = { { 0 } };

static const InterpSaliencyVTable gxi_vtable = {
  INTERP_VTABLE_SIZE (InterpSaliencyVTable),
  .create = gxi_create,
  .destroy = gxi_destroy,
  .attribute = gxi_attribute,
  .describe = gxi_describe,
};

const InterpComponent interp_saliency_gradient_x_input = INTERP_COMPONENT (
  .kind = INTERP_KIND_SALIENCY,
  .name = "gradient-x-input",
  .description = "Input times the gradient of the target logit (signed)",
  .params = gxi_params,
  .vtable = &gxi_vtable);
