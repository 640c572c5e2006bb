/* dataset:mnist and dataset:fashion-mnist: IDX files, raw and gzipped,
 * written here in the exact format; every malformation is an error that
 * names the file; the real Fashion-MNIST when it is installed. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <criterion/criterion.h>
#include <glib/gstdio.h>

#include "datasets-util.h"

static uint8_t
pixel (int64_t i, int64_t j)
{
  return (uint8_t) ((i * 31 + j * 7) % 256);
}

static GByteArray *
idx_images (uint32_t magic, uint32_t n, uint32_t rows, uint32_t cols)
{
  GByteArray *b = g_byte_array_new ();
  uint32_t head[4] = { GUINT32_TO_BE (magic), GUINT32_TO_BE (n), GUINT32_TO_BE (rows),
                       GUINT32_TO_BE (cols) };
  g_byte_array_append (b, (const guint8 *) head, sizeof head);
  for (uint32_t i = 0; i < n; i++)
    for (uint32_t j = 0; j < rows * cols; j++)
      {
        uint8_t v = pixel (i, j);
        g_byte_array_append (b, &v, 1);
      }
  return b;
}

static GByteArray *
idx_labels (uint32_t magic, uint32_t n, int bad_at)
{
  GByteArray *b = g_byte_array_new ();
  uint32_t head[2] = { GUINT32_TO_BE (magic), GUINT32_TO_BE (n) };
  g_byte_array_append (b, (const guint8 *) head, sizeof head);
  for (uint32_t i = 0; i < n; i++)
    {
      uint8_t v = (int) i == bad_at ? 10 : (uint8_t) ((i * 3) % 10);
      g_byte_array_append (b, &v, 1);
    }
  return b;
}

static void
put (const char *dir, const char *name, GByteArray *b, gboolean gz)
{
  char *base = gz ? g_strconcat (name, ".gz", NULL) : g_strdup (name);
  char *p = gz ? tds_write_gz (dir, base, b->data, b->len) : tds_write (dir, base, b->data,
                                                                         b->len);
  g_free (p);
  g_free (base);
  g_byte_array_unref (b);
}

/* A good 4-file layout: n_train/n_test samples of rows x cols. */
static char *
write_layout (gboolean gz, uint32_t n_train, uint32_t n_test, uint32_t rows, uint32_t cols)
{
  char *dir = tds_tmpdir ();
  put (dir, "train-images-idx3-ubyte", idx_images (0x803, n_train, rows, cols), gz);
  put (dir, "train-labels-idx1-ubyte", idx_labels (0x801, n_train, -1), gz);
  put (dir, "t10k-images-idx3-ubyte", idx_images (0x803, n_test, rows, cols), gz);
  put (dir, "t10k-labels-idx1-ubyte", idx_labels (0x801, n_test, -1), gz);
  return dir;
}

static void
check_good (gboolean gz)
{
  char *dir = write_layout (gz, 12, 5, 4, 3);
  char *pair = g_strdup_printf ("path=%s", dir);
  TdsDataset ds;
  GError *error = NULL;
  cr_assert (tds_open ("mnist", (const char *[]) { pair, NULL }, 1, &ds, &error), "%s",
             error ? error->message : "");
  cr_assert_eq (ds.info.channels, 1);
  cr_assert_eq (ds.info.height, 4);
  cr_assert_eq (ds.info.width, 3);
  cr_assert_eq (ds.info.n_classes, 10);
  cr_assert_str_eq (ds.info.class_names[3], "3");
  cr_assert_eq (ds.vt->size (ds.self, INTERP_SPLIT_TRAIN), 12);
  cr_assert_eq (ds.vt->size (ds.self, INTERP_SPLIT_TEST), 5);
  for (int64_t i = 0; i < 12; i++)
    {
      int32_t label;
      float *x = tds_read (&ds, INTERP_SPLIT_TRAIN, i, &label);
      cr_assert_eq (label, (i * 3) % 10);
      for (int j = 0; j < 12; j++)
        cr_assert_float_eq (x[j], pixel (i, j) / 255.0f, 1e-7, "sample %ld pixel %d",
                            (long) i, j);
      g_free (x);
    }
  int32_t label;
  float *x = tds_read (&ds, INTERP_SPLIT_TEST, 4, &label);
  cr_assert_eq (label, 2);
  cr_assert_float_eq (x[5], pixel (4, 5) / 255.0f, 1e-7);
  g_free (x);
  /* A batch read with repeated and unordered indices. */
  int64_t idx[3] = { 7, 0, 7 };
  float buf[3 * 12];
  int32_t labels[3];
  cr_assert (ds.vt->read (ds.self, INTERP_SPLIT_TRAIN, idx, 3, buf, labels, NULL));
  cr_assert_eq (labels[0], 1);
  cr_assert_eq (labels[1], 0);
  cr_assert_float_eq (buf[12 + 1], pixel (0, 1) / 255.0f, 1e-7);
  cr_assert_float_eq (buf[24 + 11], pixel (7, 11) / 255.0f, 1e-7);
  /* Out of range index. */
  int64_t bad = 12;
  cr_assert_not (ds.vt->read (ds.self, INTERP_SPLIT_TRAIN, &bad, 1, buf, labels, &error));
  cr_assert (g_error_matches (error, INTERP_ERROR, INTERP_ERROR_INVALID_ARGUMENT));
  g_clear_error (&error);
  tds_close (&ds);
  g_free (pair);
  tds_rmtree (dir);
  g_free (dir);
}

Test (idx, reads_raw_files)
{
  check_good (FALSE);
}

Test (idx, reads_gzip_files)
{
  check_good (TRUE);
}

/* Opens mnist on dir and asserts the error code and that the message
 * contains `needle` (a file name) and `what`. */
static void
expect_error (const char *dir, int code, const char *needle, const char *what)
{
  char *pair = g_strdup_printf ("path=%s", dir);
  TdsDataset ds;
  GError *error = NULL;
  cr_assert_not (tds_open ("mnist", (const char *[]) { pair, NULL }, 1, &ds, &error),
                 "opened a bad layout (%s)", what);
  cr_assert_not_null (error);
  cr_assert_eq (error->domain, INTERP_ERROR);
  cr_assert_eq (error->code, code, "code %d, expected %d: %s", error->code, code,
                error->message);
  cr_assert (strstr (error->message, needle) != NULL, "'%s' does not name %s", error->message,
             needle);
  cr_assert (strstr (error->message, what) != NULL, "'%s' does not say '%s'", error->message,
             what);
  g_error_free (error);
  g_free (pair);
}

static char *
file_in (const char *dir, const char *name)
{
  return g_build_filename (dir, name, NULL);
}

Test (idx, wrong_magic)
{
  for (int gz = 0; gz < 2; gz++)
    {
      char *dir = write_layout (gz, 6, 3, 2, 2);
      put (dir, "train-images-idx3-ubyte", idx_images (0x801, 6, 2, 2), gz);
      expect_error (dir, INTERP_ERROR_FORMAT, "train-images-idx3-ubyte", "wrong magic");
      tds_rmtree (dir);
      g_free (dir);
    }
  char *dir = write_layout (FALSE, 6, 3, 2, 2);
  put (dir, "t10k-labels-idx1-ubyte", idx_labels (0x803, 3, -1), FALSE);
  expect_error (dir, INTERP_ERROR_FORMAT, "t10k-labels-idx1-ubyte", "wrong magic");
  tds_rmtree (dir);
  g_free (dir);
}

Test (idx, count_mismatch_between_images_and_labels)
{
  char *dir = write_layout (TRUE, 6, 3, 2, 2);
  put (dir, "train-labels-idx1-ubyte", idx_labels (0x801, 5, -1), TRUE);
  expect_error (dir, INTERP_ERROR_FORMAT, "train-labels-idx1-ubyte.gz", "5 labels");
  tds_rmtree (dir);
  g_free (dir);
}

Test (idx, test_images_of_another_size)
{
  char *dir = write_layout (FALSE, 6, 3, 2, 2);
  put (dir, "t10k-images-idx3-ubyte", idx_images (0x803, 3, 3, 2), FALSE);
  expect_error (dir, INTERP_ERROR_FORMAT, "t10k-images-idx3-ubyte", "training images are 2x2");
  tds_rmtree (dir);
  g_free (dir);
}

Test (idx, truncated_raw_and_gzip)
{
  for (int gz = 0; gz < 2; gz++)
    {
      char *dir = write_layout (gz, 6, 3, 2, 2);
      GByteArray *b = idx_images (0x803, 6, 2, 2);
      g_byte_array_set_size (b, b->len - 3);
      put (dir, "train-images-idx3-ubyte", b, gz);
      expect_error (dir, INTERP_ERROR_FORMAT, "train-images-idx3-ubyte", "truncated");
      tds_rmtree (dir);
      g_free (dir);
    }
  /* A gzip stream cut short (the data is complete but the stream is not). */
  char *dir = write_layout (TRUE, 6, 3, 2, 2);
  char *path = file_in (dir, "train-images-idx3-ubyte.gz");
  size_t len;
  uint8_t *data = tds_slurp (path, &len);
  g_free (tds_write (dir, "train-images-idx3-ubyte.gz", data, len - 6));
  expect_error (dir, INTERP_ERROR_FORMAT, "train-images-idx3-ubyte.gz", "gzip");
  g_free (data);
  g_free (path);
  tds_rmtree (dir);
  g_free (dir);
  /* A header alone, shorter than its dimensions. */
  dir = write_layout (FALSE, 6, 3, 2, 2);
  uint8_t head[6] = { 0, 0, 8, 1, 0, 0 };
  g_free (tds_write (dir, "train-labels-idx1-ubyte", head, sizeof head));
  expect_error (dir, INTERP_ERROR_FORMAT, "train-labels-idx1-ubyte", "truncated");
  tds_rmtree (dir);
  g_free (dir);
}

/* Found by tests/fuzz/fuzz-idx: a header that claims 15 x 65535 x 65535
 * bytes (64 GB, under the plausibility bound) on a file of a few bytes
 * made the reader allocate the claimed size before reading (an abort in
 * g_malloc, or out of memory); it must be a truncation error. */
Test (idx, huge_claimed_size_on_a_short_file)
{
  for (int gz = 0; gz < 2; gz++)
    {
      char *dir = write_layout (gz, 6, 3, 2, 2);
      GByteArray *b = idx_images (0x803, 1, 1, 1);
      const uint8_t dims[12] = { 0, 0, 0, 15, 0, 0, 0xff, 0xff, 0, 0, 0xff, 0xff };
      memcpy (b->data + 4, dims, sizeof dims);
      put (dir, "train-images-idx3-ubyte", b, gz);
      expect_error (dir, INTERP_ERROR_FORMAT, "train-images-idx3-ubyte", "truncated");
      tds_rmtree (dir);
      g_free (dir);
    }
}

/* Found by tests/fuzz/fuzz-idx: dimensions whose product overflows int64
 * (undefined behaviour, UBSan aborts) before the plausibility check. */
Test (idx, dimensions_whose_product_overflows)
{
  char *dir = write_layout (FALSE, 6, 3, 2, 2);
  GByteArray *b = idx_images (0x803, 1, 1, 1);
  const uint8_t dims[12] = { 0x8a, 0, 0, 0, 0xff, 0xff, 0, 0, 0, 0, 0, 1 };
  memcpy (b->data + 4, dims, sizeof dims);
  put (dir, "train-images-idx3-ubyte", b, FALSE);
  expect_error (dir, INTERP_ERROR_FORMAT, "train-images-idx3-ubyte", "implausible dimensions");
  tds_rmtree (dir);
  g_free (dir);
}

Test (idx, longer_than_declared)
{
  char *dir = write_layout (FALSE, 6, 3, 2, 2);
  GByteArray *b = idx_labels (0x801, 3, -1);
  uint8_t extra = 1;
  g_byte_array_append (b, &extra, 1);
  put (dir, "t10k-labels-idx1-ubyte", b, FALSE);
  expect_error (dir, INTERP_ERROR_FORMAT, "t10k-labels-idx1-ubyte", "longer than");
  tds_rmtree (dir);
  g_free (dir);
}

Test (idx, label_out_of_range)
{
  char *dir = write_layout (TRUE, 6, 3, 2, 2);
  put (dir, "train-labels-idx1-ubyte", idx_labels (0x801, 6, 4), TRUE);
  expect_error (dir, INTERP_ERROR_FORMAT, "train-labels-idx1-ubyte.gz", "label 10");
  tds_rmtree (dir);
  g_free (dir);
}

Test (idx, corrupt_gzip)
{
  /* Flip bytes inside the deflate data: zlib reports bad data or a bad CRC. */
  char *dir = write_layout (TRUE, 50, 3, 8, 8);
  char *path = file_in (dir, "train-images-idx3-ubyte.gz");
  size_t len;
  uint8_t *data = tds_slurp (path, &len);
  for (size_t i = len / 2; i < len / 2 + 8; i++)
    data[i] ^= 0x5a;
  g_free (tds_write (dir, "train-images-idx3-ubyte.gz", data, len));
  expect_error (dir, INTERP_ERROR_FORMAT, "train-images-idx3-ubyte.gz", "gzip");
  g_free (data);
  g_free (path);
  tds_rmtree (dir);
  g_free (dir);
}

Test (idx, gz_name_without_gzip_content)
{
  char *dir = write_layout (FALSE, 6, 3, 2, 2);
  char *raw = file_in (dir, "t10k-images-idx3-ubyte");
  char *gz = file_in (dir, "t10k-images-idx3-ubyte.gz");
  cr_assert_eq (rename (raw, gz), 0);
  expect_error (dir, INTERP_ERROR_FORMAT, "t10k-images-idx3-ubyte.gz", "not a gzip file");
  g_free (raw);
  g_free (gz);
  tds_rmtree (dir);
  g_free (dir);
}

Test (idx, missing_and_unreadable)
{
  expect_error ("/nonexistent/interp-mnist", INTERP_ERROR_NOT_FOUND, "/nonexistent/interp-mnist",
                "not a folder");
  char *dir = write_layout (FALSE, 6, 3, 2, 2);
  char *p = file_in (dir, "t10k-labels-idx1-ubyte");
  remove (p);
  expect_error (dir, INTERP_ERROR_NOT_FOUND, dir, "t10k-labels-idx1-ubyte");
  /* A folder where the file should be cannot be read (root reads any file,
   * so permissions cannot make this case). */
  cr_assert_eq (g_mkdir (p, 0755), 0);
  expect_error (dir, INTERP_ERROR_IO, "t10k-labels-idx1-ubyte", "");
  g_free (p);
  tds_rmtree (dir);
  g_free (dir);
}

Test (idx, mirror_spelling_of_file_names)
{
  /* Some mirrors name the files "train-images.idx3-ubyte". */
  char *dir = write_layout (FALSE, 6, 3, 2, 2);
  const char *stems[4][2] = { { "train-images", "3" }, { "train-labels", "1" },
                              { "t10k-images", "3" }, { "t10k-labels", "1" } };
  for (int i = 0; i < 4; i++)
    {
      char *from = g_strdup_printf ("%s/%s-idx%s-ubyte", dir, stems[i][0], stems[i][1]);
      char *to = g_strdup_printf ("%s/%s.idx%s-ubyte", dir, stems[i][0], stems[i][1]);
      cr_assert_eq (rename (from, to), 0);
      g_free (from);
      g_free (to);
    }
  char *pair = g_strdup_printf ("path=%s", dir);
  TdsDataset ds;
  GError *error = NULL;
  cr_assert (tds_open ("mnist", (const char *[]) { pair, NULL }, 1, &ds, &error), "%s",
             error ? error->message : "");
  cr_assert_eq (ds.vt->size (ds.self, INTERP_SPLIT_TEST), 3);
  tds_close (&ds);
  g_free (pair);
  tds_rmtree (dir);
  g_free (dir);
}

Test (idx, mnist_path_is_required)
{
  TdsDataset ds;
  GError *error = NULL;
  cr_assert_not (tds_open ("mnist", NULL, 1, &ds, &error));
  cr_assert (g_error_matches (error, INTERP_ERROR, INTERP_ERROR_MISSING));
  cr_assert (strstr (error->message, "path") != NULL);
  g_error_free (error);
}

#define FASHION_DIR "/usr/share/datasets/fashion-mnist"

Test (idx, real_fashion_mnist)
{
  if (!g_file_test (FASHION_DIR, G_FILE_TEST_IS_DIR))
    cr_skip_test ("%s is not installed (Debian package dataset-fashion-mnist)", FASHION_DIR);
  TdsDataset ds;
  GError *error = NULL;
  /* The default path is the Debian package's folder. */
  cr_assert (tds_open ("fashion-mnist", NULL, 1, &ds, &error), "%s",
             error ? error->message : "");
  cr_assert_eq (ds.vt->size (ds.self, INTERP_SPLIT_TRAIN), 60000);
  cr_assert_eq (ds.vt->size (ds.self, INTERP_SPLIT_TEST), 10000);
  cr_assert_eq (ds.info.channels, 1);
  cr_assert_eq (ds.info.height, 28);
  cr_assert_eq (ds.info.width, 28);
  cr_assert_eq (ds.info.n_classes, 10);
  cr_assert_str_eq (ds.info.class_names[9], "Ankle boot");
  /* Xiao et al.: 6000 training and 1000 test images per class. */
  for (int s = 0; s < 2; s++)
    {
      int64_t n = s == 0 ? 60000 : 10000;
      int64_t *idx = g_new (int64_t, n);
      for (int64_t i = 0; i < n; i++)
        idx[i] = i;
      float *x = g_new (float, n * 784);
      int32_t *labels = g_new (int32_t, n);
      cr_assert (ds.vt->read (ds.self, s == 0 ? INTERP_SPLIT_TRAIN : INTERP_SPLIT_TEST, idx, n,
                              x, labels, &error));
      int64_t count[10] = { 0 };
      double sum = 0;
      for (int64_t i = 0; i < n; i++)
        count[labels[i]]++;
      for (int64_t i = 0; i < n * 784; i++)
        {
          cr_assert (x[i] >= 0 && x[i] <= 1);
          sum += x[i];
        }
      for (int k = 0; k < 10; k++)
        cr_assert_eq (count[k], n / 10, "class %d: %ld", k, (long) count[k]);
      /* The widely quoted training-set pixel mean is 0.2860. */
      if (s == 0)
        cr_assert_float_eq (sum / (n * 784.0), 0.2860, 5e-4);
      g_free (idx);
      g_free (x);
      g_free (labels);
    }
  tds_close (&ds);
}
