/* interp_saliency_check (saliency-stage.h): the entries of the list keys of
 * every [saliency:*] group, which the parameter tables take as free text.
 * Run by --check, so a typo fails before any training. */
#include "config.h"

#include "runner/saliency-stage.h"

#include <string.h>

#include "stats/map-similarity.h"

typedef struct {
  const char *key;
  const char *const *known;    /* NULL: the map similarities */
  const char *known_text;
} ListKey;

static const char *const randomisation_known[] = { "cascading", "independent", NULL };
static const char *const faithfulness_known[] = { "deletion", "insertion", "infidelity",
                                                  "max-sensitivity", NULL };
static const char *const roar_known[] = { "roar", "kar", NULL };

static const ListKey list_keys[] = {
  { "randomisation", randomisation_known, "cascading, independent" },
  { "similarity", NULL, NULL },
  { "faithfulness", faithfulness_known, "deletion, insertion, infidelity, max-sensitivity" },
  { "roar", roar_known, "roar, kar" },
};

static gboolean
known_entry (const ListKey *k, const char *entry)
{
  if (k->known == NULL)
    {
      InterpMapSimilarity s;
      return interp_map_similarity_parse (entry, &s);
    }
  for (const char *const *e = k->known; *e; e++)
    if (g_str_equal (*e, entry))
      return TRUE;
  return FALSE;
}

/* Every entry known and none twice (a repeated entry would record its rows
 * twice). */
static gboolean
check_key (const InterpParams *params, const ListKey *k, GError **error)
{
  size_t n;
  const char *const *entries = interp_params_get_string_list (params, k->key, &n);
  for (size_t i = 0; i < n; i++)
    {
      if (!known_entry (k, entries[i]))
        {
          g_set_error (error, INTERP_ERROR, INTERP_ERROR_BAD_VALUE,
                       "%s: key '%s': unknown entry '%s' (known: %s)",
                       interp_params_where (params), k->key, entries[i],
                       k->known_text ? k->known_text : interp_map_similarity_names ());
          return FALSE;
        }
      for (size_t j = 0; j < i; j++)
        if (g_str_equal (entries[j], entries[i]))
          {
            g_set_error (error, INTERP_ERROR, INTERP_ERROR_BAD_VALUE,
                         "%s: key '%s': '%s' is listed twice", interp_params_where (params),
                         k->key, entries[i]);
            return FALSE;
          }
    }
  return TRUE;
}

gboolean
interp_saliency_check (const InterpPipeline *p, GError **error)
{
  GPtrArray *stages = interp_pipeline_instances (p, INTERP_KIND_SALIENCY);
  for (guint i = 0; stages && i < stages->len; i++)
    {
      const InterpStage *st = g_ptr_array_index (stages, i);
      if (st->common == NULL)
        continue;
      for (size_t k = 0; k < G_N_ELEMENTS (list_keys); k++)
        if (!check_key (st->common, &list_keys[k], error))
          return FALSE;
      size_t n_rand, n_sim;
      interp_params_get_string_list (st->common, "randomisation", &n_rand);
      interp_params_get_string_list (st->common, "similarity", &n_sim);
      if (n_rand > 0 && n_sim == 0)
        {
          g_set_error (error, INTERP_ERROR, INTERP_ERROR_BAD_VALUE,
                       "%s: key 'similarity': empty, so the randomisation checks (key "
                       "'randomisation') would compare nothing", interp_params_where (st->common));
          return FALSE;
        }
    }
  return TRUE;
}
