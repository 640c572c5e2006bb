/* JPEG decoding (from a file or from memory), encoding to memory and the
 * float-image round trip, with libjpeg(-turbo).  Every libjpeg error and
 * every corrupt-data warning becomes a GError naming the source. */
#include "config.h"

#include "codec.h"

#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>

typedef struct {
  struct jpeg_error_mgr pub;
  jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
} JpegErrorCtx;

static void
jpeg_error_exit_cb (j_common_ptr cinfo)
{
  JpegErrorCtx *ec = (JpegErrorCtx *) cinfo->err;
  ec->pub.format_message (cinfo, ec->message);
  longjmp (ec->jump, 1);
}

/* libjpeg reports corrupt or truncated data as a warning (level -1) and
 * fills the rest of the picture with grey: that must be an error here. */
static void
jpeg_emit_message_cb (j_common_ptr cinfo, int level)
{
  if (level < 0)
    jpeg_error_exit_cb (cinfo);
}

static void
jpeg_error_init (JpegErrorCtx *ec)
{
  jpeg_std_error (&ec->pub);
  ec->pub.error_exit = jpeg_error_exit_cb;
  ec->pub.emit_message = jpeg_emit_message_cb;
  ec->message[0] = '\0';
}

/* The decoder for either source: fp when non-NULL, else bytes[0..len). */
static gboolean
decode_jpeg (FILE *fp, const guint8 *bytes, gsize len, const char *what, int want_channels,
             InterpPixels *px, GError **error)
{
  struct jpeg_decompress_struct cinfo;
  JpegErrorCtx ec;
  uint8_t *volatile pixels = NULL;
  memset (&cinfo, 0, sizeof cinfo);
  memset (px, 0, sizeof *px);
  jpeg_error_init (&ec);
  cinfo.err = &ec.pub;
  if (setjmp (ec.jump))
    {
      jpeg_destroy_decompress (&cinfo);
      g_free (pixels);
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_FORMAT, "%s: corrupt JPEG: %s", what,
                   ec.message);
      return FALSE;
    }
  jpeg_create_decompress (&cinfo);
  if (fp != NULL)
    jpeg_stdio_src (&cinfo, fp);
  else
    jpeg_mem_src (&cinfo, bytes, (unsigned long) len);
  jpeg_read_header (&cinfo, TRUE);
  int channels = want_channels ? want_channels
                 : cinfo.jpeg_color_space == JCS_GRAYSCALE ? 1 : 3;
  cinfo.out_color_space = channels == 1 ? JCS_GRAYSCALE : JCS_RGB;
  jpeg_start_decompress (&cinfo);
  if (cinfo.output_components != channels)
    {
      g_strlcpy (ec.message, "unsupported colour space", sizeof ec.message);
      longjmp (ec.jump, 1);
    }
  const size_t stride = (size_t) cinfo.output_width * (size_t) channels;
  if ((guint64) cinfo.output_height * stride > IMAGE_DECODE_MAX_BYTES)
    {
      g_snprintf (ec.message, sizeof ec.message,
                  "%u x %u pixels is larger than the %" G_GUINT64_FORMAT " MiB decoding limit",
                  (unsigned) cinfo.output_width, (unsigned) cinfo.output_height,
                  IMAGE_DECODE_MAX_BYTES >> 20);
      longjmp (ec.jump, 1);
    }
  pixels = g_malloc ((gsize) cinfo.output_height * stride);
  while (cinfo.output_scanline < cinfo.output_height)
    {
      JSAMPROW row = pixels + (size_t) cinfo.output_scanline * stride;
      jpeg_read_scanlines (&cinfo, &row, 1);
    }
  jpeg_finish_decompress (&cinfo);
  px->width = cinfo.output_width;
  px->height = cinfo.output_height;
  px->channels = channels;
  px->pixels = pixels;
  jpeg_destroy_decompress (&cinfo);
  return TRUE;
}

gboolean
image_decode_jpeg_stdio (FILE *fp, const char *path, int want_channels, InterpPixels *px,
                         GError **error)
{
  return decode_jpeg (fp, NULL, 0, path, want_channels, px, error);
}

gboolean
interp_pixels_decode_jpeg (const guint8 *bytes, gsize len, const char *what, InterpPixels *px,
                           GError **error)
{
  if (len < 3 || bytes[0] != 0xff || bytes[1] != 0xd8 || bytes[2] != 0xff)
    {
      memset (px, 0, sizeof *px);
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_FORMAT, "%s: not a JPEG (%s)", what,
                   len < 3 ? "truncated" : "no start-of-image marker");
      return FALSE;
    }
  return decode_jpeg (NULL, bytes, len, what, 0, px, error);
}

gboolean
interp_pixels_encode_jpeg (const InterpPixels *px, int quality, guint8 **bytes, gsize *len,
                           GError **error)
{
  g_return_val_if_fail (px->channels == 1 || px->channels == 3, FALSE);
  g_return_val_if_fail (px->width >= 1 && px->height >= 1, FALSE);
  *bytes = NULL;
  *len = 0;
  if (quality < 1 || quality > 100)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_OUT_OF_RANGE,
                   "JPEG quality %d is outside 1..100", quality);
      return FALSE;
    }
  struct jpeg_compress_struct cinfo;
  JpegErrorCtx ec;
  unsigned char *volatile out = NULL;
  unsigned long out_len = 0;
  memset (&cinfo, 0, sizeof cinfo);
  jpeg_error_init (&ec);
  cinfo.err = &ec.pub;
  if (setjmp (ec.jump))
    {
      jpeg_destroy_compress (&cinfo);
      free (out);
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_FAILED, "cannot encode JPEG: %s",
                   ec.message);
      return FALSE;
    }
  jpeg_create_compress (&cinfo);
  jpeg_mem_dest (&cinfo, (unsigned char **) &out, &out_len);
  cinfo.image_width = (JDIMENSION) px->width;
  cinfo.image_height = (JDIMENSION) px->height;
  cinfo.input_components = px->channels;
  cinfo.in_color_space = px->channels == 1 ? JCS_GRAYSCALE : JCS_RGB;
  /* jpeg_set_defaults gives YCbCr with 2x2 luma sampling, i.e. 4:2:0
   * chroma subsampling, and the integer DCT: what PIL's JpegEncoder uses
   * by default (Pillow src/libImaging/JpegEncode.c). */
  jpeg_set_defaults (&cinfo);
  jpeg_set_quality (&cinfo, quality, TRUE);   /* TRUE: baseline tables */
  jpeg_start_compress (&cinfo, TRUE);
  const size_t stride = (size_t) px->width * (size_t) px->channels;
  while (cinfo.next_scanline < cinfo.image_height)
    {
      JSAMPROW row = px->pixels + (size_t) cinfo.next_scanline * stride;
      jpeg_write_scanlines (&cinfo, &row, 1);
    }
  jpeg_finish_compress (&cinfo);
  jpeg_destroy_compress (&cinfo);
  /* jpeg_mem_dest's buffer comes from malloc: hand back a g_malloc'd copy
   * so the caller frees it with g_free as the contract says. */
  *bytes = g_memdup2 (out, out_len);
  *len = out_len;
  free (out);
  return TRUE;
}

gboolean
interp_image_jpeg_roundtrip (const InterpImage *src, int quality, InterpImage *dst,
                             GError **error)
{
  g_return_val_if_fail (interp_image_same_shape (src, dst), FALSE);
  InterpPixels px = { 0 }, back = { 0 };
  guint8 *bytes = NULL;
  gsize len = 0;
  /* PIL's save from the generator's uint8 array: truncate, not round. */
  interp_image_to_pixels (src, TRUE, &px);
  gboolean ok = interp_pixels_encode_jpeg (&px, quality, &bytes, &len, error)
                && interp_pixels_decode_jpeg (bytes, len, "JPEG round trip", &back, error);
  if (ok && (back.channels != px.channels || back.width != px.width
             || back.height != px.height))
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_FAILED,
                   "JPEG round trip: decoded %dx%" G_GINT64_FORMAT "x%" G_GINT64_FORMAT
                   " from an encoded %dx%" G_GINT64_FORMAT "x%" G_GINT64_FORMAT,
                   back.channels, back.height, back.width, px.channels, px.height, px.width);
      ok = FALSE;
    }
  if (ok)
    interp_image_from_pixels (&back, dst);
  interp_pixels_clear (&px);
  interp_pixels_clear (&back);
  g_free (bytes);
  return ok;
}
