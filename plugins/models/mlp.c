/* model:mlp, a multi-layer perceptron on flattened inputs.
 *
 * Nodes: flatten, fc1, relu1, [dropout1], fc2, relu2, [dropout2], ..., fc.
 * Hidden layers are numbered from 1; the logits layer is always "fc", in
 * every model of this plugin, so `fc` addresses the logits and `relu*` the
 * hidden units.
 */
#include "config.h"

#include "models-private.h"

static const InterpParamSpec mlp_params[] = {
  { "hidden", INTERP_PARAM_INT_LIST, "256, 128",
    "widths of the hidden fully connected layers, input side first (empty: a linear model)",
    1, 1 << 20, NULL },
  { "dropout", INTERP_PARAM_DOUBLE, "0",
    "drop probability after every hidden ReLU (0 = no dropout nodes)", 0, 0.99, NULL },
  { "init", INTERP_PARAM_CHOICE, "kaiming", MODEL_INIT_HELP, 0, 0, "pytorch|kaiming" },
  { 0 }
};

static gboolean
mlp_build (const InterpParams *params, const InterpDataInfo *data, InterpNet *net,
           int input, GError **error)
{
  ModelBuilder b;
  model_builder_init (&b, net, "mlp");
  size_t n_hidden = 0;
  const gint64 *hidden = interp_params_get_int_list (params, "hidden", &n_hidden);
  double dropout = interp_params_get_double (params, "dropout");
  model_apply_init (params, net);

  return model_dense_head (&b, input, hidden, n_hidden, dropout, data->n_classes, error) >= 0;
}

static const InterpModelVTable mlp_vtable = {
  INTERP_VTABLE_SIZE (InterpModelVTable),
  .build = mlp_build,
};

const InterpComponent models_mlp_component = INTERP_COMPONENT (
  .kind = INTERP_KIND_MODEL,
  .name = "mlp",
  .description = "Multi-layer perceptron; nodes flatten, fc1, relu1, [dropout1], fc2, ..., "
                 "fc (the logits).",
  .params = mlp_params,
  .vtable = &mlp_vtable);
