#include "config.h"

#include "datasets-util.h"

#include <dlfcn.h>
#include <stdio.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include <criterion/criterion.h>
#include <jpeglib.h>
#include <png.h>
#include <zlib.h>

#include "host/params-private.h"

const InterpComponent *
tds_component (const char *name)
{
  static const InterpPluginDescriptor *desc;
  if (desc == NULL)
    {
      const char *builddir = g_getenv ("INTERP_TEST_BUILDDIR");
      cr_assert_not_null (builddir, "INTERP_TEST_BUILDDIR is not set");
      char *path = g_build_filename (builddir, "plugins", "datasets", ".libs",
                                     "interp-datasets.so", NULL);
      void *h = dlopen (path, RTLD_NOW | RTLD_LOCAL);
      cr_assert_not_null (h, "%s: %s", path, dlerror ());
      g_free (path);
      InterpPluginDescribeFunc describe =
        (InterpPluginDescribeFunc) dlsym (h, INTERP_PLUGIN_SYMBOL);
      cr_assert_not_null (describe);
      desc = describe ();
    }
  for (guint i = 0; i < desc->n_components; i++)
    if (g_str_equal (desc->components[i]->name, name))
      return desc->components[i];
  cr_assert_fail ("no dataset component %s", name);
  return NULL;
}

gboolean
tds_open (const char *name, const char *const *pairs, guint64 seed, TdsDataset *ds,
          GError **error)
{
  const InterpComponent *c = tds_component (name);
  ds->vt = c->vtable;
  ds->self = NULL;
  InterpParams *p = interp_params_new_from_pairs (c->params, "test.ini: [dataset]", pairs,
                                                  error);
  if (p == NULL)
    return FALSE;
  InterpContext *ctx = interp_context_new (seed, 1, NULL);
  ds->self = ds->vt->open (p, ctx, error);
  interp_context_free (ctx);
  interp_params_free (p);
  if (ds->self == NULL)
    {
      cr_assert (error == NULL || *error != NULL, "open failed without an error");
      return FALSE;
    }
  ds->vt->info (ds->self, &ds->info);
  return TRUE;
}

void
tds_close (TdsDataset *ds)
{
  if (ds->self)
    ds->vt->close (ds->self);
  ds->self = NULL;
}

float *
tds_read (TdsDataset *ds, InterpSplit split, int64_t i, int32_t *label)
{
  int64_t ss = ds->info.channels * ds->info.height * ds->info.width;
  float *x = g_new (float, (gsize) ss);
  GError *error = NULL;
  int32_t l = -1;
  cr_assert (ds->vt->read (ds->self, split, &i, 1, x, &l, &error), "%s",
             error ? error->message : "");
  if (label)
    *label = l;
  return x;
}

char *
tds_tmpdir (void)
{
  GError *error = NULL;
  char *dir = g_dir_make_tmp ("interp-test-data-XXXXXX", &error);
  cr_assert_not_null (dir, "%s", error ? error->message : "");
  return dir;
}

void
tds_rmtree (const char *path)
{
  if (path == NULL)
    return;
  if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      GDir *d = g_dir_open (path, 0, NULL);
      const char *name;
      while (d && (name = g_dir_read_name (d)))
        {
          char *child = g_build_filename (path, name, NULL);
          tds_rmtree (child);
          g_free (child);
        }
      if (d)
        g_dir_close (d);
      g_rmdir (path);
    }
  else
    g_remove (path);
}

char *
tds_write (const char *dir, const char *name, const void *data, size_t len)
{
  char *path = g_build_filename (dir, name, NULL);
  char *parent = g_path_get_dirname (path);
  g_mkdir_with_parents (parent, 0755);
  g_free (parent);
  GError *error = NULL;
  cr_assert (g_file_set_contents (path, data, (gssize) len, &error), "%s",
             error ? error->message : "");
  return path;
}

char *
tds_write_gz (const char *dir, const char *name, const void *data, size_t len)
{
  char *path = g_build_filename (dir, name, NULL);
  gzFile gz = gzopen (path, "wb");
  cr_assert_not_null (gz);
  if (len > 0)
    cr_assert_eq (gzwrite (gz, data, (unsigned) len), (int) len);
  cr_assert_eq (gzclose (gz), Z_OK);
  return path;
}

uint8_t *
tds_slurp (const char *path, size_t *len)
{
  char *data = NULL;
  gsize n = 0;
  cr_assert (g_file_get_contents (path, &data, &n, NULL), "cannot read %s", path);
  *len = n;
  return (uint8_t *) data;
}

void
tds_write_png (const char *path, int w, int h, int channels, const uint8_t *pixels)
{
  char *parent = g_path_get_dirname (path);
  g_mkdir_with_parents (parent, 0755);
  g_free (parent);
  FILE *fp = fopen (path, "wb");
  cr_assert_not_null (fp, "%s", path);
  png_structp png = png_create_write_struct (PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
  png_infop info = png_create_info_struct (png);
  cr_assert (png && info);
  if (setjmp (png_jmpbuf (png)))
    cr_assert_fail ("libpng failed writing %s", path);
  png_init_io (png, fp);
  png_set_IHDR (png, info, (png_uint_32) w, (png_uint_32) h, 8,
                channels == 1 ? PNG_COLOR_TYPE_GRAY : channels == 2 ? PNG_COLOR_TYPE_GRAY_ALPHA
                : channels == 3 ? PNG_COLOR_TYPE_RGB : PNG_COLOR_TYPE_RGBA, PNG_INTERLACE_NONE,
                PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_write_info (png, info);
  for (int y = 0; y < h; y++)
    png_write_row (png, pixels + (size_t) y * (size_t) w * (size_t) channels);
  png_write_end (png, NULL);
  png_destroy_write_struct (&png, &info);
  fclose (fp);
}

void
tds_write_jpeg (const char *path, int w, int h, int channels, const uint8_t *pixels)
{
  char *parent = g_path_get_dirname (path);
  g_mkdir_with_parents (parent, 0755);
  g_free (parent);
  FILE *fp = fopen (path, "wb");
  cr_assert_not_null (fp, "%s", path);
  struct jpeg_compress_struct cinfo;
  struct jpeg_error_mgr jerr;
  cinfo.err = jpeg_std_error (&jerr);
  jpeg_create_compress (&cinfo);
  jpeg_stdio_dest (&cinfo, fp);
  cinfo.image_width = (JDIMENSION) w;
  cinfo.image_height = (JDIMENSION) h;
  cinfo.input_components = channels;
  cinfo.in_color_space = channels == 1 ? JCS_GRAYSCALE : JCS_RGB;
  jpeg_set_defaults (&cinfo);
  jpeg_set_quality (&cinfo, 95, TRUE);
  jpeg_start_compress (&cinfo, TRUE);
  while (cinfo.next_scanline < cinfo.image_height)
    {
      JSAMPROW row = (JSAMPROW) (pixels + (size_t) cinfo.next_scanline * (size_t) w
                                          * (size_t) channels);
      jpeg_write_scanlines (&cinfo, &row, 1);
    }
  jpeg_finish_compress (&cinfo);
  jpeg_destroy_compress (&cinfo);
  fclose (fp);
}
