/* The names a metric instance reports under (metric-names.h). */
#include "config.h"

#include "runner/metric-names.h"

#include <string.h>

#include <interp/error.h>
#include <interp/metric.h>

const char *
interp_metric_prefix (const InterpStage *metric)
{
  const char *prefix = interp_params_get_string (metric->common, "prefix");
  return prefix ? prefix : "";
}

static gboolean
prefix_ok (const char *prefix)
{
  for (const char *c = prefix; *c; c++)
    if (!g_ascii_isalnum (*c) && *c != '-' && *c != '_' && *c != '.')
      return FALSE;
  return TRUE;
}

/* Whether prefixed names a and b can name the same result. */
static gboolean
names_collide (const char *a, const char *b)
{
  return strcmp (a, b) == 0 || (strchr (a, '*') && g_pattern_match_simple (a, b))
         || (strchr (b, '*') && g_pattern_match_simple (b, a));
}

static const InterpMetricOutput *
outputs_of (const InterpStage *s)
{
  const InterpMetricVTable *vt = s->entry->component->vtable;
  return vt->outputs;
}

gboolean
interp_metric_names_check (const InterpPipeline *p, GError **error)
{
  const GPtrArray *metrics = interp_pipeline_instances (p, INTERP_KIND_METRIC);
  for (guint i = 0; i < metrics->len; i++)
    {
      const InterpStage *a = g_ptr_array_index (metrics, i);
      if (!prefix_ok (interp_metric_prefix (a)))
        {
          g_set_error (error, INTERP_ERROR, INTERP_ERROR_BAD_VALUE,
                       "%s: [%s] prefix '%s': only letters, digits, '-', '_' and '.' "
                       "(it becomes part of the metric names in summary.csv)",
                       p->path, a->group, interp_metric_prefix (a));
          return FALSE;
        }
    }
  for (guint i = 0; i < metrics->len; i++)
    for (guint j = i + 1; j < metrics->len; j++)
      {
        const InterpStage *a = g_ptr_array_index (metrics, i);
        const InterpStage *b = g_ptr_array_index (metrics, j);
        const InterpMetricOutput *oa = outputs_of (a), *ob = outputs_of (b);
        for (; oa && oa->name; oa++)
          for (const InterpMetricOutput *o = ob; o && o->name; o++)
            {
              char *na = g_strconcat (interp_metric_prefix (a), oa->name, NULL);
              char *nb = g_strconcat (interp_metric_prefix (b), o->name, NULL);
              gboolean clash = names_collide (na, nb);
              if (clash)
                g_set_error (error, INTERP_ERROR, INTERP_ERROR_BAD_VALUE,
                             "%s: [%s] and [%s] both report '%s', which summary.csv and the "
                             "hypotheses could not tell apart; give one of them a prefix "
                             "(e.g. [%s] prefix = %s-)",
                             p->path, a->group, b->group, na, b->group, b->instance);
              g_free (na);
              g_free (nb);
              if (clash)
                return FALSE;
            }
      }
  return TRUE;
}
