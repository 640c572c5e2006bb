/* InterpRunner: the plugins found along the search path, and what
 * --list-plugins and --describe print about them. */
#include "config.h"

#include "runner/run.h"

#include <interp/error.h>

#include "stats/hypothesis.h"

InterpRunner *
interp_runner_new (const char *const *plugin_dirs)
{
  InterpRunner *r = g_new0 (InterpRunner, 1);
  r->registry = interp_registry_new ();
  r->plugin_dirs = g_strdupv ((char **) plugin_dirs);
  interp_registry_load_search_path (r->registry, plugin_dirs);
  const GPtrArray *problems = interp_registry_problems (r->registry);
  r->problems = g_new0 (char *, problems->len + 1);
  for (guint i = 0; i < problems->len; i++)
    r->problems[i] = g_strdup (g_ptr_array_index (problems, i));
  return r;
}

void
interp_runner_free (InterpRunner *r)
{
  if (r == NULL)
    return;
  interp_registry_free (r->registry);
  g_strfreev (r->plugin_dirs);
  g_strfreev (r->problems);
  g_free (r);
}

const char *const *
interp_runner_plugin_problems (const InterpRunner *r)
{
  return (const char *const *) r->problems;
}

char *
interp_runner_list_text (const InterpRunner *r)
{
  return interp_registry_list_text (r->registry);
}

/* The core groups --describe knows besides KIND:NAME. */
static const struct {
  const char *group;
  const char *about;
  const InterpParamSpec *params;
} core_groups[] = {
  { "pipeline", "[pipeline]: the experiment as a whole", interp_pipeline_params },
  { "train", "[train]: the training stage", interp_train_params },
  { "hypothesis", "[hypothesis:NAME]: a claim decided over the sweep (docs/hypotheses.md)",
    interp_hypothesis_params },
};

char *
interp_runner_describe (const InterpRunner *r, const char *what, GError **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (core_groups); i++)
    if (g_str_equal (what, core_groups[i].group))
      {
        GString *out = g_string_new (core_groups[i].about);
        g_string_append_c (out, '\n');
        interp_describe_params (out, "keys", core_groups[i].params);
        return g_string_free (out, FALSE);
      }
  const InterpRegistryEntry *e = interp_registry_lookup (r->registry, what, error);
  return e ? interp_describe_component (e) : NULL;
}
