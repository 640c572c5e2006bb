/* tests/corruptions: what every corruption test shares.
 *
 * Components are called through their vtables (the plugin's sources are
 * compiled into each test program).  Images are "natural-ish": smooth
 * colour gradients, two sinusoidal textures and a little fine noise, drawn
 * from a seeded stream and stored as 8-bit levels (x / 255), as the
 * generator's inputs are.  Header-only: each program includes it once.
 */
#ifndef INTERP_TESTS_CORRUPTION_TEST_H
#define INTERP_TESTS_CORRUPTION_TEST_H

#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include <interp/interp.h>

#include "host/params-private.h"

#define CT_WHERE "test.ini: [corruption]"
#define CT_SEED 20261201u
#define CT_N_IMAGES 16

static inline const InterpCorruptionVTable *
ct_vtable (const InterpComponent *comp)
{
  return comp->vtable;
}

/* A component instance from key/value pairs (NULL-terminated, may be NULL);
 * asserts that creation works. */
static inline gpointer
ct_create (const InterpComponent *comp, const char *const *pairs)
{
  GError *error = NULL;
  InterpParams *p = interp_params_new_from_pairs (comp->params, CT_WHERE, pairs, &error);
  cr_assert_not_null (p, "%s: %s", comp->name, error ? error->message : "");
  gpointer self = ct_vtable (comp)->create (p, NULL, &error);
  cr_assert_not_null (self, "%s: %s", comp->name, error ? error->message : "");
  interp_params_free (p);
  return self;
}

static inline gpointer
ct_create_unquantized (const InterpComponent *comp)
{
  static const char *const pairs[] = { "quantize=false", NULL };
  return ct_create (comp, pairs);
}

/* The stream of image `index`, as a runner would derive one per image. */
static inline void
ct_stream (InterpRng *rng, uint64_t index)
{
  char name[64];
  g_snprintf (name, sizeof name, "corruption-test/%" G_GUINT64_FORMAT, index);
  interp_rng_derive (rng, CT_SEED, name);
}

/* out := the corruption of x (1 x C x H x W) at `severity` with stream
 * `index`; asserts success. */
static inline void
ct_apply (const InterpComponent *comp, gpointer self, const InterpTensor *x, int severity,
          uint64_t index, InterpTensor *out)
{
  GError *error = NULL;
  InterpRng rng;
  ct_stream (&rng, index);
  cr_assert (ct_vtable (comp)->apply (self, x, severity, &rng, out, &error),
             "%s severity %d: %s", comp->name, severity, error ? error->message : "");
}

/* Natural-ish image number `index` of shape channels x side x side. */
static inline InterpTensor *
ct_natural_image (int64_t channels, int64_t side, uint64_t index)
{
  InterpRng rng;
  char name[64];
  g_snprintf (name, sizeof name, "natural-image/%" G_GUINT64_FORMAT, index);
  interp_rng_derive (&rng, CT_SEED, name);
  InterpTensor *t = interp_tensor_new_4d (1, channels, side, side);
  double gy = interp_rng_uniform (&rng) - 0.5, gx = interp_rng_uniform (&rng) - 0.5;
  double f1 = 1 + 5 * interp_rng_uniform (&rng), f2 = 4 + 8 * interp_rng_uniform (&rng);
  double a1 = interp_rng_uniform (&rng) * G_PI, a2 = interp_rng_uniform (&rng) * G_PI;
  for (int64_t c = 0; c < channels; c++)
    {
      double base = 0.25 + 0.5 * interp_rng_uniform (&rng);
      double phase = 2 * G_PI * interp_rng_uniform (&rng);
      for (int64_t i = 0; i < side; i++)
        for (int64_t j = 0; j < side; j++)
          {
            double u = (double) i / (double) side, v = (double) j / (double) side;
            double s1 = sin (2 * G_PI * f1 * (u * cos (a1) + v * sin (a1)) + phase);
            double s2 = sin (2 * G_PI * f2 * (u * cos (a2) + v * sin (a2)));
            double x = base + 0.4 * (gy * u + gx * v) + 0.15 * s1 + 0.08 * s2
                       + 0.02 * interp_rng_normal (&rng);
            x = CLAMP (x, 0.0, 1.0);
            t->data[(c * side + i) * side + j] = (float) (floor (x * 255 + 0.5) / 255);
          }
    }
  return t;
}

/* A constant image at the 8-bit level `level`. */
static inline InterpTensor *
ct_constant_image (int64_t channels, int64_t side, int level)
{
  InterpTensor *t = interp_tensor_new_4d (1, channels, side, side);
  for (size_t i = 0; i < t->numel; i++)
    t->data[i] = (float) level / 255.0f;
  return t;
}

static inline double
ct_mean_abs_diff (const InterpTensor *a, const InterpTensor *b)
{
  double s = 0;
  for (size_t i = 0; i < a->numel; i++)
    s += fabs ((double) a->data[i] - (double) b->data[i]);
  return s / (double) a->numel;
}

/* mad[s - 1] := the mean absolute difference from the clean image at
 * severity s, averaged over CT_N_IMAGES natural-ish images. */
static inline void
ct_severity_profile (const InterpComponent *comp, int64_t channels, int64_t side, double mad[5])
{
  gpointer self = ct_create (comp, NULL);
  InterpTensor *out = interp_tensor_new_4d (1, channels, side, side);
  for (int s = 1; s <= 5; s++)
    {
      mad[s - 1] = 0;
      for (uint64_t k = 0; k < CT_N_IMAGES; k++)
        {
          InterpTensor *x = ct_natural_image (channels, side, k);
          ct_apply (comp, self, x, s, k, out);
          mad[s - 1] += ct_mean_abs_diff (x, out) / CT_N_IMAGES;
          interp_tensor_free (x);
        }
    }
  interp_tensor_free (out);
  ct_vtable (comp)->destroy (self);
}

/* Severity s1's profile value <= s2's, for each listed pair (1-based). */
static inline void
ct_assert_not_milder (const InterpComponent *comp, const double mad[5], int s1, int s2,
                      const char *shape)
{
  cr_assert_leq (mad[s1 - 1], mad[s2 - 1],
                 "%s on %s: severity %d changes the image more (%.6f) than severity %d "
                 "(%.6f)", comp->name, shape, s1, mad[s1 - 1], s2, mad[s2 - 1]);
}

/* The mean absolute difference is non-decreasing over severities 1..5. */
static inline void
ct_assert_monotone (const InterpComponent *comp, int64_t channels, int64_t side)
{
  double mad[5];
  char shape[32];
  g_snprintf (shape, sizeof shape, "%" G_GINT64_FORMAT "x%" G_GINT64_FORMAT "x%" G_GINT64_FORMAT,
              channels, side, side);
  ct_severity_profile (comp, channels, side, mad);
  for (int s = 1; s < 5; s++)
    ct_assert_not_milder (comp, mad, s, s + 1, shape);
}

/* Every output value lies in [0, 1] and, quantised, on an 8-bit level. */
static inline void
ct_assert_valid_output (const InterpComponent *comp, const InterpTensor *out, int severity)
{
  for (size_t i = 0; i < out->numel; i++)
    {
      float v = out->data[i];
      cr_assert (v >= 0.0f && v <= 1.0f, "%s severity %d: value %g at %zu",
                 comp->name, severity, v, i);
      double level = (double) v * 255.0;
      cr_assert_leq (fabs (level - nearbyint (level)), 1e-3,
                     "%s severity %d: %g is not an 8-bit level", comp->name, severity, v);
    }
}

/* Output in [0, 1] on 8-bit levels, at every severity, for 1x28x28 and
 * 3x32x32 images; a 3x30x30 image is refused with UNSUPPORTED naming the
 * group, the component and the size. */
static inline void
ct_assert_shapes (const InterpComponent *comp)
{
  gpointer self = ct_create (comp, NULL);
  const int64_t shapes[2][2] = { { 1, 28 }, { 3, 32 } };
  for (int k = 0; k < 2; k++)
    {
      InterpTensor *x = ct_natural_image (shapes[k][0], shapes[k][1], 100 + k);
      InterpTensor *out = interp_tensor_new_4d (1, 1, 1, 1);
      for (int s = 1; s <= 5; s++)
        {
          ct_apply (comp, self, x, s, 7, out);
          cr_assert (out->ndim == 4 && out->shape[1] == shapes[k][0]
                     && out->shape[2] == shapes[k][1] && out->shape[3] == shapes[k][1],
                     "%s: output shape differs from the input's", comp->name);
          ct_assert_valid_output (comp, out, s);
        }
      interp_tensor_free (out);
      interp_tensor_free (x);
    }
  InterpTensor *bad = ct_natural_image (3, 30, 0);
  InterpTensor *out = interp_tensor_new_4d (1, 3, 30, 30);
  GError *error = NULL;
  InterpRng rng;
  ct_stream (&rng, 0);
  cr_assert_not (ct_vtable (comp)->apply (self, bad, 3, &rng, out, &error),
                 "%s accepted a 30x30 image", comp->name);
  cr_assert (g_error_matches (error, INTERP_ERROR, INTERP_ERROR_UNSUPPORTED), "%s: %s",
             comp->name, error ? error->message : "no error");
  cr_assert (strstr (error->message, CT_WHERE) && strstr (error->message, comp->name)
             && strstr (error->message, "30x30"), "%s: unclear message '%s'", comp->name,
             error->message);
  g_error_free (error);
  interp_tensor_free (out);
  interp_tensor_free (bad);
  ct_vtable (comp)->destroy (self);
}

/* The same stream gives identical bytes; a different stream gives a
 * different image when the component is random and the same image when
 * it draws nothing. */
static inline void
ct_assert_deterministic (const InterpComponent *comp, gboolean random)
{
  gpointer self = ct_create (comp, NULL);
  InterpTensor *x = ct_natural_image (3, 32, 3);
  InterpTensor *a = interp_tensor_new_4d (1, 3, 32, 32), *b = interp_tensor_new_4d (1, 3, 32, 32);
  for (int s = 1; s <= 5; s++)
    {
      ct_apply (comp, self, x, s, 11, a);
      ct_apply (comp, self, x, s, 11, b);
      cr_assert (memcmp (a->data, b->data, a->numel * sizeof (float)) == 0,
                 "%s severity %d: the same stream gave different images", comp->name, s);
      ct_apply (comp, self, x, s, 12, b);
      gboolean same = memcmp (a->data, b->data, a->numel * sizeof (float)) == 0;
      if (random)
        cr_assert_not (same, "%s severity %d: two streams gave the same image", comp->name, s);
      else
        cr_assert (same, "%s severity %d: a deterministic corruption depends on the stream",
                   comp->name, s);
    }
  interp_tensor_free (a);
  interp_tensor_free (b);
  interp_tensor_free (x);
  ct_vtable (comp)->destroy (self);
}

/* A level out of 1..5 is refused naming the group. */
static inline void
ct_assert_refuses_level (const InterpComponent *comp)
{
  gpointer self = ct_create (comp, NULL);
  InterpTensor *x = ct_natural_image (1, 28, 0), *out = interp_tensor_new_4d (1, 1, 28, 28);
  const double bad[] = { 0, 6, 2.5 };
  for (size_t i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      GError *error = NULL;
      InterpRng rng;
      ct_stream (&rng, 0);
      cr_assert_not (ct_vtable (comp)->apply (self, x, bad[i], &rng, out, &error));
      cr_assert (g_error_matches (error, INTERP_ERROR, INTERP_ERROR_OUT_OF_RANGE)
                 && strstr (error->message, CT_WHERE), "%s: %s", comp->name,
                 error ? error->message : "no error");
      g_error_free (error);
    }
  interp_tensor_free (out);
  interp_tensor_free (x);
  ct_vtable (comp)->destroy (self);
}

#endif
