/* Data randomisation across trials (saliency-stage.h), Adebayo et al. 2018,
 * "Sanity Checks for Saliency Maps", section 5: the maps of a network
 * trained on permuted labels against those of the network trained on the
 * true ones.  A method whose maps stay alike does not depend on the
 * relation between images and labels that the network learned. */
#include "config.h"

#include "runner/saliency-stage.h"

#include <string.h>

#include "runner/saliency-similarity.h"
#include "util/fs.h"

#define PERMUTE_KEY "dataset.permute-labels"
#define MAPS_FILE "saliency-maps.safetensors"
#define ROWS_FILE "saliency-data.json"

/* A swept boolean as the key file reads it: 1 true, 0 false, -1 neither. */
static int
swept_bool (const char *text)
{
  if (text == NULL)
    return -1;
  if (g_ascii_strcasecmp (text, "true") == 0 || g_str_equal (text, "1"))
    return 1;
  if (g_ascii_strcasecmp (text, "false") == 0 || g_str_equal (text, "0"))
    return 0;
  return -1;
}

/* Whether trial b has a's swept values except permute-labels, false in b. */
static gboolean
is_partner (const InterpPipeline *p, GHashTable *a, GHashTable *b)
{
  for (guint k = 0; k < p->sweep->len; k++)
    {
      const char *key = ((InterpSweepAxis *) g_ptr_array_index (p->sweep, k))->key;
      const char *va = g_hash_table_lookup (a, key), *vb = g_hash_table_lookup (b, key);
      if (g_str_equal (key, PERMUTE_KEY))
        {
          if (swept_bool (vb) != 0)
            return FALSE;
        }
      else if (g_strcmp0 (va, vb) != 0)
        return FALSE;
    }
  return TRUE;
}

static char *
trial_path (const char *run_dir, guint trial, const char *file)
{
  char *id = g_strdup_printf ("trial-%03u", trial);
  char *path = g_build_filename (run_dir, "trials", id, file, NULL);
  g_free (id);
  return path;
}

/* A tensor of a maps file, or an error naming the file and the tensor. */
static const InterpTensor *
tensor_of (GHashTable *file, const char *path, const char *name, GError **error)
{
  const InterpTensor *t = g_hash_table_lookup (file, name);
  if (t == NULL)
    g_set_error (error, INTERP_ERROR, INTERP_ERROR_MISSING, "%s: no tensor '%s'", path, name);
  return t;
}

/* The two trials explained the same test images (saliency-images-seed). */
static gboolean
same_images (GHashTable *a, const char *pa, GHashTable *b, const char *pb, GError **error)
{
  const InterpTensor *ia = tensor_of (a, pa, "indices", error);
  const InterpTensor *ib = ia ? tensor_of (b, pb, "indices", error) : NULL;
  if (ib == NULL)
    return FALSE;
  if (ia->numel != ib->numel || memcmp (ia->data, ib->data, ia->numel * sizeof (float)) != 0)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_FORMAT,
                   "%s and %s explain different test images (tensor 'indices'), so their "
                   "maps cannot be compared", pa, pb);
      return FALSE;
    }
  return TRUE;
}

/* The rows of trial `permuted` against its partner, into rows. */
static gboolean
compare_trials (const InterpPipeline *p, const char *run_dir, guint permuted, guint partner,
                JsonArray *rows, GError **error)
{
  char *pa = trial_path (run_dir, permuted, MAPS_FILE);
  char *pb = trial_path (run_dir, partner, MAPS_FILE);
  GHashTable *a = interp_safetensors_read (pa, NULL, error);
  GHashTable *b = a ? interp_safetensors_read (pb, NULL, error) : NULL;
  gboolean ok = b != NULL && same_images (a, pa, b, pb, error);
  GPtrArray *stages = interp_pipeline_instances (p, INTERP_KIND_SALIENCY);
  for (guint s = 0; ok && stages && s < stages->len; s++)
    {
      const InterpStage *st = g_ptr_array_index (stages, s);
      const InterpTensor *ma = tensor_of (a, pa, st->group, error);
      const InterpTensor *mb = ma ? tensor_of (b, pb, st->group, error) : NULL;
      ok = mb != NULL;
      if (ok && !interp_tensor_same_shape (ma, mb))
        {
          g_set_error (error, INTERP_ERROR, INTERP_ERROR_SHAPE,
                       "%s and %s: the maps '%s' differ in shape", pa, pb, st->group);
          ok = FALSE;
        }
      InterpMapSimilarity sims[INTERP_N_SIMILARITIES];
      size_t n_sims = 0;
      ok = ok && interp_saliency_similarities (st->common, ma, sims, &n_sims, error);
      for (size_t k = 0; ok && k < n_sims; k++)
        interp_saliency_similarity_rows (rows, "data", "", st->group, sims[k], ma, mb);
    }
  if (a)
    g_hash_table_unref (a);
  if (b)
    g_hash_table_unref (b);
  g_free (pa);
  g_free (pb);
  return ok;
}

gboolean
interp_saliency_data_randomisation (const InterpPipeline *p, const char *run_dir,
                                    GError **error)
{
  const guint n = interp_pipeline_n_trials (p);
  GPtrArray *swept = g_ptr_array_new_with_free_func ((GDestroyNotify) g_hash_table_unref);
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (swept, interp_pipeline_trial_swept (p, i));
  gboolean ok = TRUE;
  for (guint i = 0; ok && i < n; i++)
    {
      if (swept_bool (g_hash_table_lookup (swept->pdata[i], PERMUTE_KEY)) != 1)
        continue;
      guint partner = G_MAXUINT;
      for (guint j = 0; j < n && partner == G_MAXUINT; j++)
        if (j != i && is_partner (p, swept->pdata[i], swept->pdata[j]))
          partner = j;
      if (partner == G_MAXUINT)
        {
          g_warning ("trial-%03u trains on permuted labels but no trial has the same swept "
                     "values with %s = false: no data randomisation rows", i, PERMUTE_KEY);
          continue;
        }
      JsonArray *rows = json_array_new ();
      ok = compare_trials (p, run_dir, i, partner, rows, error);
      if (ok)
        {
          JsonObject *o = json_object_new ();
          json_object_set_array_member (o, "rows", rows);
          JsonNode *root = json_node_new (JSON_NODE_OBJECT);
          json_node_take_object (root, o);
          char *path = trial_path (run_dir, i, ROWS_FILE);
          ok = interp_write_json_atomic (path, root, error);
          g_free (path);
          json_node_unref (root);
        }
      else
        json_array_unref (rows);
    }
  g_ptr_array_unref (swept);
  return ok;
}
