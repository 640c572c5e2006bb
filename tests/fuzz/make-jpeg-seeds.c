/* Writes the JPEG seeds of fuzz-jpeg into the folder given (libjpeg's
 * compression API, as in its example.c): a grey and an RGB baseline image
 * and a progressive RGB one, each a few pixels.  Not built by make:
 *   cc make-jpeg-seeds.c -ljpeg -o /tmp/mjs && /tmp/mjs corpus/jpeg */
#include <stdio.h>
#include <stdlib.h>
#include <jpeglib.h>

static void
write_jpeg (const char *path, int w, int h, int comps, int progressive)
{
  FILE *f = fopen (path, "wb");
  if (!f)
    exit (1);
  struct jpeg_compress_struct c;
  struct jpeg_error_mgr err;
  c.err = jpeg_std_error (&err);
  jpeg_create_compress (&c);
  jpeg_stdio_dest (&c, f);
  c.image_width = (JDIMENSION) w;
  c.image_height = (JDIMENSION) h;
  c.input_components = comps;
  c.in_color_space = comps == 1 ? JCS_GRAYSCALE : JCS_RGB;
  jpeg_set_defaults (&c);
  jpeg_set_quality (&c, 75, TRUE);
  if (progressive)
    jpeg_simple_progression (&c);
  jpeg_start_compress (&c, TRUE);
  unsigned char row[64 * 3];
  for (int y = 0; y < h; y++)
    {
      for (int x = 0; x < w * comps; x++)
        row[x] = (unsigned char) (x * 31 + y * 17);
      JSAMPROW rp = row;
      jpeg_write_scanlines (&c, &rp, 1);
    }
  jpeg_finish_compress (&c);
  jpeg_destroy_compress (&c);
  fclose (f);
}

int
main (int argc, char **argv)
{
  if (argc != 2)
    return 2;
  char p[4096];
  snprintf (p, sizeof p, "%s/grey-8x8.jpg", argv[1]);
  write_jpeg (p, 8, 8, 1, 0);
  snprintf (p, sizeof p, "%s/rgb-5x3.jpg", argv[1]);
  write_jpeg (p, 5, 3, 3, 0);
  snprintf (p, sizeof p, "%s/rgb-progressive-16x9.jpg", argv[1]);
  write_jpeg (p, 16, 9, 3, 1);
  return 0;
}
