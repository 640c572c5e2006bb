/* stored: evaluate on a stored corrupted suite (CIFAR-10-C, Tiny-ImageNet-C,
 * MNIST-C, Fashion-MNIST-C; layouts in plugins/datasets/corrupted-suite.h)
 * with the same summary rows (perturbation "corruption:NAME", one level per
 * severity) as a generated corruption.
 *
 * Test image i at severity s is replaced by stored image i of block s: the
 * stored suite must be the corrupted copy of this very test set, in its
 * order.  Every call checks the stored label of row i equals the test
 * image's label, so a different or reordered test set fails at its first
 * disagreeing image instead of yielding a meaningless accuracy.
 *
 * The runner passes the image index through apply_indexed; plain apply
 * cannot know it and refuses. */
#include "config.h"

#include <string.h>

#include <interp/interp.h>

#include "plugin-components.h"
#include "../datasets/corrupted-suite.h"

#define N_SEVERITIES 5

static const InterpParamSpec stored_params[] = {
  { .key = "path", .type = INTERP_PARAM_STRING, .default_value = NULL,
    .help = "folder of the stored suite (e.g. CIFAR-10-C or mnist_c)" },
  { .key = "layout", .type = INTERP_PARAM_CHOICE, .default_value = "auto",
    .help = "cifar-c: DIR/<corruption>.npy + DIR/labels.npy; mnist-c: "
            "DIR/<corruption>/test_images.npy + test_labels.npy; auto: whichever exists",
    .choices = SUITE_LAYOUT_CHOICES },
  { .key = "corruption", .type = INTERP_PARAM_STRING, .default_value = "",
    .help = "the stored name (default: the group's name with '-' as '_', so "
            "[corruption:gaussian-noise] reads gaussian_noise)" },
  { .key = "severity", .type = INTERP_PARAM_INT_LIST, .default_value = "1,2,3,4,5",
    .help = "severities to evaluate (mnist-c stores only 1)", .min = 1, .max = 5 },
  { 0 }
};

typedef struct {
  char *where;
  SuiteBlock block[N_SEVERITIES];
  gboolean open[N_SEVERITIES];
} Stored;

/* The group's name from "file.ini: [corruption:NAME]" (params.h's `where`
 * contract), with '-' as '_'; NULL if `where` has no group. */
static char *
name_from_group (const char *where)
{
  const char *open = strrchr (where, '[');
  const char *close = open ? strchr (open, ']') : NULL;
  if (open == NULL || close == NULL)
    return NULL;
  const char *colon = memchr (open, ':', (size_t) (close - open));
  const char *start = colon ? colon + 1 : open + 1;
  char *name = g_strndup (start, (size_t) (close - start));
  g_strdelimit (name, "-", '_');
  return name;
}

static void
stored_destroy (gpointer p)
{
  Stored *self = p;
  if (self == NULL)
    return;
  for (int s = 0; s < N_SEVERITIES; s++)
    if (self->open[s])
      suite_block_clear (&self->block[s]);
  g_free (self->where);
  g_free (self);
}

/* Every listed severity's block is opened here, so a missing file, a bad
 * shape or a severity the layout lacks fails before any evaluation. */
static gpointer
stored_create (const InterpParams *params, InterpContext *ctx, GError **error)
{
  (void) ctx;
  const char *where = interp_params_where (params);
  const char *dir = interp_params_get_string (params, "path");
  SuiteLayout layout = suite_layout_from_string (interp_params_get_string (params, "layout"));
  char *corruption = g_strdup (interp_params_get_string (params, "corruption"));
  if (*corruption == '\0')
    {
      g_free (corruption);
      corruption = name_from_group (where);
    }
  if (corruption == NULL || *corruption == '\0' || strchr (corruption, '/') != NULL)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_BAD_VALUE,
                   "%s: key 'corruption': '%s' is not a stored corruption name", where,
                   corruption ? corruption : "");
      g_free (corruption);
      return NULL;
    }
  Stored *self = g_new0 (Stored, 1);
  self->where = g_strdup (where);
  size_t n = 0;
  const gint64 *severities = interp_params_get_int_list (params, "severity", &n);
  gboolean ok = TRUE;
  for (size_t k = 0; ok && k < n; k++)
    {
      int s = (int) severities[k] - 1;
      if (self->open[s])
        continue;
      /* Labels are checked against the test set's, image by image: no
       * class count is needed here. */
      ok = suite_block_open_test (&self->block[s], where, dir, layout, corruption, s + 1, 0,
                                  error);
      self->open[s] = ok;
      if (ok)
        {
          const SuiteBlock *a = &self->block[s], *b = NULL;
          for (int t = 0; t < N_SEVERITIES && b == NULL; t++)
            if (t != s && self->open[t])
              b = &self->block[t];
          if (b && (a->n != b->n || a->channels != b->channels || a->height != b->height
                    || a->width != b->width))
            {
              g_set_error (error, INTERP_ERROR, INTERP_ERROR_SHAPE,
                           "%s: severity %d of '%s' does not have the shape of the others",
                           where, s + 1, corruption);
              ok = FALSE;
            }
        }
    }
  g_free (corruption);
  if (!ok)
    {
      stored_destroy (self);
      return NULL;
    }
  return self;
}

static gboolean
stored_apply (gpointer p, const InterpTensor *x, double level, InterpRng *rng,
              InterpTensor *out, GError **error)
{
  Stored *self = p;
  g_set_error (error, INTERP_ERROR, INTERP_ERROR_UNSUPPORTED,
               "%s: corruption 'stored' replaces test image i by stored image i, so it needs "
               "the image index (apply_indexed), which this caller does not pass", self->where);
  return FALSE;
}

static gboolean
stored_apply_indexed (gpointer p, const InterpTensor *x, int64_t index, int32_t label,
                      double level, InterpRng *rng, InterpTensor *out, GError **error)
{
  (void) rng;
  Stored *self = p;
  int s = (int) level - 1;
  if ((double) (s + 1) != level || s < 0 || s >= N_SEVERITIES || !self->open[s])
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_OUT_OF_RANGE,
                   "%s: severity %g is not one of the key 'severity'", self->where, level);
      return FALSE;
    }
  SuiteBlock *b = &self->block[s];
  if (x->ndim != 4 || x->shape[0] != 1 || x->shape[1] != b->channels
      || x->shape[2] != b->height || x->shape[3] != b->width)
    {
      char *shape = interp_tensor_shape_string (x);
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_SHAPE,
                   "%s: %s holds %" G_GINT64_FORMAT "x%" G_GINT64_FORMAT "x%" G_GINT64_FORMAT
                   " (channels x height x width) images, the test image is %s", self->where,
                   interp_npy_path (b->images), b->channels, b->height, b->width, shape);
      g_free (shape);
      return FALSE;
    }
  if (index < 0 || index >= b->n)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_SHAPE,
                   "%s: test image %" G_GINT64_FORMAT " has no stored counterpart: %s holds %"
                   G_GINT64_FORMAT " images per severity (the stored set is not this test set)",
                   self->where, index, interp_npy_path (b->images), b->n);
      return FALSE;
    }
  if (b->labels[index] != label)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_FORMAT,
                   "%s: %s: row %" G_GINT64_FORMAT " has label %d but test image %"
                   G_GINT64_FORMAT " has label %d: the stored set is not this test set (or "
                   "not in its order)", self->where, b->labels_path, b->labels_first + index,
                   (int) b->labels[index], index, (int) label);
      return FALSE;
    }
  /* Per call, not in the instance: the runner corrupts from several threads. */
  uint8_t *pixels = g_malloc (interp_tensor_sample_size (x));
  gboolean ok = suite_block_read (b, index, 1, pixels, error);
  if (ok)
    {
      interp_tensor_reshape (out, x->ndim, x->shape);
      /* The same conversion as the datasets' (plugins/datasets/store.c), so a
       * stored image evaluates exactly as when served by corrupted-set. */
      const float scale = 1.0f / 255.0f;
      for (size_t j = 0; j < out->numel; j++)
        out->data[j] = (float) pixels[j] * scale;
    }
  g_free (pixels);
  return ok;
}

static const InterpCorruptionVTable stored_vtable = {
  INTERP_VTABLE_SIZE (InterpCorruptionVTable),
  .level_key = "severity",
  .create = stored_create,
  .destroy = stored_destroy,
  .apply = stored_apply,
  .apply_indexed = stored_apply_indexed,
};

const InterpComponent interp_corruption_stored = INTERP_COMPONENT (
  .kind = INTERP_KIND_CORRUPTION, .name = "stored",
  .description = "A stored corrupted suite (CIFAR-10-C, MNIST-C .npy): test image i becomes "
                 "stored image i of each severity; labels must agree",
  .params = stored_params, .vtable = &stored_vtable);
