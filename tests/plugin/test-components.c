/* Component checks (core/plugin/validate.c) against the kind table
 * (core/plugin/kinds.c): descriptors compiled into the test, the task and
 * pruner test plugins, and parameter tables built with another
 * InterpParamSpec size. */
#include "config.h"

#include <criterion/criterion.h>
#include <stddef.h>
#include <string.h>

#include <interp/attack.h>
#include <interp/error.h>
#include <interp/pruner.h>
#include <interp/task.h>
#include "plugin/kinds.h"
#include "plugin/registry.h"
#include "fixtures/test-plugin.h"
#include "fixtures/task-pruner.h"
#include "registry-helpers.h"

TestSuite (components, .init = make_tmp, .fini = remove_tmp);

/* ---- the kind table ----------------------------------------------------- */

Test (components, kind_names_round_trip)
{
  /* The enum only grows at the end: these positions are ABI. */
  static const char *const names[] = {
    "model", "dataset", "regularizer", "attack", "corruption", "metric", "saliency",
    "pruner", "task",
  };
  cr_assert_eq (G_N_ELEMENTS (names), INTERP_N_KINDS);
  cr_assert_eq (INTERP_KIND_PRUNER, 7);
  cr_assert_eq (INTERP_KIND_TASK, 8);
  for (int k = 0; k < INTERP_N_KINDS; k++)
    {
      cr_assert_str_eq (interp_kind_name ((InterpKind) k), names[k]);
      cr_assert_eq (interp_kind_from_name (names[k]), k);
    }
  cr_assert_null (interp_kind_name (INTERP_N_KINDS));
  cr_assert_null (interp_kind_name ((InterpKind) -1));
  cr_assert_eq (interp_kind_from_name ("metrics"), -1);
  cr_assert_eq (interp_kind_from_name (""), -1);
  cr_assert_eq (interp_kind_from_name (NULL), -1);
  g_autofree char *text = interp_kind_names_text ();
  cr_assert_str_eq (text, "model, dataset, regularizer, attack, corruption, metric, saliency, "
                    "pruner, task");
}

/* Every row is complete and consistent: its own enum value, a vtable at
 * least as long as struct_size, required calls inside it, a run order that
 * is a permutation, an example plugin name. */
Test (components, kind_table_rows_are_complete)
{
  gboolean seen[INTERP_N_KINDS] = { FALSE };
  for (int k = 0; k < INTERP_N_KINDS; k++)
    {
      const InterpKindInfo *info = interp_kind_info ((InterpKind) k);
      cr_assert_not_null (info);
      cr_assert_eq (info->kind, k, "row %d describes kind %d", k, info->kind);
      cr_assert (info->plural && *info->plural, "%s", info->name);
      cr_assert (info->example && *info->example, "%s", info->name);
      cr_assert_geq (info->min_vtable_size, sizeof (uint32_t) + sizeof (void *), "%s",
                     info->name);
      cr_assert (info->required && info->required[0].name, "%s has no required call",
                 info->name);
      for (const InterpKindCall *c = info->required; c->name; c++)
        cr_assert_leq (c->offset + sizeof (void *), info->min_vtable_size, "%s.%s", info->name,
                       c->name);
      cr_assert ((info->core_params == NULL) == (info->core_params_title == NULL), "%s",
                 info->name);
      cr_assert (info->run_order >= 0 && info->run_order < INTERP_N_KINDS, "%s", info->name);
      cr_assert_not (seen[info->run_order], "two kinds at run order %d", info->run_order);
      seen[info->run_order] = TRUE;
      cr_assert_eq (interp_kind_at_run_order (info->run_order), info);
    }
  cr_assert_null (interp_kind_info (INTERP_N_KINDS));
  /* What the pipeline relies on. */
  cr_assert (interp_kind_info (INTERP_KIND_DATASET)->required_in_pipeline);
  cr_assert (interp_kind_info (INTERP_KIND_MODEL)->required_in_pipeline);
  cr_assert_not (interp_kind_info (INTERP_KIND_TASK)->required_in_pipeline);
  cr_assert_not (interp_kind_info (INTERP_KIND_PRUNER)->required_in_pipeline);
  cr_assert_eq (interp_kind_info (INTERP_KIND_TASK)->group, INTERP_GROUP_SINGLETON);
  cr_assert_eq (interp_kind_info (INTERP_KIND_PRUNER)->group, INTERP_GROUP_SINGLETON);
  cr_assert_eq (interp_kind_info (INTERP_KIND_METRIC)->group, INTERP_GROUP_INSTANCES);
  cr_assert_eq (interp_kind_info (INTERP_KIND_ATTACK)->level_type, INTERP_LEVEL_DOUBLES);
  cr_assert_eq (interp_kind_info (INTERP_KIND_CORRUPTION)->level_type, INTERP_LEVEL_NUMBERS);
  cr_assert_eq (interp_kind_info (INTERP_KIND_MODEL)->level_type, INTERP_LEVEL_NONE);
}

Test (components, missing_call_is_found_in_vtable_order)
{
  InterpTaskVTable v = { INTERP_VTABLE_SIZE (InterpTaskVTable) };
  cr_assert_str_eq (interp_kind_missing_call (INTERP_KIND_TASK, &v), "create");
  v.create = test_task_create;
  v.destroy = test_destroy;
  cr_assert_str_eq (interp_kind_missing_call (INTERP_KIND_TASK, &v), "n_outputs");
  v.n_outputs = test_task_n_outputs;
  v.mapped_size = test_task_mapped_size;
  cr_assert_str_eq (interp_kind_missing_call (INTERP_KIND_TASK, &v), "map");
  v.map = test_task_map;
  cr_assert_null (interp_kind_missing_call (INTERP_KIND_TASK, &v));
  /* A metric's reset is optional. */
  InterpMetricVTable m = test_metric_vtable;
  m.reset = NULL;
  cr_assert_null (interp_kind_missing_call (INTERP_KIND_METRIC, &m));
}

/* ---- descriptors compiled into the test ------------------------------ */

static const InterpComponent builtin_metric = INTERP_COMPONENT (
  .kind = INTERP_KIND_METRIC, .name = "test-builtin",
  .description = "A metric compiled into the test.", .vtable = &test_metric_vtable);

static const InterpComponent *const builtin_components[] = { &builtin_metric };

static const InterpPluginDescriptor builtin = {
  .abi_version = INTERP_ABI_VERSION, .struct_size = sizeof (InterpPluginDescriptor),
  .name = "builtin", .version = "0", .license = "MIT", .description = "In the test binary.",
  .components = builtin_components, .n_components = 1,
};

/* `builtin` with one component replaced by `c`. */
static GError *
add_component (const InterpComponent *c)
{
  const InterpComponent *comps[] = { c };
  InterpPluginDescriptor d = builtin;
  d.components = comps;
  InterpRegistry *reg = interp_registry_new ();
  GError *err = NULL;
  gboolean ok = interp_registry_add (reg, &d, "<test>", &err);
  cr_assert_eq (ok, err == NULL);
  interp_registry_free (reg);
  return err;
}

static void
assert_component_refused (const InterpComponent *c, const char *needle)
{
  GError *err = add_component (c);
  cr_assert_not_null (err, "accepted a component that should be refused (%s)", needle);
  cr_assert (g_error_matches (err, INTERP_ERROR, INTERP_ERROR_PLUGIN_INVALID), "%s",
             err->message);
  cr_assert (g_str_has_prefix (err->message, "<test>: "), "%s", err->message);
  cr_assert (strstr (err->message, needle), "message lacks '%s': %s", needle, err->message);
  g_error_free (err);
}

Test (components, builtin_descriptor)
{
  InterpRegistry *reg = interp_registry_new ();
  GError *err = NULL;
  cr_assert (interp_registry_add (reg, &builtin, NULL, &err));
  const InterpRegistryEntry *e = interp_registry_find (reg, INTERP_KIND_METRIC, "test-builtin");
  cr_assert_not_null (e);
  cr_assert_str_eq (e->path, "<builtin>");
  cr_assert_not (interp_registry_add (reg, &builtin, "<again>", &err));
  cr_assert (g_error_matches (err, INTERP_ERROR, INTERP_ERROR_DUPLICATE));
  cr_assert (strstr (err->message, "<again>") && strstr (err->message, "<builtin>"), "%s",
             err->message);
  g_error_free (err);
  interp_registry_free (reg);
}

Test (components, refuses_bad_components)
{
  InterpComponent c = builtin_metric;
  cr_assert_null (add_component (&c));

  c = builtin_metric;
  c.struct_size = sizeof (InterpComponent) - 8;
  assert_component_refused (&c, "shorter");

  c = builtin_metric;
  c.kind = (InterpKind) 99;
  assert_component_refused (&c, "unknown kind 99");

  c = builtin_metric;
  c.name = "";
  assert_component_refused (&c, "no name");

  c = builtin_metric;
  c.name = "Test:Upper";
  assert_component_refused (&c, "lower-case-with-dashes");

  c = builtin_metric;
  c.description = NULL;
  assert_component_refused (&c, "no description");

  c = builtin_metric;
  c.vtable = NULL;
  assert_component_refused (&c, "no vtable");

  InterpMetricVTable v = test_metric_vtable;
  v.update = NULL;
  c = builtin_metric;
  c.vtable = &v;
  assert_component_refused (&c, "'update'");

  /* A metric must say what it measures. */
  v = test_metric_vtable;
  v.outputs = NULL;
  c = builtin_metric;
  c.vtable = &v;
  assert_component_refused (&c, "required table 'outputs'");

  static const InterpParamSpec twice[] = {
    { "k", INTERP_PARAM_INT, "1", "", 0, 0, NULL },
    { "k", INTERP_PARAM_INT, "2", "", 0, 0, NULL },
    { 0 }
  };
  c = builtin_metric;
  c.params = twice;
  assert_component_refused (&c, "declared twice");

  static const InterpParamSpec no_choices[] = {
    { "mode", INTERP_PARAM_CHOICE, NULL, "", 0, 0, NULL },
    { 0 }
  };
  c = builtin_metric;
  c.params = no_choices;
  assert_component_refused (&c, "no choices");

  static const InterpParamSpec out_of_range[] = {
    { "p", INTERP_PARAM_DOUBLE, "2", "", 0, 1, NULL },
    { 0 }
  };
  c = builtin_metric;
  c.params = out_of_range;
  assert_component_refused (&c, "'p'");
}

static gpointer
attack_create (const InterpParams *params, InterpContext *ctx, GError **error)
{
  return NULL;
}

static void
attack_destroy (gpointer self)
{
}

static gboolean
attack_perturb (gpointer self, InterpNet *net, const InterpTensor *x, const int32_t *labels,
                const double *eps, InterpRng *rng, InterpTensor *x_adv, GError **error)
{
  return TRUE;
}

static void
attack_describe (gpointer self, InterpAttackInfo *info)
{
  info->norm = INTERP_NORM_L2;
  info->flags = 0;
}

Test (components, attack_level_key_must_be_a_declared_list)
{
  static const InterpParamSpec params[] = {
    { "epsilon", INTERP_PARAM_DOUBLE_LIST, "0.1", "", 0, 1, NULL },
    { "steps", INTERP_PARAM_INT_LIST, "1", "", 0, 0, NULL },
    { 0 }
  };
  InterpAttackVTable v = {
    INTERP_VTABLE_SIZE (InterpAttackVTable), .level_key = "epsilon",
    .create = attack_create, .destroy = attack_destroy, .perturb = attack_perturb,
    .describe = attack_describe,
  };
  InterpComponent c = builtin_metric;
  c.kind = INTERP_KIND_ATTACK;
  c.params = params;
  c.vtable = &v;
  cr_assert_null (add_component (&c));

  v.level_key = "epsilons";
  assert_component_refused (&c, "level_key 'epsilons'");
  v.level_key = "steps";   /* attacks sweep doubles */
  assert_component_refused (&c, "double list");
  v.level_key = NULL;
  assert_component_refused (&c, "no level_key");
}

Test (components, plugin_is_registered_all_or_nothing)
{
  InterpRegistry *reg = interp_registry_new ();
  GError *err = NULL;
  cr_assert (interp_registry_add (reg, &builtin, NULL, &err));

  static const InterpComponent fresh = INTERP_COMPONENT (
    .kind = INTERP_KIND_METRIC, .name = "test-fresh", .description = "New.",
    .vtable = &test_metric_vtable);
  const InterpComponent *comps[] = { &fresh, &builtin_metric };
  InterpPluginDescriptor d = builtin;
  d.name = "clashing";
  d.components = comps;
  d.n_components = 2;
  cr_assert_not (interp_registry_add (reg, &d, "<clash>", &err));
  cr_assert (g_error_matches (err, INTERP_ERROR, INTERP_ERROR_DUPLICATE));
  g_clear_error (&err);
  cr_assert_null (interp_registry_find (reg, INTERP_KIND_METRIC, "test-fresh"));

  /* A plugin declaring one KIND:NAME twice is refused on its own. */
  const InterpComponent *self_dup[] = { &fresh, &fresh };
  d.components = self_dup;
  cr_assert_not (interp_registry_add (reg, &d, "<self>", &err));
  cr_assert (g_error_matches (err, INTERP_ERROR, INTERP_ERROR_DUPLICATE));
  cr_assert (strstr (err->message, "twice"), "%s", err->message);
  g_clear_error (&err);
  cr_assert_eq (interp_registry_n_plugins (reg), 1);
  interp_registry_free (reg);
}

/* ---- the task and pruner kinds ------------------------------------------ */

Test (components, task_and_pruner_plugin_loads)
{
  char *path = built_plugin ("task-pruner");
  InterpRegistry *reg = interp_registry_new ();
  GError *err = NULL;
  cr_assert (interp_registry_load_file (reg, path, &err), "%s", err ? err->message : "");
  const InterpRegistryEntry *t = interp_registry_find (reg, INTERP_KIND_TASK, "test-task");
  const InterpRegistryEntry *p = interp_registry_find (reg, INTERP_KIND_PRUNER, "test-pruner");
  cr_assert_not_null (t);
  cr_assert_not_null (p);
  const InterpTaskVTable *tv = t->component->vtable;
  cr_assert_eq (tv->n_outputs (NULL), 4);
  cr_assert_eq (tv->mapped_size (NULL, 3), 12);
  cr_assert_not_null (interp_registry_lookup (reg, "task:test-task", NULL));
  cr_assert_not_null (interp_registry_lookup (reg, "pruner:test-pruner", NULL));
  /* --list-plugins has a section for each new kind, after saliency. */
  char *text = interp_registry_list_text (reg);
  const char *saliency = strstr (text, "\nsaliency:\n  (none)\n");
  const char *pruner = strstr (text, "\npruner:\n  test-pruner ");
  const char *task = strstr (text, "\ntask:\n  test-task ");
  cr_assert (saliency && pruner && task && saliency < pruner && pruner < task, "%s", text);
  g_free (text);
  /* --describe shows the pruning schedule every [pruner] group takes. */
  text = interp_describe_component (p);
  cr_assert (g_str_has_prefix (text, "pruner:test-pruner\n"), "%s", text);
  cr_assert (strstr (text, "pruning schedule (every [pruner] group)"), "%s", text);
  cr_assert (strstr (text, "fraction"), "%s", text);
  g_free (text);
  text = interp_describe_component (t);
  cr_assert (strstr (text, "angles"), "%s", text);
  cr_assert_null (strstr (text, "schedule"), "%s", text);
  g_free (text);
  interp_registry_free (reg);
  g_free (path);
}

Test (components, pruner_without_prune_refuses_its_plugin)
{
  char *path = built_plugin ("pruner-no-prune");
  assert_refused (path, INTERP_ERROR_PLUGIN_INVALID,
                  "component pruner:test-pruner-no-prune: the vtable's required function "
                  "'prune' is NULL");
  g_free (path);
}

static const InterpTaskVTable builtin_task_vtable = {
  INTERP_VTABLE_SIZE (InterpTaskVTable),
  .create = test_task_create,
  .destroy = test_destroy,
  .n_outputs = test_task_n_outputs,
  .mapped_size = test_task_mapped_size,
  .map = test_task_map,
};

static const InterpPrunerVTable builtin_pruner_vtable = {
  INTERP_VTABLE_SIZE (InterpPrunerVTable),
  .create = test_pruner_create,
  .destroy = test_destroy,
  .prune = test_pruner_prune,
};

/* The task kind gets the same checks as the others: size, every call. */
Test (components, task_is_validated_like_the_others)
{
  InterpComponent c = builtin_metric;
  c.kind = INTERP_KIND_TASK;
  c.vtable = &builtin_task_vtable;
  cr_assert_null (add_component (&c));

  InterpTaskVTable v = builtin_task_vtable;
  v.struct_size = offsetof (InterpTaskVTable, map);
  c.vtable = &v;
  assert_component_refused (&c, "its task vtable is");

  static const char *const calls[] = { "create", "destroy", "n_outputs", "mapped_size", "map" };
  static const size_t offsets[] = {
    offsetof (InterpTaskVTable, create), offsetof (InterpTaskVTable, destroy),
    offsetof (InterpTaskVTable, n_outputs), offsetof (InterpTaskVTable, mapped_size),
    offsetof (InterpTaskVTable, map),
  };
  for (guint i = 0; i < G_N_ELEMENTS (calls); i++)
    {
      v = builtin_task_vtable;
      memset ((char *) &v + offsets[i], 0, sizeof (void *));
      char *needle = g_strdup_printf ("component task:test-builtin: the vtable's required "
                                      "function '%s' is NULL", calls[i]);
      assert_component_refused (&c, needle);
      g_free (needle);
    }

  /* And a pruner: accepted whole, refused without create. */
  c.kind = INTERP_KIND_PRUNER;
  c.vtable = &builtin_pruner_vtable;
  cr_assert_null (add_component (&c));
  InterpPrunerVTable pv = builtin_pruner_vtable;
  pv.create = NULL;
  c.vtable = &pv;
  assert_component_refused (&c, "'create'");
}

/* ---- parameter tables and InterpParamSpec's size ----------------------- */

/* What a plugin built against a later header, whose InterpParamSpec grew
 * a member, would hand the loader. */
typedef struct {
  InterpParamSpec spec;
  const char *added_later;
} LongerSpec;

static const LongerSpec longer_params[] = {
  { { .key = "alpha", .type = INTERP_PARAM_DOUBLE, .default_value = "0.5", .min = 0, .max = 1,
      .help = "first" }, "x" },
  { { .key = "mode", .type = INTERP_PARAM_CHOICE, .default_value = "b", .choices = "a|b",
      .help = "second" }, "y" },
  { { 0 }, NULL }
};

Test (components, longer_param_specs_are_read_with_their_stride)
{
  InterpComponent c = builtin_metric;
  c.params = &longer_params[0].spec;
  c.param_spec_size = sizeof (LongerSpec);
  const InterpComponent *comps[] = { &c };
  InterpPluginDescriptor d = builtin;
  d.components = comps;
  InterpRegistry *reg = interp_registry_new ();
  GError *err = NULL;
  cr_assert (interp_registry_add (reg, &d, "<test>", &err), "%s", err ? err->message : "");
  const InterpRegistryEntry *e = interp_registry_find (reg, INTERP_KIND_METRIC, "test-builtin");
  /* The registry hands out the table in this interp's layout. */
  const InterpParamSpec *p = e->component->params;
  cr_assert_eq (e->component->param_spec_size, sizeof (InterpParamSpec));
  cr_assert_str_eq (p[0].key, "alpha");
  cr_assert_str_eq (p[1].key, "mode");
  cr_assert_str_eq (p[1].choices, "a|b");
  cr_assert_null (p[2].key);
  cr_assert_str_eq (e->component->name, "test-builtin");
  char *text = interp_describe_component (e);
  cr_assert (strstr (text, "a|b"), "%s", text);
  g_free (text);
  interp_registry_free (reg);

  /* The checks walk the plugin's stride too: a bad default in entry 1 is found. */
  static const LongerSpec bad[] = {
    { { .key = "alpha", .type = INTERP_PARAM_DOUBLE, .default_value = "0.5", .help = "" }, "" },
    { { .key = "beta", .type = INTERP_PARAM_DOUBLE, .default_value = "2", .min = 0, .max = 1,
        .help = "" }, "" },
    { { 0 }, NULL }
  };
  c.params = &bad[0].spec;
  assert_component_refused (&c, "'beta'");
}

Test (components, short_param_specs_are_refused)
{
  static const InterpParamSpec params[] = {
    { .key = "alpha", .type = INTERP_PARAM_DOUBLE, .default_value = "0.5", .help = "" },
    { 0 }
  };
  InterpComponent c = builtin_metric;
  c.params = params;
  c.param_spec_size = sizeof (InterpParamSpec) - sizeof (void *);
  assert_component_refused (&c, "parameter table's entries are");
  /* A component not made with INTERP_COMPONENT says 0. */
  c.param_spec_size = 0;
  assert_component_refused (&c, "INTERP_COMPONENT");
  /* Without a table the size does not matter. */
  c.params = NULL;
  cr_assert_null (add_component (&c));
}
