/* plugins/corruptions: the shared create/apply/destroy of every corruption. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "corruption-common.h"

typedef struct {
  const CorrSpec *spec;
  char *where;
  gboolean quantize;
  gpointer state;   /* read-only after create: apply runs on several threads at once */
} CorrInstance;

static const int sides[CORR_N_SIZES] = { 28, 32, 64, 224 };

int
corr_size_side (CorrSize size)
{
  return sides[size];
}

gpointer
corr_instance_new (const CorrSpec *spec, const InterpParams *params, InterpContext *ctx,
                   GError **error)
{
  CorrInstance *self = g_new0 (CorrInstance, 1);
  self->spec = spec;
  self->where = g_strdup (interp_params_where (params));
  self->quantize = interp_params_get_bool (params, "quantize");
  if (spec->create_state != NULL)
    {
      self->state = spec->create_state (params, ctx, error);
      if (self->state == NULL)
        {
          corr_destroy (self);
          return NULL;
        }
    }
  return self;
}

void
corr_destroy (gpointer p)
{
  CorrInstance *self = p;
  if (self == NULL)
    return;
  if (self->state != NULL && self->spec->destroy_state != NULL)
    self->spec->destroy_state (self->state);
  g_free (self->where);
  g_free (self);
}

static gboolean
pick_size (const CorrInstance *self, const InterpTensor *x, CorrSize *size, GError **error)
{
  if (x->ndim != 4 || x->shape[0] != 1 || (x->shape[1] != 1 && x->shape[1] != 3))
    {
      char *shape = interp_tensor_shape_string (x);
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_SHAPE,
                   "%s: corruption '%s' takes one 1- or 3-channel image, got %s", self->where,
                   self->spec->name, shape);
      g_free (shape);
      return FALSE;
    }
  for (int s = 0; s < CORR_N_SIZES; s++)
    if (x->shape[2] == sides[s] && x->shape[3] == sides[s])
      {
        *size = (CorrSize) s;
        return TRUE;
      }
  g_set_error (error, INTERP_ERROR, INTERP_ERROR_UNSUPPORTED,
               "%s: corruption '%s' has constants for 28x28, 32x32, 64x64 and 224x224 images, "
               "not %" G_GINT64_FORMAT "x%" G_GINT64_FORMAT,
               self->where, self->spec->name, x->shape[2], x->shape[3]);
  return FALSE;
}

/* ITU-R 601 luma, as PIL's convert("L") and skimage's rgb2gray weights. */
static void
rgb_to_grey (const InterpImage *rgb, InterpImage *grey)
{
  size_t n = (size_t) (rgb->height * rgb->width);
  const float *r = rgb->data, *g = r + n, *b = g + n;
  for (size_t i = 0; i < n; i++)
    grey->data[i] = 0.299f * r[i] + 0.587f * g[i] + 0.114f * b[i];
}

gboolean
corr_apply (gpointer p, const InterpTensor *x, double level, InterpRng *rng, InterpTensor *out,
            GError **error)
{
  CorrInstance *self = p;
  if (level != floor (level) || level < 1 || level > 5)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_OUT_OF_RANGE,
                   "%s: severity %g is not one of 1, 2, 3, 4, 5", self->where, level);
      return FALSE;
    }
  CorrCall call = { .where = self->where, .severity = (int) level, .rng = rng,
                    .state = self->state };
  if (!pick_size (self, x, &call.size, error))
    return FALSE;
  interp_tensor_reshape (out, x->ndim, x->shape);
  InterpImage src = interp_image_view (x, 0), dst = interp_image_view (out, 0);
  if (src.channels == 1 && self->spec->grey_through_rgb)
    {
      /* Per call, not per instance: calls may run concurrently. */
      InterpImage *rgb_in = interp_image_new (3, src.height, src.width);
      InterpImage *rgb_out = interp_image_new (3, src.height, src.width);
      size_t n = (size_t) (src.height * src.width);
      for (int c = 0; c < 3; c++)
        memcpy (rgb_in->data + c * n, src.data, n * sizeof (float));
      gboolean ok = self->spec->apply (&call, rgb_in, rgb_out, error);
      if (ok)
        {
          interp_image_clip (rgb_out);
          rgb_to_grey (rgb_out, &dst);
        }
      interp_image_free (rgb_in);
      interp_image_free (rgb_out);
      if (!ok)
        return FALSE;
    }
  else if (!self->spec->apply (&call, &src, &dst, error))
    return FALSE;
  if (self->quantize)
    interp_image_quantize_u8 (&dst);
  else
    interp_image_clip (&dst);
  return TRUE;
}
