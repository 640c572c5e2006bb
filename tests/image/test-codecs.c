/* JPEG in memory, PNG files and decoding by signature. */
#include "config.h"

#include "image-test.h"

#include <glib/gstdio.h>
#include <string.h>

#include "util/fs.h"

static InterpPixels
pixels_new (int64_t w, int64_t h, int c)
{
  InterpPixels px = { .width = w, .height = h, .channels = c };
  px.pixels = g_malloc0 ((gsize) (w * h * c));
  return px;
}

static int
max_abs_diff (const InterpPixels *a, const InterpPixels *b)
{
  int worst = 0;
  for (int64_t i = 0; i < a->width * a->height * a->channels; i++)
    worst = MAX (worst, abs ((int) a->pixels[i] - (int) b->pixels[i]));
  return worst;
}

static InterpPixels
encode_decode (const InterpPixels *px, int quality)
{
  guint8 *bytes = NULL;
  gsize len = 0;
  GError *error = NULL;
  cr_assert (interp_pixels_encode_jpeg (px, quality, &bytes, &len, &error),
             "%s", error ? error->message : "");
  cr_assert (len > 100 && bytes[0] == 0xff && bytes[1] == 0xd8);
  InterpPixels back;
  cr_assert (interp_pixels_decode_jpeg (bytes, len, "test", &back, &error),
             "%s", error ? error->message : "");
  g_free (bytes);
  cr_assert (back.width == px->width && back.height == px->height
             && back.channels == px->channels);
  return back;
}

/* At quality 100 every quantiser step is 1, so what is lost is the
 * integer DCT's and the colour conversion's rounding: each bounded by about
 * one level, three in all is a safe bound (libjpeg's own accuracy notes,
 * libjpeg-turbo structure.txt / the IJG README on quality 100). */
#define Q100_LEVELS 3

Test (jpeg, quality_100_grey_gradient_round_trip)
{
  InterpPixels px = pixels_new (16, 16, 1);
  for (int y = 0; y < 16; y++)
    for (int x = 0; x < 16; x++)
      px.pixels[y * 16 + x] = (uint8_t) (8 * x + 4 * y + 10);
  InterpPixels back = encode_decode (&px, 100);
  cr_assert_leq (max_abs_diff (&px, &back), Q100_LEVELS);
  interp_pixels_clear (&back);
  /* A low quality loses more: the test above could fail. */
  back = encode_decode (&px, 5);
  cr_assert_gt (max_abs_diff (&px, &back), Q100_LEVELS);
  interp_pixels_clear (&back);
  interp_pixels_clear (&px);
}

Test (jpeg, quality_100_constant_colour_round_trip)
{
  /* Constant chroma survives 4:2:0 subsampling exactly; only rounding is left. */
  InterpPixels px = pixels_new (16, 8, 3);
  for (int i = 0; i < 16 * 8; i++)
    {
      px.pixels[3 * i] = 200;
      px.pixels[3 * i + 1] = 60;
      px.pixels[3 * i + 2] = 30;
    }
  InterpPixels back = encode_decode (&px, 100);
  cr_assert_leq (max_abs_diff (&px, &back), Q100_LEVELS);
  interp_pixels_clear (&back);
  interp_pixels_clear (&px);
}

Test (jpeg, float_round_trip_keeps_shape_and_range)
{
  InterpImage *img = interp_image_new (3, 8, 8), *out = interp_image_new (3, 8, 8);
  for (int c = 0; c < 3; c++)
    for (int i = 0; i < 64; i++)
      img->data[c * 64 + i] = c == 0 ? 0.8f : c == 1 ? 0.25f : 0.5f;
  GError *error = NULL;
  cr_assert (interp_image_jpeg_roundtrip (img, 100, out, &error));
  /* Truncation of .25 * 255 = 63.75 -> 63, plus Q100_LEVELS. */
  for (size_t i = 0; i < interp_image_numel (img); i++)
    cr_assert (fabs (out->data[i] - img->data[i]) <= (Q100_LEVELS + 1) / 255.0 + 1e-6);
  cr_assert_not (interp_image_jpeg_roundtrip (img, 0, out, &error));
  cr_assert_eq (error->code, INTERP_ERROR_OUT_OF_RANGE);
  g_clear_error (&error);
  interp_image_free (img);
  interp_image_free (out);
}

Test (jpeg, corrupt_and_truncated_bytes_are_format_errors)
{
  InterpPixels px = pixels_new (32, 32, 3), back;
  for (int i = 0; i < 32 * 32 * 3; i++)
    px.pixels[i] = (uint8_t) (i * 7);
  guint8 *bytes;
  gsize len;
  GError *error = NULL;
  cr_assert (interp_pixels_encode_jpeg (&px, 75, &bytes, &len, NULL));
  /* Truncated to half: libjpeg warns of a premature end; that is an error. */
  cr_assert_not (interp_pixels_decode_jpeg (bytes, len / 2, "half.jpg", &back, &error));
  cr_assert_eq (error->code, INTERP_ERROR_FORMAT);
  cr_assert (strstr (error->message, "half.jpg") != NULL, "%s", error->message);
  g_clear_error (&error);
  /* A start-of-image marker followed by noise. */
  guint8 noise[64] = { 0xff, 0xd8, 0xff };
  for (int i = 3; i < 64; i++)
    noise[i] = (guint8) (i * 37);
  cr_assert_not (interp_pixels_decode_jpeg (noise, sizeof noise, "noise", &back, &error));
  cr_assert_eq (error->code, INTERP_ERROR_FORMAT);
  g_clear_error (&error);
  cr_assert_not (interp_pixels_decode_jpeg ((const guint8 *) "PNG", 3, "x", &back, &error));
  cr_assert_eq (error->code, INTERP_ERROR_FORMAT);
  g_clear_error (&error);
  g_free (bytes);
  interp_pixels_clear (&px);
}

/* Found by tests/fuzz/fuzz-jpeg: a few hundred bytes whose frame header
 * declares 65000 x 65000 pixels made the decoder allocate 12 GB before
 * reading any scan (out of memory); beyond IMAGE_DECODE_MAX_BYTES it is a
 * FORMAT error naming the size. */
Test (jpeg, huge_declared_size_is_an_error)
{
  InterpPixels px = pixels_new (8, 8, 3), back;
  guint8 *bytes;
  gsize len;
  GError *error = NULL;
  cr_assert (interp_pixels_encode_jpeg (&px, 75, &bytes, &len, NULL));
  /* SOF0 (FF C0): length(2) precision(1) height(2) width(2). */
  gsize at = 0;
  for (gsize i = 2; i + 8 < len && !at; i++)
    if (bytes[i] == 0xff && bytes[i + 1] == 0xc0)
      at = i;
  cr_assert (at);
  bytes[at + 5] = 0xfd, bytes[at + 6] = 0xe8;   /* height 65000 */
  bytes[at + 7] = 0xfd, bytes[at + 8] = 0xe8;   /* width 65000 */
  cr_assert_not (interp_pixels_decode_jpeg (bytes, len, "huge.jpg", &back, &error));
  cr_assert_eq (error->code, INTERP_ERROR_FORMAT);
  cr_assert (strstr (error->message, "huge.jpg") && strstr (error->message, "65000 x 65000"),
             "%s", error->message);
  g_clear_error (&error);
  g_free (bytes);
  interp_pixels_clear (&px);
}

static guint32
crc32_png (const guint8 *p, gsize n)
{
  /* The CRC of the PNG specification (its annex D), bit by bit. */
  guint32 c = 0xffffffffu;
  for (gsize i = 0; i < n; i++)
    {
      c ^= p[i];
      for (int k = 0; k < 8; k++)
        c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1u)));
    }
  return c ^ 0xffffffffu;
}

/* The same for a PNG: its IHDR may declare up to 2^31 - 1 pixels a side
 * (libpng's default limit is 10^6). */
Test (png, huge_declared_size_is_an_error)
{
  InterpPixels px = pixels_new (2, 2, 3), back;
  char *dir = g_dir_make_tmp ("interp-test-png-XXXXXX", NULL);
  char *path = g_build_filename (dir, "huge.png", NULL);
  GError *error = NULL;
  cr_assert (interp_pixels_write_png (&px, path, &error), "%s", error ? error->message : "");
  gchar *data;
  gsize len;
  cr_assert (g_file_get_contents (path, &data, &len, NULL));
  guint8 *b = (guint8 *) data;
  /* signature(8), IHDR length(4), "IHDR"(4), width(4), height(4), ...; CRC
   * over type and data (13 bytes) at 29. */
  const guint8 size[8] = { 0, 0, 0x75, 0x30, 0, 0, 0x75, 0x30 };   /* 30000 x 30000 */
  memcpy (b + 16, size, sizeof size);
  guint32 crc = crc32_png (b + 12, 17);
  b[29] = (guint8) (crc >> 24), b[30] = (guint8) (crc >> 16);
  b[31] = (guint8) (crc >> 8), b[32] = (guint8) crc;
  cr_assert (g_file_set_contents (path, data, (gssize) len, NULL));
  cr_assert_not (interp_pixels_decode_file (path, 0, &back, &error));
  cr_assert_eq (error->code, INTERP_ERROR_FORMAT);
  cr_assert (strstr (error->message, "30000 x 30000"), "%s", error->message);
  g_clear_error (&error);
  g_remove (path);
  g_rmdir (dir);
  g_free (path);
  g_free (dir);
  g_free (data);
  interp_pixels_clear (&px);
}

Test (png, written_then_decoded_gives_the_same_pixels)
{
  char *dir = g_dir_make_tmp ("interp-image-XXXXXX", NULL);
  cr_assert_not_null (dir);
  GError *error = NULL;
  for (int c = 1; c <= 3; c += 2)
    {
      InterpPixels px = pixels_new (5, 3, c), back;
      for (int i = 0; i < 15 * c; i++)
        px.pixels[i] = (uint8_t) (i * 17 + 3);
      char *path = g_build_filename (dir, c == 1 ? "grey.png" : "rgb.png", NULL);
      cr_assert (interp_pixels_write_png (&px, path, &error), "%s", error ? error->message : "");
      cr_assert (interp_pixels_decode_file (path, 0, &back, &error));
      cr_assert (back.width == 5 && back.height == 3 && back.channels == c);
      cr_assert_arr_eq (back.pixels, px.pixels, (size_t) (15 * c));
      interp_pixels_clear (&back);
      interp_pixels_clear (&px);
      g_free (path);
    }
  /* Grey asked as RGB: replicated. */
  char *grey = g_build_filename (dir, "grey.png", NULL);
  InterpPixels rgb;
  cr_assert (interp_pixels_decode_file (grey, 3, &rgb, &error));
  cr_assert (rgb.channels == 3 && rgb.pixels[0] == 3 && rgb.pixels[1] == 3 && rgb.pixels[5] == 20);
  interp_pixels_clear (&rgb);
  g_free (grey);
  /* No folder: an IO error naming the path, nothing left behind. */
  char *bad = g_build_filename (dir, "missing", "x.png", NULL);
  InterpPixels one = pixels_new (1, 1, 1);
  cr_assert_not (interp_pixels_write_png (&one, bad, &error));
  cr_assert_eq (error->code, INTERP_ERROR_IO);
  cr_assert (strstr (error->message, "x.png") != NULL, "%s", error->message);
  g_clear_error (&error);
  interp_pixels_clear (&one);
  g_free (bad);
  cr_assert (interp_remove_tree (dir, &error));
  g_free (dir);
}

Test (decode, missing_and_unknown_files)
{
  InterpPixels px;
  GError *error = NULL;
  cr_assert_not (interp_pixels_decode_file ("/nonexistent/a.png", 0, &px, &error));
  cr_assert_eq (error->code, INTERP_ERROR_NOT_FOUND);
  cr_assert (strstr (error->message, "/nonexistent/a.png") != NULL);
  g_clear_error (&error);
  char *dir = g_dir_make_tmp ("interp-image-XXXXXX", NULL);
  char *path = g_build_filename (dir, "text.png", NULL);
  cr_assert (g_file_set_contents (path, "not an image at all", -1, NULL));
  cr_assert_not (interp_pixels_decode_file (path, 0, &px, &error));
  cr_assert_eq (error->code, INTERP_ERROR_FORMAT);
  cr_assert (strstr (error->message, "neither a PNG nor a JPEG") != NULL, "%s", error->message);
  g_clear_error (&error);
  /* A JPEG file written from memory decodes through the file path too. */
  InterpPixels src = pixels_new (8, 8, 1);
  memset (src.pixels, 90, 64);
  guint8 *bytes;
  gsize len;
  cr_assert (interp_pixels_encode_jpeg (&src, 90, &bytes, &len, NULL));
  char *jpg = g_build_filename (dir, "a.png", NULL);   /* the name does not decide */
  cr_assert (g_file_set_contents (jpg, (const char *) bytes, (gssize) len, NULL));
  cr_assert (interp_pixels_decode_file (jpg, 0, &px, &error), "%s", error ? error->message : "");
  cr_assert (px.channels == 1 && abs (px.pixels[27] - 90) <= Q100_LEVELS);
  interp_pixels_clear (&px);
  interp_pixels_clear (&src);
  g_free (bytes);
  g_free (jpg);
  g_free (path);
  cr_assert (interp_remove_tree (dir, &error));
  g_free (dir);
}
