/* tests/image: helpers shared by the image tests. */
#ifndef INTERP_TESTS_IMAGE_TEST_H
#define INTERP_TESTS_IMAGE_TEST_H

#include <criterion/criterion.h>
#include <math.h>
#include <interp/image.h>

/* An owned image filled from `values` (channels * height * width floats). */
static inline InterpImage *
image_from (int64_t c, int64_t h, int64_t w, const float *values)
{
  InterpImage *img = interp_image_new (c, h, w);
  for (size_t i = 0; i < interp_image_numel (img); i++)
    img->data[i] = values[i];
  return img;
}

static inline float
at (const InterpImage *img, int64_t c, int64_t y, int64_t x)
{
  return img->data[(c * img->height + y) * img->width + x];
}

/* Every value of img against expected within tol, naming the first miss. */
static inline void
assert_image_near (const InterpImage *img, const float *expected, double tol)
{
  for (size_t i = 0; i < interp_image_numel (img); i++)
    cr_assert (fabs ((double) img->data[i] - (double) expected[i]) <= tol,
               "value %zu: %.9g, expected %.9g (tolerance %g)", i, (double) img->data[i],
               (double) expected[i], tol);
}

#endif
