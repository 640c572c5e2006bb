/* The `similarity` key and the similarity rows of the randomisation checks
 * (saliency-similarity.h). */
#include "config.h"

#include "runner/saliency-similarity.h"

#include <math.h>

#include "runner/saliency-stage.h"
#include "stats/stats.h"

/* C, H, W of one map of a batch (N x C x H x W, or N x F as F x 1 x 1). */
static void
map_geometry (const InterpTensor *maps, int64_t *c, int64_t *h, int64_t *w)
{
  *c = maps->ndim >= 2 ? maps->shape[1] : 1;
  *h = maps->ndim == 4 ? maps->shape[2] : 1;
  *w = maps->ndim == 4 ? maps->shape[3] : 1;
}

gboolean
interp_saliency_similarities (const InterpParams *keys, const InterpTensor *maps,
                              InterpMapSimilarity *sims, size_t *n, GError **error)
{
  size_t n_names;
  const char *const *names = interp_params_get_string_list (keys, "similarity", &n_names);
  int64_t c, h, w;
  map_geometry (maps, &c, &h, &w);
  *n = 0;
  for (size_t k = 0; k < n_names; k++)
    {
      InterpMapSimilarity s;
      if (!interp_map_similarity_parse (names[k], &s))
        {
          g_set_error (error, INTERP_ERROR, INTERP_ERROR_BAD_VALUE,
                       "%s: key 'similarity': unknown similarity '%s' (known: %s)",
                       interp_params_where (keys), names[k], interp_map_similarity_names ());
          return FALSE;
        }
      char *why = interp_map_similarity_unfit (s, c, h, w);
      if (why)
        {
          g_set_error (error, INTERP_ERROR, INTERP_ERROR_BAD_VALUE, "%s: key 'similarity': %s",
                       interp_params_where (keys), why);
          g_free (why);
          return FALSE;
        }
      if (*n < INTERP_N_SIMILARITIES)
        sims[(*n)++] = s;
    }
  return TRUE;
}

void
interp_saliency_similarity_rows (JsonArray *rows, const char *check, const char *target,
                                 const char *group, InterpMapSimilarity sim,
                                 const InterpTensor *a, const InterpTensor *b)
{
  const int64_t n = a->shape[0];
  int64_t c, h, w;
  map_geometry (a, &c, &h, &w);
  const size_t per = (size_t) (c * h * w);
  double *values = g_new (double, (size_t) n + 1);
  size_t defined = 0;
  for (int64_t i = 0; i < n; i++)
    {
      double v = interp_map_similarity (sim, a->data + (size_t) i * per,
                                        b->data + (size_t) i * per, c, h, w);
      if (!isnan (v))
        values[defined++] = v;
    }
  char *metric = g_strdup_printf ("sanity-%s-%s", check, interp_map_similarity_name (sim));
  if (defined < (size_t) n)
    g_warning ("%s: %s%s%s: undefined (a constant map) for %" G_GINT64_FORMAT " of %"
               G_GINT64_FORMAT " images; %s", group, metric, *target ? " at " : "", target,
               n - (int64_t) defined, n,
               defined ? "they are left out of the mean" : "recorded as null");
  char *metric_sd = g_strdup_printf ("%s-sd", metric);
  interp_saliency_add_row (rows, metric, target, group, "", interp_stats_mean (values, defined));
  interp_saliency_add_row (rows, metric_sd, target, group, "",
                           interp_stats_sd (values, defined));
  g_free (metric);
  g_free (metric_sd);
  g_free (values);
}
