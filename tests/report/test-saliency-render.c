/* The saliency PNGs (core/runner/saliency-render.c): Captum's outlier
 * threshold, the colour maps and the blend by hand, the files and the grid's
 * layout, byte-identical output, and the errors. */
#include "config.h"

#include <criterion/criterion.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include <interp/error.h>
#include <interp/image.h>

#include "runner/examples.h"
#include "runner/saliency-render.h"

#include "../test-tree.h"

Test (saliency_render, outlier_threshold_by_hand)
{
  /* 1..100: the cumulative sum k(k+1)/2 first reaches 98% of 5050 = 4949
   * at k = 99 (4950; k = 98 gives 4851), so 100 alone saturates. */
  double v[100];
  for (int i = 0; i < 100; i++)
    v[i] = 100 - i;   /* unsorted on purpose */
  cr_assert_eq (interp_saliency_outlier_threshold (v, 100, 98.0), 99.0);
  /* One value that is most of the mass is the threshold itself. */
  double w[4] = { 1, 1, 1, 97 };
  cr_assert_eq (interp_saliency_outlier_threshold (w, 4, 98.0), 97.0);
  double z[3] = { 0, 0, 0 };
  cr_assert_eq (interp_saliency_outlier_threshold (z, 3, 98.0), 0.0, "all zero: scale 0");
  cr_assert_eq (interp_saliency_outlier_threshold (NULL, 0, 98.0), 0.0);
}

Test (saliency_render, colour_maps_by_hand)
{
  guint8 c[3];
  /* RdBu's ends and centre (ColorBrewer 11-class): +1 red, -1 blue. */
  interp_saliency_colour (1.0, TRUE, c);
  cr_assert (c[0] == 0x67 && c[1] == 0x00 && c[2] == 0x1f);
  interp_saliency_colour (-1.0, TRUE, c);
  cr_assert (c[0] == 0x05 && c[1] == 0x30 && c[2] == 0x61);
  interp_saliency_colour (0.0, TRUE, c);
  cr_assert (c[0] == 0xf7 && c[1] == 0xf7 && c[2] == 0xf7);
  interp_saliency_colour (7.0, TRUE, c);
  cr_assert (c[0] == 0x67 && c[1] == 0x00 && c[2] == 0x1f, "clamped to +1");
  /* v = 0.25: position 3.75 of 0..10, 3/4 of the way from class 3
   * (244, 165, 130) to class 4 (253, 219, 199): 250.75, 205.5, 181.75,
   * rounded to nearest (205.5 to even). */
  interp_saliency_colour (0.25, TRUE, c);
  cr_assert (c[0] == 251 && c[1] == 206 && c[2] == 182, "%u %u %u", c[0], c[1], c[2]);
  /* Blues: 0.5 is class 4 of 0..8 exactly. */
  interp_saliency_colour (0.5, FALSE, c);
  cr_assert (c[0] == 0x6b && c[1] == 0xae && c[2] == 0xd6);
  interp_saliency_colour (0.0, FALSE, c);
  cr_assert (c[0] == 0xf7 && c[1] == 0xfb && c[2] == 0xff);
}

Test (saliency_render, heat_pixels_by_hand)
{
  /* One row of three grey pixels 0.5, 0.25, 0.5 (exact in float) and the
   * map +2, -2, 0: s = 2 (the sorted magnitudes 0, 2, 2 reach 98% of 4 at
   * the last), v = +1, -1, 0.  Blend 0.5 * 255 * grey + 0.5 * colour:
   *   pixel 0: 63.75 + (51.5, 0, 15.5)       -> 115, 64, 79
   *   pixel 1: 31.875 + (2.5, 24, 48.5)      -> 34, 56, 80
   *   pixel 2: 63.75 + 123.5 (0xf7 / 2)      -> 187, 187, 187 */
  const float image[3] = { 0.5f, 0.25f, 0.5f }, map[3] = { 2.0f, -2.0f, 0.0f };
  guint8 rgb[3 * 3 * 2 * 2];
  double s = interp_saliency_heat_pixels (image, map, 1, 1, 3, TRUE, 1, rgb);
  cr_assert_eq (s, 2.0);
  static const guint8 want[9] = { 115, 64, 79, 34, 56, 80, 187, 187, 187 };
  for (int i = 0; i < 9; i++)
    cr_assert_eq (rgb[i], want[i], "byte %d: %u, not %u", i, rgb[i], want[i]);
  /* Upscaled by 2: each pixel a 2 x 2 block. */
  s = interp_saliency_heat_pixels (image, map, 1, 1, 3, TRUE, 2, rgb);
  for (int y = 0; y < 2; y++)
    for (int x = 0; x < 6; x++)
      for (int k = 0; k < 3; k++)
        cr_assert_eq (rgb[(y * 6 + x) * 3 + k], want[(x / 2) * 3 + k]);
  /* Three channels: the map is summed over them, the image averaged. */
  const float image3[3] = { 0.0f, 0.5f, 1.0f }, map3[3] = { 1.0f, 0.5f, 0.5f };
  s = interp_saliency_heat_pixels (image3, map3, 3, 1, 1, FALSE, 1, rgb);
  cr_assert_eq (s, 2.0);
  /* grey 0.5, v = 1 -> Blues' last class (8, 48, 107): 63.75 + 4, 24, 53.5. */
  cr_assert (rgb[0] == 68 && rgb[1] == 88 && rgb[2] == 117, "%u %u %u", rgb[0], rgb[1], rgb[2]);
  const float bad[3] = { 1.0f, NAN, 0.0f };
  cr_assert (isnan (interp_saliency_heat_pixels (image, bad, 1, 1, 3, TRUE, 1, rgb)));
}

/* A 2-image batch of 1 x 10 x 12 and two methods' maps. */
static void
make_inputs (InterpTensor **images, InterpTensor **signed_maps, InterpTensor **unsigned_maps)
{
  *images = interp_tensor_new_4d (2, 1, 10, 12);
  *signed_maps = interp_tensor_new_4d (2, 1, 10, 12);
  *unsigned_maps = interp_tensor_new_4d (2, 1, 10, 12);
  for (size_t j = 0; j < (*images)->numel; j++)
    {
      (*images)->data[j] = (float) (j % 12) / 11.0f;
      (*signed_maps)->data[j] = (float) ((int) (j % 7) - 3);
      (*unsigned_maps)->data[j] = (float) (j % 5);
    }
}

static char *
read_file (const char *dir, const char *rel, gsize *len)
{
  char *path = g_build_filename (dir, rel, NULL);
  char *data = NULL;
  cr_assert (g_file_get_contents (path, &data, len, NULL), "%s missing", path);
  g_free (path);
  return data;
}

Test (saliency_render, files_grid_and_scales)
{
  char *tmp = g_dir_make_tmp ("interp-saliency-render-XXXXXX", NULL);
  InterpTensor *images, *sm, *um;
  make_inputs (&images, &sm, &um);
  InterpSaliencyRenderMethod methods[] = {
    { .name = "saliency:gradient", .maps = sm, .is_signed = TRUE },
    { .name = "saliency:integrated-gradients-long-name", .maps = um, .is_signed = FALSE },
  };
  GError *error = NULL;
  /* More examples than images: the images there are. */
  cr_assert (interp_saliency_render (tmp, images, methods, 2, 5, &error), "%s",
             error ? error->message : "");
  int scale = interp_example_scale (10, 12);
  cr_assert_eq (scale, 9, "84 / 10 rounded up");
  for (int k = 0; k < 2; k++)
    {
      const char *name = k == 0 ? "gradient" : "integrated-gradients-long-name";
      for (int i = 0; i < 2; i++)
        {
          char *path = g_strdup_printf ("%s/saliency/%s/image-%d.png", tmp, name, i);
          InterpPixels px = { 0 };
          cr_assert (interp_pixels_decode_file (path, 0, &px, &error), "%s",
                     error ? error->message : "");
          cr_assert_eq (px.width, 12 * scale);
          cr_assert_eq (px.height, 10 * scale);
          cr_assert_eq (px.channels, 3);
          interp_pixels_clear (&px);
          g_free (path);
        }
      char *path = g_strdup_printf ("%s/saliency/%s/image-2.png", tmp, name);
      cr_assert_not (g_file_test (path, G_FILE_TEST_EXISTS));
      g_free (path);
    }
  /* The first heat map's pixels are those of interp_saliency_heat_pixels. */
  guint8 *want = g_malloc (12 * 10 * 81 * 3);
  interp_saliency_heat_pixels (images->data, sm->data, 1, 10, 12, TRUE, scale, want);
  char *path = g_build_filename (tmp, "saliency", "gradient", "image-0.png", NULL);
  InterpPixels px = { 0 };
  cr_assert (interp_pixels_decode_file (path, 3, &px, NULL));
  cr_assert_eq (memcmp (px.pixels, want, 12 * 10 * 81 * 3), 0);
  interp_pixels_clear (&px);
  g_free (path);

  /* The grid: 2 rows, 3 columns (image + 2 methods) of 108 x 90 cells with
   * 4-pixel gaps; the long title widens its column, the image's cell of
   * row 1 sits at the left, below the title strip. */
  path = g_build_filename (tmp, "saliency", "grid.png", NULL);
  cr_assert (interp_pixels_decode_file (path, 3, &px, &error), "%s", error ? error->message : "");
#ifdef HAVE_CAIRO
  const int title_h = 20;
  cr_assert_gt (px.width, 4 + 3 * (108 + 4), "the long title widens its column");
#else
  const int title_h = 0;
  cr_assert_eq (px.width, 4 + 3 * (108 + 4));
#endif
  cr_assert_eq (px.height, title_h + 4 + 2 * (90 + 4));
  /* Row 1's image cell: image 1's pixel (0, 11) is 1.0 (white), (0, 0) 0. */
  int64_t y0 = title_h + 4 + 94, x0 = 4;
  const guint8 *p = px.pixels + (y0 * px.width + x0) * 3;
  cr_assert (p[0] == 0 && p[1] == 0 && p[2] == 0);
  p = px.pixels + (y0 * px.width + x0 + 11 * scale) * 3;
  cr_assert (p[0] == 255 && p[1] == 255 && p[2] == 255);
  interp_pixels_clear (&px);
  gsize len1, len2;
  char *first = read_file (tmp, "saliency/grid.png", &len1);

  /* scales.json: the scale of each map (image 0 of the signed map holds
   * -3..3 in a cycle of 7: 120 values, magnitudes 3 most of the mass). */
  JsonParser *parser = json_parser_new ();
  char *sp = g_build_filename (tmp, "saliency", "scales.json", NULL);
  cr_assert (json_parser_load_from_file (parser, sp, NULL));
  JsonArray *ms = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                               "methods");
  cr_assert_eq (json_array_get_length (ms), 2);
  JsonObject *m0 = json_array_get_object_element (ms, 0);
  cr_assert_str_eq (json_object_get_string_member (m0, "name"), "gradient");
  cr_assert (json_object_get_boolean_member (m0, "signed"));
  double scale0 = json_array_get_double_element (json_object_get_array_member (m0, "scale"), 0);
  cr_assert_eq (scale0, 3.0);
  g_object_unref (parser);
  g_free (sp);

  /* Rendering again gives the same bytes. */
  cr_assert (interp_saliency_render (tmp, images, methods, 2, 2, &error));
  char *second = read_file (tmp, "saliency/grid.png", &len2);
  cr_assert (len1 == len2 && memcmp (first, second, len1) == 0);
  g_free (first);
  g_free (second);
  g_free (want);
  g_free (path);

  /* Nothing asked: nothing written, no error. */
  char *empty = g_build_filename (tmp, "none", NULL);
  cr_assert (interp_saliency_render (empty, images, methods, 2, 0, &error));
  cr_assert_not (g_file_test (empty, G_FILE_TEST_EXISTS));
  g_free (empty);
  interp_tensor_free (images);
  interp_tensor_free (sm);
  interp_tensor_free (um);
  test_remove_tree (tmp);
  g_free (tmp);
}

Test (saliency_render, errors_name_the_method_or_key)
{
  char *tmp = g_dir_make_tmp ("interp-saliency-render-XXXXXX", NULL);
  InterpTensor *images, *sm, *um;
  make_inputs (&images, &sm, &um);
  GError *error = NULL;
  sm->data[5] = INFINITY;
  InterpSaliencyRenderMethod bad = { .name = "saliency:gradient", .maps = sm, .is_signed = TRUE };
  cr_assert_not (interp_saliency_render (tmp, images, &bad, 1, 2, &error));
  cr_assert (g_error_matches (error, INTERP_ERROR, INTERP_ERROR_BAD_VALUE));
  cr_assert_not_null (strstr (error->message, "saliency:gradient"), "%s", error->message);
  cr_assert_not_null (strstr (error->message, "image 0"), "%s", error->message);
  g_clear_error (&error);

  InterpTensor *small = interp_tensor_new_4d (2, 1, 10, 11);
  InterpSaliencyRenderMethod wrong = { .name = "saliency:occlusion", .maps = small };
  cr_assert_not (interp_saliency_render (tmp, images, &wrong, 1, 2, &error));
  cr_assert (g_error_matches (error, INTERP_ERROR, INTERP_ERROR_SHAPE));
  cr_assert_not_null (strstr (error->message, "saliency:occlusion"), "%s", error->message);
  g_clear_error (&error);

  InterpTensor *two = interp_tensor_new_4d (2, 2, 10, 12);
  InterpSaliencyRenderMethod ok = { .name = "saliency:gradient", .maps = two };
  cr_assert_not (interp_saliency_render (tmp, two, &ok, 1, 2, &error));
  cr_assert (g_error_matches (error, INTERP_ERROR, INTERP_ERROR_UNSUPPORTED));
  cr_assert_not_null (strstr (error->message, "saliency-examples"), "%s", error->message);
  g_clear_error (&error);

  interp_tensor_free (two);
  interp_tensor_free (small);
  interp_tensor_free (images);
  interp_tensor_free (sm);
  interp_tensor_free (um);
  test_remove_tree (tmp);
  g_free (tmp);
}
