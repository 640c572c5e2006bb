/* The table of component kinds; what each column means is in kinds.h. */
#include "config.h"

#include "plugin/kinds.h"
#include "data/data.h"

#include <string.h>

#include <interp/attack.h>
#include <interp/corruption.h>
#include <interp/dataset.h>
#include <interp/metric.h>
#include <interp/model.h>
#include <interp/pruner.h>
#include <interp/regularizer.h>
#include <interp/saliency.h>
#include <interp/task.h>

#define CALL(type, member) { #member, offsetof (type, member) }

/* In vtable order: a refusal names the first NULL one. */
static const InterpKindCall model_calls[] = {
  CALL (InterpModelVTable, build), { NULL, 0 } };
static const InterpKindCall dataset_calls[] = {
  CALL (InterpDatasetVTable, open), CALL (InterpDatasetVTable, close),
  CALL (InterpDatasetVTable, info), CALL (InterpDatasetVTable, size),
  CALL (InterpDatasetVTable, read), { NULL, 0 } };
static const InterpKindCall regularizer_calls[] = {
  CALL (InterpRegularizerVTable, create), CALL (InterpRegularizerVTable, destroy),
  CALL (InterpRegularizerVTable, apply), { NULL, 0 } };
static const InterpKindCall attack_calls[] = {
  CALL (InterpAttackVTable, create), CALL (InterpAttackVTable, destroy),
  CALL (InterpAttackVTable, perturb), CALL (InterpAttackVTable, describe), { NULL, 0 } };
static const InterpKindCall corruption_calls[] = {
  CALL (InterpCorruptionVTable, create), CALL (InterpCorruptionVTable, destroy),
  CALL (InterpCorruptionVTable, apply), { NULL, 0 } };
/* reset is optional: a metric without it starts every condition fresh. */
static const InterpKindCall metric_calls[] = {
  CALL (InterpMetricVTable, create), CALL (InterpMetricVTable, destroy),
  CALL (InterpMetricVTable, update), CALL (InterpMetricVTable, finish), { NULL, 0 } };
static const char *const output_kind_names[] = { "scalar", "per-layer", "histogram", "curve",
                                                  "values" };

/* --describe metric:NAME: one line per declared output. */
static void
describe_metric_outputs (GString *out, const void *vtable)
{
  const InterpMetricOutput *o = ((const InterpMetricVTable *) vtable)->outputs;
  g_string_append (out, "\noutputs:\n");
  for (; o && o->name; o++)
    {
      const char *kind = (guint) o->kind < G_N_ELEMENTS (output_kind_names)
                           ? output_kind_names[o->kind] : "?";
      const char *better = o->higher_is_better == INTERP_BETTER_HIGHER ? ", higher is better"
                           : o->higher_is_better == INTERP_BETTER_LOWER ? ", lower is better" : "";
      g_string_append_printf (out, "  %-24s %-10s %s", o->name, kind, o->description);
      if (o->unit && *o->unit)
        g_string_append_printf (out, " (%s", o->unit);
      if (o->min < o->max)
        g_string_append_printf (out, "%s%.6g..%.6g", o->unit && *o->unit ? ", " : " (",
                                o->min, o->max);
      if ((o->unit && *o->unit) || o->min < o->max)
        g_string_append_printf (out, "%s)", better);
      else if (*better)
        g_string_append_printf (out, " (%s)", better + 2);
      g_string_append_c (out, '\n');
    }
}

/* The report and the summary read what a metric measures from it. */
static const InterpKindCall metric_tables[] = { CALL (InterpMetricVTable, outputs), { NULL, 0 } };
static const InterpKindCall saliency_calls[] = {
  CALL (InterpSaliencyVTable, create), CALL (InterpSaliencyVTable, destroy),
  CALL (InterpSaliencyVTable, attribute), CALL (InterpSaliencyVTable, describe), { NULL, 0 } };

/* The runner's keys of every [saliency:*] group (core/runner/saliency-stage.h):
 * which checks its maps go through.  List entries are validated by the
 * saliency stage's check (interp_saliency_check), naming the key. */
static const InterpParamSpec saliency_core_params[] = {
  { .key = "randomisation", .type = INTERP_PARAM_STRING_LIST, .default_value = "",
    .help = "model-parameter randomisation checks (Adebayo et al. 2018): cascading (top layer "
            "down, one more layer per step), independent (one layer at a time); empty = none" },
  { .key = "randomisation-layers", .type = INTERP_PARAM_STRING_LIST, .default_value = "*",
    .help = "globs over the layers with weights (conv, linear, batchnorm) that the "
            "randomisation checks re-initialise, from the output down" },
  { .key = "similarity", .type = INTERP_PARAM_STRING_LIST,
    .default_value = "spearman-abs, spearman, ssim, hog-pearson",
    .help = "how original and randomised maps are compared: spearman-abs, spearman (rank "
            "correlation of |map| / map), ssim, hog-pearson (Pearson correlation of HOG "
            "features)" },
  { .key = "faithfulness", .type = INTERP_PARAM_STRING_LIST, .default_value = "",
    .help = "faithfulness measures: deletion, insertion (curves and AUC), infidelity, "
            "max-sensitivity; empty = none" },
  { .key = "deletion-steps", .type = INTERP_PARAM_INT, .default_value = "0", .min = 0,
    .max = 100000,
    .help = "steps of the deletion and insertion curves; 0 = the image height (one row's "
            "worth of pixels per step, as RISE's evaluation)" },
  { .key = "infidelity-samples", .type = INTERP_PARAM_INT, .default_value = "10", .min = 1,
    .max = 10000, .help = "perturbations per image for infidelity" },
  { .key = "infidelity-sigma", .type = INTERP_PARAM_DOUBLE, .default_value = "0.1", .min = 0,
    .max = 10, .help = "standard deviation of infidelity's Gaussian perturbations (pixels)" },
  { .key = "max-sensitivity-samples", .type = INTERP_PARAM_INT, .default_value = "10",
    .min = 1, .max = 10000, .help = "perturbations per image for max-sensitivity" },
  { .key = "max-sensitivity-radius", .type = INTERP_PARAM_DOUBLE, .default_value = "0.02",
    .min = 0, .max = 1, .help = "L-inf radius of max-sensitivity's perturbations (pixels)" },
  { .key = "roar", .type = INTERP_PARAM_STRING_LIST, .default_value = "",
    .help = "retraining benchmarks (Hooker et al. 2019): roar (remove the most salient "
            "inputs), kar (keep them); each retrains a network per [pipeline] roar-fractions; "
            "empty = none" },
  { 0 }
};
static const InterpKindCall pruner_calls[] = {
  CALL (InterpPrunerVTable, create), CALL (InterpPrunerVTable, destroy),
  CALL (InterpPrunerVTable, prune), { NULL, 0 } };
static const InterpKindCall task_calls[] = {
  CALL (InterpTaskVTable, create), CALL (InterpTaskVTable, destroy),
  CALL (InterpTaskVTable, n_outputs), CALL (InterpTaskVTable, mapped_size),
  CALL (InterpTaskVTable, map), { NULL, 0 } };

/* The pruning schedule is the runner's, not a pruner's: every [pruner]
 * group takes these keys whatever its plugin (pruner.h). */
static const InterpParamSpec pruner_schedule_params[] = {
  { .key = "fraction", .type = INTERP_PARAM_DOUBLE, .default_value = "0.2", .min = 0,
    .max = 1, .help = "share of the remaining weights removed in each round" },
  { .key = "rounds", .type = INTERP_PARAM_INT, .default_value = "1", .min = 1, .max = 1000,
    .help = "pruning rounds (train, prune, rewind) after the first training" },
  { 0 }
};

/* The runner's keys of every [attack:*] group (attack.h): whether and how
 * to search each test image's minimal adversarial epsilon. */
static const InterpParamSpec attack_core_params[] = {
  { .key = "minimal-epsilon", .type = INTERP_PARAM_BOOL, .default_value = "false",
    .help = "also find each test image's smallest epsilon (up to the largest level) that "
            "fools the network: bisection for fixed-budget attacks, directly for "
            "minimal-norm ones (deepfool, cw-l2)" },
  { .key = "minimal-epsilon-steps", .type = INTERP_PARAM_INT, .default_value = "8", .min = 1,
    .max = 30,
    .help = "bisection steps of the minimal-epsilon search (resolution: largest level / 2^steps)" },
  { 0 }
};

/* The runner's keys of every [metric:*] group: on which conditions it runs, and whether it
 * is also tracked over training (core/runner/tracking.h). */
static const InterpParamSpec metric_core_params[] = {
  { .key = "perturbations", .type = INTERP_PARAM_STRING_LIST, .default_value = "*",
    .help = "the conditions the metric is measured on, as summary.csv names them: clean, "
            "corruption:NAME, attack:NAME; globs allowed (corruption:*); default every one" },
  { .key = "track-epochs", .type = INTERP_PARAM_BOOL, .default_value = "false",
    .help = "also measure the metric on the clean validation split after every training "
            "epoch (trials/ID/epochs.json, the report's \"Over training\"); needs [dataset] "
            "val-split > 0" },
  { .key = "prefix", .type = INTERP_PARAM_STRING, .default_value = "",
    .help = "text put before every name the instance reports (summary.csv, hypotheses' "
            "metric =), so that two instances of one plugin report apart, e.g. train-bn-; "
            "letters, digits, '-', '_' and '.'" },
  { 0 }
};

/* Indexed by InterpKind: a new kind is a new row at the end. */
static const InterpKindInfo kinds[INTERP_N_KINDS] = {
  [INTERP_KIND_MODEL] = {
    .kind = INTERP_KIND_MODEL, .name = "model", .plural = "models",
    .min_vtable_size = sizeof (InterpModelVTable), .required = model_calls,
    .group = INTERP_GROUP_SINGLETON, .required_in_pipeline = TRUE, .example = "cnn",
    .run_order = 2 },
  [INTERP_KIND_DATASET] = {
    .kind = INTERP_KIND_DATASET, .name = "dataset", .plural = "datasets",
    .min_vtable_size = sizeof (InterpDatasetVTable), .required = dataset_calls,
    .group = INTERP_GROUP_SINGLETON, .required_in_pipeline = TRUE,
    .example = "fashion-mnist", .run_order = 0,
    .core_params = interp_data_common_params,
    .core_params_title = "common data keys (every [dataset] group)" },
  [INTERP_KIND_REGULARIZER] = {
    .kind = INTERP_KIND_REGULARIZER, .name = "regularizer", .plural = "regularizers",
    .min_vtable_size = sizeof (InterpRegularizerVTable), .required = regularizer_calls,
    .group = INTERP_GROUP_INSTANCES, .example = "l2", .run_order = 4 },
  [INTERP_KIND_ATTACK] = {
    .kind = INTERP_KIND_ATTACK, .name = "attack", .plural = "attacks",
    .min_vtable_size = sizeof (InterpAttackVTable), .required = attack_calls,
    .level_type = INTERP_LEVEL_DOUBLES,
    .level_key_offset = offsetof (InterpAttackVTable, level_key),
    .group = INTERP_GROUP_INSTANCES, .example = "pgd", .run_order = 6,
    .core_params = attack_core_params,
    .core_params_title = "runner keys (every [attack:*] group)" },
  [INTERP_KIND_CORRUPTION] = {
    .kind = INTERP_KIND_CORRUPTION, .name = "corruption", .plural = "corruptions",
    /* apply_indexed (the last member) is optional: tables built before it
     * are shorter and still accepted. */
    .min_vtable_size = offsetof (InterpCorruptionVTable, apply_indexed),
    .required = corruption_calls,
    .level_type = INTERP_LEVEL_NUMBERS,
    .level_key_offset = offsetof (InterpCorruptionVTable, level_key),
    .group = INTERP_GROUP_INSTANCES, .example = "gaussian-noise", .run_order = 5 },
  [INTERP_KIND_METRIC] = {
    .kind = INTERP_KIND_METRIC, .name = "metric", .plural = "metrics",
    .min_vtable_size = sizeof (InterpMetricVTable), .required = metric_calls,
    .required_tables = metric_tables, .describe = describe_metric_outputs,
    .group = INTERP_GROUP_INSTANCES, .example = "accuracy", .run_order = 7,
    .core_params = metric_core_params,
    .core_params_title = "runner keys (every [metric:*] group)" },
  [INTERP_KIND_SALIENCY] = {
    .kind = INTERP_KIND_SALIENCY, .name = "saliency", .plural = "saliency",
    .min_vtable_size = sizeof (InterpSaliencyVTable), .required = saliency_calls,
    .group = INTERP_GROUP_INSTANCES, .example = "integrated-gradients", .run_order = 8,
    .core_params = saliency_core_params,
    .core_params_title = "runner keys (every [saliency:*] group)" },
  [INTERP_KIND_PRUNER] = {
    .kind = INTERP_KIND_PRUNER, .name = "pruner", .plural = "pruners",
    .min_vtable_size = sizeof (InterpPrunerVTable), .required = pruner_calls,
    .group = INTERP_GROUP_SINGLETON, .example = "magnitude", .run_order = 3,
    .core_params = pruner_schedule_params,
    .core_params_title = "pruning schedule (every [pruner] group)" },
  [INTERP_KIND_TASK] = {
    .kind = INTERP_KIND_TASK, .name = "task", .plural = "tasks",
    .min_vtable_size = sizeof (InterpTaskVTable), .required = task_calls,
    .group = INTERP_GROUP_SINGLETON, .example = "rotation", .run_order = 1 },
};

const InterpKindInfo *
interp_kind_info (InterpKind kind)
{
  if ((guint) kind >= INTERP_N_KINDS)
    return NULL;
  return &kinds[kind];
}

const char *
interp_kind_name (InterpKind kind)
{
  const InterpKindInfo *k = interp_kind_info (kind);
  return k ? k->name : NULL;
}

int
interp_kind_from_name (const char *name)
{
  for (int k = 0; name && k < INTERP_N_KINDS; k++)
    if (g_str_equal (name, kinds[k].name))
      return k;
  return -1;
}

const InterpKindInfo *
interp_kind_at_run_order (int position)
{
  for (int k = 0; k < INTERP_N_KINDS; k++)
    if (kinds[k].run_order == position)
      return &kinds[k];
  return NULL;
}

char *
interp_kind_names_text (void)
{
  GString *s = g_string_new (NULL);
  for (int k = 0; k < INTERP_N_KINDS; k++)
    g_string_append_printf (s, "%s%s", k ? ", " : "", kinds[k].name);
  return g_string_free (s, FALSE);
}

const char *
interp_kind_level_key (const InterpComponent *c)
{
  const InterpKindInfo *k = interp_kind_info (c->kind);
  if (k == NULL || k->level_type == INTERP_LEVEL_NONE || c->vtable == NULL)
    return NULL;
  const char *key;
  memcpy (&key, (const char *) c->vtable + k->level_key_offset, sizeof key);
  return key;
}

const char *
interp_kind_missing_call (InterpKind kind, const void *vtable)
{
  const InterpKindInfo *k = interp_kind_info (kind);
  for (const InterpKindCall *call = k ? k->required : NULL; call && call->name; call++)
    {
      void (*fn) (void);
      /* Every member listed is a function pointer; read it without assuming its type. */
      memcpy (&fn, (const char *) vtable + call->offset, sizeof fn);
      if (fn == NULL)
        return call->name;
    }
  return NULL;
}

const char *
interp_kind_missing_table (InterpKind kind, const void *vtable)
{
  const InterpKindInfo *k = interp_kind_info (kind);
  for (const InterpKindCall *t = k ? k->required_tables : NULL; t && t->name; t++)
    {
      const void *table;
      memcpy (&table, (const char *) vtable + t->offset, sizeof table);
      if (table == NULL)
        return t->name;
    }
  return NULL;
}
