/* The [train] key table and its resolution into an InterpTrainConfig. */
#include "config.h"

#include "train/train-config.h"

#include <math.h>
#include <string.h>

const InterpParamSpec interp_train_params[] = {
  { .key = "epochs", .type = INTERP_PARAM_INT, .default_value = "1", .min = 0, .max = 100000,
    .help = "passes over the training split; 0 = no training (use checkpoint)" },
  { .key = "batch-size", .type = INTERP_PARAM_INT, .default_value = "128", .min = 1, .max = 65536,
    .help = "training minibatch size" },
  { .key = "eval-batch-size", .type = INTERP_PARAM_INT, .default_value = "256", .min = 1,
    .max = 65536, .help = "batch size for validation and evaluation (does not change results)" },
  { .key = "optimizer", .type = INTERP_PARAM_CHOICE, .default_value = "sgd",
    .choices = "sgd|adam|adamw", .help = "update rule (PyTorch semantics)" },
  { .key = "learning-rate", .type = INTERP_PARAM_DOUBLE, .default_value = "0.05", .min = 0,
    .max = 100, .help = "base learning rate" },
  { .key = "momentum", .type = INTERP_PARAM_DOUBLE, .default_value = "0.9", .min = 0, .max = 1,
    .help = "SGD momentum" },
  { .key = "nesterov", .type = INTERP_PARAM_BOOL, .default_value = "false",
    .help = "SGD Nesterov momentum" },
  { .key = "weight-decay", .type = INTERP_PARAM_DOUBLE, .default_value = "0", .min = 0, .max = 1,
    .help = "L2 weight decay (decoupled for adamw)" },
  { .key = "beta1", .type = INTERP_PARAM_DOUBLE, .default_value = "0.9", .min = 0, .max = 1,
    .help = "Adam first-moment decay" },
  { .key = "beta2", .type = INTERP_PARAM_DOUBLE, .default_value = "0.999", .min = 0, .max = 1,
    .help = "Adam second-moment decay" },
  { .key = "schedule", .type = INTERP_PARAM_CHOICE, .default_value = "constant",
    .choices = "constant|step|cosine", .help = "learning-rate schedule over the whole run" },
  { .key = "warmup-epochs", .type = INTERP_PARAM_DOUBLE, .default_value = "0", .min = 0,
    .max = 1000, .help = "linear warm-up length in epochs (fractions allowed)" },
  { .key = "step-epochs", .type = INTERP_PARAM_INT, .default_value = "30", .min = 1, .max = 100000,
    .help = "step schedule: multiply the rate by gamma every this many epochs" },
  { .key = "gamma", .type = INTERP_PARAM_DOUBLE, .default_value = "0.1", .min = 0, .max = 1,
    .help = "step schedule factor" },
  { .key = "min-learning-rate", .type = INTERP_PARAM_DOUBLE, .default_value = "0", .min = 0,
    .max = 100, .help = "cosine schedule floor" },
  { .key = "label-smoothing", .type = INTERP_PARAM_DOUBLE, .default_value = "0", .min = 0,
    .max = 0.999, .help = "cross-entropy label smoothing" },
  { .key = "on-divergence", .type = INTERP_PARAM_CHOICE, .default_value = "stop",
    .choices = "stop|fail", .help = "a non-finite training loss, or a non-finite parameter or "
    "buffer at an epoch's end: stop training, evaluate the model as it was and record "
    "training-diverged = 1 (stop), or fail the trial (fail)" },
  { .key = "gradient-norms", .type = INTERP_PARAM_INT, .default_value = "0", .min = 0,
    .max = 1e9, .help = "every this many optimiser steps, record the L2 gradient norm of each "
    "loss source (cross-entropy, each regularizer, total) per parameter in "
    "gradient-norms.csv; 0 = off" },
  { .key = "checkpoint", .type = INTERP_PARAM_STRING, .default_value = "",
    .help = "safetensors file to start from instead of a fresh initialisation" },
  { .key = "allow-non-finite-checkpoint", .type = INTERP_PARAM_BOOL, .default_value = "false",
    .help = "load a checkpoint whose parameters or buffers hold NaN or infinite values "
    "(refused by default: such a network diverged)" },
  { 0 }
};

static InterpOptimKind
optim_kind (const char *name)
{
  if (g_str_equal (name, "adam"))
    return INTERP_OPTIM_ADAM;
  if (g_str_equal (name, "adamw"))
    return INTERP_OPTIM_ADAMW;
  return INTERP_OPTIM_SGD;
}

static InterpScheduleKind
schedule_kind (const char *name)
{
  if (g_str_equal (name, "step"))
    return INTERP_SCHEDULE_STEP;
  if (g_str_equal (name, "cosine"))
    return INTERP_SCHEDULE_COSINE;
  return INTERP_SCHEDULE_CONSTANT;
}

gboolean
interp_train_config_resolve (const InterpParams *t, InterpTrainConfig *c, GError **error)
{
  memset (c, 0, sizeof *c);
  c->epochs = interp_params_get_int (t, "epochs");
  c->batch_size = interp_params_get_int (t, "batch-size");
  c->eval_batch_size = interp_params_get_int (t, "eval-batch-size");
  /* PyTorch's defaults first (AdamW's weight decay among them), then the keys. */
  interp_optim_config_init (&c->optim, optim_kind (interp_params_get_string (t, "optimizer")));
  c->optim.weight_decay = interp_params_get_double (t, "weight-decay");
  if (c->optim.kind == INTERP_OPTIM_SGD)
    {
      c->optim.momentum = interp_params_get_double (t, "momentum");
      c->optim.nesterov = interp_params_get_bool (t, "nesterov") && c->optim.momentum > 0;
    }
  else
    {
      c->optim.beta1 = interp_params_get_double (t, "beta1");
      c->optim.beta2 = interp_params_get_double (t, "beta2");
    }
  c->schedule = schedule_kind (interp_params_get_string (t, "schedule"));
  c->learning_rate = interp_params_get_double (t, "learning-rate");
  c->warmup_epochs = interp_params_get_double (t, "warmup-epochs");
  c->step_epochs = interp_params_get_int (t, "step-epochs");
  c->gamma = interp_params_get_double (t, "gamma");
  c->min_learning_rate = interp_params_get_double (t, "min-learning-rate");
  c->label_smoothing = (float) interp_params_get_double (t, "label-smoothing");
  c->on_divergence = g_str_equal (interp_params_get_string (t, "on-divergence"), "fail")
                       ? INTERP_ON_DIVERGENCE_FAIL : INTERP_ON_DIVERGENCE_STOP;
  c->gradient_norms = interp_params_get_int (t, "gradient-norms");
  c->checkpoint = g_strdup (interp_params_get_string (t, "checkpoint"));
  c->allow_non_finite_checkpoint = interp_params_get_bool (t, "allow-non-finite-checkpoint");
  if (c->epochs > 0 && !interp_optim_config_check (&c->optim, error))
    {
      g_prefix_error (error, "[train]: ");
      interp_train_config_clear (c);
      return FALSE;
    }
  return TRUE;
}

void
interp_train_config_clear (InterpTrainConfig *c)
{
  g_clear_pointer (&c->checkpoint, g_free);
}

void
interp_train_config_schedule (const InterpTrainConfig *c, int64_t steps_per_epoch,
                              InterpSchedule *s)
{
  memset (s, 0, sizeof *s);
  s->kind = c->schedule;
  s->base_lr = c->learning_rate;
  s->warmup_steps = (int64_t) llround (c->warmup_epochs * (double) steps_per_epoch);
  s->step_size = c->step_epochs * steps_per_epoch;
  s->gamma = c->gamma;
  s->total_steps = c->epochs * steps_per_epoch;
  s->min_lr = c->min_learning_rate;
}
