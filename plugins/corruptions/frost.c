/* corruption:frost -- CIFAR-10-C's frost (hendrycks/robustness,
 * ImageNet-C/create_c/make_cifar_c.py): c0 x + c1 frost, where frost is a
 * random crop of a frost photograph shrunk by a per-size factor.
 *
 * The photographs are not part of interp: the required key `frost-dir`
 * names a folder of PNG/JPEG files (the generator ships frost1.png ..
 * frost6.jpg).  Every file ending in .png, .jpg or .jpeg (any case) is
 * decoded once, as RGB, when the component is created, and shrunk for each
 * size (bilinear, the size rounded as cv2.resize (fx, fy) does, kept as 8-bit
 * pixels as cv2 keeps them); an empty folder, an unreadable folder or a file
 * that does not decode is an error naming it.  Per image: a file uniformly
 * among all of them (the generator's randint (5) never picks its sixth),
 * then the crop's top row uniform in [0, H - side), then its left column in
 * [0, W - side), H x W the shrunk photo (np.random.randint's ranges; a photo
 * not larger than side + 1 in both directions is refused when used).
 *
 * Tables (c0, c1) and shrink factors: 32x32 make_cifar_c.py (0.2); 64x64
 * make_tinyimagenet_c.py (0.3); 224x224 make_imagenet_c.py (no shrink, the
 * rows as google-research/mnist-c's corruptions.py repeats them).  28x28 has
 * no published CIFAR-style table: the blend weights are dimensionless, so it
 * uses the 32x32 row, and the shrink factor 0.2 x 28 / 32 = 0.175 keeps the
 * frost's crystals the same size relative to the image.
 * Greyscale: run on three equal channels and converted back with ITU-R 601
 * luma (grey_through_rgb); the blend is linear, so that is c0 x + c1 times
 * the frost's luma. */
#include "config.h"

#include <string.h>

#include "corruption-common.h"
#include "plugin-components.h"

static const double frost_c[CORR_N_SIZES][5][2] = {
  [CORR_SIZE_28] = { { 1, .2 }, { 1, .3 }, { .9, .4 }, { .85, .4 }, { .75, .45 } },
  [CORR_SIZE_32] = { { 1, .2 }, { 1, .3 }, { .9, .4 }, { .85, .4 }, { .75, .45 } },
  [CORR_SIZE_64] = { { 1, .3 }, { .9, .4 }, { .8, .45 }, { .75, .5 }, { .7, .55 } },
  [CORR_SIZE_224] = { { 1, .4 }, { .8, .6 }, { .7, .7 }, { .65, .7 }, { .6, .75 } },
};
static const double frost_shrink[CORR_N_SIZES] = { 0.175, 0.2, 0.3, 1.0 };

typedef struct {
  char *path;
  int64_t height[CORR_N_SIZES], width[CORR_N_SIZES];
  uint8_t *planes[CORR_N_SIZES];   /* 3 x height x width, planar */
} FrostPhoto;

typedef struct {
  GPtrArray *photos;   /* FrostPhoto, in file-name order */
} FrostState;

static void
frost_photo_free (gpointer p)
{
  FrostPhoto *photo = p;
  for (int s = 0; s < CORR_N_SIZES; s++)
    g_free (photo->planes[s]);
  g_free (photo->path);
  g_free (photo);
}

static void
frost_destroy_state (gpointer p)
{
  FrostState *state = p;
  g_ptr_array_unref (state->photos);
  g_free (state);
}

static gboolean
is_image_name (const char *name)
{
  char *lower = g_ascii_strdown (name, -1);
  gboolean yes = g_str_has_suffix (lower, ".png") || g_str_has_suffix (lower, ".jpg")
                 || g_str_has_suffix (lower, ".jpeg");
  g_free (lower);
  return yes;
}

static gint
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

static FrostPhoto *
frost_photo_load (const char *path, const char *where, GError **error)
{
  InterpPixels px = { 0 };
  GError *inner = NULL;
  if (!interp_pixels_decode_file (path, 3, &px, &inner))
    {
      g_set_error (error, INTERP_ERROR, inner->code, "%s: frost-dir: %s", where,
                   inner->message);
      g_error_free (inner);
      return NULL;
    }
  FrostPhoto *photo = g_new0 (FrostPhoto, 1);
  photo->path = g_strdup (path);
  for (int s = 0; s < CORR_N_SIZES; s++)
    {
      photo->height[s] = MAX (1, (int64_t) (px.height * frost_shrink[s] + 0.5));
      photo->width[s] = MAX (1, (int64_t) (px.width * frost_shrink[s] + 0.5));
      photo->planes[s] = g_new (uint8_t, (size_t) (3 * photo->height[s] * photo->width[s]));
      interp_pixels_to_chw_u8 (&px, photo->height[s], photo->width[s], photo->planes[s]);
    }
  interp_pixels_clear (&px);
  return photo;
}

static gpointer
frost_create_state (const InterpParams *params, InterpContext *ctx, GError **error)
{
  (void) ctx;
  const char *where = interp_params_where (params);
  const char *dir_path = interp_params_get_string (params, "frost-dir");
  GError *inner = NULL;
  GDir *dir = g_dir_open (dir_path, 0, &inner);
  if (dir == NULL)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_NOT_FOUND,
                   "%s: frost-dir: cannot open the folder '%s': %s", where, dir_path,
                   inner->message);
      g_error_free (inner);
      return NULL;
    }
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  const char *name;
  while ((name = g_dir_read_name (dir)) != NULL)
    if (is_image_name (name))
      g_ptr_array_add (names, g_strdup (name));
  g_dir_close (dir);
  /* Sorted, so the draw that picks a photo means the same photo on every
   * machine, whatever order the file system lists them in. */
  g_ptr_array_sort (names, compare_names);
  if (names->len == 0)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_NOT_FOUND,
                   "%s: frost-dir: the folder '%s' holds no .png, .jpg or .jpeg frost image",
                   where, dir_path);
      g_ptr_array_unref (names);
      return NULL;
    }
  FrostState *state = g_new0 (FrostState, 1);
  state->photos = g_ptr_array_new_with_free_func (frost_photo_free);
  for (guint i = 0; i < names->len; i++)
    {
      char *path = g_build_filename (dir_path, (const char *) names->pdata[i], NULL);
      FrostPhoto *photo = frost_photo_load (path, where, error);
      g_free (path);
      if (photo == NULL)
        {
          frost_destroy_state (state);
          g_ptr_array_unref (names);
          return NULL;
        }
      g_ptr_array_add (state->photos, photo);
    }
  g_ptr_array_unref (names);
  return state;
}

static gboolean
frost_apply (const CorrCall *call, const InterpImage *src, InterpImage *dst, GError **error)
{
  const FrostState *state = call->state;
  const double *c = CORR_PICK (frost_c, call);
  int s = call->size;
  const FrostPhoto *photo
    = state->photos->pdata[interp_rng_below (call->rng, state->photos->len)];
  int64_t side = src->height, ph = photo->height[s], pw = photo->width[s];
  if (ph <= side || pw <= side)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_UNSUPPORTED,
                   "%s: frost-dir: '%s' shrunk by %g is %" G_GINT64_FORMAT "x%" G_GINT64_FORMAT
                   ", not larger than the %" G_GINT64_FORMAT "x%" G_GINT64_FORMAT
                   " image it must be cropped to", call->where, photo->path,
                   frost_shrink[s], pw, ph, side, side);
      return FALSE;
    }
  int64_t top = (int64_t) interp_rng_below (call->rng, (uint64_t) (ph - side));
  int64_t left = (int64_t) interp_rng_below (call->rng, (uint64_t) (pw - side));
  size_t n = (size_t) (side * side);
  for (int64_t ch = 0; ch < 3; ch++)
    for (int64_t y = 0; y < side; y++)
      for (int64_t x = 0; x < side; x++)
        {
          size_t i = (size_t) ch * n + (size_t) (y * side + x);
          double f = photo->planes[s][(ch * ph + top + y) * pw + left + x] / 255.0;
          dst->data[i] = (float) (c[0] * src->data[i] + c[1] * f);
        }
  return TRUE;
}

static const CorrSpec frost_spec = {
  .name = "frost",
  .apply = frost_apply,
  .create_state = frost_create_state,
  .destroy_state = frost_destroy_state,
  .grey_through_rgb = TRUE,
};

static gpointer
frost_create (const InterpParams *params, InterpContext *ctx, GError **error)
{
  return corr_instance_new (&frost_spec, params, ctx, error);
}

static const InterpParamSpec frost_params[] = {
  { .key = "frost-dir", .type = INTERP_PARAM_STRING, .default_value = NULL,
    .help = "folder of frost photographs (.png/.jpg/.jpeg), e.g. the generator's "
            "frost1.png .. frost6.jpg" },
  CORR_COMMON_PARAMS,
  { 0 }
};

static const InterpCorruptionVTable frost_vtable = {
  INTERP_VTABLE_SIZE (InterpCorruptionVTable),
  .level_key = "severity",
  .create = frost_create,
  .destroy = corr_destroy,
  .apply = corr_apply,
};

const InterpComponent interp_corruption_frost = INTERP_COMPONENT (
  .kind = INTERP_KIND_CORRUPTION, .name = "frost",
  .description = "CIFAR-10-C frost: c0 x + c1 (a random crop of a frost photo from frost-dir).",
  .params = frost_params, .vtable = &frost_vtable);
