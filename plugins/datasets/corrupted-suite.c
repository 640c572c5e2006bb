/* plugins: the stored corrupted-suite layouts (corrupted-suite.h). */
#include "config.h"

#include "corrupted-suite.h"

#include <string.h>

#include <interp/error.h>

SuiteLayout
suite_layout_from_string (const char *text)
{
  if (g_str_equal (text, "cifar-c"))
    return SUITE_CIFAR_C;
  if (g_str_equal (text, "mnist-c"))
    return SUITE_MNIST_C;
  return SUITE_AUTO;
}

void
suite_block_clear (SuiteBlock *block)
{
  interp_npy_close (block->images);
  g_free (block->labels);
  g_free (block->labels_path);
  memset (block, 0, sizeof *block);
}

/* The image file's geometry: (rows, H, W[, C]) uint8 with C 1 or 3. */
static gboolean
check_images (SuiteBlock *block, const char *where, GError **error)
{
  const InterpNpy *npy = block->images;
  const int64_t *shape = interp_npy_shape (npy);
  int ndim = interp_npy_ndim (npy);
  char *text = interp_npy_shape_string (npy);
  gboolean ok = FALSE;
  if (interp_npy_dtype (npy) != INTERP_NPY_UINT8)
    g_set_error (error, INTERP_ERROR, INTERP_ERROR_UNSUPPORTED,
                 "%s: %s: images are %s, expected uint8 pixels 0..255", where,
                 interp_npy_path (npy), interp_npy_dtype_name (interp_npy_dtype (npy)));
  else if ((ndim != 3 && ndim != 4) || (ndim == 4 && shape[3] != 1 && shape[3] != 3)
           || shape[1] < 1 || shape[2] < 1)
    g_set_error (error, INTERP_ERROR, INTERP_ERROR_SHAPE,
                 "%s: %s: shape %s is not (rows, height, width, 1 or 3 channels)", where,
                 interp_npy_path (npy), text);
  else
    {
      block->height = shape[1];
      block->width = shape[2];
      block->channels = ndim == 4 ? shape[3] : 1;
      ok = TRUE;
    }
  g_free (text);
  return ok;
}

/* Reads the labels of the block: rows [first, first + n) of labels_path,
 * a 1-D integer file of exactly `expect_rows` rows (or, if
 * alt_rows > 0, of alt_rows rows, read from row alt_first). */
static gboolean
load_labels (SuiteBlock *block, const char *where, const char *labels_path, int64_t expect_rows,
             int64_t first, int64_t alt_rows, int64_t alt_first, int n_classes, GError **error)
{
  InterpNpy *npy = interp_npy_open (labels_path, error);
  if (npy == NULL)
    {
      g_prefix_error (error, "%s: ", where);
      return FALSE;
    }
  block->labels_path = g_strdup (labels_path);
  InterpNpyDtype dt = interp_npy_dtype (npy);
  int64_t rows = interp_npy_n_rows (npy);
  gboolean ok = FALSE;
  char *img_shape = interp_npy_shape_string (block->images);
  if (interp_npy_ndim (npy) != 1 || dt == INTERP_NPY_FLOAT32)
    g_set_error (error, INTERP_ERROR, INTERP_ERROR_SHAPE,
                 "%s: %s: labels must be a 1-D integer array, not %s", where, labels_path,
                 interp_npy_dtype_name (dt));
  else if (rows != expect_rows && (alt_rows <= 0 || rows != alt_rows))
    {
      char *alt = alt_rows > 0 ? g_strdup_printf (" or %" G_GINT64_FORMAT, alt_rows)
                               : g_strdup ("");
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_SHAPE,
                   "%s: %s: %" G_GINT64_FORMAT " labels for the images of shape %s in %s: "
                   "expected %" G_GINT64_FORMAT "%s", where, labels_path, rows, img_shape,
                   interp_npy_path (block->images), expect_rows, alt);
      g_free (alt);
    }
  else
    {
      block->labels_first = rows == expect_rows ? first : alt_first;
      size_t size = interp_npy_dtype_size (dt);
      uint8_t *raw = g_malloc ((gsize) block->n * size + 1);
      ok = interp_npy_read_rows (npy, block->labels_first, block->n, raw, error);
      block->labels = g_new (int32_t, (gsize) block->n + 1);
      for (int64_t i = 0; ok && i < block->n; i++)
        {
          int64_t v = dt == INTERP_NPY_UINT8 ? raw[i]
                      : dt == INTERP_NPY_INT32 ? ((const int32_t *) (const void *) raw)[i]
                      : ((const int64_t *) (const void *) raw)[i];
          if (v < 0 || (n_classes > 0 && v >= n_classes) || v > G_MAXINT32)
            {
              g_set_error (error, INTERP_ERROR, INTERP_ERROR_FORMAT,
                           "%s: %s: label %" G_GINT64_FORMAT " at row %" G_GINT64_FORMAT
                           " is out of range [0, %d) (key 'classes')", where, labels_path, v,
                           block->labels_first + i, n_classes > 0 ? n_classes : G_MAXINT32);
              ok = FALSE;
            }
          else
            block->labels[i] = (int32_t) v;
        }
      g_free (raw);
      if (!ok && error && *error && !g_str_has_prefix ((*error)->message, where))
        g_prefix_error (error, "%s: ", where);
    }
  g_free (img_shape);
  interp_npy_close (npy);
  return ok;
}

static gboolean
open_images (SuiteBlock *block, const char *where, const char *path, GError **error)
{
  block->images = interp_npy_open (path, error);
  if (block->images == NULL)
    {
      g_prefix_error (error, "%s: ", where);
      return FALSE;
    }
  return check_images (block, where, error);
}

static SuiteLayout
resolve_layout (const char *dir, SuiteLayout layout, const char *corruption)
{
  if (layout != SUITE_AUTO)
    return layout;
  char *file = g_strconcat (corruption, ".npy", NULL);
  char *path = g_build_filename (dir, file, NULL);
  gboolean cifar = g_file_test (path, G_FILE_TEST_IS_REGULAR);
  g_free (path);
  g_free (file);
  return cifar ? SUITE_CIFAR_C : SUITE_MNIST_C;
}

static gboolean
check_dir (const char *where, const char *dir, GError **error)
{
  if (g_file_test (dir, G_FILE_TEST_IS_DIR))
    return TRUE;
  g_set_error (error, INTERP_ERROR, INTERP_ERROR_NOT_FOUND,
               "%s: key 'path': %s is not a folder", where, dir);
  return FALSE;
}

gboolean
suite_block_open_test (SuiteBlock *block, const char *where, const char *dir,
                       SuiteLayout layout, const char *corruption, int severity, int n_classes,
                       GError **error)
{
  memset (block, 0, sizeof *block);
  if (!check_dir (where, dir, error))
    return FALSE;
  if (severity < 1 || severity > 5)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_OUT_OF_RANGE,
                   "%s: severity %d is not one of 1..5", where, severity);
      return FALSE;
    }
  layout = resolve_layout (dir, layout, corruption);
  gboolean ok;
  if (layout == SUITE_CIFAR_C)
    {
      char *file = g_strconcat (corruption, ".npy", NULL);
      char *images = g_build_filename (dir, file, NULL);
      char *labels = g_build_filename (dir, "labels.npy", NULL);
      ok = open_images (block, where, images, error);
      int64_t rows = ok ? interp_npy_n_rows (block->images) : 0;
      if (ok && (rows == 0 || rows % 5 != 0))
        {
          g_set_error (error, INTERP_ERROR, INTERP_ERROR_SHAPE,
                       "%s: %s: %" G_GINT64_FORMAT " images are not 5 equal severity blocks",
                       where, images, rows);
          ok = FALSE;
        }
      if (ok)
        {
          block->n = rows / 5;
          block->first = (severity - 1) * block->n;
          ok = load_labels (block, where, labels, rows, block->first, block->n, 0, n_classes,
                            error);
        }
      g_free (labels);
      g_free (images);
      g_free (file);
    }
  else
    {
      if (severity != 1)
        {
          g_set_error (error, INTERP_ERROR, INTERP_ERROR_OUT_OF_RANGE,
                       "%s: key 'severity': the mnist-c layout stores one severity per "
                       "corruption, so severity must be 1, not %d", where, severity);
          return FALSE;
        }
      char *sub = g_build_filename (dir, corruption, NULL);
      char *images = g_build_filename (sub, "test_images.npy", NULL);
      char *labels = g_build_filename (sub, "test_labels.npy", NULL);
      if (!g_file_test (images, G_FILE_TEST_EXISTS))
        {
          g_set_error (error, INTERP_ERROR, INTERP_ERROR_NOT_FOUND,
                       "%s: key 'corruption': no stored '%s' in %s (neither %s/%s.npy, the "
                       "cifar-c layout, nor %s, the mnist-c layout)", where, corruption, dir,
                       dir, corruption, images);
          ok = FALSE;
        }
      else
        ok = open_images (block, where, images, error);
      if (ok)
        {
          block->n = interp_npy_n_rows (block->images);
          ok = load_labels (block, where, labels, block->n, 0, 0, 0, n_classes, error);
        }
      g_free (labels);
      g_free (images);
      g_free (sub);
    }
  if (!ok)
    suite_block_clear (block);
  return ok;
}

gboolean
suite_block_open_train (SuiteBlock *block, const char *where, const char *dir,
                        SuiteLayout layout, const char *corruption, int n_classes,
                        gboolean *present, GError **error)
{
  memset (block, 0, sizeof *block);
  *present = FALSE;
  if (resolve_layout (dir, layout, corruption) != SUITE_MNIST_C)
    return TRUE;
  char *sub = g_build_filename (dir, corruption, NULL);
  char *images = g_build_filename (sub, "train_images.npy", NULL);
  char *labels = g_build_filename (sub, "train_labels.npy", NULL);
  gboolean has_images = g_file_test (images, G_FILE_TEST_EXISTS);
  gboolean has_labels = g_file_test (labels, G_FILE_TEST_EXISTS);
  gboolean ok = TRUE;
  if (has_images != has_labels)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_NOT_FOUND,
                   "%s: %s exists without %s", where, has_images ? images : labels,
                   has_images ? labels : images);
      ok = FALSE;
    }
  else if (has_images)
    {
      ok = open_images (block, where, images, error);
      if (ok)
        {
          block->n = interp_npy_n_rows (block->images);
          ok = load_labels (block, where, labels, block->n, 0, 0, 0, n_classes, error);
        }
      *present = ok;
    }
  if (!ok)
    suite_block_clear (block);
  g_free (labels);
  g_free (images);
  g_free (sub);
  return ok;
}

gboolean
suite_block_read (SuiteBlock *block, int64_t i, int64_t count, uint8_t *dst, GError **error)
{
  if (i < 0 || count < 0 || i > block->n - count)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_INVALID_ARGUMENT,
                   "%s: images [%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT ") asked of a block "
                   "of %" G_GINT64_FORMAT, interp_npy_path (block->images), i, i + count,
                   block->n);
      return FALSE;
    }
  const int64_t c = block->channels, hw = block->height * block->width;
  /* Scratch per call: the stored corruption reads from several threads. */
  uint8_t *scratch = c == 1 ? NULL : g_malloc ((gsize) (c * hw));
  gboolean ok = TRUE;
  for (int64_t k = 0; ok && k < count; k++)
    {
      uint8_t *out = dst + k * c * hw;
      if (c == 1)
        {
          ok = interp_npy_read_rows (block->images, block->first + i + k, 1, out, error);
          continue;
        }
      ok = interp_npy_read_rows (block->images, block->first + i + k, 1, scratch, error);
      for (int64_t p = 0; ok && p < hw; p++)
        for (int64_t ch = 0; ch < c; ch++)
          out[ch * hw + p] = scratch[p * c + ch];
    }
  g_free (scratch);
  return ok;
}
