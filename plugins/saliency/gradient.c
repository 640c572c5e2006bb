/* Vanilla gradient (Simonyan, Vedaldi & Zisserman 2014, "Deep inside
 * convolutional networks"): the map is d z_t / d x, signed; `absolute`
 * takes its magnitude, as the paper's saliency maps do (max over channels
 * there; here per element, the runner sums channels where it needs one
 * value per pixel). */
#include "config.h"

#include <math.h>

#include "saliency-common.h"
#include "plugin-components.h"

typedef struct {
  gboolean absolute;
} Gradient;

static gpointer
gradient_create (const InterpParams *params, InterpContext *ctx, GError **error)
{
  (void) ctx;
  (void) error;
  Gradient *self = g_new0 (Gradient, 1);
  self->absolute = interp_params_get_bool (params, "absolute");
  return self;
}

static void
gradient_destroy (gpointer data)
{
  g_free (data);
}

static gboolean
gradient_attribute (gpointer data, InterpNet *net, const InterpTensor *x,
                    const int32_t *targets, InterpRng *rng, InterpTensor *attr, double *delta,
                    GError **error)
{
  Gradient *self = data;
  (void) rng;
  (void) delta;
  if (!saliency_check_batch ("gradient", x, targets, error))
    return FALSE;
  SaliencyGuard guard;
  saliency_guard_begin (&guard, net);
  gboolean ok = saliency_target_grad (net, x, targets, NULL, attr, NULL, error);
  saliency_guard_end (&guard, net);
  if (ok && self->absolute)
    for (size_t i = 0; i < attr->numel; i++)
      attr->data[i] = fabsf (attr->data[i]);
  return ok;
}

static void
gradient_describe (gpointer data, InterpSaliencyInfo *info)
{
  Gradient *self = data;
  info->flags = self->absolute ? 0 : INTERP_SALIENCY_SIGNED;
  info->passes_per_image = 1;
}

static const InterpParamSpec gradient_params[] = {
  { .key = "absolute", .type = INTERP_PARAM_BOOL, .default_value = "false",
    .help = "the gradient's magnitude instead of its signed value" },
  { 0 }
};

static const InterpSaliencyVTable gradient_vtable = {
  INTERP_VTABLE_SIZE (InterpSaliencyVTable),
  .create = gradient_create,
  .destroy = gradient_destroy,
  .attribute = gradient_attribute,
  .describe = gradient_describe,
};

const InterpComponent interp_saliency_gradient = INTERP_COMPONENT (
  .kind = INTERP_KIND_SALIENCY,
  .name = "gradient",
  .description = "Vanilla gradient of the target logit w.r.t. the input pixels",
  .params = gradient_params,
  .vtable = &gradient_vtable);
