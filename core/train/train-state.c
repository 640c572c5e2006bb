/* Checkpoints, the training log and the resume point of a trial folder. */
#include "config.h"

#include "train/train-state.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include <interp/checkpoint.h>
#include <interp/error.h>

#include "util/fs.h"

#define STATE_FILE "train-state.json"
#define LOG_FILE "train-log.csv"

static char *
epoch_file (const char *dir, const char *what, int64_t epoch)
{
  char *name = g_strdup_printf ("%s-epoch-%03" G_GINT64_FORMAT ".safetensors", what, epoch);
  char *path = g_build_filename (dir, name, NULL);
  g_free (name);
  return path;
}

/* The checkpoint before epoch `done`'s, once train-state.json names that. */
static void
remove_previous_checkpoint (const char *dir, int64_t done)
{
  if (done <= 1)
    return;
  char *old_w = epoch_file (dir, "checkpoint", done - 1);
  char *old_o = epoch_file (dir, "optimizer", done - 1);
  g_unlink (old_w);
  g_unlink (old_o);
  g_free (old_w);
  g_free (old_o);
}

gboolean
interp_train_state_resume (const char *dir, InterpNet *net, InterpOptim *opt,
                           int64_t *epochs_done, GString *log, GError **error)
{
  char *state_path = g_build_filename (dir, STATE_FILE, NULL);
  *epochs_done = 0;
  if (!g_file_test (state_path, G_FILE_TEST_EXISTS))
    {
      g_free (state_path);
      return TRUE;
    }
  JsonParser *parser = json_parser_new ();
  gboolean ok = json_parser_load_from_file (parser, state_path, error);
  int64_t done = 0;
  if (ok)
    {
      JsonNode *root = json_parser_get_root (parser);
      ok = JSON_NODE_HOLDS_OBJECT (root);
      if (ok)
        done = json_object_get_int_member_with_default (json_node_get_object (root), "epochs", 0);
      if (!ok || done <= 0)
        {
          g_set_error (error, INTERP_ERROR, INTERP_ERROR_FORMAT,
                       "%s: not a training state (expected {\"epochs\": N})", state_path);
          ok = FALSE;
        }
    }
  g_object_unref (parser);
  if (ok)
    {
      char *weights = epoch_file (dir, "checkpoint", done);
      char *optim = epoch_file (dir, "optimizer", done);
      ok = interp_net_load (net, weights, error) && interp_optim_load (opt, optim, error);
      g_free (weights);
      g_free (optim);
    }
  if (ok)
    {
      char *log_path = g_build_filename (dir, LOG_FILE, NULL);
      char *text = NULL;
      if (g_file_get_contents (log_path, &text, NULL, NULL))
        {
          /* Keep the first `done` epochs' rows (line 0 is the header). */
          char **lines = g_strsplit (text, "\n", -1);
          for (guint i = 1; lines[i] && i <= (guint) done; i++)
            if (*lines[i])
              g_string_append_printf (log, "%s\n", lines[i]);
          g_strfreev (lines);
          g_free (text);
        }
      g_free (log_path);
      *epochs_done = done;
      /* Left when the run was killed between train-state.json and its removal. */
      remove_previous_checkpoint (dir, done);
      g_message ("resuming training after epoch %" G_GINT64_FORMAT, done);
    }
  g_free (state_path);
  return ok;
}

gboolean
interp_train_state_write_log (const char *dir, const GString *rows, GError **error)
{
  GString *full = g_string_new (INTERP_TRAIN_LOG_HEADER);
  g_string_append (full, rows->str);
  char *log_path = g_build_filename (dir, LOG_FILE, NULL);
  gboolean ok = interp_write_file_atomic (log_path, full->str, full->len, error);
  g_free (log_path);
  g_string_free (full, TRUE);
  return ok;
}

gboolean
interp_train_state_save (const char *dir, InterpNet *net, InterpOptim *opt, int64_t epochs_done,
                         const GString *log, GError **error)
{
  char *weights = epoch_file (dir, "checkpoint", epochs_done);
  char *optim = epoch_file (dir, "optimizer", epochs_done);
  gboolean ok = interp_net_save (net, weights, error) && interp_optim_save (opt, optim, error)
                && interp_train_state_write_log (dir, log, error);
  if (ok)
    {
      char *state = g_strdup_printf ("{\"epochs\": %" G_GINT64_FORMAT ", \"steps\": %"
                                     G_GINT64_FORMAT "}\n", epochs_done, interp_optim_steps (opt));
      char *state_path = g_build_filename (dir, STATE_FILE, NULL);
      ok = interp_write_file_atomic (state_path, state, strlen (state), error);
      g_free (state_path);
      g_free (state);
    }
  if (ok)
    remove_previous_checkpoint (dir, epochs_done);
  g_free (weights);
  g_free (optim);
  return ok;
}
