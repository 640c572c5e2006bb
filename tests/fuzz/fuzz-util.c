#include "config.h"

#include "fuzz-util.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "host/params-private.h"

static char *scratch;

static void
rmtree (const char *path)
{
  GDir *d = g_dir_open (path, 0, NULL);
  if (d)
    {
      const char *name;
      while ((name = g_dir_read_name (d)))
        {
          char *p = g_build_filename (path, name, NULL);
          if (g_file_test (p, G_FILE_TEST_IS_DIR) && !g_file_test (p, G_FILE_TEST_IS_SYMLINK))
            rmtree (p);
          else
            g_remove (p);
          g_free (p);
        }
      g_dir_close (d);
    }
  g_rmdir (path);
}

static void
remove_scratch (void)
{
  if (scratch)
    rmtree (scratch);
  g_clear_pointer (&scratch, g_free);
}

const char *
fuzz_dir (void)
{
  if (scratch == NULL)
    {
      /* In memory when there is a tmpfs and TMPDIR does not say otherwise:
       * every input goes through a file. */
      const char *base = g_getenv ("TMPDIR");
      if (base == NULL || !*base)
        base = g_file_test ("/dev/shm", G_FILE_TEST_IS_DIR) && access ("/dev/shm", W_OK) == 0
               ? "/dev/shm" : g_get_tmp_dir ();
      scratch = g_build_filename (base, "interp-fuzz-XXXXXX", NULL);
      if (g_mkdtemp (scratch) == NULL)
        {
          fprintf (stderr, "fuzz: cannot make a folder %s\n", scratch);
          abort ();
        }
      /* INTERP_FUZZ_KEEP=1 leaves the folder for a look (make-corpus.py
       * takes the report's run folder from there). */
      if (g_getenv ("INTERP_FUZZ_KEEP"))
        fprintf (stderr, "fuzz: scratch folder %s (kept)\n", scratch);
      else
        atexit (remove_scratch);
    }
  return scratch;
}

void
fuzz_put (const char *path, const void *data, size_t len)
{
  /* Plain stdio: g_file_set_contents fsyncs a file it replaces, which
   * would cost more than the parser. */
  FILE *f = fopen (path, "wb");
  if (f == NULL || (len && fwrite (data, 1, len, f) != len) || fclose (f) != 0)
    {
      fprintf (stderr, "fuzz: cannot write %s\n", path);
      abort ();
    }
}

char *
fuzz_write_in (const char *sub, const char *name, const void *data, size_t len)
{
  char *dir = sub ? g_build_filename (fuzz_dir (), sub, NULL) : g_strdup (fuzz_dir ());
  if (g_mkdir_with_parents (dir, 0700) != 0)
    abort ();
  char *path = g_build_filename (dir, name, NULL);
  g_free (dir);
  fuzz_put (path, data, len);
  return path;
}

char *
fuzz_write (const char *name, const void *data, size_t len)
{
  return fuzz_write_in (NULL, name, data, len);
}

void
fuzz_clear (const char *sub)
{
  if (sub)
    {
      char *dir = g_build_filename (fuzz_dir (), sub, NULL);
      rmtree (dir);
      g_free (dir);
      return;
    }
  GDir *d = g_dir_open (fuzz_dir (), 0, NULL);
  const char *name;
  while (d && (name = g_dir_read_name (d)))
    {
      char *p = g_build_filename (fuzz_dir (), name, NULL);
      if (!g_file_test (p, G_FILE_TEST_IS_DIR))
        g_remove (p);
      g_free (p);
    }
  if (d)
    g_dir_close (d);
}

void
fuzz_check_error (gboolean ok, GError *error)
{
  if (!ok && error == NULL)
    {
      fprintf (stderr, "fuzz: the parser failed without setting a GError\n");
      abort ();
    }
  if (ok && error != NULL)
    {
      fprintf (stderr, "fuzz: the parser succeeded but set a GError: %s\n", error->message);
      abort ();
    }
  g_clear_error (&error);
}

void
fuzz_split (const uint8_t *data, size_t size, int n, const uint8_t **parts, size_t *lens)
{
  static const char sep[] = "\n--8<--\n";
  const size_t sep_len = sizeof sep - 1;
  size_t pos = 0;
  for (int i = 0; i < n; i++)
    {
      parts[i] = data + pos;
      const uint8_t *hit = NULL;
      if (i < n - 1 && size - pos >= sep_len)
        for (size_t k = pos; k + sep_len <= size && !hit; k++)
          if (memcmp (data + k, sep, sep_len) == 0)
            hit = data + k;
      size_t end = hit ? (size_t) (hit - data) : size;
      lens[i] = end - pos;
      pos = hit ? end + sep_len : size;
    }
}

const InterpComponent *
fuzz_dataset_component (const char *name)
{
  static const InterpPluginDescriptor *desc;
  if (desc == NULL)
    {
      char *path = g_build_filename (FUZZ_BUILDDIR, "plugins", "datasets", ".libs",
                                     "interp-datasets.so", NULL);
      void *h = dlopen (path, RTLD_NOW | RTLD_LOCAL);
      if (h == NULL)
        {
          fprintf (stderr, "fuzz: %s: %s (is LD_LIBRARY_PATH set? `make fuzz` sets it)\n",
                   path, dlerror ());
          abort ();
        }
      g_free (path);
      InterpPluginDescribeFunc describe =
        (InterpPluginDescribeFunc) dlsym (h, INTERP_PLUGIN_SYMBOL);
      if (describe == NULL)
        abort ();
      desc = describe ();
    }
  for (guint i = 0; i < desc->n_components; i++)
    if (g_str_equal (desc->components[i]->name, name))
      return desc->components[i];
  fprintf (stderr, "fuzz: no dataset component %s\n", name);
  abort ();
}

gboolean
fuzz_dataset_try (const char *name, const char *const *pairs, GError **error)
{
  const InterpComponent *c = fuzz_dataset_component (name);
  const InterpDatasetVTable *vt = c->vtable;
  InterpParams *p = interp_params_new_from_pairs (c->params, "fuzz.ini: [dataset]", pairs,
                                                  error);
  if (p == NULL)
    abort ();   /* the harness's pairs are valid */
  InterpContext *ctx = interp_context_new (1, 1, NULL);
  gpointer self = vt->open (p, ctx, error);
  interp_context_free (ctx);
  interp_params_free (p);
  if (self == NULL)
    return FALSE;
  InterpDataInfo info;
  vt->info (self, &info);
  int64_t ss = info.channels * info.height * info.width;
  float *x = g_new (float, (gsize) MAX (ss, 1));
  for (int s = 0; s < 2; s++)
    {
      int64_t n = vt->size (self, (InterpSplit) s);
      int64_t idx[2] = { 0, n - 1 };
      for (int k = 0; k < 2 && n > 0; k++)
        {
          int32_t label;
          GError *local = NULL;
          gboolean ok = vt->read (self, (InterpSplit) s, &idx[k], 1, x, &label, &local);
          fuzz_check_error (ok, local);
        }
    }
  g_free (x);
  vt->close (self);
  return TRUE;
}
