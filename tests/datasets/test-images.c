/* dataset:image-folder and dataset:tiny-imagenet on PNG/JPEG folders
 * written here; bad images are errors naming the file. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>
#include <glib/gstdio.h>

#include "datasets-util.h"

/* An interleaved h x w x c test picture, different per seed. */
static uint8_t *
picture (int w, int h, int c, int seed)
{
  uint8_t *p = g_new (uint8_t, w * h * c);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      for (int k = 0; k < c; k++)
        p[(y * w + x) * c + k] = (uint8_t) ((seed * 53 + y * 17 + x * 29 + k * 71) % 256);
  return p;
}

/* A smooth picture, which JPEG keeps within a few levels. */
static uint8_t *
smooth_picture (int w, int h, int c, int seed)
{
  uint8_t *p = g_new (uint8_t, w * h * c);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      for (int k = 0; k < c; k++)
        p[(y * w + x) * c + k] = (uint8_t) (40 + seed * 10 + 4 * x + 3 * y + 20 * k);
  return p;
}

static void
png_at (const char *root, const char *rel, int w, int h, int c, int seed)
{
  char *path = g_build_filename (root, rel, NULL);
  uint8_t *p = picture (w, h, c, seed);
  tds_write_png (path, w, h, c, p);
  g_free (p);
  g_free (path);
}

static void
jpeg_at (const char *root, const char *rel, int w, int h, int c, int seed)
{
  char *path = g_build_filename (root, rel, NULL);
  uint8_t *p = smooth_picture (w, h, c, seed);
  tds_write_jpeg (path, w, h, c, p);
  g_free (p);
  g_free (path);
}

static void
expect_error (const char *component, const char *const *pairs, int code, const char *needle,
              const char *what)
{
  TdsDataset ds;
  GError *error = NULL;
  cr_assert_not (tds_open (component, pairs, 1, &ds, &error), "opened a bad layout (%s)", what);
  cr_assert_not_null (error);
  cr_assert_eq (error->code, code, "code %d, expected %d: %s", error->code, code,
                error->message);
  cr_assert (strstr (error->message, needle) != NULL, "'%s' does not name %s", error->message,
             needle);
  cr_assert (strstr (error->message, what) != NULL, "'%s' does not say '%s'", error->message,
             what);
  g_error_free (error);
}

typedef struct {
  char *root;
  char *train_pair, *test_pair;
  const char *pairs[4];
} Folder;

static void
folder_init (Folder *f)
{
  f->root = tds_tmpdir ();
  char *train = g_build_filename (f->root, "train", NULL);
  char *test = g_build_filename (f->root, "test", NULL);
  g_mkdir (train, 0755);
  g_mkdir (test, 0755);
  f->train_pair = g_strdup_printf ("train-path=%s", train);
  f->test_pair = g_strdup_printf ("test-path=%s", test);
  f->pairs[0] = f->train_pair;
  f->pairs[1] = f->test_pair;
  f->pairs[2] = NULL;
  f->pairs[3] = NULL;
  g_free (train);
  g_free (test);
}

static void
folder_clear (Folder *f)
{
  tds_rmtree (f->root);
  g_free (f->root);
  g_free (f->train_pair);
  g_free (f->test_pair);
}

Test (image_folder, png_classes_pixels_and_order)
{
  Folder f;
  folder_init (&f);
  /* Classes are the sorted folder names; files sorted within a class. */
  png_at (f.root, "train/dog/b.png", 4, 3, 3, 1);
  png_at (f.root, "train/dog/a.png", 4, 3, 3, 2);
  png_at (f.root, "train/cat/z.png", 4, 3, 3, 3);
  png_at (f.root, "test/dog/t.png", 4, 3, 3, 4);
  g_free (tds_write (f.root, "train/cat/notes.txt", "x", 1));   /* not an image: ignored */
  TdsDataset ds;
  GError *error = NULL;
  cr_assert (tds_open ("image-folder", f.pairs, 1, &ds, &error), "%s",
             error ? error->message : "");
  cr_assert_eq (ds.info.channels, 3);
  cr_assert_eq (ds.info.height, 3);
  cr_assert_eq (ds.info.width, 4);
  cr_assert_eq (ds.info.n_classes, 2);
  cr_assert_str_eq (ds.info.class_names[0], "cat");
  cr_assert_str_eq (ds.info.class_names[1], "dog");
  cr_assert_eq (ds.vt->size (ds.self, INTERP_SPLIT_TRAIN), 3);
  cr_assert_eq (ds.vt->size (ds.self, INTERP_SPLIT_TEST), 1);
  const int order[3] = { 3, 2, 1 };       /* cat/z, dog/a, dog/b */
  const int labels[3] = { 0, 1, 1 };
  for (int i = 0; i < 3; i++)
    {
      int32_t label;
      float *x = tds_read (&ds, INTERP_SPLIT_TRAIN, i, &label);
      uint8_t *p = picture (4, 3, 3, order[i]);
      cr_assert_eq (label, labels[i]);
      for (int k = 0; k < 3; k++)
        for (int y = 0; y < 3; y++)
          for (int xx = 0; xx < 4; xx++)
            cr_assert_float_eq (x[(k * 3 + y) * 4 + xx], p[(y * 4 + xx) * 3 + k] / 255.0f, 1e-7,
                                "sample %d c%d y%d x%d", i, k, y, xx);
      g_free (p);
      g_free (x);
    }
  int32_t label;
  g_free (tds_read (&ds, INTERP_SPLIT_TEST, 0, &label));
  cr_assert_eq (label, 1);
  tds_close (&ds);
  folder_clear (&f);
}

Test (image_folder, grey_and_channel_conversion)
{
  Folder f;
  folder_init (&f);
  png_at (f.root, "train/a/1.png", 5, 5, 1, 1);
  png_at (f.root, "train/b/2.png", 5, 5, 3, 2);
  png_at (f.root, "test/a/3.png", 5, 5, 1, 3);
  TdsDataset ds;
  GError *error = NULL;
  /* auto: the first image is grey, so everything is converted to grey. */
  cr_assert (tds_open ("image-folder", f.pairs, 1, &ds, &error), "%s",
             error ? error->message : "");
  cr_assert_eq (ds.info.channels, 1);
  float *x = tds_read (&ds, INTERP_SPLIT_TRAIN, 0, NULL);
  uint8_t *p = picture (5, 5, 1, 1);
  cr_assert_float_eq (x[7], p[7] / 255.0f, 1e-7);
  g_free (p);
  g_free (x);
  tds_close (&ds);
  /* channels = 3: grey is replicated to R = G = B. */
  f.pairs[2] = "channels=3";
  cr_assert (tds_open ("image-folder", f.pairs, 1, &ds, &error), "%s",
             error ? error->message : "");
  cr_assert_eq (ds.info.channels, 3);
  x = tds_read (&ds, INTERP_SPLIT_TRAIN, 0, NULL);
  p = picture (5, 5, 1, 1);
  for (int k = 0; k < 3; k++)
    cr_assert_float_eq (x[k * 25 + 7], p[7] / 255.0f, 1e-7);
  g_free (p);
  g_free (x);
  tds_close (&ds);
  folder_clear (&f);
}

Test (image_folder, alpha_is_dropped)
{
  Folder f;
  folder_init (&f);
  png_at (f.root, "train/a/1.png", 3, 2, 4, 1);
  png_at (f.root, "train/b/2.png", 3, 2, 2, 2);
  png_at (f.root, "test/a/3.png", 3, 2, 4, 3);
  TdsDataset ds;
  GError *error = NULL;
  cr_assert (tds_open ("image-folder", f.pairs, 1, &ds, &error), "%s",
             error ? error->message : "");
  cr_assert_eq (ds.info.channels, 3);
  float *x = tds_read (&ds, INTERP_SPLIT_TRAIN, 0, NULL);
  uint8_t *p = picture (3, 2, 4, 1);
  for (int k = 0; k < 3; k++)
    for (int i = 0; i < 6; i++)
      cr_assert_float_eq (x[k * 6 + i], p[i * 4 + k] / 255.0f, 1e-7);
  g_free (p);
  g_free (x);
  /* Grey + alpha becomes grey replicated to the first image's 3 channels. */
  x = tds_read (&ds, INTERP_SPLIT_TRAIN, 1, NULL);
  p = picture (3, 2, 2, 2);
  for (int k = 0; k < 3; k++)
    for (int i = 0; i < 6; i++)
      cr_assert_float_eq (x[k * 6 + i], p[i * 2] / 255.0f, 1e-7);
  g_free (p);
  g_free (x);
  tds_close (&ds);
  folder_clear (&f);
}

Test (image_folder, jpeg_images)
{
  Folder f;
  folder_init (&f);
  jpeg_at (f.root, "train/a/1.jpg", 16, 8, 3, 1);
  jpeg_at (f.root, "train/b/2.JPEG", 16, 8, 3, 2);
  jpeg_at (f.root, "test/b/3.jpeg", 16, 8, 3, 3);
  TdsDataset ds;
  GError *error = NULL;
  cr_assert (tds_open ("image-folder", f.pairs, 1, &ds, &error), "%s",
             error ? error->message : "");
  cr_assert_eq (ds.info.channels, 3);
  cr_assert_eq (ds.info.height, 8);
  cr_assert_eq (ds.info.width, 16);
  float *x = tds_read (&ds, INTERP_SPLIT_TRAIN, 1, NULL);
  uint8_t *p = smooth_picture (16, 8, 3, 2);
  double err = 0;
  for (int k = 0; k < 3; k++)
    for (int i = 0; i < 128; i++)
      err = MAX (err, fabs (x[k * 128 + i] - p[i * 3 + k] / 255.0));
  /* Quality 95 with chroma subsampling on a smooth ramp: a few levels. */
  cr_assert (err < 12.0 / 255.0, "max error %g", err * 255);
  g_free (p);
  g_free (x);
  tds_close (&ds);
  folder_clear (&f);
}

Test (image_folder, sizes_must_agree_unless_resized)
{
  Folder f;
  folder_init (&f);
  png_at (f.root, "train/a/1.png", 6, 6, 3, 1);
  png_at (f.root, "train/a/2.png", 6, 5, 3, 2);
  png_at (f.root, "test/a/3.png", 6, 6, 3, 3);
  expect_error ("image-folder", f.pairs, INTERP_ERROR_FORMAT, "a/2.png", "a/1.png is 6x6");
  /* A test image of another size names the training size. */
  png_at (f.root, "train/a/2.png", 6, 6, 3, 2);
  png_at (f.root, "test/a/3.png", 7, 6, 3, 3);
  expect_error ("image-folder", f.pairs, INTERP_ERROR_FORMAT, "a/3.png",
                "the first training image is 6x6");
  /* size = 4: all images resized; a constant image stays constant. */
  char *path = g_build_filename (f.root, "test/a/3.png", NULL);
  uint8_t flat[7 * 6 * 3];
  memset (flat, 200, sizeof flat);
  tds_write_png (path, 7, 6, 3, flat);
  g_free (path);
  f.pairs[2] = "size=4";
  TdsDataset ds;
  GError *error = NULL;
  cr_assert (tds_open ("image-folder", f.pairs, 1, &ds, &error), "%s",
             error ? error->message : "");
  cr_assert_eq (ds.info.height, 4);
  cr_assert_eq (ds.info.width, 4);
  float *x = tds_read (&ds, INTERP_SPLIT_TEST, 0, NULL);
  for (int i = 0; i < 48; i++)
    cr_assert_float_eq (x[i], 200 / 255.0f, 1e-7);
  g_free (x);
  tds_close (&ds);
  folder_clear (&f);
}

static void
rewrite (const char *root, const char *rel, gboolean truncate, gboolean corrupt)
{
  char *path = g_build_filename (root, rel, NULL);
  size_t len;
  uint8_t *data = tds_slurp (path, &len);
  if (corrupt)
    for (size_t i = len / 2; i < len / 2 + 16; i++)
      data[i] ^= 0xa5;
  g_free (tds_write (root, rel, data, truncate ? len / 2 : len));
  g_free (data);
  g_free (path);
}

/* SOF0 (0xc0): zero the image height; DHT (0xc4): set all 16 code counts
 * to 255. */
static void
corrupt_jpeg_marker (const char *root, const char *rel, int marker)
{
  char *path = g_build_filename (root, rel, NULL);
  size_t len;
  uint8_t *data = tds_slurp (path, &len);
  size_t at = 0;
  for (size_t i = 2; i + 1 < len && at == 0; i++)
    if (data[i] == 0xff && data[i + 1] == marker)
      at = i;
  cr_assert (at > 0, "no marker 0x%x in %s", marker, path);
  if (marker == 0xc0)
    data[at + 5] = data[at + 6] = 0;          /* FF C0 len(2) precision(1) height(2) */
  else
    memset (data + at + 5, 0xff, 16);         /* FF C4 len(2) class/id(1) counts(16) */
  g_free (tds_write (root, rel, data, len));
  g_free (data);
  g_free (path);
}

Test (image_folder, corrupt_and_truncated_images)
{
  Folder f;
  folder_init (&f);
  png_at (f.root, "train/a/1.png", 16, 16, 3, 1);
  jpeg_at (f.root, "train/a/2.jpg", 16, 16, 3, 2);
  png_at (f.root, "test/a/3.png", 16, 16, 3, 3);

  rewrite (f.root, "train/a/1.png", FALSE, TRUE);
  expect_error ("image-folder", f.pairs, INTERP_ERROR_FORMAT, "a/1.png", "corrupt PNG");
  png_at (f.root, "train/a/1.png", 16, 16, 3, 1);
  rewrite (f.root, "train/a/1.png", TRUE, FALSE);
  expect_error ("image-folder", f.pairs, INTERP_ERROR_FORMAT, "a/1.png", "corrupt PNG");
  png_at (f.root, "train/a/1.png", 16, 16, 3, 1);

  rewrite (f.root, "train/a/2.jpg", TRUE, FALSE);
  expect_error ("image-folder", f.pairs, INTERP_ERROR_FORMAT, "a/2.jpg", "corrupt JPEG");
  /* JPEG has no checksum: corrupt what a decoder must check, the frame
   * header (a zero height) and a Huffman table (impossible code counts). */
  for (int what = 0; what < 2; what++)
    {
      jpeg_at (f.root, "train/a/2.jpg", 16, 16, 3, 2);
      corrupt_jpeg_marker (f.root, "train/a/2.jpg", what == 0 ? 0xc0 : 0xc4);
      expect_error ("image-folder", f.pairs, INTERP_ERROR_FORMAT, "a/2.jpg", "corrupt JPEG");
    }

  g_free (tds_write (f.root, "train/a/2.jpg", "hello, world", 12));
  expect_error ("image-folder", f.pairs, INTERP_ERROR_FORMAT, "a/2.jpg",
                "neither a PNG nor a JPEG");
  folder_clear (&f);
}

Test (image_folder, bad_layouts)
{
  Folder f;
  folder_init (&f);
  expect_error ("image-folder", f.pairs, INTERP_ERROR_FORMAT, "train", "no class folders");
  png_at (f.root, "train/a/1.png", 4, 4, 3, 1);
  char *empty = g_build_filename (f.root, "train", "b", NULL);
  g_mkdir (empty, 0755);
  expect_error ("image-folder", f.pairs, INTERP_ERROR_FORMAT, "train/b", "no .png or .jpg");
  g_rmdir (empty);
  g_free (empty);
  png_at (f.root, "test/zebra/1.png", 4, 4, 3, 1);
  expect_error ("image-folder", f.pairs, INTERP_ERROR_FORMAT, "test/zebra",
                "not present in the training folder");
  expect_error ("image-folder",
                (const char *[]) { f.train_pair, "test-path=/nonexistent/test", NULL },
                INTERP_ERROR_NOT_FOUND, "test-path", "/nonexistent/test");
  expect_error ("image-folder", (const char *[]) { f.train_pair, NULL }, INTERP_ERROR_MISSING,
                "test-path", "");
  folder_clear (&f);
}

/* A Tiny ImageNet layout: 3 classes of 2 training images, 4 val images. */
static char *
write_tiny (void)
{
  char *root = tds_tmpdir ();
  const char *wnids = "n02\nn01\nn03\n";
  g_free (tds_write (root, "wnids.txt", wnids, strlen (wnids)));
  const char *words = "n01\tgoldfish, Carassius auratus\nn02\tcat\nn03\tdog\nn99\tunused\n";
  g_free (tds_write (root, "words.txt", words, strlen (words)));
  const char *ids[3] = { "n02", "n01", "n03" };
  for (int k = 0; k < 3; k++)
    for (int i = 0; i < 2; i++)
      {
        char *rel = g_strdup_printf ("train/%s/images/%s_%d.JPEG", ids[k], ids[k], i);
        /* One greyscale JPEG, as the real set has: converted to RGB. */
        jpeg_at (root, rel, 8, 8, k == 1 && i == 1 ? 1 : 3, k * 2 + i);
        g_free (rel);
      }
  const char *ann = "val_0.JPEG\tn03\t0\t0\t7\t7\nval_1.JPEG\tn01\t1\t1\t6\t6\n"
                    "val_2.JPEG\tn02\t0\t0\t7\t7\nval_3.JPEG\tn03\t0\t0\t7\t7\n";
  g_free (tds_write (root, "val/val_annotations.txt", ann, strlen (ann)));
  for (int i = 0; i < 4; i++)
    {
      char *rel = g_strdup_printf ("val/images/val_%d.JPEG", i);
      jpeg_at (root, rel, 8, 8, 3, 10 + i);
      g_free (rel);
    }
  return root;
}

Test (tiny_imagenet, layout_labels_and_names)
{
  char *root = write_tiny ();
  char *pair = g_strdup_printf ("path=%s", root);
  TdsDataset ds;
  GError *error = NULL;
  cr_assert (tds_open ("tiny-imagenet", (const char *[]) { pair, NULL }, 1, &ds, &error), "%s",
             error ? error->message : "");
  cr_assert_eq (ds.info.channels, 3);
  cr_assert_eq (ds.info.height, 8);
  cr_assert_eq (ds.info.width, 8);
  cr_assert_eq (ds.info.n_classes, 3);
  /* Class order is wnids.txt's, names from words.txt. */
  cr_assert_str_eq (ds.info.class_names[0], "cat");
  cr_assert_str_eq (ds.info.class_names[1], "goldfish, Carassius auratus");
  cr_assert_eq (ds.vt->size (ds.self, INTERP_SPLIT_TRAIN), 6);
  cr_assert_eq (ds.vt->size (ds.self, INTERP_SPLIT_TEST), 4);
  const int val_labels[4] = { 2, 1, 0, 2 };
  for (int i = 0; i < 4; i++)
    {
      int32_t label;
      g_free (tds_read (&ds, INTERP_SPLIT_TEST, i, &label));
      cr_assert_eq (label, val_labels[i]);
    }
  int32_t label;
  float *x = tds_read (&ds, INTERP_SPLIT_TRAIN, 3, &label);   /* the grey one */
  cr_assert_eq (label, 1);
  for (int i = 0; i < 64; i++)
    cr_assert_float_eq (x[i], x[64 + i], 1e-7);
  g_free (x);
  tds_close (&ds);
  g_free (pair);
  tds_rmtree (root);
  g_free (root);
}

Test (tiny_imagenet, bad_layouts)
{
  char *root = write_tiny ();
  char *pair = g_strdup_printf ("path=%s", root);
  const char *pairs[] = { pair, NULL };
  const char *ann = "val_0.JPEG\tn03\t0\t0\t7\t7\nval_1.JPEG\tn07\t1\t1\t6\t6\n";
  g_free (tds_write (root, "val/val_annotations.txt", ann, strlen (ann)));
  expect_error ("tiny-imagenet", pairs, INTERP_ERROR_FORMAT, "val_annotations.txt:2",
                "'n07' is not listed");
  ann = "val_0.JPEG\n";
  g_free (tds_write (root, "val/val_annotations.txt", ann, strlen (ann)));
  expect_error ("tiny-imagenet", pairs, INTERP_ERROR_FORMAT, "val_annotations.txt:1",
                "expected");
  ann = "val_9.JPEG\tn03\n";
  g_free (tds_write (root, "val/val_annotations.txt", ann, strlen (ann)));
  expect_error ("tiny-imagenet", pairs, INTERP_ERROR_NOT_FOUND, "val_9.JPEG", "");
  const char *wnids = "n02\nn01\nn03\nn04\n";
  g_free (tds_write (root, "wnids.txt", wnids, strlen (wnids)));
  expect_error ("tiny-imagenet", pairs, INTERP_ERROR_NOT_FOUND, "n04", "");
  wnids = "n02\nn01\nn02\n";
  g_free (tds_write (root, "wnids.txt", wnids, strlen (wnids)));
  expect_error ("tiny-imagenet", pairs, INTERP_ERROR_FORMAT, "wnids.txt:3", "listed twice");
  char *w = g_build_filename (root, "wnids.txt", NULL);
  g_remove (w);
  g_free (w);
  expect_error ("tiny-imagenet", pairs, INTERP_ERROR_NOT_FOUND, "wnids.txt", "");
  g_free (pair);
  tds_rmtree (root);
  g_free (root);
}
