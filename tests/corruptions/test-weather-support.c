/* tests/corruptions: shared helpers of the weather and MNIST-C tests. */
#include "config.h"

#include <math.h>
#include <string.h>

#include <criterion/criterion.h>

#include "host/params-private.h"
#include "test-weather-support.h"

static const InterpCorruptionVTable *
vt (const InterpComponent *comp)
{
  return comp->vtable;
}

gpointer
weather_try_create (const InterpComponent *comp, const char *const *pairs, GError **error)
{
  static const char *const none[] = { 0 };
  InterpParams *p = interp_params_new_from_pairs (comp->params, WEATHER_WHERE,
                                                  pairs ? pairs : none, error);
  if (p == NULL)
    return NULL;
  gpointer self = vt (comp)->create (p, NULL, error);
  interp_params_free (p);
  return self;
}

gpointer
weather_create (const InterpComponent *comp, const char *const *pairs)
{
  GError *error = NULL;
  gpointer self = weather_try_create (comp, pairs, &error);
  cr_assert_not_null (self, "%s: %s", comp->name, error ? error->message : "");
  return self;
}

void
weather_destroy (const InterpComponent *comp, gpointer self)
{
  vt (comp)->destroy (self);
}

InterpTensor *
weather_clean_image (int64_t channels, int64_t side, int index)
{
  InterpTensor *t = interp_tensor_new_4d (1, channels, side, side);
  InterpRng rng;
  char name[32];
  g_snprintf (name, sizeof name, "clean-%d", index);
  interp_rng_derive (&rng, 20261201, name);
  double background[3], blob_y[3], blob_x[3], blob_r[3], colour[3][3];
  for (int c = 0; c < 3; c++)
    background[c] = 0.25 * interp_rng_uniform (&rng);
  for (int b = 0; b < 3; b++)
    {
      blob_y[b] = side * interp_rng_uniform (&rng);
      blob_x[b] = side * interp_rng_uniform (&rng);
      blob_r[b] = side * (0.1 + 0.2 * interp_rng_uniform (&rng));
      for (int c = 0; c < 3; c++)
        colour[b][c] = 0.6 * interp_rng_uniform (&rng);
    }
  /* Two strokes from near the centre outwards, as a digit's. */
  double sy[2], sx[2], ey[2], ex[2];
  for (int s = 0; s < 2; s++)
    {
      sy[s] = side * (0.3 + 0.4 * interp_rng_uniform (&rng));
      sx[s] = side * (0.3 + 0.4 * interp_rng_uniform (&rng));
      ey[s] = side * (0.1 + 0.8 * interp_rng_uniform (&rng));
      ex[s] = side * (0.1 + 0.8 * interp_rng_uniform (&rng));
    }
  for (int64_t c = 0; c < channels; c++)
    for (int64_t y = 0; y < side; y++)
      for (int64_t x = 0; x < side; x++)
        {
          double v = background[c];
          for (int b = 0; b < 3; b++)
            {
              double d2 = (y - blob_y[b]) * (y - blob_y[b]) + (x - blob_x[b]) * (x - blob_x[b]);
              v += colour[b][c] * exp (-d2 / (2 * blob_r[b] * blob_r[b]));
            }
          for (int s = 0; s < 2; s++)
            {
              /* Distance from the segment start-end. */
              double vy = ey[s] - sy[s], vx = ex[s] - sx[s];
              double len2 = vy * vy + vx * vx;
              double u = len2 > 0 ? ((y - sy[s]) * vy + (x - sx[s]) * vx) / len2 : 0;
              u = fmin (1, fmax (0, u));
              double dy = y - (sy[s] + u * vy), dx = x - (sx[s] + u * vx);
              if (dy * dy + dx * dx <= (side / 16.0) * (side / 16.0))
                v = 0.95;
            }
          /* Whole 8-bit values, as a dataset's pixels are. */
          t->data[(c * side + y) * side + x] = (float) (floor (fmin (1, v) * 255) / 255);
        }
  return t;
}

void
weather_stream (InterpRng *rng, int severity, int index)
{
  char name[48];
  g_snprintf (name, sizeof name, "corruption@%d/%d", severity, index);
  interp_rng_derive (rng, 7, name);
}

InterpTensor *
weather_apply (const InterpComponent *comp, gpointer self, const InterpTensor *x, int severity,
               int index)
{
  InterpRng rng;
  weather_stream (&rng, severity, index);
  InterpTensor *out = interp_tensor_new_4d (1, 1, 1, 1);
  GError *error = NULL;
  cr_assert (vt (comp)->apply (self, x, severity, &rng, out, &error), "%s@%d: %s", comp->name,
             severity, error ? error->message : "");
  return out;
}

void
weather_mean_abs_diff (const InterpComponent *comp, gpointer self, int64_t channels,
                       int64_t side, double mad[5])
{
  for (int s = 1; s <= 5; s++)
    {
      double sum = 0;
      for (int i = 0; i < WEATHER_N_IMAGES; i++)
        {
          InterpTensor *x = weather_clean_image (channels, side, i);
          InterpTensor *y = weather_apply (comp, self, x, s, i);
          for (size_t k = 0; k < x->numel; k++)
            sum += fabs ((double) y->data[k] - x->data[k]);
          interp_tensor_free (x);
          interp_tensor_free (y);
        }
      mad[s - 1] = sum / (WEATHER_N_IMAGES * channels * side * side);
    }
}

static void
check_range (const InterpComponent *comp, gpointer self, int64_t channels, int64_t side,
             int n_images)
{
  for (int s = 1; s <= 5; s++)
    for (int i = 0; i < n_images; i++)
      {
        InterpTensor *x = weather_clean_image (channels, side, i);
        InterpTensor *y = weather_apply (comp, self, x, s, i);
        cr_assert_eq (y->numel, x->numel);
        for (size_t k = 0; k < y->numel; k++)
          cr_assert (isfinite (y->data[k]) && y->data[k] >= 0 && y->data[k] <= 1,
                     "%s@%d image %d: value %g at %zu", comp->name, s, i,
                     y->data[k], k);
        interp_tensor_free (x);
        interp_tensor_free (y);
      }
}

void
weather_check_range (const InterpComponent *comp, gpointer self, int64_t channels, int64_t side)
{
  check_range (comp, self, channels, side, WEATHER_N_IMAGES);
}

void
weather_check_range_n (const InterpComponent *comp, gpointer self, int64_t side, int n_images)
{
  check_range (comp, self, 3, side, n_images);
}

void
weather_check_deterministic (const InterpComponent *comp, gpointer self, int64_t channels,
                             int64_t side)
{
  for (int s = 1; s <= 5; s++)
    {
      InterpTensor *x = weather_clean_image (channels, side, 3);
      InterpTensor *a = weather_apply (comp, self, x, s, 3);
      InterpTensor *b = weather_apply (comp, self, x, s, 3);
      cr_assert (memcmp (a->data, b->data, (size_t) a->numel * sizeof (float)) == 0,
                 "%s@%d: two runs on the same stream differ", comp->name, s);
      interp_tensor_free (x);
      interp_tensor_free (a);
      interp_tensor_free (b);
    }
}

void
weather_check_sizes (const InterpComponent *comp, gpointer self)
{
  InterpTensor *grey = weather_clean_image (1, 28, 0), *rgb = weather_clean_image (3, 32, 0);
  interp_tensor_free (weather_apply (comp, self, grey, 3, 0));
  interp_tensor_free (weather_apply (comp, self, rgb, 3, 0));
  interp_tensor_free (grey);
  interp_tensor_free (rgb);

  InterpRng rng;
  weather_stream (&rng, 3, 0);
  InterpTensor *odd = interp_tensor_new_4d (1, 1, 30, 30);
  InterpTensor *two = interp_tensor_new_4d (1, 2, 32, 32);
  InterpTensor *out = interp_tensor_new_4d (1, 1, 1, 1);
  GError *error = NULL;
  cr_assert_not (vt (comp)->apply (self, odd, 3, &rng, out, &error));
  cr_assert_eq (error->code, INTERP_ERROR_UNSUPPORTED, "%s", error->message);
  cr_assert (strstr (error->message, "30x30") && strstr (error->message, comp->name)
             && strstr (error->message, WEATHER_WHERE), "%s", error->message);
  g_clear_error (&error);
  cr_assert_not (vt (comp)->apply (self, two, 3, &rng, out, &error));
  cr_assert_eq (error->code, INTERP_ERROR_SHAPE, "%s", error->message);
  g_clear_error (&error);
  interp_tensor_free (odd);
  interp_tensor_free (two);
  interp_tensor_free (out);
}

void
weather_check_ordering (const InterpComponent *comp, gpointer self, int64_t channels,
                        int64_t side)
{
  double mad[5];
  weather_mean_abs_diff (comp, self, channels, side, mad);
  cr_log_info ("%s %" G_GINT64_FORMAT "x%" G_GINT64_FORMAT ": mean |change| %.4f %.4f %.4f "
               "%.4f %.4f", comp->name, channels, side, mad[0], mad[1], mad[2], mad[3], mad[4]);
  for (int s = 1; s < 5; s++)
    cr_assert_geq (mad[s], mad[s - 1],
                   "%s at %" G_GINT64_FORMAT "x%" G_GINT64_FORMAT "x%" G_GINT64_FORMAT
                   ": mean |change| %.5f %.5f %.5f %.5f %.5f is not ordered",
                   comp->name, channels, side, side, mad[0], mad[1], mad[2], mad[3], mad[4]);
}
