/* Example images of the evaluation, TRIAL/examples/NAME.png (contract in examples.h). */
#include "config.h"

#include "runner/examples.h"

#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include <interp/error.h>

#include <interp/image.h>

#include "util/fs.h"

/* Instance names and level texts are already file-safe ([a-z0-9-.]);
 * anything else becomes '_' so a name can never leave the folder. */
static void
append_safe (GString *s, const char *text)
{
  for (const char *p = text; *p; p++)
    g_string_append_c (s, g_ascii_isalnum (*p) || *p == '-' || *p == '.' ? *p : '_');
}

/* PREFIX-NAME-<level letter>LEVEL, NAME without its kind. */
static GString *
condition_stem (const char *prefix, const char *group, char level_letter, const char *level_text)
{
  const char *colon = strchr (group, ':');
  GString *s = g_string_new (prefix);
  append_safe (s, colon ? colon + 1 : group);
  g_string_append_c (s, '-');
  g_string_append_c (s, level_letter);
  append_safe (s, level_text);
  return s;
}

char *
interp_example_file_name (const char *group, const char *level_text, int64_t index)
{
  if (group == NULL)
    return g_strdup_printf ("clean-%" G_GINT64_FORMAT ".png", index);
  GString *s = condition_stem ("corruption-", group, 's', level_text);
  g_string_append_printf (s, "-%" G_GINT64_FORMAT ".png", index);
  return g_string_free (s, FALSE);
}

char *
interp_attack_example_file_name (const char *group, const char *level_text, int64_t index,
                                 gboolean perturbation)
{
  GString *s = condition_stem ("attack-", group, 'e', level_text);
  g_string_append_printf (s, "-%" G_GINT64_FORMAT "%s.png", index, perturbation ? "-delta" : "");
  return g_string_free (s, FALSE);
}

char *
interp_attack_example_scales_name (const char *group, const char *level_text)
{
  GString *s = condition_stem ("attack-", group, 'e', level_text);
  g_string_append (s, ".json");
  return g_string_free (s, FALSE);
}

int
interp_example_scale (int64_t height, int64_t width)
{
  int64_t side = MIN (height, width);
  if (side <= 0 || side >= INTERP_EXAMPLE_MIN_SIDE)
    return 1;
  return (int) ((INTERP_EXAMPLE_MIN_SIDE + side - 1) / side);
}

/* Image `i` of the batch as interleaved 8-bit pixels, upscaled by `scale`. */
static gboolean
to_pixels (const InterpTensor *batch, int64_t i, int64_t index, int scale, const char *what,
           guint8 *px, GError **error)
{
  int64_t c_n = batch->shape[1], h_n = batch->shape[2], w_n = batch->shape[3];
  const float *img = batch->data + (size_t) i * interp_tensor_sample_size (batch);
  int64_t out_w = w_n * scale;
  for (int64_t c = 0; c < c_n; c++)
    for (int64_t y = 0; y < h_n; y++)
      for (int64_t x = 0; x < w_n; x++)
        {
          float v = img[(c * h_n + y) * w_n + x];
          if (!isfinite (v))
            {
              g_set_error (error, INTERP_ERROR, INTERP_ERROR_BAD_VALUE,
                           "%s: example image %" G_GINT64_FORMAT " has a non-finite pixel "
                           "(channel %" G_GINT64_FORMAT ", row %" G_GINT64_FORMAT ", column %"
                           G_GINT64_FORMAT ")", what, index, c, y, x);
              return FALSE;
            }
          /* Values outside [0, 1] are clamped for display only; the
           * network saw them as they were. */
          guint8 b = (guint8) lrint (255.0 * CLAMP (v, 0.0f, 1.0f));
          for (int dy = 0; dy < scale; dy++)
            for (int dx = 0; dx < scale; dx++)
              px[((y * scale + dy) * out_w + x * scale + dx) * c_n + c] = b;
        }
  return TRUE;
}

/* The checks and the folder every writer shares; NULL (error set) on failure. */
static char *
examples_dir (const char *trial_dir, const char *key, const char *what,
              const InterpTensor *batch, GError **error)
{
  if (batch->ndim != 4 || (batch->shape[1] != 1 && batch->shape[1] != 3))
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_UNSUPPORTED,
                   "[pipeline] %s: %s: only images of 1 or 3 channels can be saved as "
                   "examples (these have %" G_GINT64_FORMAT "); set %s = 0", key, what,
                   batch->ndim == 4 ? batch->shape[1] : 0, key);
      return NULL;
    }
  char *dir = g_build_filename (trial_dir, INTERP_EXAMPLES_DIR, NULL);
  if (!interp_mkdir_p (dir, error))
    {
      g_free (dir);
      return NULL;
    }
  return dir;
}

/* Image i of `batch` as DIR/NAME (atomic, and no time chunk: the same
 * pixels give the same bytes).  px is scratch of the upscaled size. */
static gboolean
write_one (const char *dir, const char *name, const InterpTensor *batch, int64_t i,
           int64_t index, const char *what, InterpPixels *px, GError **error)
{
  int scale = interp_example_scale (batch->shape[2], batch->shape[3]);
  if (!to_pixels (batch, i, index, scale, what, px->pixels, error))
    return FALSE;
  char *path = g_build_filename (dir, name, NULL);
  gboolean ok = interp_pixels_write_png (px, path, error);
  g_free (path);
  return ok;
}

static InterpPixels
pixels_for (const InterpTensor *batch)
{
  int scale = interp_example_scale (batch->shape[2], batch->shape[3]);
  InterpPixels px = { .width = batch->shape[3] * scale, .height = batch->shape[2] * scale,
                      .channels = (int) batch->shape[1] };
  px.pixels = g_malloc ((size_t) px.width * (size_t) px.height * (size_t) px.channels);
  return px;
}

gboolean
interp_examples_write (const char *trial_dir, const char *group, const char *level_text,
                       const InterpTensor *batch, int64_t first_index, int64_t count,
                       GError **error)
{
  if (first_index >= count)
    return TRUE;
  const char *what = group ? group : "clean test data";
  char *dir = examples_dir (trial_dir, "corruption-examples", what, batch, error);
  if (dir == NULL)
    return FALSE;
  InterpPixels px = pixels_for (batch);
  gboolean ok = TRUE;
  for (int64_t i = 0; ok && i < batch->shape[0] && first_index + i < count; i++)
    {
      char *name = interp_example_file_name (group, level_text, first_index + i);
      ok = write_one (dir, name, batch, i, first_index + i, what, &px, error);
      g_free (name);
    }
  interp_pixels_clear (&px);
  g_free (dir);
  return ok;
}

double
interp_attack_example_amplify (const float *x, const float *x_adv, size_t numel, float *out)
{
  double m = 0.0;
  for (size_t j = 0; j < numel; j++)
    m = MAX (m, fabs ((double) x_adv[j] - (double) x[j]));
  for (size_t j = 0; j < numel; j++)
    out[j] = m > 0.0 ? (float) (0.5 + 0.5 * ((double) x_adv[j] - (double) x[j]) / m) : 0.5f;
  return m;
}

gboolean
interp_attack_examples_write (const char *trial_dir, const char *group, const char *level_text,
                              const InterpTensor *x, const InterpTensor *x_adv,
                              int64_t first_index, int64_t count, GArray *max_abs_delta,
                              GError **error)
{
  if (first_index >= count)
    return TRUE;
  char *dir = examples_dir (trial_dir, "attack-examples", group, x_adv, error);
  if (dir == NULL)
    return FALSE;
  InterpPixels px = pixels_for (x_adv);
  const size_t d = interp_tensor_sample_size (x_adv);
  InterpTensor *delta = interp_tensor_new_4d (1, x_adv->shape[1], x_adv->shape[2],
                                              x_adv->shape[3]);
  gboolean ok = TRUE;
  for (int64_t i = 0; ok && i < x_adv->shape[0] && first_index + i < count; i++)
    {
      int64_t index = first_index + i;
      char *name = interp_attack_example_file_name (group, level_text, index, FALSE);
      ok = write_one (dir, name, x_adv, i, index, group, &px, error);
      g_free (name);
      if (!ok)
        break;
      double m = interp_attack_example_amplify (x->data + (size_t) i * d,
                                                x_adv->data + (size_t) i * d, d, delta->data);
      if (!isfinite (m))
        {
          g_set_error (error, INTERP_ERROR, INTERP_ERROR_BAD_VALUE,
                       "%s: example image %" G_GINT64_FORMAT " has a non-finite perturbation",
                       group, index);
          ok = FALSE;
          break;
        }
      g_array_append_val (max_abs_delta, m);
      name = interp_attack_example_file_name (group, level_text, index, TRUE);
      ok = write_one (dir, name, delta, 0, index, group, &px, error);
      g_free (name);
    }
  interp_tensor_free (delta);
  interp_pixels_clear (&px);
  g_free (dir);
  return ok;
}

gboolean
interp_attack_examples_write_scales (const char *trial_dir, const char *group,
                                     const char *level_text, const GArray *max_abs_delta,
                                     GError **error)
{
  JsonObject *o = json_object_new ();
  JsonArray *a = json_array_sized_new (max_abs_delta->len);
  for (guint i = 0; i < max_abs_delta->len; i++)
    json_array_add_double_element (a, g_array_index (max_abs_delta, double, i));
  json_object_set_array_member (o, "max_abs_delta", a);
  JsonNode *root = json_node_init_object (json_node_alloc (), o);
  char *name = interp_attack_example_scales_name (group, level_text);
  char *path = g_build_filename (trial_dir, INTERP_EXAMPLES_DIR, name, NULL);
  gboolean ok = interp_write_json_atomic (path, root, error);
  g_free (path);
  g_free (name);
  json_node_unref (root);
  json_object_unref (o);
  return ok;
}
