/* Folders of PNG/JPEG images: the generic `image-folder` layout
 * (root/<class>/<image>, classes in byte order of their folder names, as
 * torchvision's ImageFolder) and Tiny ImageNet's layout (Stanford CS231n):
 *   root/wnids.txt                        one class id (WordNet id) per line
 *   root/words.txt                        optional "wnid<TAB>names"
 *   root/train/<wnid>/images/<file>.JPEG  500 per class in the original
 *   root/val/images/<file>.JPEG + root/val/val_annotations.txt
 *                                         "file<TAB>wnid<TAB>x0<TAB>y0<TAB>x1<TAB>y1"
 * Tiny ImageNet's test images carry no labels, so its val set serves as the
 * TEST split here (the core can still hold a validation split out of train).
 * All images are decoded at open into uint8; they must share one size
 * unless `size` asks for a resize.
 */
#include "config.h"

#include "datasets.h"
#include <interp/image.h>

#include <stdlib.h>
#include <string.h>

static const InterpParamSpec image_folder_params[] = {
  { "train-path", INTERP_PARAM_STRING, NULL,
    "folder with one sub-folder of .png/.jpg images per class", 0, 0, NULL },
  { "test-path", INTERP_PARAM_STRING, NULL,
    "folder with the test images, in class sub-folders named as in train-path", 0, 0, NULL },
  { "size", INTERP_PARAM_INT, "0",
    "resize every image to size x size (bilinear); 0 = keep, all images must then "
    "share one size", 0, 4096, NULL },
  { "channels", INTERP_PARAM_CHOICE, "auto",
    "1 = grey, 3 = RGB (images are converted); auto = as the first training image",
    0, 0, "auto|1|3" },
  { 0 }
};

static const InterpParamSpec tiny_imagenet_params[] = {
  { "path", INTERP_PARAM_STRING, NULL,
    "the tiny-imagenet-200 folder (wnids.txt, train/, val/)", 0, 0, NULL },
  { "size", INTERP_PARAM_INT, "0",
    "resize every image to size x size (bilinear); 0 = keep the 64 x 64 originals",
    0, 4096, NULL },
  { 0 }
};

/* The images of one split, in load order. */
typedef struct {
  GPtrArray *paths;      /* char* */
  GArray *labels;        /* int32_t */
} FileList;

static void
file_list_init (FileList *l)
{
  l->paths = g_ptr_array_new_with_free_func (g_free);
  l->labels = g_array_new (FALSE, FALSE, sizeof (int32_t));
}

static void
file_list_clear (FileList *l)
{
  g_ptr_array_unref (l->paths);
  g_array_unref (l->labels);
}

static void
file_list_add (FileList *l, char *path, int32_t label)
{
  g_ptr_array_add (l->paths, path);
  g_array_append_val (l->labels, label);
}

static gboolean
is_image_name (const char *name)
{
  char *lower = g_ascii_strdown (name, -1);
  gboolean yes = name[0] != '.'
                 && (g_str_has_suffix (lower, ".png") || g_str_has_suffix (lower, ".jpg")
                     || g_str_has_suffix (lower, ".jpeg"));
  g_free (lower);
  return yes;
}

static int
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* Sorted entries of `dir`: sub-folders (folders = TRUE) or image files. */
static GPtrArray *
list_dir (const char *dir, gboolean folders, GError **error)
{
  GError *local = NULL;
  GDir *d = g_dir_open (dir, 0, &local);
  if (d == NULL)
    {
      g_set_error (error, INTERP_ERROR,
                   g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT)
                   ? INTERP_ERROR_NOT_FOUND : INTERP_ERROR_IO, "%s", local->message);
      g_error_free (local);
      return NULL;
    }
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  const char *name;
  while ((name = g_dir_read_name (d)))
    {
      char *full = g_build_filename (dir, name, NULL);
      gboolean is_dir = g_file_test (full, G_FILE_TEST_IS_DIR);
      g_free (full);
      if (folders ? (is_dir && name[0] != '.') : (!is_dir && is_image_name (name)))
        g_ptr_array_add (names, g_strdup (name));
    }
  g_dir_close (d);
  g_ptr_array_sort (names, compare_strings);
  return names;
}

/* Appends the images of folder `dir` with `label`; an empty folder is an
 * error (a class without images is almost always a broken copy). */
static gboolean
add_folder_images (FileList *list, const char *dir, int32_t label, GError **error)
{
  GPtrArray *files = list_dir (dir, FALSE, error);
  if (files == NULL)
    return FALSE;
  if (files->len == 0)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_FORMAT,
                   "%s: no .png or .jpg images in this class folder", dir);
      g_ptr_array_unref (files);
      return FALSE;
    }
  for (guint i = 0; i < files->len; i++)
    file_list_add (list, g_build_filename (dir, g_ptr_array_index (files, i), NULL), label);
  g_ptr_array_unref (files);
  return TRUE;
}

/* Decodes every file of `list` into split s.  The first training image fixes
 * channels (when want_channels is 0) and, when size is 0, height x width. */
static gboolean
decode_list (DsStore *store, InterpSplit s, const FileList *list, int want_channels,
             int64_t size, GError **error)
{
  const int64_t n = list->paths->len;
  const char *first = NULL;
  for (int64_t i = 0; i < n; i++)
    {
      const char *path = g_ptr_array_index (list->paths, i);
      InterpPixels img;
      if (!interp_pixels_decode_file (path, want_channels ? want_channels : (int) store->channels,
                                      &img, error))
        return FALSE;
      if (store->channels == 0)
        {
          store->channels = img.channels;
          store->height = size ? size : img.height;
          store->width = size ? size : img.width;
        }
      if (i == 0)
        {
          ds_store_alloc (store, s, n);
          first = path;
        }
      if (size == 0 && (img.height != store->height || img.width != store->width))
        {
          g_set_error (error, INTERP_ERROR, INTERP_ERROR_FORMAT,
                       "%s: image is %" G_GINT64_FORMAT "x%" G_GINT64_FORMAT " (width x height)"
                       " but %s is %" G_GINT64_FORMAT "x%" G_GINT64_FORMAT
                       "; set `size` to resize", path, img.width, img.height,
                       s == INTERP_SPLIT_TRAIN ? first : "the first training image",
                       store->width, store->height);
          interp_pixels_clear (&img);
          return FALSE;
        }
      DsSplit *sp = &store->split[s];
      interp_pixels_to_chw_u8 (&img, store->height, store->width,
                               sp->pixels + i * ds_store_sample_size (store));
      sp->labels[i] = g_array_index (list->labels, int32_t, i);
      interp_pixels_clear (&img);
    }
  if (n == 0)
    ds_store_alloc (store, s, 0);
  return TRUE;
}

static gpointer
image_folder_open (const InterpParams *params, InterpContext *ctx, GError **error)
{
  (void) ctx;
  const char *train_dir = interp_params_get_string (params, "train-path");
  const char *test_dir = interp_params_get_string (params, "test-path");
  const char *ch = interp_params_get_string (params, "channels");
  int want_channels = g_str_equal (ch, "auto") ? 0 : atoi (ch);
  int64_t size = interp_params_get_int (params, "size");
  const char *const keys[] = { "train-path", "test-path" };
  const char *const dirs[] = { train_dir, test_dir };
  for (int i = 0; i < 2; i++)
    if (!g_file_test (dirs[i], G_FILE_TEST_IS_DIR))
      {
        g_set_error (error, INTERP_ERROR, INTERP_ERROR_NOT_FOUND,
                     "%s: key '%s': %s is not a folder", interp_params_where (params), keys[i],
                     dirs[i]);
        return NULL;
      }

  DsStore *store = ds_store_new ("image-folder");
  FileList lists[2];
  file_list_init (&lists[0]);
  file_list_init (&lists[1]);
  GPtrArray *classes = list_dir (train_dir, TRUE, error);
  GPtrArray *test_classes = NULL;
  gboolean ok = classes != NULL;
  if (ok && classes->len == 0)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_FORMAT,
                   "%s: no class folders (expected %s/<class>/<image>.png)", train_dir,
                   train_dir);
      ok = FALSE;
    }
  for (guint k = 0; ok && k < classes->len; k++)
    {
      char *dir = g_build_filename (train_dir, g_ptr_array_index (classes, k), NULL);
      ok = add_folder_images (&lists[0], dir, (int32_t) k, error);
      g_free (dir);
    }
  if (ok)
    test_classes = list_dir (test_dir, TRUE, error);
  ok = ok && test_classes != NULL;
  for (guint t = 0; ok && t < test_classes->len; t++)
    {
      const char *name = g_ptr_array_index (test_classes, t);
      guint k;
      if (!g_ptr_array_find_with_equal_func (classes, name, g_str_equal, &k))
        {
          g_set_error (error, INTERP_ERROR, INTERP_ERROR_FORMAT,
                       "%s/%s: class folder not present in the training folder %s", test_dir,
                       name, train_dir);
          ok = FALSE;
          break;
        }
      char *dir = g_build_filename (test_dir, name, NULL);
      ok = add_folder_images (&lists[1], dir, (int32_t) k, error);
      g_free (dir);
    }
  if (ok)
    {
      store->n_classes = (int) classes->len;
      g_ptr_array_add (classes, NULL);
      store->class_names = g_strdupv ((char **) classes->pdata);
      ok = decode_list (store, INTERP_SPLIT_TRAIN, &lists[0], want_channels, size, error)
           && decode_list (store, INTERP_SPLIT_TEST, &lists[1], want_channels, size, error);
    }
  if (classes)
    g_ptr_array_unref (classes);
  if (test_classes)
    g_ptr_array_unref (test_classes);
  file_list_clear (&lists[0]);
  file_list_clear (&lists[1]);
  if (!ok)
    {
      ds_store_close (store);
      return NULL;
    }
  return store;
}

/* val_annotations.txt -> the TEST file list. */
static gboolean
tiny_val_list (const char *root, GHashTable *wnid_index, FileList *list, GError **error)
{
  char *ann = g_build_filename (root, "val", "val_annotations.txt", NULL);
  char *text = NULL;
  GError *local = NULL;
  gboolean ok = g_file_get_contents (ann, &text, NULL, &local);
  if (!ok)
    {
      g_set_error (error, INTERP_ERROR,
                   g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT)
                   ? INTERP_ERROR_NOT_FOUND : INTERP_ERROR_IO, "%s", local->message);
      g_error_free (local);
      g_free (ann);
      return FALSE;
    }
  char **lines = g_strsplit (text, "\n", -1);
  g_free (text);
  for (int i = 0; ok && lines[i]; i++)
    {
      char *line = g_strstrip (lines[i]);
      if (*line == '\0')
        continue;
      char **f = g_strsplit (line, "\t", 3);
      gpointer label;
      if (g_strv_length (f) < 2 || *f[0] == '\0')
        {
          g_set_error (error, INTERP_ERROR, INTERP_ERROR_FORMAT,
                       "%s:%d: expected 'file<TAB>wnid<TAB>...'", ann, i + 1);
          ok = FALSE;
        }
      else if (!g_hash_table_lookup_extended (wnid_index, f[1], NULL, &label))
        {
          g_set_error (error, INTERP_ERROR, INTERP_ERROR_FORMAT,
                       "%s:%d: class '%s' is not listed in wnids.txt", ann, i + 1, f[1]);
          ok = FALSE;
        }
      else
        file_list_add (list, g_build_filename (root, "val", "images", f[0], NULL),
                       (int32_t) GPOINTER_TO_INT (label));
      g_strfreev (f);
    }
  if (ok && list->paths->len == 0)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_FORMAT, "%s: no annotations", ann);
      ok = FALSE;
    }
  g_strfreev (lines);
  g_free (ann);
  return ok;
}

/* words.txt names the classes ("n01443537<TAB>goldfish, Carassius auratus");
 * without it the wnids are the names. */
static char **
tiny_class_names (const char *root, char **wnids)
{
  char *path = g_build_filename (root, "words.txt", NULL);
  char **lines = g_file_test (path, G_FILE_TEST_EXISTS) ? ds_read_lines (path, NULL) : NULL;
  g_free (path);
  GHashTable *words = g_hash_table_new (g_str_hash, g_str_equal);
  for (char **l = lines; l && *l; l++)
    {
      char *tab = strchr (*l, '\t');
      if (tab)
        {
          *tab = '\0';
          g_hash_table_insert (words, *l, tab + 1);
        }
    }
  guint n = g_strv_length (wnids);
  char **names = g_new0 (char *, n + 1);
  for (guint k = 0; k < n; k++)
    {
      const char *w = g_hash_table_lookup (words, wnids[k]);
      names[k] = g_strdup (w ? w : wnids[k]);
    }
  g_hash_table_unref (words);
  g_strfreev (lines);
  return names;
}

static gpointer
tiny_imagenet_open (const InterpParams *params, InterpContext *ctx, GError **error)
{
  (void) ctx;
  const char *root = interp_params_get_string (params, "path");
  int64_t size = interp_params_get_int (params, "size");
  if (!g_file_test (root, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_NOT_FOUND,
                   "%s: key 'path': %s is not a folder", interp_params_where (params), root);
      return NULL;
    }
  char *wnids_path = g_build_filename (root, "wnids.txt", NULL);
  char **wnids = ds_read_lines (wnids_path, error);
  if (wnids == NULL)
    {
      g_free (wnids_path);
      return NULL;
    }
  DsStore *store = ds_store_new ("tiny-imagenet");
  GHashTable *index = g_hash_table_new (g_str_hash, g_str_equal);
  FileList lists[2];
  file_list_init (&lists[0]);
  file_list_init (&lists[1]);
  gboolean ok = TRUE;
  if (wnids[0] == NULL)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_FORMAT, "%s: no class ids", wnids_path);
      ok = FALSE;
    }
  for (int k = 0; ok && wnids[k]; k++)
    {
      if (g_hash_table_contains (index, wnids[k]))
        {
          g_set_error (error, INTERP_ERROR, INTERP_ERROR_FORMAT,
                       "%s:%d: class '%s' listed twice", wnids_path, k + 1, wnids[k]);
          ok = FALSE;
          break;
        }
      g_hash_table_insert (index, wnids[k], GINT_TO_POINTER (k));
      char *dir = g_build_filename (root, "train", wnids[k], "images", NULL);
      ok = add_folder_images (&lists[0], dir, k, error);
      g_free (dir);
    }
  ok = ok && tiny_val_list (root, index, &lists[1], error);
  if (ok)
    {
      store->n_classes = (int) g_strv_length (wnids);
      store->class_names = tiny_class_names (root, wnids);
      ok = decode_list (store, INTERP_SPLIT_TRAIN, &lists[0], 3, size, error)
           && decode_list (store, INTERP_SPLIT_TEST, &lists[1], 3, size, error);
    }
  g_hash_table_unref (index);
  g_strfreev (wnids);
  g_free (wnids_path);
  file_list_clear (&lists[0]);
  file_list_clear (&lists[1]);
  if (!ok)
    {
      ds_store_close (store);
      return NULL;
    }
  return store;
}

static const InterpDatasetVTable image_folder_vtable = {
  INTERP_VTABLE_SIZE (InterpDatasetVTable),
  .open = image_folder_open,
  .close = ds_store_close,
  .info = ds_store_info,
  .size = ds_store_size,
  .read = ds_store_read,
};

static const InterpDatasetVTable tiny_imagenet_vtable = {
  INTERP_VTABLE_SIZE (InterpDatasetVTable),
  .open = tiny_imagenet_open,
  .close = ds_store_close,
  .info = ds_store_info,
  .size = ds_store_size,
  .read = ds_store_read,
};

const InterpComponent interp_dataset_image_folder = INTERP_COMPONENT (
  .kind = INTERP_KIND_DATASET, .name = "image-folder",
  .description = "PNG/JPEG images in one sub-folder per class, with a separate test folder",
  .params = image_folder_params, .vtable = &image_folder_vtable);

const InterpComponent interp_dataset_tiny_imagenet = INTERP_COMPONENT (
  .kind = INTERP_KIND_DATASET, .name = "tiny-imagenet",
  .description = "Tiny ImageNet (200 classes, 64x64 JPEG); its val set is the test split",
  .params = tiny_imagenet_params, .vtable = &tiny_imagenet_vtable);
