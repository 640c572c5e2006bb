/* interp_report_write: builds the report from a run folder, section by section. */
#include "config.h"

#include "report/report-private.h"
#include "util/fs.h"
#include "util/json.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>

#include <interp/error.h>

/* Removes plots/NAME.svg files this report did not write (left by an
 * earlier report of the same run), so plots/ matches the page. */
static void
remove_stale_plots (Report *r)
{
  GDir *d = g_dir_open (r->plots_dir, 0, NULL);
  if (!d)
    return;
  const char *name;
  while ((name = g_dir_read_name (d)))
    {
      if (!g_str_has_suffix (name, ".svg"))
        continue;
      char *slug = g_strndup (name, strlen (name) - strlen (".svg"));
      if (!g_hash_table_contains (r->plot_names, slug))
        {
          char *path = g_build_filename (r->plots_dir, name, NULL);
          g_unlink (path);
          g_free (path);
        }
      g_free (slug);
    }
  g_dir_close (d);
}

static void
report_clear (Report *r)
{
  g_free (r->dir);
  if (r->manifest_parser)
    g_object_unref (r->manifest_parser);
  if (r->hypotheses_parser)
    g_object_unref (r->hypotheses_parser);
  g_strfreev (r->swept_keys);
  g_strfreev (r->short_keys);
  g_free (r->is_seed_key);
  g_ptr_array_unref (r->trials);
  g_ptr_array_unref (r->rows);
  g_ptr_array_unref (r->conditions);
  g_string_free (r->body, TRUE);
  for (guint i = 0; i < r->sections->len; i++)
    {
      SectionRef *s = &g_array_index (r->sections, SectionRef, i);
      g_free (s->id);
      g_free (s->title);
    }
  g_array_unref (r->sections);
  g_hash_table_unref (r->plot_names);
  g_free (r->plots_dir);
  g_ptr_array_unref (r->outputs);
}

static void
report_init (Report *r, const char *run_dir)
{
  *r = (Report) { 0 };
  r->dir = g_strdup (run_dir);
  r->trials = g_ptr_array_new_with_free_func (report_trial_free);
  r->rows = g_ptr_array_new_with_free_func (report_row_free);
  r->conditions = g_ptr_array_new_with_free_func (report_condition_free);
  r->body = g_string_new (NULL);
  r->sections = g_array_new (FALSE, FALSE, sizeof (SectionRef));
  r->plot_names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  r->plots_dir = g_build_filename (run_dir, "plots", NULL);
  r->outputs = g_ptr_array_new_with_free_func (report_output_free);
}

gboolean
interp_report_check_options (JsonObject *manifest, GError **error)
{
  Report r;
  report_init (&r, ".");
  const char *file = interp_json_get_string (manifest, "pipeline_file", "the pipeline");
  gboolean ok = report_read_manifest (&r, manifest, file, error)
                && report_check_mce_baseline (&r, error);
  r.manifest = NULL;   /* borrowed */
  report_clear (&r);
  return ok;
}

gboolean
interp_report_write (const char *run_dir, GError **error)
{
  g_return_val_if_fail (run_dir != NULL, FALSE);
  if (!g_file_test (run_dir, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_NOT_FOUND, "%s: no such run folder", run_dir);
      return FALSE;
    }
  Report r;
  report_init (&r, run_dir);

  gboolean ok = report_load_manifest (&r, error) && report_load_summary (&r, error);
  TrialTiming *timings = NULL;
  if (ok)
    {
      g_ptr_array_sort (r.conditions, report_compare_conditions);
      timings = g_new0 (TrialTiming, MAX (r.trials->len, 1));
      ok = report_section_hypotheses (&r, error);
    }
  if (ok)
    {
      report_section_results (&r);
      ok = report_check_mce_baseline (&r, error) && report_section_corruption_summary (&r, error);
    }
  if (ok)
    {
      report_section_perturbations (&r, "corruption:", "corruptions", "Robustness to corruptions",
                                    "severity (level)", "severity");
      report_section_corruption_examples (&r);
      report_section_perturbations (&r, "attack:", "attacks", "Robustness to adversarial attacks",
                                    "epsilon (input scale 0..1)", "epsilon");
      ok = report_section_minimal_epsilon (&r, error);
    }
  if (ok)
    {
      report_section_attack_examples (&r);
      report_section_saliency_maps (&r);
      report_section_saliency_summary (&r);
      report_section_sanity_randomisation (&r);
      report_section_sanity_data (&r);
      ok = report_section_deletion_insertion (&r, error);
    }
  if (ok)
    {
      report_section_roar (&r);
      report_section_sweep (&r);
      ok = report_sections_outputs (&r, error);
      if (ok)
        report_section_layers_under_perturbations (&r);
      ok = ok && report_section_tracking (&r, error);
      ok = ok && report_section_gradient_norms (&r, error);
      ok = ok && report_section_training (&r, timings, error);
    }
  if (ok)
    {
      report_section_plugins (&r);
      report_section_pipeline (&r);
      report_section_environment (&r, timings);
      GString *page = g_string_new (NULL);
      report_write_page (&r, page);
      char *path = g_build_filename (run_dir, "report.html", NULL);
      ok = interp_write_file_atomic (path, page->str, page->len, error);
      g_free (path);
      g_string_free (page, TRUE);
      if (ok)
        remove_stale_plots (&r);
    }
  g_free (timings);
  report_clear (&r);
  return ok;
}
