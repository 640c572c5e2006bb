/* plugins/models: shared helpers of the model components.
 *
 * Every builder goes through these wrappers so that a layer that does not
 * fit (too many pools for the input, a kernel larger than the map) comes
 * back as one GError that names the model and the layer:
 *   "model cnn: layer pool3: 1x1 input is smaller than the 2x2 window".
 * Spatial sizes are checked here before the engine is called, so a bad
 * pipeline never reaches the engine with a non-positive output size.
 */
#ifndef INTERP_MODELS_PRIVATE_H
#define INTERP_MODELS_PRIVATE_H

#include <interp/interp.h>

G_BEGIN_DECLS

extern const InterpComponent models_mlp_component;
extern const InterpComponent models_cnn_component;
extern const InterpComponent models_resnet_component;

/* One model being built: the network, the model's name for messages, and
 * per-kind counters for the "conv1, relu1, pool1, ..." naming scheme. */
typedef struct {
  InterpNet *net;
  const char *model;
  int n_conv, n_bn, n_relu, n_pool, n_fc, n_dropout;
} ModelBuilder;

void model_builder_init (ModelBuilder *b, InterpNet *net, const char *model);

/* Each appends one node named `name` and returns its id, or -1 with
 * `error` set and prefixed "model M: layer L: ".  The counters in
 * ModelBuilder are the caller's: builders that number layers per kind
 * ("conv2", "relu3") increment them. */
int model_conv (ModelBuilder *b, const char *name, int input, int64_t out_channels,
                int kernel, int stride, int padding, gboolean bias, GError **error);
int model_batchnorm (ModelBuilder *b, const char *name, int input, GError **error);
int model_relu (ModelBuilder *b, const char *name, int input, GError **error);
int model_pool (ModelBuilder *b, const char *name, int input, gboolean max,
                int kernel, int stride, int padding, GError **error);
int model_global_avgpool (ModelBuilder *b, const char *name, int input, GError **error);
int model_linear (ModelBuilder *b, const char *name, int input, int64_t out_features,
                  gboolean bias, GError **error);
int model_flatten (ModelBuilder *b, const char *name, int input, GError **error);
int model_dropout (ModelBuilder *b, const char *name, int input, float p, GError **error);
/* The classifier head shared by mlp and cnn: "flatten", then per hidden width
 * fc<k> -> relu<k> [-> dropout<k> when dropout > 0], then "fc" (the logits).
 * Returns the logits node, or -1 with error set. */
int model_dense_head (ModelBuilder *b, int input, const gint64 *hidden, size_t n_hidden,
                      double dropout, int n_classes, GError **error);
int model_add (ModelBuilder *b, const char *name, int a, int c, GError **error);
int model_shortcut_pad (ModelBuilder *b, const char *name, int input,
                        int64_t out_channels, int stride, GError **error);

/* The `init` key every model declares (CHOICE "pytorch|kaiming", help
 * MODEL_INIT_HELP, default per model), applied to the network being built. */
#define MODEL_INIT_HELP \
  "weight initialisation: pytorch (nn.Conv2d/nn.Linear defaults: weights and biases " \
  "U(-1/sqrt(fan_in), 1/sqrt(fan_in))) or kaiming (normal, std sqrt(2/fan_in), zero biases)"
void model_apply_init (const InterpParams *params, InterpNet *net);

/* "name<k>" for the next k of a per-kind counter (increments *counter).
 * Owned by the caller (g_free). */
char *model_numbered (const char *kind, int *counter);

G_END_DECLS

#endif
