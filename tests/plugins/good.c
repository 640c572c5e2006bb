/* A well-formed plugin with two components of two kinds; the registry tests
 * load it and describe its metric's parameters. */
#include "test-plugin.h"

#include <interp/attack.h>

static const InterpParamSpec good_params[] = {
  { "alpha", INTERP_PARAM_DOUBLE, "0.5", "Mixing weight of the test metric.", 0, 1, NULL },
  { "layers", INTERP_PARAM_STRING_LIST, "*relu*", "Node-name globs to measure.", 0, 0, NULL },
  { "mode", INTERP_PARAM_CHOICE, "fast", "How hard to try.", 0, 0, "fast|slow" },
  { "count", INTERP_PARAM_INT, NULL, "Units per layer (no default: required).", 1, 100, NULL },
  { "verbose", INTERP_PARAM_BOOL, "false", "Log every batch.", 0, 0, NULL },
  { "label", INTERP_PARAM_STRING, "", "Free text for the report.", 0, 0, NULL },
  { NULL }
};

static const InterpComponent good_metric = INTERP_COMPONENT (
  .kind = INTERP_KIND_METRIC, .name = "test-good",
  .description = "A metric that measures nothing, for the registry tests.",
  .params = good_params, .vtable = &test_metric_vtable);

static const InterpParamSpec noop_params[] = {
  { "epsilon", INTERP_PARAM_DOUBLE_LIST, "1/255, 2/255", "Perturbation budgets.", 0, 1, NULL },
  { NULL }
};

static gpointer
noop_create (const InterpParams *params, InterpContext *ctx, GError **error)
{
  static int token;
  return &token;
}

static void
noop_destroy (gpointer self)
{
}

static gboolean
noop_perturb (gpointer self, InterpNet *net, const InterpTensor *x, const int32_t *labels,
              double level, InterpRng *rng, InterpTensor *x_adv, GError **error)
{
  return TRUE;
}

static const InterpAttackVTable noop_vtable = {
  INTERP_VTABLE_SIZE (InterpAttackVTable),
  .level_key = "epsilon",
  .create = noop_create,
  .destroy = noop_destroy,
  .perturb = noop_perturb,
};

static const InterpComponent noop_attack = INTERP_COMPONENT (
  .kind = INTERP_KIND_ATTACK, .name = "test-noop",
  .description = "An attack that changes nothing.",
  .params = noop_params, .vtable = &noop_vtable);

static const InterpComponent *const components[] = { &good_metric, &noop_attack };

INTERP_PLUGIN_DEFINE (.name = "test-good", .version = "1.2.3", .license = "MIT",
                      .description = "Well-formed test plugin.",
                      .components = components, .n_components = G_N_ELEMENTS (components))
