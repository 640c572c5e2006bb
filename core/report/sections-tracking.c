/* "Over training": metrics tracked per epoch ([metric:*] track-epochs,
 * trials/ID/epochs.json: {"epochs": N, "rows": [{epoch, metric, target, value}]}). */
#include "config.h"

#include "report/report-private.h"

#include <math.h>
#include <string.h>

#include <interp/error.h>

/* A (metric, target) pair in first-seen order, the network's "" first. */
static void
add_pair (GPtrArray *pairs, const char *metric, const char *target)
{
  char *key = g_strdup_printf ("%s\x1f%s", metric, target);
  for (guint i = 0; i < pairs->len; i++)
    if (strcmp (g_ptr_array_index (pairs, i), key) == 0)
      {
        g_free (key);
        return;
      }
  g_ptr_array_add (pairs, key);
}

/* The pairs with, for each metric in first-seen order, its network-level
 * target "" first and then its layers in first-seen order. */
static GPtrArray *
network_first (GPtrArray *pairs)
{
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < pairs->len; i++)
    {
      const char *k = g_ptr_array_index (pairs, i);
      size_t m = strcspn (k, "\x1f");
      gboolean metric_seen = FALSE;
      for (guint j = 0; j < i && !metric_seen; j++)
        metric_seen = strncmp (g_ptr_array_index (pairs, j), k, m + 1) == 0;
      if (metric_seen)
        continue;
      for (int pass = 0; pass < 2; pass++)
        for (guint j = i; j < pairs->len; j++)
          {
            const char *q = g_ptr_array_index (pairs, j);
            if (strncmp (q, k, m + 1) == 0 && (q[m + 1] == '\0') == (pass == 0))
              g_ptr_array_add (out, g_strdup (q));
          }
    }
  g_ptr_array_unref (pairs);
  return out;
}

gboolean
report_section_tracking (Report *r, GError **error)
{
  JsonParser **parsers = g_new0 (JsonParser *, MAX (r->trials->len, 1));
  GPtrArray *pairs = g_ptr_array_new_with_free_func (g_free);
  gboolean ok = TRUE;
  guint n_files = 0;
  for (guint t = 0; ok && t < r->trials->len; t++)
    {
      Trial *trial = g_ptr_array_index (r->trials, t);
      char *path = g_build_filename (r->dir, "trials", trial->id, "epochs.json", NULL);
      ok = report_optional_json (path, &parsers[t], error);
      if (ok && parsers[t])
        {
          JsonObject *o = json_node_get_object (json_parser_get_root (parsers[t]));
          JsonNode *rows = json_object_get_member (o, "rows");
          if (!rows || !JSON_NODE_HOLDS_ARRAY (rows))
            {
              g_set_error (error, INTERP_ERROR, INTERP_ERROR_FORMAT, "%s: no \"rows\" array",
                           path);
              ok = FALSE;
            }
          JsonArray *a = ok ? json_node_get_array (rows) : NULL;
          for (guint i = 0; ok && i < json_array_get_length (a); i++)
            {
              JsonNode *n = json_array_get_element (a, i);
              JsonObject *row = JSON_NODE_HOLDS_OBJECT (n) ? json_node_get_object (n) : NULL;
              if (!row || !json_object_has_member (row, "epoch")
                  || !json_object_has_member (row, "metric")
                  || !json_object_has_member (row, "value"))
                {
                  g_set_error (error, INTERP_ERROR, INTERP_ERROR_FORMAT,
                               "%s: row %u needs epoch, metric and value", path, i);
                  ok = FALSE;
                  break;
                }
              char *metric = report_obj_text (row, "metric");
              char *target = report_obj_text (row, "target");
              add_pair (pairs, metric, target);
              g_free (metric);
              g_free (target);
            }
          n_files++;
        }
      g_free (path);
    }
  if (ok && pairs->len > 0)
    {
      pairs = network_first (pairs);
      report_section_begin (r, "tracking", "Over training");
      GString *b = r->body;
      g_string_append_printf (b, "<p>Metrics with <code>track-epochs = true</code>, measured on "
                              "the clean validation split after every epoch (%u trial%s with "
                              "<code>epochs.json</code>). The validation accuracy of every "
                              "run is under \"Training curves\".</p>\n",
                              n_files, n_files == 1 ? "" : "s");
      g_string_append (b, "<div class=\"plots\">\n");
      GPtrArray *order = report_condition_labels (r);
      for (guint p = 0; p < pairs->len; p++)
        {
          char **mt = g_strsplit (g_ptr_array_index (pairs, p), "\x1f", 2);
          Accum acc;
          report_accum_init (&acc);
          for (guint t = 0; t < r->trials->len; t++)
            {
              if (!parsers[t])
                continue;
              Trial *trial = g_ptr_array_index (r->trials, t);
              JsonArray *a = json_object_get_array_member (
                json_node_get_object (json_parser_get_root (parsers[t])), "rows");
              for (guint i = 0; i < json_array_get_length (a); i++)
                {
                  JsonObject *row = json_array_get_object_element (a, i);
                  char *metric = report_obj_text (row, "metric");
                  char *target = report_obj_text (row, "target");
                  if (strcmp (metric, mt[0]) == 0 && strcmp (target, mt[1]) == 0)
                    report_accum_add (&acc, trial->condition,
                                      report_node_to_double (json_object_get_member (row, "epoch")),
                                      report_node_to_double (json_object_get_member (row, "value")));
                  g_free (metric);
                  g_free (target);
                }
            }
          const Output *o = report_output (r, mt[0]);
          char *title = *mt[1] ? g_strdup_printf ("%s of %s over training", mt[0], mt[1])
                               : g_strdup_printf ("%s over training", mt[0]);
          char *ylabel = report_axis_label (mt[0], o);
          InterpPlot *plot = interp_plot_new (INTERP_PLOT_LINES, title, "epoch", ylabel);
          interp_plot_set_integer_x (plot, TRUE);
          report_limit_y (plot, o, FALSE);
          report_accum_to_plot (&acc, plot, order, "all trials");
          char *ns = report_n_text (acc.min_n, acc.max_n, "trial");
          char *caption = g_strdup_printf ("%s%s%s on the validation split after each epoch, "
                                           "one line per condition (%s).", mt[0],
                                           *mt[1] ? " of " : "", mt[1], ns);
          char *name = g_strdup_printf ("tracking-%s-%s", mt[0], *mt[1] ? mt[1] : "network");
          report_emit_plot (r, b, plot, name, caption);
          g_free (name);
          g_free (caption);
          g_free (ns);
          g_free (ylabel);
          g_free (title);
          report_accum_clear (&acc);
          g_strfreev (mt);
        }
      g_ptr_array_unref (order);
      g_string_append (b, "</div>\n");
      report_section_end (r);
    }
  for (guint t = 0; t < r->trials->len; t++)
    if (parsers[t])
      g_object_unref (parsers[t]);
  g_free (parsers);
  g_ptr_array_unref (pairs);
  return ok;
}
