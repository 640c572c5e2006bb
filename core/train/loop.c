/* The training loop: epochs of batches through a trainer and its hooks
 * (include/interp/trainer.h gives the order of calls). */
#include "config.h"

#include "train/train.h"

#include <math.h>

#include <interp/error.h>
#include <interp/loss.h>
#include <interp/optim.h>

#include "train/train-state.h"
#include "util/number.h"
#include <interp/progress.h>

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

typedef gboolean (*StepCall) (gpointer self, InterpTrainBatch *batch, GError **error);

/* Calls on_batch (before_step when `before_step`) of the trainer and then of every hook. */
static gboolean
call_step (const InterpTrainJob *job, gboolean before_step, InterpTrainBatch *batch,
           GError **error)
{
  for (guint i = 0; i <= job->n_hooks; i++)
    {
      const InterpTrainHookRef *h = i == 0 ? &job->trainer : &job->hooks[i - 1];
      StepCall call = before_step ? h->hooks->before_step : h->hooks->on_batch;
      if (call && !call (h->self, batch, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
call_epoch_end (const InterpTrainJob *job, const InterpEpochSummary *e, gboolean *stop,
                GError **error)
{
  for (guint i = 0; i <= job->n_hooks; i++)
    {
      const InterpTrainHookRef *h = i == 0 ? &job->trainer : &job->hooks[i - 1];
      if (h->hooks->on_epoch_end && !h->hooks->on_epoch_end (h->self, job->net, e, stop, error))
        return FALSE;
    }
  return TRUE;
}

/* After a resume from the checkpoint of epoch `done` (trainer.h). */
static gboolean
call_resume (const InterpTrainJob *job, int64_t done, GError **error)
{
  for (guint i = 0; i <= job->n_hooks; i++)
    {
      const InterpTrainHookRef *h = i == 0 ? &job->trainer : &job->hooks[i - 1];
      if (h->hooks->struct_size >= G_STRUCT_OFFSET (InterpTrainHooks, on_resume)
                                     + sizeof h->hooks->on_resume
          && h->hooks->on_resume && !h->hooks->on_resume (h->self, job->net, done, error))
        return FALSE;
    }
  return TRUE;
}

/* One row of train-log.csv. */
static void
append_log_row (GString *log, const InterpEpochSummary *e)
{
  char b_loss[G_ASCII_DTOSTR_BUF_SIZE], b_acc[G_ASCII_DTOSTR_BUF_SIZE];
  char b_val[G_ASCII_DTOSTR_BUF_SIZE], b_lr[G_ASCII_DTOSTR_BUF_SIZE];
  g_ascii_formatd (b_loss, sizeof b_loss, "%.6f", e->train_loss);
  g_ascii_formatd (b_acc, sizeof b_acc, "%.6f", e->train_accuracy);
  if (isnan (e->val_accuracy))
    b_val[0] = '\0';
  else
    g_ascii_formatd (b_val, sizeof b_val, "%.6f", e->val_accuracy);
  g_ascii_formatd (b_lr, sizeof b_lr, "%.6g", e->learning_rate);
  g_string_append_printf (log, "%" G_GINT64_FORMAT ",%s,%s,%s,%s,%.2f\n", e->epoch, b_loss,
                          b_acc, b_val, b_lr, e->seconds);
}

/* A parameter or buffer gone non-finite at the end of an epoch is a
 * divergence like a non-finite loss: a step can poison weights while the
 * epoch's losses, computed before it, stay finite.  One pass over every
 * value, O(parameters) an epoch. */
static gboolean
check_params_finite (const InterpTrainJob *job, int64_t epoch, gboolean *diverged,
                     GError **error)
{
  int n = interp_net_n_params (job->net);
  for (int i = 0; i < n; i++)
    {
      const InterpParam *p = interp_net_param (job->net, i);
      gssize at = interp_first_non_finite (p->value->data, p->value->numel);
      if (at < 0)
        continue;
      const char *what = interp_non_finite_name (p->value->data[at]);
      const char *kind = p->is_buffer ? "buffer" : "parameter";
      if (job->config->on_divergence == INTERP_ON_DIVERGENCE_FAIL)
        {
          g_set_error (error, INTERP_ERROR, INTERP_ERROR_NON_FINITE,
                       "the training diverged in epoch %" G_GINT64_FORMAT ": %s '%s' has a "
                       "non-finite value (%s) at index %" G_GSSIZE_FORMAT
                       "; lower [train] learning-rate", epoch + 1, kind, p->name, what, at);
          return FALSE;
        }
      g_warning ("the training diverged in epoch %" G_GINT64_FORMAT ": %s '%s' has a "
                 "non-finite value (%s) at index %" G_GSSIZE_FORMAT "; training stops, the "
                 "epoch is not checkpointed and the trial records training-diverged = 1",
                 epoch + 1, kind, p->name, what, at);
      *diverged = TRUE;
      return TRUE;
    }
  return TRUE;
}

/* The batches of one epoch.  Returns FALSE on an error; *diverged on a
 * non-finite loss, or a non-finite parameter or buffer at the epoch's end,
 * with on-divergence = stop. */
static gboolean
train_epoch (const InterpTrainJob *job, InterpOptim *opt, const InterpSchedule *schedule,
             int64_t epoch, InterpTensor *x, InterpEpochSummary *e, gboolean *diverged,
             GError **error)
{
  const InterpTrainConfig *c = job->config;
  int64_t n_train = interp_data_size (job->data, INTERP_SPLIT_TRAIN);
  interp_net_set_mode (job->net, INTERP_MODE_TRAIN);
  char *stream = g_strdup_printf ("train/dropout/epoch-%" G_GINT64_FORMAT, epoch);
  interp_rng_derive (interp_net_rng (job->net), job->seed, stream);
  g_free (stream);
  InterpDataIter *it = interp_data_iter_new (job->data, INTERP_SPLIT_TRAIN, c->batch_size, TRUE,
                                             (guint) epoch);
  char *what = g_strdup_printf ("epoch %" G_GINT64_FORMAT "/%" G_GINT64_FORMAT, epoch + 1,
                                c->epochs);
  InterpProgress *progress = interp_progress_new (what, (guint64) n_train, "img");
  g_free (what);
  double loss_sum = 0, lr = 0;
  int64_t correct = 0, seen = 0, n;
  const int32_t *labels;
  while ((n = interp_data_iter_next (it, x, &labels, error)) > 0)
    {
      interp_net_zero_param_grad (job->net);
      interp_net_zero_grad (job->net);
      InterpTrainBatch batch = { .net = job->net, .x = x, .labels = labels, .n = n,
                                 .epoch = epoch, .step = interp_optim_steps (opt) };
      if (!call_step (job, FALSE, &batch, error))
        {
          n = -1;
          break;
        }
      if (!isfinite (batch.loss))
        {
          if (c->on_divergence == INTERP_ON_DIVERGENCE_FAIL)
            {
              g_set_error (error, INTERP_ERROR, INTERP_ERROR_FAILED,
                           "the training loss diverged (%g) in epoch %" G_GINT64_FORMAT
                           "; lower [train] learning-rate", batch.loss, epoch + 1);
              n = -1;
              break;
            }
          /* A diverged network is a result, not a crash: stop updating it
           * (the weights are those before this batch) and let the trial be
           * evaluated, with the divergence on record. */
          g_warning ("the training loss diverged (%g) in epoch %" G_GINT64_FORMAT
                     " after %" G_GINT64_FORMAT " images; training stops and the "
                     "trial records training-diverged = 1", batch.loss, epoch + 1, seen);
          *diverged = TRUE;
          break;
        }
      interp_net_backward (job->net);
      lr = batch.learning_rate = interp_schedule_lr (schedule, batch.step);
      if (!call_step (job, TRUE, &batch, error))
        {
          n = -1;
          break;
        }
      /* What the optimiser is about to use, masks and hooks included. */
      if (interp_grad_norms_due (job->grad_norms, batch.step))
        interp_grad_norms_record (job->grad_norms, job->net, epoch, batch.step,
                                  INTERP_GRAD_NORMS_TOTAL);
      interp_optim_step (opt, lr);
      loss_sum += batch.loss * (double) n;
      correct += batch.correct;
      seen += n;
      char status[64];
      g_snprintf (status, sizeof status, "loss %.4f", loss_sum / (double) seen);
      interp_progress_update (progress, (guint64) seen, status);
    }
  interp_data_iter_free (it);
  if (n >= 0 && !*diverged && !check_params_finite (job, epoch, diverged, error))
    n = -1;
  if (n < 0)
    {
      interp_progress_finish (progress, "failed");
      return FALSE;
    }
  double val = interp_split_accuracy (job->net, job->data, INTERP_SPLIT_VAL, c->eval_batch_size,
                                      error);
  if (isnan (val) && error && *error)
    {
      interp_progress_finish (progress, "failed");
      return FALSE;
    }
  *e = (InterpEpochSummary) { .epoch = epoch + 1, .epochs = c->epochs,
                              .train_loss = loss_sum / (double) seen,
                              .train_accuracy = (double) correct / (double) seen,
                              .val_accuracy = val, .learning_rate = lr, .diverged = *diverged };
  char status[128];
  if (isnan (val))
    g_snprintf (status, sizeof status, "loss %.4f, train acc %.4f", e->train_loss,
                e->train_accuracy);
  else
    g_snprintf (status, sizeof status, "loss %.4f, train acc %.4f, val acc %.4f", e->train_loss,
                e->train_accuracy, val);
  interp_progress_finish (progress, *diverged ? "diverged" : status);
  return TRUE;
}

gboolean
interp_train (const InterpTrainJob *job, gboolean *diverged, GError **error)
{
  *diverged = FALSE;
  const InterpTrainConfig *c = job->config;
  if (c->epochs == 0)
    return TRUE;
  int64_t n_train = interp_data_size (job->data, INTERP_SPLIT_TRAIN);
  if (n_train == 0)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_INVALID_ARGUMENT,
                   "the training split is empty (check the dataset's limit and val-split)");
      return FALSE;
    }
  int64_t steps_per_epoch = (n_train + c->batch_size - 1) / c->batch_size;
  InterpOptim *opt = interp_optim_new (job->net, &c->optim);
  InterpSchedule schedule;
  interp_train_config_schedule (c, steps_per_epoch, &schedule);

  GString *log = g_string_new (NULL);
  int64_t first_epoch = 0;
  gboolean ok = interp_train_state_resume (job->dir, job->net, opt, &first_epoch, log, error);
  if (ok && job->grad_norms)
    ok = interp_grad_norms_resume (job->grad_norms, job->dir, first_epoch, error);
  if (ok && first_epoch > 0)
    ok = call_resume (job, first_epoch, error);
  InterpTensor *x = interp_tensor_new_4d (1, 1, 1, 1);
  interp_net_set_input_grad (job->net, FALSE);
  gboolean stop = FALSE;
  for (int64_t epoch = first_epoch; ok && !*diverged && !stop && epoch < c->epochs; epoch++)
    {
      gint64 t0 = g_get_monotonic_time ();
      InterpEpochSummary e;
      ok = train_epoch (job, opt, &schedule, epoch, x, &e, diverged, error);
      if (!ok)
        break;
      e.seconds = (double) (g_get_monotonic_time () - t0) / 1e6;
      append_log_row (log, &e);
      /* Before train-state.json (written last by interp_train_state_save): a
       * run killed in between resumes at the previous epoch and drops this
       * epoch's rows. */
      if (job->grad_norms && !interp_grad_norms_write (job->grad_norms, job->dir, error))
        {
          ok = FALSE;
          break;
        }
      /* A diverged epoch is logged but not checkpointed: it did not finish. */
      ok = *diverged ? interp_train_state_write_log (job->dir, log, error)
                     : interp_train_state_save (job->dir, job->net, opt, epoch + 1, log, error);
      if (ok)
        ok = call_epoch_end (job, &e, &stop, error);
    }
  interp_tensor_free (x);
  g_string_free (log, TRUE);
  interp_optim_free (opt);
  return ok;
}
