#include "config.h"

#include "runner/train.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "util/fs.h"
#include "pipeline/pipeline.h"
#include "util/progress.h"

#define STATE_FILE "train-state.json"
#define LOG_FILE "train-log.csv"
#define LOG_HEADER "epoch,train_loss,train_accuracy,val_accuracy,learning_rate,seconds\n"

static InterpOptimKind
optim_kind (const char *name)
{
  if (g_str_equal (name, "adam"))
    return INTERP_OPTIM_ADAM;
  if (g_str_equal (name, "adamw"))
    return INTERP_OPTIM_ADAMW;
  return INTERP_OPTIM_SGD;
}

static void
make_schedule (const InterpParams *t, int64_t steps_per_epoch, InterpSchedule *s)
{
  const char *kind = interp_params_get_string (t, "schedule");
  int64_t epochs = interp_params_get_int (t, "epochs");
  memset (s, 0, sizeof *s);
  s->kind = g_str_equal (kind, "step") ? INTERP_SCHEDULE_STEP
            : g_str_equal (kind, "cosine") ? INTERP_SCHEDULE_COSINE
                                           : INTERP_SCHEDULE_CONSTANT;
  s->base_lr = interp_params_get_double (t, "learning-rate");
  s->warmup_steps = (int64_t) llround (interp_params_get_double (t, "warmup-epochs")
                                       * (double) steps_per_epoch);
  s->step_size = interp_params_get_int (t, "step-epochs") * steps_per_epoch;
  s->gamma = interp_params_get_double (t, "gamma");
  s->total_steps = epochs * steps_per_epoch;
  s->min_lr = interp_params_get_double (t, "min-learning-rate");
}

double
interp_split_accuracy (InterpNet *net, InterpData *data, InterpSplit split, int64_t batch_size,
                       GError **error)
{
  int64_t total = interp_data_size (data, split);
  if (total == 0)
    return NAN;
  InterpMode mode = interp_net_mode (net);
  interp_net_set_mode (net, INTERP_MODE_EVAL);
  InterpDataIter *it = interp_data_iter_new (data, split, batch_size, FALSE, 0);
  InterpTensor *x = interp_tensor_new_4d (1, 1, 1, 1);
  int64_t correct = 0, seen = 0, n;
  const int32_t *labels;
  gboolean ok = TRUE;
  while (ok && (n = interp_data_iter_next (it, x, &labels, error)) > 0)
    {
      ok = interp_net_forward (net, x, error);
      if (!ok)
        break;
      const InterpTensor *logits = interp_net_value (net, interp_net_output_node (net));
      int64_t k = logits->shape[1];
      for (int64_t i = 0; i < n; i++)
        {
          const float *row = logits->data + i * k;
          int64_t best = 0;
          for (int64_t j = 1; j < k; j++)
            if (row[j] > row[best])
              best = j;
          correct += best == labels[i];
        }
      seen += n;
    }
  if (n < 0)
    ok = FALSE;
  interp_data_iter_free (it);
  interp_tensor_free (x);
  interp_net_set_mode (net, mode);
  return ok && seen ? (double) correct / (double) seen : NAN;
}

static char *
epoch_file (const char *dir, const char *what, int64_t epoch)
{
  char *name = g_strdup_printf ("%s-epoch-%03" G_GINT64_FORMAT ".safetensors", what, epoch);
  char *path = g_build_filename (dir, name, NULL);
  g_free (name);
  return path;
}

/* Epochs finished by an earlier, interrupted attempt (0 if none), with the
 * weights and optimiser state of the last one loaded. */
static gboolean
resume_state (const InterpTrainJob *job, InterpOptim *opt, int64_t *epochs_done, GString *log,
              GError **error)
{
  char *state_path = g_build_filename (job->dir, STATE_FILE, NULL);
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
      char *weights = epoch_file (job->dir, "checkpoint", done);
      char *optim = epoch_file (job->dir, "optimizer", done);
      ok = interp_net_load (job->net, weights, error) && interp_optim_load (opt, optim, error);
      g_free (weights);
      g_free (optim);
    }
  if (ok)
    {
      char *log_path = g_build_filename (job->dir, LOG_FILE, NULL);
      char *text = NULL;
      if (g_file_get_contents (log_path, &text, NULL, NULL))
        {
          /* Keep the header and the first `done` epochs' rows. */
          char **lines = g_strsplit (text, "\n", -1);
          for (guint i = 1; lines[i] && i <= (guint) done; i++)
            if (*lines[i])
              g_string_append_printf (log, "%s\n", lines[i]);
          g_strfreev (lines);
          g_free (text);
        }
      g_free (log_path);
      *epochs_done = done;
      g_message ("resuming training after epoch %" G_GINT64_FORMAT, done);
    }
  g_free (state_path);
  return ok;
}

static gboolean
write_log (const InterpTrainJob *job, const GString *log, GError **error)
{
  GString *full = g_string_new (LOG_HEADER);
  g_string_append (full, log->str);
  char *log_path = g_build_filename (job->dir, LOG_FILE, NULL);
  gboolean ok = interp_write_file_atomic (log_path, full->str, full->len, error);
  g_free (log_path);
  g_string_free (full, TRUE);
  return ok;
}

static gboolean
save_epoch (const InterpTrainJob *job, InterpOptim *opt, int64_t epochs_done, GString *log,
            GError **error)
{
  char *weights = epoch_file (job->dir, "checkpoint", epochs_done);
  char *optim = epoch_file (job->dir, "optimizer", epochs_done);
  gboolean ok = interp_net_save (job->net, weights, error) && interp_optim_save (opt, optim, error)
                && write_log (job, log, error);
  if (ok)
    {
      char *state = g_strdup_printf ("{\"epochs\": %" G_GINT64_FORMAT ", \"steps\": %" G_GINT64_FORMAT "}\n",
                                     epochs_done, interp_optim_steps (opt));
      char *state_path = g_build_filename (job->dir, STATE_FILE, NULL);
      ok = interp_write_file_atomic (state_path, state, strlen (state), error);
      g_free (state_path);
      g_free (state);
    }
  if (ok && epochs_done > 1)
    {
      char *old_w = epoch_file (job->dir, "checkpoint", epochs_done - 1);
      char *old_o = epoch_file (job->dir, "optimizer", epochs_done - 1);
      g_unlink (old_w);
      g_unlink (old_o);
      g_free (old_w);
      g_free (old_o);
    }
  g_free (weights);
  g_free (optim);
  return ok;
}

gboolean
interp_train (const InterpTrainJob *job, gboolean *diverged, GError **error)
{
  *diverged = FALSE;
  const InterpParams *t = job->train;
  int64_t epochs = interp_params_get_int (t, "epochs");
  if (epochs == 0)
    return TRUE;
  int64_t batch = interp_params_get_int (t, "batch-size");
  int64_t eval_batch = interp_params_get_int (t, "eval-batch-size");
  float smoothing = (float) interp_params_get_double (t, "label-smoothing");
  int64_t n_train = interp_data_size (job->data, INTERP_SPLIT_TRAIN);
  if (n_train == 0)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_INVALID_ARGUMENT,
                   "the training split is empty (check the dataset's limit and val-split)");
      return FALSE;
    }
  int64_t steps_per_epoch = (n_train + batch - 1) / batch;

  InterpOptimConfig config;
  interp_optim_config_init (&config, optim_kind (interp_params_get_string (t, "optimizer")));
  config.weight_decay = interp_params_get_double (t, "weight-decay");
  if (config.kind == INTERP_OPTIM_SGD)
    {
      config.momentum = interp_params_get_double (t, "momentum");
      config.nesterov = interp_params_get_bool (t, "nesterov") && config.momentum > 0;
    }
  else
    {
      config.beta1 = interp_params_get_double (t, "beta1");
      config.beta2 = interp_params_get_double (t, "beta2");
    }
  if (!interp_optim_config_check (&config, error))
    {
      g_prefix_error (error, "[train]: ");
      return FALSE;
    }
  InterpOptim *opt = interp_optim_new (job->net, &config);
  InterpSchedule schedule;
  make_schedule (t, steps_per_epoch, &schedule);

  GString *log = g_string_new (NULL);
  int64_t first_epoch = 0;
  gboolean ok = resume_state (job, opt, &first_epoch, log, error);

  gint64 stop_after = -1;
  const char *stop_env = g_getenv ("INTERP_TEST_STOP_AFTER_EPOCH");
  if (stop_env)
    g_ascii_string_to_signed (stop_env, 10, 1, G_MAXINT64, &stop_after, NULL);
  InterpTensor *x = interp_tensor_new_4d (1, 1, 1, 1);
  int out = interp_net_output_node (job->net);
  interp_net_set_input_grad (job->net, FALSE);
  for (int64_t epoch = first_epoch; ok && !*diverged && epoch < epochs; epoch++)
    {
      gint64 t0 = g_get_monotonic_time ();
      interp_net_set_mode (job->net, INTERP_MODE_TRAIN);
      char *stream = g_strdup_printf ("train/dropout/epoch-%" G_GINT64_FORMAT, epoch);
      interp_rng_derive (interp_net_rng (job->net), job->seed, stream);
      g_free (stream);
      InterpDataIter *it = interp_data_iter_new (job->data, INTERP_SPLIT_TRAIN, batch, TRUE,
                                                 (guint) epoch);
      char *what = g_strdup_printf ("epoch %" G_GINT64_FORMAT "/%" G_GINT64_FORMAT, epoch + 1,
                                    epochs);
      InterpProgress *progress = interp_progress_new (what, (guint64) n_train, "img");
      g_free (what);
      double loss_sum = 0, lr = 0;
      int64_t correct = 0, seen = 0, n;
      const int32_t *labels;
      while ((n = interp_data_iter_next (it, x, &labels, error)) > 0)
        {
          interp_net_zero_param_grad (job->net);
          interp_net_zero_grad (job->net);
          if (!interp_net_forward (job->net, x, error))
            {
              n = -1;
              break;
            }
          int64_t hits = 0;
          double loss = interp_softmax_cross_entropy (interp_net_value (job->net, out), labels,
                                                      smoothing, interp_net_grad (job->net, out),
                                                      1.0f, &hits);
          for (guint r = 0; r < job->regularizers->len; r++)
            {
              InterpRegularizerInstance *reg = g_ptr_array_index (job->regularizers, r);
              double term = 0;
              if (!reg->vtable->apply (reg->instance, job->net, labels, n, &term, error))
                {
                  interp_pipeline_prefix_error (error, reg->group);
                  n = -1;
                  break;
                }
              loss += term;
            }
          if (n < 0)
            break;
          if (!isfinite (loss))
            {
              if (g_str_equal (interp_params_get_string (t, "on-divergence"), "fail"))
                {
                  g_set_error (error, INTERP_ERROR, INTERP_ERROR_FAILED,
                               "the training loss diverged (%g) in epoch %" G_GINT64_FORMAT
                               "; lower [train] learning-rate", loss, epoch + 1);
                  n = -1;
                  break;
                }
              /* A diverged network is a result, not a crash: stop updating it
               * (the weights are those before this batch) and let the trial be
               * evaluated, with the divergence on record. */
              g_warning ("the training loss diverged (%g) in epoch %" G_GINT64_FORMAT
                         " after %" G_GINT64_FORMAT " images; training stops and the "
                         "trial records training-diverged = 1", loss, epoch + 1, seen);
              *diverged = TRUE;
              break;
            }
          interp_net_backward (job->net);
          lr = interp_schedule_lr (&schedule, interp_optim_steps (opt));
          interp_optim_step (opt, lr);
          loss_sum += loss * (double) n;
          correct += hits;
          seen += n;
          char status[64];
          g_snprintf (status, sizeof status, "loss %.4f", loss_sum / (double) seen);
          interp_progress_update (progress, (guint64) seen, status);
        }
      interp_data_iter_free (it);
      if (n < 0)
        {
          interp_progress_finish (progress, "failed");
          ok = FALSE;
          break;
        }
      double val = interp_split_accuracy (job->net, job->data, INTERP_SPLIT_VAL, eval_batch, error);
      if (isnan (val) && error && *error)
        {
          interp_progress_finish (progress, "failed");
          ok = FALSE;
          break;
        }
      double seconds = (double) (g_get_monotonic_time () - t0) / 1e6;
      char status[128];
      if (isnan (val))
        g_snprintf (status, sizeof status, "loss %.4f, train acc %.4f", loss_sum / (double) seen,
                    (double) correct / (double) seen);
      else
        g_snprintf (status, sizeof status, "loss %.4f, train acc %.4f, val acc %.4f",
                    loss_sum / (double) seen, (double) correct / (double) seen, val);
      interp_progress_finish (progress, *diverged ? "diverged" : status);
      char b_loss[G_ASCII_DTOSTR_BUF_SIZE], b_acc[G_ASCII_DTOSTR_BUF_SIZE];
      char b_val[G_ASCII_DTOSTR_BUF_SIZE], b_lr[G_ASCII_DTOSTR_BUF_SIZE];
      g_ascii_formatd (b_loss, sizeof b_loss, "%.6f", loss_sum / (double) seen);
      g_ascii_formatd (b_acc, sizeof b_acc, "%.6f", (double) correct / (double) seen);
      if (isnan (val))
        b_val[0] = '\0';
      else
        g_ascii_formatd (b_val, sizeof b_val, "%.6f", val);
      g_ascii_formatd (b_lr, sizeof b_lr, "%.6g", lr);
      g_string_append_printf (log, "%" G_GINT64_FORMAT ",%s,%s,%s,%s,%.2f\n", epoch + 1, b_loss,
                              b_acc, b_val, b_lr, seconds);
      /* A diverged epoch is logged but not checkpointed: it did not finish. */
      ok = *diverged ? write_log (job, log, error) : save_epoch (job, opt, epoch + 1, log, error);
      if (ok && stop_after == epoch + 1)
        {
          /* Lets the tests interrupt a run exactly after a checkpoint, as a kill would. */
          g_set_error (error, INTERP_ERROR, INTERP_ERROR_FAILED,
                       "stopped after epoch %" G_GINT64_FORMAT " (INTERP_TEST_STOP_AFTER_EPOCH)",
                       stop_after);
          ok = FALSE;
        }
    }
  interp_tensor_free (x);
  g_string_free (log, TRUE);
  interp_optim_free (opt);
  return ok;
}
