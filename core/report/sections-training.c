/* The training curves section (trials/ID/train-log.csv). */
#include "config.h"

#include "report/report-private.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>

#include <interp/error.h>

/* train-log.csv of one trial, by column. */
typedef struct {
  GArray *epoch, *train_loss, *train_acc, *val_acc, *lr, *seconds;
} TrainLog;

static void
train_log_clear (TrainLog *l)
{
  GArray **cols[] = { &l->epoch, &l->train_loss, &l->train_acc, &l->val_acc, &l->lr, &l->seconds };
  for (guint i = 0; i < G_N_ELEMENTS (cols); i++)
    if (*cols[i])
      g_array_unref (*cols[i]);
}

/* FALSE with an error for a malformed file; TRUE with l->epoch == NULL
 * when there is none. */
static gboolean
read_train_log (const char *path, TrainLog *l, GError **error)
{
  memset (l, 0, sizeof *l);
  char *text = NULL;
  GError *local = NULL;
  if (!g_file_get_contents (path, &text, NULL, &local))
    {
      gboolean absent = g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT);
      if (!absent)
        g_set_error (error, INTERP_ERROR, INTERP_ERROR_IO, "%s: %s", path, local->message);
      g_error_free (local);
      return absent;
    }
  char **lines = g_strsplit (text, "\n", -1);
  g_free (text);
  static const char *const names[] = { "epoch", "train_loss", "train_accuracy", "val_accuracy",
                                       "learning_rate", "seconds" };
  GArray **cols[] = { &l->epoch, &l->train_loss, &l->train_acc, &l->val_acc, &l->lr, &l->seconds };
  int idx[G_N_ELEMENTS (names)];
  char **header = g_strsplit (g_strstrip (lines[0]), ",", -1);
  guint n_header = g_strv_length (header);
  for (guint c = 0; c < G_N_ELEMENTS (names); c++)
    {
      idx[c] = -1;
      for (guint h = 0; h < n_header; h++)
        if (strcmp (g_strstrip (header[h]), names[c]) == 0)
          idx[c] = (int) h;
      *cols[c] = g_array_new (FALSE, FALSE, sizeof (double));
    }
  g_strfreev (header);
  gboolean ok = TRUE;
  if (idx[0] < 0)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_FORMAT, "%s: no \"epoch\" column", path);
      ok = FALSE;
    }
  for (guint i = 1; ok && lines[i]; i++)
    {
      char *line = g_strstrip (lines[i]);
      if (!*line)
        continue;
      char **cells = g_strsplit (line, ",", -1);
      guint n = g_strv_length (cells);
      for (guint c = 0; c < G_N_ELEMENTS (names); c++)
        {
          double v = idx[c] >= 0 && (guint) idx[c] < n ? report_parse_number (cells[idx[c]]) : NAN;
          if (c == 0 && isnan (v))
            {
              g_set_error (error, INTERP_ERROR, INTERP_ERROR_FORMAT,
                           "%s: line %u: epoch is not a number", path, i + 1);
              ok = FALSE;
              break;
            }
          g_array_append_val (*cols[c], v);
        }
      g_strfreev (cells);
    }
  g_strfreev (lines);
  if (!ok)
    {
      train_log_clear (l);
      memset (l, 0, sizeof *l);
    }
  return ok;
}

static gboolean
column_has_data (GArray *a)
{
  for (guint i = 0; i < a->len; i++)
    if (!isnan (g_array_index (a, double, i)))
      return TRUE;
  return FALSE;
}

static void
trial_curves (Report *r, GString *b, const Trial *t, const TrainLog *l, gboolean small)
{
  double *ep = (double *) l->epoch->data;
  char *label = *t->condition ? g_strdup_printf ("%s (%s, seed %" G_GINT64_FORMAT ")", t->id,
                                                 t->condition, t->seed)
                              : g_strdup_printf ("%s (seed %" G_GINT64_FORMAT ")", t->id, t->seed);
  if (column_has_data (l->train_loss))
    {
      char *title = g_strdup_printf ("%s: training loss", t->id);
      InterpPlot *plot = interp_plot_new (INTERP_PLOT_LINES, title, "epoch",
                                          "loss (nats, cross-entropy)");
      interp_plot_set_integer_x (plot, TRUE);
      if (small)
        interp_plot_set_size (plot, 400, 260);
      interp_plot_add_series (plot, "train loss", ep, (double *) l->train_loss->data, NULL,
                              l->epoch->len);
      char *caption = g_strdup_printf ("Mean training loss per epoch, %s.", label);
      char *name = g_strdup_printf ("train-%s-loss", t->id);
      report_emit_plot (r, b, plot, name, caption);
      g_free (name);
      g_free (caption);
      g_free (title);
    }
  if (column_has_data (l->train_acc) || column_has_data (l->val_acc))
    {
      char *title = g_strdup_printf ("%s: accuracy", t->id);
      InterpPlot *plot = interp_plot_new (INTERP_PLOT_LINES, title, "epoch",
                                          "accuracy (fraction correct)");
      interp_plot_set_integer_x (plot, TRUE);
      if (small)
        interp_plot_set_size (plot, 400, 260);
      interp_plot_limit_y (plot, 0.0, 1.0);
      /* A run without a validation split logs empty val_accuracy cells. */
      if (column_has_data (l->train_acc))
        interp_plot_add_series (plot, "train", ep, (double *) l->train_acc->data, NULL,
                                l->epoch->len);
      if (column_has_data (l->val_acc))
        interp_plot_add_series (plot, "validation", ep, (double *) l->val_acc->data, NULL,
                                l->epoch->len);
      char *caption = g_strdup_printf ("%s accuracy per epoch, %s.",
                                       !column_has_data (l->val_acc) ? "Training"
                                       : !column_has_data (l->train_acc) ? "Validation"
                                       : "Training and validation", label);
      char *name = g_strdup_printf ("train-%s-accuracy", t->id);
      report_emit_plot (r, b, plot, name, caption);
      g_free (name);
      g_free (caption);
      g_free (title);
    }
  g_free (label);
}

gboolean
report_section_training (Report *r, TrialTiming *timings, GError **error)
{
  TrainLog *logs = g_new0 (TrainLog, MAX (r->trials->len, 1));
  guint n_logs = 0;
  gboolean ok = TRUE;
  for (guint t = 0; t < r->trials->len && ok; t++)
    {
      Trial *trial = g_ptr_array_index (r->trials, t);
      char *path = g_build_filename (r->dir, "trials", trial->id, "train-log.csv", NULL);
      ok = read_train_log (path, &logs[t], error);
      g_free (path);
      if (!ok || !logs[t].epoch || logs[t].epoch->len == 0)
        continue;
      n_logs++;
      TrialTiming *tm = &timings[t];
      TrainLog *l = &logs[t];
      tm->present = TRUE;
      tm->epochs = l->epoch->len;
      for (guint i = 0; i < l->seconds->len; i++)
        if (isfinite (g_array_index (l->seconds, double, i)))
          tm->seconds += g_array_index (l->seconds, double, i);
      tm->final_loss = g_array_index (l->train_loss, double, l->epoch->len - 1);
      tm->final_val = g_array_index (l->val_acc, double, l->epoch->len - 1);
    }
  if (ok && n_logs > 0)
    {
      report_section_begin (r, "training", "Training curves");
      GString *b = r->body;
      /* With several conditions, an overview of each condition's mean curve first. */
      if (r->conditions->len > 1)
        {
          g_string_append (b, "<div class=\"plots\">\n");
          static const struct { const char *what, *title, *ylabel; gboolean loss; } kinds[] = {
            { "training loss", "Training loss by condition", "loss (nats, cross-entropy)", TRUE },
            { "validation accuracy", "Validation accuracy by condition",
              "accuracy (fraction correct)", FALSE },
          };
          GPtrArray *order = report_condition_labels (r);
          for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
            {
              Accum acc;
              report_accum_init (&acc);
              for (guint t = 0; t < r->trials->len; t++)
                {
                  Trial *trial = g_ptr_array_index (r->trials, t);
                  TrainLog *l = &logs[t];
                  if (!l->epoch)
                    continue;
                  GArray *col = kinds[k].loss ? l->train_loss : l->val_acc;
                  for (guint i = 0; i < l->epoch->len; i++)
                    report_accum_add (&acc, trial->condition, g_array_index (l->epoch, double, i),
                                      g_array_index (col, double, i));
                }
              if (acc.xs->len == 0)
                {
                  report_accum_clear (&acc);
                  continue;
                }
              InterpPlot *plot = interp_plot_new (INTERP_PLOT_LINES, kinds[k].title, "epoch",
                                                  kinds[k].ylabel);
              interp_plot_set_integer_x (plot, TRUE);
              if (!kinds[k].loss)
                interp_plot_limit_y (plot, 0.0, 1.0);
              report_accum_to_plot (&acc, plot, order, "all trials");
              char *ns = report_n_text (acc.min_n, acc.max_n, "seed");
              char *caption = g_strdup_printf ("Per-epoch %s by condition (%s).",
                                               kinds[k].what, ns);
              report_emit_plot (r, b, plot, kinds[k].title, caption);
              g_free (caption);
              g_free (ns);
              report_accum_clear (&acc);
            }
          g_ptr_array_unref (order);
          g_string_append (b, "</div>\n");
        }
      gboolean open = n_logs <= 4;
      if (n_logs > 1)
        g_string_append_printf (b, "<details%s><summary>Curves of each trial (%u)</summary>\n",
                                open ? " open" : "", n_logs);
      g_string_append (b, "<div class=\"plots pairs\">\n");
      for (guint t = 0; t < r->trials->len; t++)
        if (logs[t].epoch && logs[t].epoch->len > 0)
          trial_curves (r, b, g_ptr_array_index (r->trials, t), &logs[t], FALSE);
      g_string_append (b, n_logs > 1 ? "</div>\n</details>\n" : "</div>\n");
      report_section_end (r);
    }
  for (guint t = 0; t < r->trials->len; t++)
    train_log_clear (&logs[t]);
  g_free (logs);
  return ok;
}
