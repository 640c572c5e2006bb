/* Canny edges and the Euclidean distance transform. */
#include "config.h"

#include "image-test.h"

#include <interp/rng.h>
#include <limits.h>
#include <string.h>

/* A soft step: 0 up to column 6, 0.5 at column 7, 1 from column 8 -- odd
 * about column 7, so the smoothed gradient peaks there and nowhere else. */
static InterpImage *
soft_step (int64_t h, int64_t w, gboolean transpose)
{
  InterpImage *img = interp_image_new (1, h, w);
  for (int64_t y = 0; y < h; y++)
    for (int64_t x = 0; x < w; x++)
      {
        int64_t t = transpose ? y : x;
        img->data[y * w + x] = t < 7 ? 0.0f : t == 7 ? 0.5f : 1.0f;
      }
  return img;
}

Test (canny, finds_the_step_at_its_column)
{
  InterpImage *img = soft_step (12, 16, FALSE);
  uint8_t e[12 * 16];
  interp_image_canny (img, 0, 1.0, 0.1, 0.2, e);
  /* Column 7 on every row but the outermost two, which skimage's eroded
   * mask excludes. */
  for (int y = 0; y < 12; y++)
    for (int x = 0; x < 16; x++)
      cr_assert_eq (e[y * 16 + x], (x == 7 && y >= 1 && y <= 10) ? 1 : 0, "(%d, %d)", y, x);
  interp_image_free (img);
  img = soft_step (16, 12, TRUE);
  interp_image_canny (img, 0, 1.0, 0.1, 0.2, e);
  for (int y = 0; y < 16; y++)
    for (int x = 0; x < 12; x++)
      cr_assert_eq (e[y * 12 + x], (y == 7 && x >= 1 && x <= 10) ? 1 : 0, "(%d, %d)", y, x);
  interp_image_free (img);
}

Test (canny, thresholds_and_flat_images)
{
  InterpImage *img = soft_step (12, 16, FALSE);
  uint8_t e[12 * 16];
  /* Across this step the row derivative is ~0 and the column one is
   * (1 + 2 + 1) times a difference of values in [0, 1]: at most 4, so a
   * high threshold of 5 leaves nothing to start hysteresis from. */
  interp_image_canny (img, 0, 1.0, 0.1, 5.0, e);
  for (int i = 0; i < 12 * 16; i++)
    cr_assert_eq (e[i], 0);
  for (int i = 0; i < 12 * 16; i++)
    img->data[i] = 0.3f;
  interp_image_canny (img, 0, 1.0, 0.1, 0.2, e);
  for (int i = 0; i < 12 * 16; i++)
    cr_assert_eq (e[i], 0, "a flat image has no edges");
  interp_image_free (img);
}

Test (distance, single_zero_pixel_gives_euclidean_distances)
{
  uint8_t mask[4 * 5];
  memset (mask, 1, sizeof mask);
  mask[1 * 5 + 2] = 0;
  float d[4 * 5];
  interp_distance_transform (mask, 4, 5, d);
  for (int y = 0; y < 4; y++)
    for (int x = 0; x < 5; x++)
      cr_assert_float_eq (d[y * 5 + x], sqrt ((y - 1) * (y - 1) + (x - 2) * (x - 2)), 1e-6,
                          "(%d, %d)", y, x);
}

Test (distance, matches_brute_force_and_edge_cases)
{
  enum { H = 13, W = 17 };
  uint8_t mask[H * W];
  InterpRng rng;
  interp_rng_seed (&rng, 3);
  for (int i = 0; i < H * W; i++)
    mask[i] = interp_rng_uniform (&rng) < 0.05 ? 0 : 255;
  mask[0] = 0;   /* at least one zero */
  float d[H * W];
  interp_distance_transform (mask, H, W, d);
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++)
      {
        int best = INT_MAX;
        for (int i = 0; i < H * W; i++)
          if (mask[i] == 0)
            {
              int dy = i / W - y, dx = i % W - x;
              best = MIN (best, dy * dy + dx * dx);
            }
        /* Exact squared distances are small integers; only the float
         * square root rounds. */
        cr_assert_float_eq (d[y * W + x], sqrt (best), 1e-6, "(%d, %d)", y, x);
      }
  memset (mask, 7, sizeof mask);
  interp_distance_transform (mask, H, W, d);
  for (int i = 0; i < H * W; i++)
    cr_assert_eq (d[i], (float) (H + W), "no zero: height + width");
  memset (mask, 0, sizeof mask);
  interp_distance_transform (mask, H, W, d);
  for (int i = 0; i < H * W; i++)
    cr_assert_eq (d[i], 0.0f);
}
