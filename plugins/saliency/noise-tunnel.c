/* Noise tunnel (Captum's NoiseTunnel): another method's maps averaged over
 * noisy copies of the image, x + N(0, sigma^2) per element with
 * sigma = stdev * (max(x_i) - min(x_i)) per image (Smilkov et al. 2017,
 * "SmoothGrad": noise level 10-20% of the input range; 0.15 here).
 *   smoothgrad     mean of the maps (Smilkov et al. 2017)
 *   smoothgrad-sq  mean of the squared maps (SmoothGrad^2, Hooker et al.
 *                  2019; Adebayo et al. 2018 use it too)
 *   vargrad        their variance, E[a^2] - E[a]^2 over the samples
 *                  (Adebayo et al. 2018, "Local explanation methods ...")
 * The noisy image is NOT clipped to [0, 1] (Captum does not clip either).
 * Means are running (Welford) means in double, so equal samples (stdev 0)
 * give exactly the inner map, its square, and a variance of exactly 0.
 *
 * samples defaults to 50, Smilkov et al.'s choice and the benchmark
 * (Captum's nt_samples defaults to 5, which leaves visibly noisy maps).
 *
 * Streams: first one 64-bit seed S is drawn from rng, then the noise, row
 * by row (image-major, then sample, then element); the inner method's call
 * on chunk C (rows
 * [C * internal-batch-size, ...)) gets the stream
 * interp_rng_derive (S, "noise-tunnel/inner/chunk-C").  The noise does not
 * depend on internal-batch-size; a randomised inner method's draws do.
 *
 * The inner method's own completeness delta is not passed on (the noisy
 * inputs are not the image). */
#include "config.h"

#include <math.h>
#include <string.h>

#include "saliency-common.h"
#include "plugin-components.h"

typedef enum { NT_SMOOTHGRAD, NT_SMOOTHGRAD_SQ, NT_VARGRAD } NtType;

typedef struct {
  const InterpSaliencyVTable *inner;
  gpointer inner_self;
  NtType type;
  int64_t samples, internal_batch;
  double stdev;
} Nt;

static gpointer
nt_create (const InterpParams *params, InterpContext *ctx, GError **error)
{
  const char *group = interp_params_get_string (params, "method");
  if (!g_str_has_prefix (group, "saliency:"))
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_BAD_VALUE,
                   "%s: method = %s: expected saliency:NAME, another [saliency:NAME] group",
                   interp_params_where (params), group);
      return NULL;
    }
  Nt *self = g_new0 (Nt, 1);
  GError *inner = NULL;
  if (!interp_saliency_lookup (ctx, group, &self->inner, &self->inner_self, &inner))
    {
      g_propagate_prefixed_error (error, inner, "%s: method = %s: ",
                                  interp_params_where (params), group);
      g_free (self);
      return NULL;
    }
  const char *t = interp_params_get_string (params, "type");
  self->type = strcmp (t, "smoothgrad-sq") == 0 ? NT_SMOOTHGRAD_SQ
               : strcmp (t, "vargrad") == 0     ? NT_VARGRAD
                                                : NT_SMOOTHGRAD;
  self->samples = interp_params_get_int (params, "samples");
  self->internal_batch = interp_params_get_int (params, "internal-batch-size");
  self->stdev = interp_params_get_double (params, "stdev");
  return self;
}

static void
nt_destroy (gpointer data)
{
  /* The inner instance belongs to the runner. */
  g_free (data);
}

static gboolean
nt_attribute (gpointer data, InterpNet *net, const InterpTensor *x, const int32_t *targets,
              InterpRng *rng, InterpTensor *attr, double *delta, GError **error)
{
  Nt *self = data;
  (void) delta;
  if (!saliency_check_batch ("noise-tunnel", x, targets, error))
    return FALSE;
  const int64_t n = x->shape[0], per = interp_tensor_sample_size (x);
  const int64_t total = n * self->samples, limit = MIN (self->internal_batch, total);
  double *sigma = g_new (double, n);
  for (int64_t i = 0; i < n; i++)
    {
      float lo = x->data[i * per], hi = lo;
      for (int64_t j = 1; j < per; j++)
        {
          lo = MIN (lo, x->data[i * per + j]);
          hi = MAX (hi, x->data[i * per + j]);
        }
      sigma[i] = self->stdev * ((double) hi - (double) lo);
    }
  /* The inner seed first, then the noise row by row as the chunks need it:
   * the same draws whatever internal-batch-size. */
  const uint64_t inner_seed = interp_rng_next (rng);
  int64_t shape[4];
  memcpy (shape, x->shape, sizeof shape);
  shape[0] = limit;
  InterpTensor *noisy = interp_tensor_new (x->ndim, shape);
  double *mean = g_new0 (double, n * per), *mean_sq = g_new0 (double, n * per);
  int32_t *tg = g_new (int32_t, limit);
  InterpTensor *out = interp_tensor_new_4d (1, 1, 1, 1);
  gboolean ok = TRUE;
  for (int64_t first = 0, c = 0; ok && first < total; first += limit, c++)
    {
      const int64_t rows = MIN (limit, total - first);
      for (int64_t r = 0; r < rows; r++)
        {
          const int64_t i = (first + r) / self->samples;
          tg[r] = targets[i];
          for (int64_t j = 0; j < per; j++)
            noisy->data[r * per + j]
              = (float) ((double) x->data[i * per + j] + sigma[i] * interp_rng_normal (rng));
        }
      InterpTensor view = saliency_batch_view (noisy, 0, rows);
      char *stream = g_strdup_printf ("noise-tunnel/inner/chunk-%" G_GINT64_FORMAT, c);
      InterpRng sub;
      interp_rng_derive (&sub, inner_seed, stream);
      g_free (stream);
      ok = self->inner->attribute (self->inner_self, net, &view, tg, &sub, out, NULL, error);
      if (ok && out->numel != view.numel)
        {
          g_set_error (error, INTERP_ERROR, INTERP_ERROR_SHAPE,
                       "noise-tunnel: the inner method wrote %zu values for %zu inputs",
                       out->numel, view.numel);
          ok = FALSE;
        }
      for (int64_t r = 0; ok && r < rows; r++)
        {
          const int64_t i = (first + r) / self->samples, s = (first + r) % self->samples;
          const double inv = 1.0 / (double) (s + 1);
          const float *a = out->data + r * per;
          double *m = mean + i * per, *m2 = mean_sq + i * per;
          for (int64_t j = 0; j < per; j++)
            {
              const double v = a[j];
              m[j] += (v - m[j]) * inv;
              m2[j] += (v * v - m2[j]) * inv;
            }
        }
    }
  if (ok)
    {
      interp_tensor_reshape (attr, x->ndim, x->shape);
      for (size_t j = 0; j < x->numel; j++)
        {
          double v = self->type == NT_SMOOTHGRAD      ? mean[j]
                     : self->type == NT_SMOOTHGRAD_SQ ? mean_sq[j]
                                                      : mean_sq[j] - mean[j] * mean[j];
          attr->data[j] = (float) v;
        }
    }
  interp_tensor_free (out);
  g_free (tg);
  g_free (mean);
  g_free (mean_sq);
  interp_tensor_free (noisy);
  g_free (sigma);
  if (!ok)
    g_prefix_error (error, "noise-tunnel: ");
  return ok;
}

static void
nt_describe (gpointer data, InterpSaliencyInfo *info)
{
  Nt *self = data;
  InterpSaliencyInfo in = { 0 };
  self->inner->describe (self->inner_self, &in);
  /* The coarse and modified-backward nature of the inner maps carry over;
   * completeness does not (see above); only the mean keeps a sign. */
  info->flags = (in.flags & (INTERP_SALIENCY_COARSE | INTERP_SALIENCY_MODIFIED_BACKWARD
                             | INTERP_SALIENCY_GRADIENT_FREE))
                | INTERP_SALIENCY_RANDOMIZED
                | (self->type == NT_SMOOTHGRAD ? (in.flags & INTERP_SALIENCY_SIGNED) : 0);
  info->passes_per_image = self->samples * in.passes_per_image;
}

static const InterpParamSpec nt_params[] = {
  { .key = "method", .type = INTERP_PARAM_STRING, .default_value = NULL,
    .help = "the method averaged: saliency:NAME, another [saliency:NAME] group of the "
            "pipeline (required)" },
  { .key = "type", .type = INTERP_PARAM_CHOICE, .default_value = "smoothgrad",
    .choices = "smoothgrad|smoothgrad-sq|vargrad",
    .help = "mean of the maps (smoothgrad), of their squares (smoothgrad-sq) or their "
            "variance (vargrad)" },
  { .key = "samples", .type = INTERP_PARAM_INT, .default_value = "50", .min = 1,
    .max = 100000,
    .help = "noisy copies per image (Smilkov et al.'s 50; Captum's nt_samples default is 5)" },
  { .key = "stdev", .type = INTERP_PARAM_DOUBLE, .default_value = "0.15", .min = 0, .max = 10,
    .help = "noise standard deviation as a fraction of each image's max - min (Smilkov et "
            "al. 2017: 0.15); the noisy images are not clipped" },
  { .key = "internal-batch-size", .type = INTERP_PARAM_INT, .default_value = "64", .min = 1,
    .max = 1000000,
    .help = "noisy images (images x samples) per call of the inner method: bounds memory" },
  { 0 }
};

static const InterpSaliencyVTable nt_vtable = {
  INTERP_VTABLE_SIZE (InterpSaliencyVTable),
  .create = nt_create,
  .destroy = nt_destroy,
  .attribute = nt_attribute,
  .describe = nt_describe,
};

const InterpComponent interp_saliency_noise_tunnel = INTERP_COMPONENT (
  .kind = INTERP_KIND_SALIENCY,
  .name = "noise-tunnel",
  .description = "SmoothGrad, SmoothGrad^2 or VarGrad of another [saliency:*] method "
                 "(Captum's NoiseTunnel)",
  .params = nt_params,
  .vtable = &nt_vtable);
