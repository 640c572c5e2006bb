/* IDX files: MNIST and Fashion-MNIST.
 *
 * Format (LeCun's MNIST page): a 4-byte magic 0x00 0x00 TYPE NDIM, NDIM
 * big-endian uint32 dimensions, then the data in row-major order.  Images
 * are TYPE 0x08 (unsigned byte), NDIM 3 (count, rows, cols): magic
 * 0x00000803; labels NDIM 1: magic 0x00000801.  Files may be gzipped (.gz);
 * zlib reads both.
 */
#include "config.h"

#include "datasets.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#define IDX_MAGIC_IMAGES 0x00000803u
#define IDX_MAGIC_LABELS 0x00000801u
#define IDX_N_CLASSES 10

/* Guards against allocating what a corrupt header claims. */
#define IDX_MAX_BYTES ((int64_t) 1 << 36)
/* The first read's size; the buffer then doubles while data keeps coming. */
#define IDX_READ_CHUNK ((int64_t) 1 << 20)

static const InterpParamSpec fashion_mnist_params[] = {
  { "path", INTERP_PARAM_STRING, "/usr/share/datasets/fashion-mnist",
    "folder with train-images-idx3-ubyte(.gz), train-labels-idx1-ubyte(.gz), "
    "t10k-images-idx3-ubyte(.gz), t10k-labels-idx1-ubyte(.gz)", 0, 0, NULL },
  { 0 }
};

static const InterpParamSpec mnist_params[] = {
  { "path", INTERP_PARAM_STRING, NULL,
    "folder with train-images-idx3-ubyte(.gz), train-labels-idx1-ubyte(.gz), "
    "t10k-images-idx3-ubyte(.gz), t10k-labels-idx1-ubyte(.gz)", 0, 0, NULL },
  { 0 }
};

/* Class names from Xiao, Rasul & Vollgraf (2017), Fashion-MNIST README. */
static const char *const fashion_mnist_classes[IDX_N_CLASSES + 1] = {
  "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
  "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot", NULL,
};

static const char *const mnist_classes[IDX_N_CLASSES + 1] = {
  "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", NULL,
};

/* Reads exactly `len` bytes; returns the number read, or -1 (error set)
 * when zlib reports corrupt data. */
static int64_t
gz_read_all (gzFile gz, const char *path, void *buf, int64_t len, GError **error)
{
  int64_t done = 0;
  while (done < len)
    {
      unsigned chunk = (unsigned) MIN (len - done, (int64_t) 1 << 30);
      int got = gzread (gz, (char *) buf + done, chunk);
      if (got < 0 || (got == 0 && !gzeof (gz)))
        {
          int errnum = Z_OK;
          const char *msg = gzerror (gz, &errnum);
          g_set_error (error, INTERP_ERROR, errnum == Z_ERRNO ? INTERP_ERROR_IO
                       : INTERP_ERROR_FORMAT,
                       "%s: corrupt gzip data (%s)", path,
                       errnum == Z_ERRNO ? g_strerror (errno) : msg);
          return -1;
        }
      if (got == 0)
        break;
      done += got;
    }
  /* zlib reports a truncated stream as an error after a short read. */
  int errnum = Z_OK;
  const char *msg = gzerror (gz, &errnum);
  if (errnum != Z_OK && errnum != Z_STREAM_END)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_FORMAT,
                   "%s: corrupt or truncated gzip data (%s)", path, msg);
      return -1;
    }
  return done;
}

/* Reads one IDX file of unsigned bytes with `want_ndim` dimensions into
 * dims[] and a new buffer *data (g_free). */
static gboolean
idx_read (const char *path, int want_ndim, int64_t *dims, uint8_t **data, GError **error)
{
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    {
      int e = errno;
      g_set_error (error, INTERP_ERROR, e == ENOENT ? INTERP_ERROR_NOT_FOUND : INTERP_ERROR_IO,
                   "%s: cannot open: %s", path, g_strerror (e));
      return FALSE;
    }
  gzFile gz = gzdopen (fd, "rb");
  if (gz == NULL)
    {
      close (fd);
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_IO, "%s: cannot open for reading", path);
      return FALSE;
    }
  gzbuffer (gz, 1 << 18);
  gboolean ok = FALSE;
  uint8_t *buf = NULL;
  uint8_t head[4 + 4 * 3];
  int64_t got = gz_read_all (gz, path, head, 4, error);
  if (got < 0)
    goto out;
  if (g_str_has_suffix (path, ".gz") && gzdirect (gz))
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_FORMAT,
                   "%s: not a gzip file although its name ends in .gz", path);
      goto out;
    }
  if (got < 4)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_FORMAT,
                   "%s: truncated: %" G_GINT64_FORMAT " bytes, shorter than an IDX header",
                   path, got);
      goto out;
    }
  uint32_t magic = ((uint32_t) head[0] << 24) | ((uint32_t) head[1] << 16)
                   | ((uint32_t) head[2] << 8) | head[3];
  uint32_t want = want_ndim == 3 ? IDX_MAGIC_IMAGES : IDX_MAGIC_LABELS;
  if (magic != want)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_FORMAT,
                   "%s: wrong magic number 0x%08x (expected 0x%08x: IDX %s of unsigned bytes)",
                   path, magic, want, want_ndim == 3 ? "images" : "labels");
      goto out;
    }
  got = gz_read_all (gz, path, head + 4, 4 * want_ndim, error);
  if (got < 0)
    goto out;
  if (got < 4 * want_ndim)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_FORMAT,
                   "%s: truncated inside the IDX header", path);
      goto out;
    }
  int64_t total = 1;
  for (int d = 0; d < want_ndim; d++)
    {
      const uint8_t *b = head + 4 + 4 * d;
      dims[d] = ((int64_t) b[0] << 24) | ((int64_t) b[1] << 16) | ((int64_t) b[2] << 8) | b[3];
      if (dims[d] == 0)
        {
          g_set_error (error, INTERP_ERROR, INTERP_ERROR_FORMAT,
                       "%s: dimension %d is zero", path, d);
          goto out;
        }
      /* Checked before multiplying: the product of three 32-bit dimensions
       * overflows int64. */
      if (dims[d] > IDX_MAX_BYTES / total)
        {
          g_set_error (error, INTERP_ERROR, INTERP_ERROR_FORMAT,
                       "%s: implausible dimensions (more than %" G_GINT64_FORMAT " bytes)",
                       path, IDX_MAX_BYTES);
          goto out;
        }
      total *= dims[d];
    }
  /* The buffer grows with the data actually read, so a corrupt header on
   * a short file cannot make us allocate what it claims. */
  got = 0;
  for (int64_t cap = 0; got == cap && cap < total;)
    {
      int64_t want_cap = MIN (total, MAX (cap * 2, (int64_t) IDX_READ_CHUNK));
      buf = g_realloc (buf, (gsize) want_cap);
      int64_t n = gz_read_all (gz, path, buf + cap, want_cap - cap, error);
      if (n < 0)
        goto out;
      got = cap + n;
      cap = want_cap;
    }
  if (got < total)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_FORMAT,
                   "%s: truncated: the header declares %" G_GINT64_FORMAT
                   " data bytes but the file holds %" G_GINT64_FORMAT, path, total, got);
      goto out;
    }
  /* Reading past the declared end also makes zlib check the gzip CRC. */
  uint8_t extra;
  got = gz_read_all (gz, path, &extra, 1, error);
  if (got < 0)
    goto out;
  if (got > 0)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_FORMAT,
                   "%s: longer than its header declares (%" G_GINT64_FORMAT " data bytes)",
                   path, total);
      goto out;
    }
  ok = TRUE;
out:
  gzclose (gz);
  if (ok)
    *data = buf;
  else
    g_free (buf);
  return ok;
}

/* The file of one IDX part in `dir`: "<stem>-idx3-ubyte.gz", the raw file,
 * or the "<stem>.idx3-ubyte" spelling of some mirrors. */
static char *
idx_find (const char *dir, const char *stem, int ndim, GError **error)
{
  char *bases[] = {
    g_strdup_printf ("%s-idx%d-ubyte.gz", stem, ndim),
    g_strdup_printf ("%s-idx%d-ubyte", stem, ndim),
    g_strdup_printf ("%s.idx%d-ubyte", stem, ndim),
  };
  char *found = NULL;
  for (gsize i = 0; i < G_N_ELEMENTS (bases); i++)
    {
      char *path = g_build_filename (dir, bases[i], NULL);
      if (!found && g_file_test (path, G_FILE_TEST_EXISTS))
        found = g_steal_pointer (&path);
      g_free (path);
      g_free (bases[i]);
    }
  if (found)
    return found;
  g_set_error (error, INTERP_ERROR, INTERP_ERROR_NOT_FOUND,
               "%s: no file %s-idx%d-ubyte or %s-idx%d-ubyte.gz", dir, stem, ndim, stem, ndim);
  return NULL;
}

static gboolean
idx_load_split (DsStore *store, const char *dir, InterpSplit s, const char *prefix,
                GError **error)
{
  char *stem_img = g_strdup_printf ("%s-images", prefix);
  char *stem_lab = g_strdup_printf ("%s-labels", prefix);
  char *img_path = NULL, *lab_path = NULL;
  uint8_t *pixels = NULL, *raw_labels = NULL;
  int64_t idims[3], ldims[1];
  gboolean ok = FALSE;

  img_path = idx_find (dir, stem_img, 3, error);
  if (!img_path)
    goto out;
  lab_path = idx_find (dir, stem_lab, 1, error);
  if (!lab_path)
    goto out;
  if (!idx_read (img_path, 3, idims, &pixels, error)
      || !idx_read (lab_path, 1, ldims, &raw_labels, error))
    goto out;
  if (idims[0] != ldims[0])
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_FORMAT,
                   "%s holds %" G_GINT64_FORMAT " images but %s holds %" G_GINT64_FORMAT
                   " labels", img_path, idims[0], lab_path, ldims[0]);
      goto out;
    }
  if (s == INTERP_SPLIT_TRAIN)
    {
      store->channels = 1;
      store->height = idims[1];
      store->width = idims[2];
    }
  else if (idims[1] != store->height || idims[2] != store->width)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_FORMAT,
                   "%s: images are %" G_GINT64_FORMAT "x%" G_GINT64_FORMAT
                   " but the training images are %" G_GINT64_FORMAT "x%" G_GINT64_FORMAT,
                   img_path, idims[1], idims[2], store->height, store->width);
      goto out;
    }
  /* IDX image data already is N x 1 x H x W in row-major order. */
  DsSplit *sp = &store->split[s];
  sp->n = idims[0];
  sp->pixels = g_steal_pointer (&pixels);
  sp->labels = g_new (int32_t, (gsize) sp->n);
  for (int64_t i = 0; i < sp->n; i++)
    sp->labels[i] = raw_labels[i];
  ok = ds_store_check_labels (store, s, lab_path, error);
out:
  g_free (stem_img);
  g_free (stem_lab);
  g_free (img_path);
  g_free (lab_path);
  g_free (pixels);
  g_free (raw_labels);
  return ok;
}

static gpointer
idx_open (const char *name, const char *const *classes, const InterpParams *params,
          GError **error)
{
  const char *dir = interp_params_get_string (params, "path");
  if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_NOT_FOUND,
                   "%s: key 'path': %s is not a folder%s", interp_params_where (params), dir,
                   g_str_equal (name, "fashion-mnist")
                   ? " (install the Debian package dataset-fashion-mnist)" : "");
      return NULL;
    }
  DsStore *store = ds_store_new (name);
  store->n_classes = IDX_N_CLASSES;
  store->class_names = g_strdupv ((char **) classes);
  if (!idx_load_split (store, dir, INTERP_SPLIT_TRAIN, "train", error)
      || !idx_load_split (store, dir, INTERP_SPLIT_TEST, "t10k", error))
    {
      ds_store_close (store);
      return NULL;
    }
  return store;
}

static gpointer
fashion_mnist_open (const InterpParams *params, InterpContext *ctx, GError **error)
{
  (void) ctx;
  return idx_open ("fashion-mnist", fashion_mnist_classes, params, error);
}

static gpointer
mnist_open (const InterpParams *params, InterpContext *ctx, GError **error)
{
  (void) ctx;
  return idx_open ("mnist", mnist_classes, params, error);
}

static const InterpDatasetVTable fashion_mnist_vtable = {
  INTERP_VTABLE_SIZE (InterpDatasetVTable),
  .open = fashion_mnist_open,
  .close = ds_store_close,
  .info = ds_store_info,
  .size = ds_store_size,
  .read = ds_store_read,
};

static const InterpDatasetVTable mnist_vtable = {
  INTERP_VTABLE_SIZE (InterpDatasetVTable),
  .open = mnist_open,
  .close = ds_store_close,
  .info = ds_store_info,
  .size = ds_store_size,
  .read = ds_store_read,
};

const InterpComponent interp_dataset_fashion_mnist = INTERP_COMPONENT (
  .kind = INTERP_KIND_DATASET, .name = "fashion-mnist",
  .description = "Fashion-MNIST (Zalando): 28x28 grey clothing images, 10 classes, IDX files",
  .params = fashion_mnist_params, .vtable = &fashion_mnist_vtable);

const InterpComponent interp_dataset_mnist = INTERP_COMPONENT (
  .kind = INTERP_KIND_DATASET, .name = "mnist",
  .description = "MNIST handwritten digits: 28x28 grey images, 10 classes, IDX files",
  .params = mnist_params, .vtable = &mnist_vtable);
