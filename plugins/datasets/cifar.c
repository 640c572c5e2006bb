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

#include <string.h>

#define CIFAR_SIDE 32
#define CIFAR_PIXELS (3 * CIFAR_SIDE * CIFAR_SIDE)

static const InterpParamSpec cifar10_params[] = {
  { "path", INTERP_PARAM_STRING, NULL,
    "folder with data_batch_1.bin .. data_batch_5.bin and test_batch.bin "
    "(cifar-10-batches-bin)", 0, 0, NULL },
  { NULL }
};

static const InterpParamSpec cifar100_params[] = {
  { "path", INTERP_PARAM_STRING, NULL,
    "folder with train.bin and test.bin (cifar-100-binary)", 0, 0, NULL },
  { "labels", INTERP_PARAM_CHOICE, "fine",
    "which labels to serve: the 100 fine classes or the 20 coarse superclasses",
    0, 0, "fine|coarse" },
  { NULL }
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

/* Appends the records of `files` (NULL-terminated, relative to dir) to split
 * s.  label_bytes: 1 (CIFAR-10) or 2 (CIFAR-100); `which` the label byte
 * served; max_label[i] the number of classes of label byte i. */
static gboolean
cifar_load_split (DsStore *store, InterpSplit s, const char *dir, const char *const *files,
                  int label_bytes, int which, const int *n_labels, GError **error)
{
  const gsize rec = (gsize) label_bytes + CIFAR_PIXELS;
  GPtrArray *blobs = g_ptr_array_new_with_free_func (g_free);
  GArray *lens = g_array_new (FALSE, FALSE, sizeof (gsize));
  GPtrArray *paths = g_ptr_array_new_with_free_func (g_free);
  gboolean ok = FALSE;
  int64_t total = 0;

  for (const char *const *f = files; *f; f++)
    {
      char *path = g_build_filename (dir, *f, NULL);
      g_ptr_array_add (paths, path);
      char *data = NULL;
      gsize len = 0;
      if (!read_whole_file (path, &data, &len, error))
        goto out;
      g_ptr_array_add (blobs, data);
      g_array_append_val (lens, len);
      if (len == 0 || len % rec != 0)
        {
          g_set_error (error, INTERP_ERROR, INTERP_ERROR_FORMAT,
                       "%s: %" G_GSIZE_FORMAT " bytes is not a whole number of %" G_GSIZE_FORMAT
                       "-byte records (truncated or not a CIFAR binary batch)", path, len, rec);
          goto out;
        }
      for (gsize r = 0; r < len / rec; r++)
        for (int b = 0; b < label_bytes; b++)
          {
            int label = (uint8_t) data[r * rec + (gsize) b];
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
      total += (int64_t) (len / rec);
    }

  ds_store_alloc (store, s, total);
  DsSplit *sp = &store->split[s];
  int64_t at = 0;
  for (guint i = 0; i < blobs->len; i++)
    {
      const uint8_t *data = g_ptr_array_index (blobs, i);
      gsize n = g_array_index (lens, gsize, i) / rec;
      for (gsize r = 0; r < n; r++, at++)
        {
          sp->labels[at] = data[r * rec + (gsize) which];
          memcpy (sp->pixels + at * CIFAR_PIXELS, data + r * rec + (gsize) label_bytes,
                  CIFAR_PIXELS);
        }
      /* Free as we go: the raw files and the store together would double the peak. */
      g_free (blobs->pdata[i]);
      blobs->pdata[i] = NULL;
    }
  ok = TRUE;
out:
  g_ptr_array_unref (blobs);
  g_array_unref (lens);
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
