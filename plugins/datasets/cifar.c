/* CIFAR-10 and CIFAR-100 "binary version" files (Krizhevsky 2009, the
 * dataset page's description of the binary format).
 *
 * CIFAR-10: data_batch_1.bin .. data_batch_5.bin (train) and test_batch.bin;
 * each a sequence of 3073-byte records: 1 label byte (0..9), then 3072
 * pixel bytes: the 1024 red values of the 32x32 image in row-major order,
 * then green, then blue (already C x H x W).
 * CIFAR-100: train.bin and test.bin with 3074-byte records: a coarse label
 * byte (0..19), a fine label byte (0..99), then the same 3072 pixels.
 * The official files hold 10000 records each; any whole number of records
 * is accepted so that small files in the same format load too.
 */
#include "config.h"

#include "datasets.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>

#define CIFAR_SIDE 32
#define CIFAR_PIXELS (3 * CIFAR_SIDE * CIFAR_SIDE)

static const InterpParamSpec cifar10_params[] = {
  { "path", INTERP_PARAM_STRING, NULL,
    "folder with data_batch_1.bin .. data_batch_5.bin and test_batch.bin "
    "(cifar-10-batches-bin)", 0, 0, NULL },
  { 0 }
};

static const InterpParamSpec cifar100_params[] = {
  { "path", INTERP_PARAM_STRING, NULL,
    "folder with train.bin and test.bin (cifar-100-binary)", 0, 0, NULL },
  { "labels", INTERP_PARAM_CHOICE, "fine",
    "which labels to serve: the 100 fine classes or the 20 coarse superclasses",
    0, 0, "fine|coarse" },
  { 0 }
};

/* From the CIFAR-10 page (batches.meta.txt). */
static const char *const cifar10_classes[] = {
  "airplane", "automobile", "bird", "cat", "deer",
  "dog", "frog", "horse", "ship", "truck", NULL,
};

static gboolean
read_whole_file (const char *path, char **data, gsize *len, GError **error)
{
  GError *local = NULL;
  if (g_file_get_contents (path, data, len, &local))
    return TRUE;
  g_set_error (error, INTERP_ERROR,
               g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT)
               ? INTERP_ERROR_NOT_FOUND : INTERP_ERROR_IO, "%s", local->message);
  g_error_free (local);
  return FALSE;
}

/* Loads the records of `files` (NULL-terminated, relative to dir) into
 * split s.  label_bytes: 1 (CIFAR-10) or 2 (CIFAR-100); `which` the label
 * byte served; n_labels[b] the number of classes of label byte b.  File
 * lengths are checked first (stat) so the store is allocated once and each
 * file is read, checked and copied in turn: the peak is the store plus one
 * file. */
static gboolean
cifar_load_split (DsStore *store, InterpSplit s, const char *dir, const char *const *files,
                  int label_bytes, int which, const int *n_labels, GError **error)
{
  const gsize rec = (gsize) label_bytes + CIFAR_PIXELS;
  GPtrArray *paths = g_ptr_array_new_with_free_func (g_free);
  gboolean ok = FALSE;
  int64_t total = 0, at = 0;
  char *data = NULL;

  for (const char *const *f = files; *f; f++)
    {
      char *path = g_build_filename (dir, *f, NULL);
      g_ptr_array_add (paths, path);
      GStatBuf st;
      if (g_stat (path, &st) != 0)
        {
          int e = errno;
          g_set_error (error, INTERP_ERROR, e == ENOENT ? INTERP_ERROR_NOT_FOUND
                       : INTERP_ERROR_IO, "%s: %s", path, g_strerror (e));
          goto out;
        }
      if (S_ISDIR (st.st_mode))
        {
          g_set_error (error, INTERP_ERROR, INTERP_ERROR_IO,
                       "%s: is a folder, not a CIFAR batch file", path);
          goto out;
        }
      gsize len = (gsize) st.st_size;
      if (len == 0 || len % rec != 0)
        {
          g_set_error (error, INTERP_ERROR, INTERP_ERROR_FORMAT,
                       "%s: %" G_GSIZE_FORMAT " bytes is not a whole number of %" G_GSIZE_FORMAT
                       "-byte records (truncated or not a CIFAR binary batch)", path, len, rec);
          goto out;
        }
      total += (int64_t) (len / rec);
    }

  ds_store_alloc (store, s, total);
  DsSplit *sp = &store->split[s];
  for (guint i = 0; i < paths->len; i++)
    {
      const char *path = g_ptr_array_index (paths, i);
      gsize len = 0;
      if (!read_whole_file (path, &data, &len, error))
        goto out;
      if (len == 0 || len % rec != 0 || at + (int64_t) (len / rec) > total)
        {
          g_set_error (error, INTERP_ERROR, INTERP_ERROR_IO, "%s: changed while being read",
                       path);
          goto out;
        }
      const uint8_t *bytes = (const uint8_t *) data;
      for (gsize r = 0; r < len / rec; r++, at++)
        {
          for (int b = 0; b < label_bytes; b++)
            {
              int label = bytes[r * rec + (gsize) b];
              if (label >= n_labels[b])
                {
                  g_set_error (error, INTERP_ERROR, INTERP_ERROR_FORMAT,
                               "%s: record %" G_GSIZE_FORMAT ": %slabel %d is out of range "
                               "[0, %d)", path, r,
                               label_bytes == 1 ? "" : b == 0 ? "coarse " : "fine ",
                               label, n_labels[b]);
                  goto out;
                }
            }
          sp->labels[at] = bytes[r * rec + (gsize) which];
          memcpy (sp->pixels + at * CIFAR_PIXELS, bytes + r * rec + (gsize) label_bytes,
                  CIFAR_PIXELS);
        }
      g_clear_pointer (&data, g_free);
    }
  ok = at == total;
out:
  g_free (data);
  g_ptr_array_unref (paths);
  return ok;
}

static gboolean
check_dir (const InterpParams *params, const char *dir, GError **error)
{
  if (g_file_test (dir, G_FILE_TEST_IS_DIR))
    return TRUE;
  g_set_error (error, INTERP_ERROR, INTERP_ERROR_NOT_FOUND,
               "%s: key 'path': %s is not a folder", interp_params_where (params), dir);
  return FALSE;
}

static DsStore *
cifar_store_new (const char *name)
{
  DsStore *store = ds_store_new (name);
  store->channels = 3;
  store->height = CIFAR_SIDE;
  store->width = CIFAR_SIDE;
  return store;
}

static gpointer
cifar10_open (const InterpParams *params, InterpContext *ctx, GError **error)
{
  (void) ctx;
  const char *dir = interp_params_get_string (params, "path");
  if (!check_dir (params, dir, error))
    return NULL;
  static const char *const train[] = {
    "data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin",
    "data_batch_5.bin", NULL,
  };
  static const char *const test[] = { "test_batch.bin", NULL };
  static const int n_labels[] = { 10 };
  DsStore *store = cifar_store_new ("cifar10");
  store->n_classes = 10;
  store->class_names = g_strdupv ((char **) cifar10_classes);
  if (!cifar_load_split (store, INTERP_SPLIT_TRAIN, dir, train, 1, 0, n_labels, error)
      || !cifar_load_split (store, INTERP_SPLIT_TEST, dir, test, 1, 0, n_labels, error))
    {
      ds_store_close (store);
      return NULL;
    }
  return store;
}

/* Class names from the optional <dir>/<file>; NULL without the file.  A
 * file with the wrong number of names is an error. */
static gboolean
cifar100_names (const char *dir, const char *file, int n, char ***names, GError **error)
{
  char *path = g_build_filename (dir, file, NULL);
  gboolean ok = TRUE;
  *names = NULL;
  if (g_file_test (path, G_FILE_TEST_EXISTS))
    {
      char **lines = ds_read_lines (path, error);
      if (lines == NULL)
        ok = FALSE;
      else if (g_strv_length (lines) != (guint) n)
        {
          g_set_error (error, INTERP_ERROR, INTERP_ERROR_FORMAT,
                       "%s: %u class names, expected %d", path, g_strv_length (lines), n);
          g_strfreev (lines);
          ok = FALSE;
        }
      else
        *names = lines;
    }
  g_free (path);
  return ok;
}

static gpointer
cifar100_open (const InterpParams *params, InterpContext *ctx, GError **error)
{
  (void) ctx;
  const char *dir = interp_params_get_string (params, "path");
  if (!check_dir (params, dir, error))
    return NULL;
  gboolean coarse = g_str_equal (interp_params_get_string (params, "labels"), "coarse");
  static const char *const train[] = { "train.bin", NULL };
  static const char *const test[] = { "test.bin", NULL };
  static const int n_labels[] = { 20, 100 };
  DsStore *store = cifar_store_new ("cifar100");
  store->n_classes = coarse ? 20 : 100;
  int which = coarse ? 0 : 1;
  if (!cifar100_names (dir, coarse ? "coarse_label_names.txt" : "fine_label_names.txt",
                       store->n_classes, &store->class_names, error)
      || !cifar_load_split (store, INTERP_SPLIT_TRAIN, dir, train, 2, which, n_labels, error)
      || !cifar_load_split (store, INTERP_SPLIT_TEST, dir, test, 2, which, n_labels, error))
    {
      ds_store_close (store);
      return NULL;
    }
  return store;
}

static const InterpDatasetVTable cifar10_vtable = {
  INTERP_VTABLE_SIZE (InterpDatasetVTable),
  .open = cifar10_open,
  .close = ds_store_close,
  .info = ds_store_info,
  .size = ds_store_size,
  .read = ds_store_read,
};

static const InterpDatasetVTable cifar100_vtable = {
  INTERP_VTABLE_SIZE (InterpDatasetVTable),
  .open = cifar100_open,
  .close = ds_store_close,
  .info = ds_store_info,
  .size = ds_store_size,
  .read = ds_store_read,
};

const InterpComponent interp_dataset_cifar10 = INTERP_COMPONENT (
  .kind = INTERP_KIND_DATASET, .name = "cifar10",
  .description = "CIFAR-10: 32x32 colour images, 10 classes, binary batch files",
  .params = cifar10_params, .vtable = &cifar10_vtable);

const InterpComponent interp_dataset_cifar100 = INTERP_COMPONENT (
  .kind = INTERP_KIND_DATASET, .name = "cifar100",
  .description = "CIFAR-100: 32x32 colour images, 100 fine or 20 coarse classes, binary files",
  .params = cifar100_params, .vtable = &cifar100_vtable);
