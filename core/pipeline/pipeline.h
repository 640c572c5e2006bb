/* libinterp internals: pipelines.
 *
 * A pipeline is a GKeyFile.  Groups:
 *   [pipeline]          name, seed, output, description
 *   [train]             the training stage (interp_train_params, core/train/train-config.c)
 *   [KIND]              a singleton kind's one stage (dataset, model, task, pruner:
 *                       core/plugin/kinds.c says which kinds are singletons and which of
 *                       them a pipeline must have): plugin = NAME, the component's keys,
 *                       and the kind's core keys ([dataset]: the common data keys of
 *                       core/data/data.h; [pruner]: the pruning schedule)
 *   [KIND:NAME]         an instance of an instance kind (regularizer, corruption, attack,
 *                       metric, saliency): plugin = NAME selects the component, every
 *                       other key is validated against its parameter table
 *   [sweep]             GROUP.KEY = list: the grid of trials (sweep.c)
 *   [hypothesis:NAME]   a claim over the sweep (core/stats/hypothesis.h)
 * `--set GROUP.KEY=VALUE` overrides are applied to the key file before validation, so they win
 * over the file and are validated the same way.
 *
 * Files: pipeline.c (loading and validating the groups), sweep.c (axes and
 * trials), resolved.c (stages in run order and the resolved text).
 */
#ifndef INTERP_PIPELINE_H
#define INTERP_PIPELINE_H

#include <glib.h>
#include <interp/params.h>
#include <interp/plugin.h>

#include "plugin/registry.h"
#include "train/train-config.h"   /* interp_train_params: the [train] table */

G_BEGIN_DECLS

typedef struct {
  char *group;                       /* "attack:pgd", "dataset", "model" */
  InterpKind kind;
  char *instance;                    /* "pgd"; the plugin name for a singleton group */
  const InterpRegistryEntry *entry;
  InterpParams *params;              /* validated against the component's table */
  InterpParams *common;              /* the kind's core keys ([dataset]: the common data
                                        keys), or NULL for a kind without any */
} InterpStage;

typedef struct {
  char *key;                         /* "GROUP.KEY" */
  char **values;                     /* the list as texts */
  guint n_values;
} InterpSweepAxis;

typedef struct {
  char *path;                        /* the file, for messages */
  GKeyFile *keyfile;                 /* after overrides */
  InterpParams *pipeline;            /* [pipeline] */
  InterpParams *train;               /* [train] */
  GPtrArray *stages[INTERP_N_KINDS]; /* InterpStage*, in file order; read them through
                                        the accessors below */
  GPtrArray *sweep;                  /* InterpSweepAxis* */
  GPtrArray *hypotheses;             /* group names "hypothesis:NAME" */
} InterpPipeline;

extern const InterpParamSpec interp_pipeline_params[];

/* Load, apply overrides ("GROUP.KEY=VALUE", may be NULL) and validate every
 * group.  Errors: IO / PIPELINE for the file, UNKNOWN_KEY, BAD_VALUE,
 * OUT_OF_RANGE, MISSING, NOT_FOUND (unknown plugin), each naming file,
 * group and key. */
InterpPipeline *interp_pipeline_load (const char *path, const char *const *overrides,
                                      const InterpRegistry *registry, GError **error);
/* The same from an already-read key file (copied). */
InterpPipeline *interp_pipeline_new (GKeyFile *keyfile, const char *path,
                                     const char *const *overrides,
                                     const InterpRegistry *registry, GError **error);
void interp_pipeline_free (InterpPipeline *p);

/* The stages of `kind` in file order: every [KIND:NAME] group of an instance
 * kind, or the one [KIND] group of a singleton kind (0 or 1 entries).
 * Borrowed; the caller does not modify it. */
GPtrArray *interp_pipeline_instances (const InterpPipeline *p, InterpKind kind);
/* The [KIND] stage of a singleton kind, or NULL when the pipeline has none
 * (a required kind, dataset or model, is always there).  Borrowed. */
InterpStage *interp_pipeline_singleton (const InterpPipeline *p, InterpKind kind);

/* Number of trials of the sweep (1 without a sweep). */
guint interp_pipeline_n_trials (const InterpPipeline *p);
/* The overrides ("GROUP.KEY=VALUE") that make trial i (0-based, last axis fastest). */
GStrv interp_pipeline_trial_overrides (const InterpPipeline *p, guint trial);
/* The swept values of trial i: a new table "GROUP.KEY" -> value text (iterate
 * p->sweep for the keys in order).  Free with g_hash_table_unref. */
GHashTable *interp_pipeline_trial_swept (const InterpPipeline *p, guint trial);
/* The seed of trial i: its swept pipeline.seed, else [pipeline] seed. */
gint64 interp_pipeline_trial_seed (const InterpPipeline *p, guint trial);
/* TRUE for a swept key that picks a seed ("pipeline.seed", "attack:pgd.seed":
 * its last part is "seed"): its values are replicates of one condition, for
 * the hypotheses and the report alike. */
gboolean interp_sweep_key_is_seed (const char *key);
/* The validated pipeline of trial i: this pipeline with the trial's overrides and no sweep. */
InterpPipeline *interp_pipeline_trial (const InterpPipeline *p, guint trial,
                                       const InterpRegistry *registry, GError **error);

/* Every group with every key's resolved value (defaults included), as a key file text. */
char *interp_pipeline_resolved_text (const InterpPipeline *p);
/* Every stage in run order (the kinds' run_order, core/plugin/kinds.c): dataset, task,
 * model, pruner, regularizers, corruptions, attacks, metrics, saliency.  A new array of
 * borrowed stages. */
GPtrArray *interp_pipeline_stages (const InterpPipeline *p);


G_END_DECLS

#endif
