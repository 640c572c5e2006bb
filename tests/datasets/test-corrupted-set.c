/* corrupted-set on generated CIFAR-10-C and MNIST-C folders: the right
 * block of images and labels for each severity, NHWC files served as NCHW,
 * and every inconsistency a clear error naming the file. */
#include "config.h"

#include <criterion/criterion.h>
#include <string.h>

#include "datasets-util.h"
#include "test-corrupted-set-files.h"

static char *dir;

static void
setup (void)
{
  dir = tds_tmpdir ();
}

static void
teardown (void)
{
  tds_rmtree (dir);
  g_clear_pointer (&dir, g_free);
}

TestSuite (corrupted_set, .init = setup, .fini = teardown);

#define N 6          /* images per severity block */
#define SIDE 4

/* Test image k of `split` must be stored row `row` of the file, NCHW,
 * each value the stored byte / 255 exactly as every dataset converts. */
static void
assert_image (TdsDataset *ds, InterpSplit split, int64_t k, int64_t row, int32_t label)
{
  int32_t got_label = -1;
  float *x = tds_read (ds, split, k, &got_label);
  cr_assert_eq (got_label, label, "image %" G_GINT64_FORMAT ": label %d, expected %d", k,
                got_label, label);
  const int64_t c = ds->info.channels, h = ds->info.height, w = ds->info.width;
  for (int64_t ch = 0; ch < c; ch++)
    for (int64_t y = 0; y < h; y++)
      for (int64_t xx = 0; xx < w; xx++)
        {
          float want = (float) tcs_pixel (row, y, xx, ch) * (1.0f / 255.0f);
          float v = x[(ch * h + y) * w + xx];
          cr_assert (v == want, "image %" G_GINT64_FORMAT " (c %" G_GINT64_FORMAT ", y %"
                     G_GINT64_FORMAT ", x %" G_GINT64_FORMAT "): %g, expected %g", k, ch, y,
                     xx, v, want);
        }
  g_free (x);
}

static void
write_cifar_c (const char *name, gboolean short_labels)
{
  char *file = g_strconcat (name, ".npy", NULL);
  g_free (tcs_write_images (dir, file, 5 * N, SIDE, SIDE, 3));
  g_free (file);
  /* CIFAR-10-C repeats the test labels in every block; uint8 as shipped. */
  uint8_t labels[5 * N];
  for (int i = 0; i < 5 * N; i++)
    labels[i] = (uint8_t) ((i % N) * 3 % 10);
  int64_t n = short_labels ? N : 5 * N;
  g_free (tcs_write_npy (dir, "labels.npy", "|u1", 1, 1, &n, labels));
}

static void
open_ok (const char *const *pairs, TdsDataset *ds)
{
  GError *error = NULL;
  cr_assert (tds_open ("corrupted-set", pairs, 1, ds, &error), "%s",
             error ? error->message : "");
}

static void
check_cifar_c (gboolean short_labels)
{
  write_cifar_c ("gaussian_noise", short_labels);
  for (int s = 1; s <= 5; s++)
    {
      char severity[16];
      g_snprintf (severity, sizeof severity, "severity=%d", s);
      char *path = g_strconcat ("path=", dir, NULL);
      const char *pairs[] = { path, "corruption=gaussian_noise", severity, NULL };
      TdsDataset ds;
      open_ok (pairs, &ds);
      cr_assert_eq (ds.info.channels, 3);
      cr_assert_eq (ds.info.height, SIDE);
      cr_assert_eq (ds.info.width, SIDE);
      cr_assert_eq (ds.info.n_classes, 10);
      cr_assert_eq (ds.vt->size (ds.self, INTERP_SPLIT_TEST), N);
      cr_assert_eq (ds.vt->size (ds.self, INTERP_SPLIT_TRAIN), 0, "CIFAR-10-C has no train");
      for (int64_t k = 0; k < N; k++)
        assert_image (&ds, INTERP_SPLIT_TEST, k, (s - 1) * N + k, (int32_t) (k * 3 % 10));
      tds_close (&ds);
      g_free (path);
    }
}

Test (corrupted_set, cifar_c_serves_each_severity_block)
{
  check_cifar_c (FALSE);
}

Test (corrupted_set, cifar_c_labels_may_be_one_block_long)
{
  check_cifar_c (TRUE);
}

static void
write_mnist_c (const char *name, int64_t n_test, int64_t n_train)
{
  char *sub = g_build_filename (dir, name, NULL);
  int32_t labels[64];
  for (int i = 0; i < 64; i++)
    labels[i] = (i * 7) % 10;
  g_free (tcs_write_images (sub, "test_images.npy", n_test, 28, 28, 1));
  g_free (tcs_write_labels (sub, "test_labels.npy", n_test, labels));
  if (n_train > 0)
    {
      g_free (tcs_write_images (sub, "train_images.npy", n_train, 28, 28, 1));
      g_free (tcs_write_labels (sub, "train_labels.npy", n_train, labels + 1));
    }
  g_free (sub);
}

Test (corrupted_set, mnist_c_serves_test_and_train)
{
  write_mnist_c ("shear", 5, 9);
  char *path = g_strconcat ("path=", dir, NULL);
  const char *layouts[] = { "layout=auto", "layout=mnist-c" };
  for (int l = 0; l < 2; l++)
    {
      const char *pairs[] = { path, "corruption=shear", layouts[l], NULL };
      TdsDataset ds;
      open_ok (pairs, &ds);
      cr_assert_eq (ds.info.channels, 1);
      cr_assert_eq (ds.info.height, 28);
      cr_assert_eq (ds.vt->size (ds.self, INTERP_SPLIT_TEST), 5);
      cr_assert_eq (ds.vt->size (ds.self, INTERP_SPLIT_TRAIN), 9);
      for (int64_t k = 0; k < 5; k++)
        assert_image (&ds, INTERP_SPLIT_TEST, k, k, (int32_t) (k * 7 % 10));
      for (int64_t k = 0; k < 9; k++)
        assert_image (&ds, INTERP_SPLIT_TRAIN, k, k, (int32_t) ((k + 1) * 7 % 10));
      tds_close (&ds);
    }
  g_free (path);
}

Test (corrupted_set, mnist_c_without_train_files_has_an_empty_train_split)
{
  write_mnist_c ("rotate", 4, 0);
  char *path = g_strconcat ("path=", dir, NULL);
  const char *pairs[] = { path, "corruption=rotate", NULL };
  TdsDataset ds;
  open_ok (pairs, &ds);
  cr_assert_eq (ds.vt->size (ds.self, INTERP_SPLIT_TRAIN), 0);
  cr_assert_eq (ds.vt->size (ds.self, INTERP_SPLIT_TEST), 4);
  tds_close (&ds);
  g_free (path);
}

/* Opening must fail with `code`, naming `part` (and the group). */
static void
assert_refused (const char *const *pairs, int code, const char *part)
{
  TdsDataset ds;
  GError *error = NULL;
  cr_assert_not (tds_open ("corrupted-set", pairs, 1, &ds, &error), "accepted");
  cr_assert_not_null (error);
  cr_assert_eq (error->code, code, "code %d, expected %d: %s", error->code, code,
                error->message);
  cr_assert (strstr (error->message, "[dataset]"), "no group in: %s", error->message);
  cr_assert (strstr (error->message, part), "'%s' not in: %s", part, error->message);
  g_error_free (error);
}

Test (corrupted_set, mnist_c_has_only_severity_1)
{
  write_mnist_c ("shear", 5, 0);
  char *path = g_strconcat ("path=", dir, NULL);
  const char *pairs[] = { path, "corruption=shear", "severity=2", NULL };
  assert_refused (pairs, INTERP_ERROR_OUT_OF_RANGE, "key 'severity'");
  g_free (path);
}

Test (corrupted_set, a_missing_corruption_names_both_layouts)
{
  write_cifar_c ("fog", FALSE);
  char *path = g_strconcat ("path=", dir, NULL);
  const char *pairs[] = { path, "corruption=frost", NULL };
  assert_refused (pairs, INTERP_ERROR_NOT_FOUND, "frost.npy");
  const char *forced[] = { path, "corruption=fog", "layout=mnist-c", NULL };
  assert_refused (forced, INTERP_ERROR_NOT_FOUND, "test_images.npy");
  const char *absent[] = { "path=/nonexistent/interp", "corruption=fog", NULL };
  assert_refused (absent, INTERP_ERROR_NOT_FOUND, "key 'path'");
  g_free (path);
}

Test (corrupted_set, labels_out_of_range_name_the_file_and_row)
{
  write_cifar_c ("fog", FALSE);
  uint8_t labels[5 * N] = { 0 };
  labels[N + 2] = 10;       /* severity 2, image 2 */
  int64_t n = 5 * N;
  g_free (tcs_write_npy (dir, "labels.npy", "|u1", 1, 1, &n, labels));
  char *path = g_strconcat ("path=", dir, NULL);
  const char *pairs[] = { path, "corruption=fog", "severity=2", NULL };
  assert_refused (pairs, INTERP_ERROR_FORMAT, "labels.npy: label 10 at row 8");
  const char *sev1[] = { path, "corruption=fog", "severity=1", NULL };
  TdsDataset ds;
  open_ok (sev1, &ds);      /* the bad label is not in block 1 */
  tds_close (&ds);
  const char *more[] = { path, "corruption=fog", "severity=2", "classes=11", NULL };
  open_ok (more, &ds);
  tds_close (&ds);
  g_free (path);
}

Test (corrupted_set, shapes_and_truncation_are_checked)
{
  char *path = g_strconcat ("path=", dir, NULL);
  const char *pairs[] = { path, "corruption=fog", "severity=1", NULL };

  /* 7 rows are not 5 blocks. */
  g_free (tcs_write_images (dir, "fog.npy", 7, SIDE, SIDE, 3));
  uint8_t labels[5 * N] = { 0 };
  int64_t n = 7;
  g_free (tcs_write_npy (dir, "labels.npy", "|u1", 1, 1, &n, labels));
  assert_refused (pairs, INTERP_ERROR_SHAPE, "not 5 equal severity blocks");

  /* Labels for neither 5 N nor N images. */
  write_cifar_c ("fog", FALSE);
  n = 2 * N;
  g_free (tcs_write_npy (dir, "labels.npy", "|u1", 1, 1, &n, labels));
  assert_refused (pairs, INTERP_ERROR_SHAPE, "12 labels for the images of shape (30, 4, 4, 3)");

  /* A truncated image file: the reader's message, with the group. */
  write_cifar_c ("fog", FALSE);
  char *file = g_build_filename (dir, "fog.npy", NULL);
  size_t len;
  uint8_t *bytes = tds_slurp (file, &len);
  cr_assert (g_file_set_contents (file, (const char *) bytes, (gssize) len - 5, NULL));
  assert_refused (pairs, INTERP_ERROR_FORMAT, "fog.npy: truncated");
  g_free (bytes);

  /* float32 images, and 2 channels. */
  const int64_t fshape[4] = { 5, 2, 2, 1 };
  float fdata[20] = { 0 };
  g_free (tcs_write_npy (dir, "fog.npy", "<f4", 4, 4, fshape, fdata));
  assert_refused (pairs, INTERP_ERROR_UNSUPPORTED, "images are float32");
  g_free (tcs_write_images (dir, "fog.npy", 5, SIDE, SIDE, 2));
  assert_refused (pairs, INTERP_ERROR_SHAPE, "(5, 4, 4, 2) is not");
  g_free (file);
  g_free (path);
}

Test (corrupted_set, train_images_without_labels_are_refused)
{
  write_mnist_c ("zigzag", 3, 0);
  char *sub = g_build_filename (dir, "zigzag", NULL);
  g_free (tcs_write_images (sub, "train_images.npy", 3, 28, 28, 1));
  char *path = g_strconcat ("path=", dir, NULL);
  const char *pairs[] = { path, "corruption=zigzag", NULL };
  assert_refused (pairs, INTERP_ERROR_NOT_FOUND, "train_labels.npy");
  /* Train images of another size than the test images. */
  int32_t labels[3] = { 0, 1, 2 };
  g_free (tcs_write_labels (sub, "train_labels.npy", 3, labels));
  g_free (tcs_write_images (sub, "train_images.npy", 3, 14, 14, 1));
  assert_refused (pairs, INTERP_ERROR_SHAPE, "train_images.npy holds 14x14x1");
  g_free (path);
  g_free (sub);
}
