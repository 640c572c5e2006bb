/* What ran: the resolved pipeline and the environment with timings. */
#include "config.h"

#include "report/report-private.h"
#include "util/json.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>

#include <interp/error.h>

void
report_section_pipeline (Report *r)
{
  JsonNode *pn = json_object_get_member (r->manifest, "pipeline");
  if (!pn || !JSON_NODE_HOLDS_OBJECT (pn))
    return;
  report_section_begin (r, "pipeline", "Pipeline (resolved)");
  GString *b = r->body;
  const char *file = interp_json_get_string (r->manifest, "pipeline_file", NULL);
  if (file)
    {
      g_string_append (b, "<p>From <code>");
      report_html_text (b, file);
      g_string_append (b, "</code>, with every default filled in.</p>\n");
    }
  g_string_append (b, "<pre class=\"ini\">");
  JsonObject *groups = json_node_get_object (pn);
  GList *names = json_object_get_members (groups);
  for (GList *g = names; g; g = g->next)
    {
      JsonNode *gn = json_object_get_member (groups, g->data);
      g_string_append (b, "<span class=\"group\">[");
      report_html_text (b, g->data);
      g_string_append (b, "]</span>\n");
      if (!JSON_NODE_HOLDS_OBJECT (gn))
        continue;
      JsonObject *go = json_node_get_object (gn);
      GList *keys = json_object_get_members (go);
      for (GList *k = keys; k; k = k->next)
        {
          char *v = report_obj_text (go, k->data);
          g_string_append (b, "<span class=\"key\">");
          report_html_text (b, k->data);
          g_string_append (b, "</span> = ");
          report_html_text (b, v);
          g_string_append_c (b, '\n');
          g_free (v);
        }
      g_list_free (keys);
      if (g->next)
        g_string_append_c (b, '\n');
    }
  g_list_free (names);
  g_string_append (b, "</pre>\n");
  report_section_end (r);
}

static void
table_row (GString *b, const char *key, const char *value)
{
  g_string_append (b, "<tr><th>");
  report_html_text (b, key);
  g_string_append (b, "</th><td>");
  report_html_text (b, value && *value ? value : "\u2013");
  g_string_append (b, "</td></tr>\n");
}

/* An ISO 8601 time as "2026-11-29 09:12:34 UTC"; other text unchanged. */
char *
report_format_time (const char *iso)
{
  GDateTime *t = iso && *iso ? g_date_time_new_from_iso8601 (iso, NULL) : NULL;
  if (!t)
    return g_strdup (iso ? iso : "");
  GDateTime *utc = g_date_time_to_utc (t);
  char *s = g_date_time_format (utc, "%Y-%m-%d %H:%M:%S UTC");
  g_date_time_unref (utc);
  g_date_time_unref (t);
  return s;
}

char *
report_format_duration (double s)
{
  if (!isfinite (s) || s < 0)
    return g_strdup ("");
  if (s < 120)
    return g_strdup_printf ("%.1f s", s);
  if (s < 7200)
    return g_strdup_printf ("%.0f min %02.0f s", floor (s / 60), fmod (s, 60));
  return g_strdup_printf ("%.0f h %02.0f min", floor (s / 3600), floor (fmod (s, 3600) / 60));
}

void
report_section_environment (Report *r, const TrialTiming *timings)
{
  report_section_begin (r, "environment", "Environment and timings");
  GString *b = r->body;
  g_string_append (b, "<div class=\"columns\"><div>\n<table class=\"kv\">\n");
  static const struct { const char *key, *label; } fields[] = {
    { "interp_version", "interp version" }, { "pipeline_file", "pipeline file" },
    { "host", "host" }, { "threads", "threads" }, { "seed", "seed" },
    { "started", "started" }, { "finished", "finished" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      char *v = report_obj_text (r->manifest, fields[i].key);
      if (strcmp (fields[i].key, "started") == 0 || strcmp (fields[i].key, "finished") == 0)
        {
          char *t = report_format_time (v);
          g_free (v);
          v = t;
        }
      table_row (b, fields[i].label, v);
      g_free (v);
    }
  const char *started = interp_json_get_string (r->manifest, "started", NULL);
  const char *finished = interp_json_get_string (r->manifest, "finished", NULL);
  GDateTime *t0 = started ? g_date_time_new_from_iso8601 (started, NULL) : NULL;
  GDateTime *t1 = finished ? g_date_time_new_from_iso8601 (finished, NULL) : NULL;
  if (t0 && t1)
    {
      double s = g_date_time_difference (t1, t0) / (double) G_TIME_SPAN_SECOND;
      char *d = report_format_duration (s);
      table_row (b, "wall time", d);
      g_free (d);
    }
  if (t0)
    g_date_time_unref (t0);
  if (t1)
    g_date_time_unref (t1);
  char *n = g_strdup_printf ("%u", r->trials->len);
  table_row (b, "trials", n);
  g_free (n);
  g_string_append (b, "</table>\n</div>\n");

  JsonNode *pl = json_object_get_member (r->manifest, "plugins");
  if (pl && JSON_NODE_HOLDS_ARRAY (pl) && json_array_get_length (json_node_get_array (pl)) > 0)
    {
      JsonArray *a = json_node_get_array (pl);
      g_string_append (b, "<div>\n<table class=\"plugins\"><thead><tr><th>plugin</th>"
                       "<th>version</th><th>file</th></tr></thead>\n<tbody>\n");
      for (guint i = 0; i < json_array_get_length (a); i++)
        {
          JsonNode *e = json_array_get_element (a, i);
          JsonObject *o = JSON_NODE_HOLDS_OBJECT (e) ? json_node_get_object (e) : NULL;
          char *cells[] = { report_obj_text (o, "name"), report_obj_text (o, "version"),
                            report_obj_text (o, "path") };
          g_string_append (b, "<tr>");
          for (guint c = 0; c < G_N_ELEMENTS (cells); c++)
            {
              g_string_append (b, c == 2 ? "<td class=\"path\">" : "<td>");
              report_html_text (b, cells[c]);
              g_string_append (b, "</td>");
              g_free (cells[c]);
            }
          g_string_append (b, "</tr>\n");
        }
      g_string_append (b, "</tbody></table>\n</div>\n");
    }
  g_string_append (b, "</div>\n");

  if (r->trials->len > 0)
    {
      g_string_append (b, "<h3>Trials</h3>\n<div class=\"scroll\"><table class=\"trials\">"
                       "<thead><tr><th>trial</th>");
      for (guint k = 0; k < r->n_swept; k++)
        {
          g_string_append (b, "<th>");
          report_html_text (b, r->swept_keys[k]);
          g_string_append (b, "</th>");
        }
      g_string_append (b, "<th>seed</th><th>epochs</th><th>training time</th>"
                       "<th>final train loss</th><th>final val. accuracy</th></tr></thead>\n<tbody>\n");
      JsonArray *ta = json_node_get_array (json_object_get_member (r->manifest, "trials"));
      for (guint t = 0; t < r->trials->len; t++)
        {
          Trial *trial = g_ptr_array_index (r->trials, t);
          JsonObject *to = json_node_get_object (json_array_get_element (ta, t));
          JsonNode *sw = json_object_get_member (to, "swept");
          JsonObject *swo = sw && JSON_NODE_HOLDS_OBJECT (sw) ? json_node_get_object (sw) : NULL;
          g_string_append (b, "<tr><td>");
          report_html_text (b, trial->id);
          g_string_append (b, "</td>");
          for (guint k = 0; k < r->n_swept; k++)
            {
              char *v = report_obj_text (swo, r->swept_keys[k]);
              g_string_append (b, "<td class=\"num\">");
              report_html_text (b, v);
              g_string_append (b, "</td>");
              g_free (v);
            }
          g_string_append_printf (b, "<td class=\"num\">%" G_GINT64_FORMAT "</td>", trial->seed);
          const TrialTiming *tm = &timings[t];
          if (tm->present)
            {
              char *d = report_format_duration (tm->seconds);
              g_string_append_printf (b, "<td class=\"num\">%u</td><td class=\"num\">", tm->epochs);
              report_html_text (b, d);
              g_string_append (b, "</td><td class=\"num\">");
              report_html_printf (b, "%.4g", tm->final_loss);
              g_string_append (b, "</td><td class=\"num\">");
              report_html_printf (b, "%.4g", tm->final_val);
              g_string_append (b, "</td>");
              g_free (d);
            }
          else
            g_string_append (b, "<td colspan=\"4\" class=\"note\">no training log</td>");
          g_string_append (b, "</tr>\n");
        }
      g_string_append (b, "</tbody></table></div>\n");
    }
  report_section_end (r);
}
