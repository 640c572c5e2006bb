/* interp: networks as DAGs of named nodes.
 *
 * A network is built in one pass: each builder call appends a node whose
 * inputs are earlier nodes, so the order of addition is a topological order.
 * Node 0 is always the input, named "input".  The last node added is the
 * network's output (the logits, for classifiers).
 *
 * Forward keeps what backward needs.  Backward *accumulates*: every node has
 * a gradient buffer holding d(scalar)/d(node output); the caller seeds it (a
 * loss writes d(loss)/d(logits); a regulariser adds its own term at any inner
 * node; a saliency method writes a one-hot at one logit), then
 * interp_net_backward() propagates all of them back to the input and into the
 * parameter gradients.  Nothing is zeroed implicitly: call
 * interp_net_zero_grad() before seeding a new scalar, and
 * interp_net_zero_param_grad() before each optimiser step's first backward.
 *
 * Images stay in [0, 1] pixel space outside the network: input normalisation
 * is the network's own "normalize" node, so attacks, corruptions and saliency
 * all work on the pixels a person would see.
 *
 * All buffers (activations, gradients, im2col columns) live in the network
 * and are sized for the largest batch seen so far: a training step at a
 * constant batch size does no malloc.
 */
#ifndef INTERP_NN_H
#define INTERP_NN_H

#include <glib.h>
#include <interp/rng.h>
#include <interp/tensor.h>

G_BEGIN_DECLS

typedef struct InterpNet InterpNet;

/* Only grows at the end. */
typedef enum {
  INTERP_OP_INPUT = 0,
  INTERP_OP_NORMALIZE,       /* fixed per-channel (x - mean) / std */
  INTERP_OP_LINEAR,
  INTERP_OP_CONV2D,
  INTERP_OP_BATCHNORM,
  INTERP_OP_RELU,
  INTERP_OP_MAXPOOL,
  INTERP_OP_AVGPOOL,
  INTERP_OP_GLOBAL_AVGPOOL,
  INTERP_OP_ADD,
  INTERP_OP_FLATTEN,
  INTERP_OP_DROPOUT,
  INTERP_OP_SHORTCUT_PAD,    /* ResNet option-A shortcut: subsample + zero-pad channels */
} InterpOp;

typedef enum {
  INTERP_MODE_EVAL = 0,
  INTERP_MODE_TRAIN,
} InterpMode;

/* A parameter or buffer of a node.  Names follow PyTorch's state_dict
 * convention: "<node>.weight", "<node>.bias", "<node>.running_mean",
 * "<node>.running_var", so checkpoints move to and from PyTorch.
 * Owned by the network; pointers stay valid for its lifetime. */
typedef struct {
  const char *name;
  int node;
  InterpTensor *value;
  InterpTensor *grad;      /* NULL for buffers (running statistics) */
  InterpTensor *mask;      /* NULL, or 0/1 of value's shape (pruning) */
  gboolean frozen;         /* TRUE: backward leaves grad untouched, optimisers skip it */
  gboolean is_buffer;      /* TRUE: saved in checkpoints, never optimised */
} InterpParam;

/* ---- building ---------------------------------------------------------- */

/* A network whose input is a batch of c x h x w images (h = w = 1 for plain
 * feature vectors). */
InterpNet *interp_net_new (int64_t c, int64_t h, int64_t w);
void interp_net_free (InterpNet *net);

/* Each builder appends a node named `name` (unique; dots allowed, e.g.
 * "layer2.0.conv1") fed by node `input` and returns its id, or -1 with
 * `error` set when the name is taken, the input does not exist or the
 * shapes do not fit. */
int interp_net_normalize (InterpNet *net, const char *name, int input,
                          const float *mean, const float *std, GError **error);
int interp_net_linear (InterpNet *net, const char *name, int input,
                       int64_t out_features, gboolean bias, GError **error);
int interp_net_conv2d (InterpNet *net, const char *name, int input,
                       int64_t out_channels, int kernel, int stride, int padding,
                       int dilation, gboolean bias, GError **error);
/* eps 1e-5 and momentum 0.1 match PyTorch's defaults. */
int interp_net_batchnorm (InterpNet *net, const char *name, int input,
                          float eps, float momentum, GError **error);
int interp_net_relu (InterpNet *net, const char *name, int input, GError **error);
int interp_net_maxpool (InterpNet *net, const char *name, int input,
                        int kernel, int stride, int padding, GError **error);
/* Average pooling counts padded cells (PyTorch count_include_pad=True). */
int interp_net_avgpool (InterpNet *net, const char *name, int input,
                        int kernel, int stride, int padding, GError **error);
int interp_net_global_avgpool (InterpNet *net, const char *name, int input,
                               GError **error);
int interp_net_add (InterpNet *net, const char *name, int a, int b, GError **error);
int interp_net_flatten (InterpNet *net, const char *name, int input, GError **error);
/* Inverted dropout with drop probability p in [0, 1); identity in eval mode.
 * Masks come from the network's own stream (interp_net_rng). */
int interp_net_dropout (InterpNet *net, const char *name, int input, float p,
                        GError **error);
/* Takes every stride-th pixel and zero-pads channels up to out_channels,
 * split evenly before and after (He et al. 2016, CIFAR option A). */
int interp_net_shortcut_pad (InterpNet *net, const char *name, int input,
                             int64_t out_channels, int stride, GError **error);

/* ---- inspecting -------------------------------------------------------- */

int interp_net_n_nodes (const InterpNet *net);
int interp_net_output_node (const InterpNet *net);
const char *interp_net_node_name (const InterpNet *net, int node);
InterpOp interp_net_node_op (const InterpNet *net, int node);
const char *interp_op_name (InterpOp op);
/* Id of the node called `name`, or -1. */
int interp_net_find (const InterpNet *net, const char *name);
/* Ids of the nodes whose names match a glob ('*' and '?', as
 * g_pattern_match_simple), in network order.  Free with g_array_unref.
 * Never NULL; empty when nothing matches. */
GArray *interp_net_match (const InterpNet *net, const char *glob);
/* Per-sample output shape of a node: ndim is 3 (C, H, W) or 1 (F). */
int interp_net_node_shape (const InterpNet *net, int node, int64_t shape[3]);
/* Units of a node for unit-level analyses: channels for 3-d outputs,
 * features for 1-d outputs. */
int64_t interp_net_node_units (const InterpNet *net, int node);

/* The node's output from the last forward pass (N first).  Borrowed. */
const InterpTensor *interp_net_value (const InterpNet *net, int node);
/* The node's gradient accumulator, shaped like its value after a forward
 * pass.  Borrowed and writable: add to it to inject a gradient.  Calling this
 * is what marks the node for backward (zeroing is lazy), so fetch the pointer
 * again after every interp_net_zero_grad rather than keeping an old one. */
InterpTensor *interp_net_grad (InterpNet *net, int node);
/* d(scalar)/d(input) after backward; only computed when
 * interp_net_set_input_grad (net, TRUE). */
const InterpTensor *interp_net_input_grad (const InterpNet *net);

int interp_net_n_params (const InterpNet *net);
InterpParam *interp_net_param (InterpNet *net, int i);
InterpParam *interp_net_find_param (InterpNet *net, const char *name);
/* Number of trainable scalars (not buffers). */
size_t interp_net_count_params (const InterpNet *net);

/* ---- running ----------------------------------------------------------- */

void interp_net_set_mode (InterpNet *net, InterpMode mode);
InterpMode interp_net_mode (const InterpNet *net);
/* Whether backward computes d/d(input) (attacks, saliency); default FALSE,
 * which skips the first layer's input-gradient work during training. */
void interp_net_set_input_grad (InterpNet *net, gboolean enabled);
/* Whether backward accumulates parameter gradients; default TRUE.  FALSE
 * skips the weight-gradient work of every layer (an attack or a saliency
 * method needs only d/d(input)) and leaves every parameter gradient as it
 * is, whatever the frozen flags say. */
void interp_net_set_param_grad (InterpNet *net, gboolean enabled);
gboolean interp_net_param_grad (const InterpNet *net);
/* Whether batchnorm nodes normalise with the batch's own statistics in EVAL
 * mode too; default FALSE (eval mode uses the running statistics).  With it
 * on, an eval-mode forward computes at every batchnorm node exactly what a
 * train-mode forward computes (bit for bit; backward then differentiates
 * through the batch statistics as in train mode), but leaves the running
 * statistics untouched and dropout off.  Train mode is unaffected: it
 * always uses and updates batch statistics.  For measuring a network as
 * its training steps saw it (metric:class-selectivity batchnorm = batch). */
void interp_net_set_batchnorm_batch_stats (InterpNet *net, gboolean enabled);
gboolean interp_net_batchnorm_batch_stats (const InterpNet *net);
gboolean interp_net_input_grad_enabled (const InterpNet *net);
/* The stream dropout draws from. */
InterpRng *interp_net_rng (InterpNet *net);

/* What a component that borrows the network must give back (attack.h:
 * "leaves the network as it found it"): the mode, the input- and
 * parameter-gradient flags, the batchnorm-batch-stats flag, every node's gradient accumulator (touched or
 * not, and its values), every parameter gradient, the backward rules and
 * the DeepLIFT reference.  Node values (the last
 * forward) are not kept.  save copies; restore puts everything back
 * bit for bit and frees the state; free discards it. */
typedef struct InterpNetState InterpNetState;
InterpNetState *interp_net_state_save (const InterpNet *net);
void interp_net_state_restore (InterpNet *net, InterpNetState *state);
void interp_net_state_free (InterpNetState *state);

/* Runs the network on x (N x C x H x W; N may change between calls).
 * x is copied into the input node.  Sets error on a shape mismatch. */
gboolean interp_net_forward (InterpNet *net, const InterpTensor *x, GError **error);
/* Runs forward only up to and including node `last` (cheaper probes). */
gboolean interp_net_forward_to (InterpNet *net, const InterpTensor *x, int last,
                                GError **error);
/* Zero every node's gradient accumulator (not parameter gradients). */
void interp_net_zero_grad (InterpNet *net);
void interp_net_zero_param_grad (InterpNet *net);
/* Propagates the node gradients back through the last forward pass,
 * accumulating into parameter gradients (unless frozen) and, if enabled,
 * the input gradient.  Nodes whose gradient was never touched since
 * interp_net_zero_grad are skipped. */
void interp_net_backward (InterpNet *net);

/* ---- modified backward rules (saliency) ---------------------------------- */

/* What backward computes at one node in place of the true gradient.  The
 * attribution methods that are not gradients (guided backprop, deconvnet,
 * DeepLIFT, LRP) are gradients with some nodes' backward replaced, so the
 * engine offers the replacement per node instead of a second backward pass.
 * Forward is never changed.  Only grows at the end.
 *
 *   GRADIENT     the true gradient (every node's default).
 *   GUIDED       relu only: dx = dy where x > 0 and dy > 0, else 0
 *                (guided backpropagation, Springenberg et al. 2015).
 *   DECONVNET    relu only: dx = max(dy, 0), whatever x was
 *                (Zeiler & Fergus 2014).  Both rules, relu, maxpool and
 *                z+'s split at 0 propagate NaN as PyTorch's relu, clamp and
 *                max_pool2d do (relu(nan) = nan, a NaN input passes dy).
 *   RESCALE      DeepLIFT's rescale rule (Shrikumar et al. 2017), on relu
 *                and maxpool nodes: the gradient buffers hold multipliers,
 *                and the node passes dy * (y - y_ref) / (x - x_ref) where
 *                |x - x_ref| > 1e-7 and its true gradient elsewhere, y_ref and
 *                x_ref its output and input in the reference pass
 *                (interp_net_set_reference).  A maxpool window's y - y_ref
 *                is split at max(y, y_ref) between the input's and the
 *                reference's argmax, each element's credit then divided by
 *                its own x - x_ref (Captum's DeepLift maxpool rule).  Affine
 *                nodes need no rule: their gradient is DeepLIFT's linear
 *                rule.  With RESCALE on every
 *                relu and maxpool node, (x - x_ref) * d(logit)/dx sums to
 *                logit(x) - logit(x_ref) (summation-to-delta) for networks
 *                of affine, relu and maxpool nodes in eval mode.
 *   LRP_EPSILON  layer-wise relevance propagation's epsilon rule (Bach et al.
 *                2015) on affine nodes (linear, conv2d, batchnorm in eval
 *                mode, avgpool, global-avgpool, add): the gradient buffers
 *                hold relevance, and the node redistributes R_j over its
 *                inputs i in proportion to their contributions z_ij:
 *                R_i = sum_j z_ij / (z_j + eps * sign(z_j)) * R_j, z_j the
 *                node's output (bias included; sign(0) = +1).  Batchnorm is
 *                the affine map of the statistics its forward used.  relu,
 *                maxpool, flatten, dropout (eval) and shortcut-pad need no
 *                rule: their gradient already passes relevance through
 *                unchanged.  normalize takes LRP_EPSILON too, where it passes
 *                relevance through unchanged (relevance on the normalised
 *                input is relevance on the pixel; its gradient would divide
 *                by std; eps is not used).  Seeding the target logit with its
 *                own value and running backward leaves the relevance of each
 *                input element in the input gradient.
 *   LRP_ZPLUS    LRP's z+ rule (Montavon et al. 2017) on linear and conv2d
 *                nodes: as LRP_EPSILON with only positive contributions
 *                (z_ij = x_i w_ij > 0) and no bias, eps = 0; an output with
 *                no positive contribution passes no relevance.
 *
 * Under any rule but GRADIENT a node accumulates no parameter gradient.
 *
 * set_backward_rule fails (INTERP_ERROR_BAD_VALUE naming the node, its op
 * and the rule) when the rule does not apply to the node's op; eps is read
 * by LRP_EPSILON only (> 0).  Rules stay until cleared, are part of
 * InterpNetState (a borrower restores them) and are not saved in
 * checkpoints. */
typedef enum {
  INTERP_RULE_GRADIENT = 0,
  INTERP_RULE_GUIDED,
  INTERP_RULE_DECONVNET,
  INTERP_RULE_RESCALE,
  INTERP_RULE_LRP_EPSILON,
  INTERP_RULE_LRP_ZPLUS,
} InterpBackwardRule;

gboolean interp_net_set_backward_rule (InterpNet *net, int node, InterpBackwardRule rule,
                                       float eps, GError **error);
InterpBackwardRule interp_net_backward_rule (const InterpNet *net, int node);
/* Every node back to INTERP_RULE_GRADIENT. */
void interp_net_clear_backward_rules (InterpNet *net);
const char *interp_backward_rule_name (InterpBackwardRule rule);

/* DeepLIFT's reference: runs forward on x_ref (the baselines, one per image)
 * and keeps every node's value as the reference activations, which RESCALE
 * nodes read.  A later forward with a different batch size while a RESCALE
 * rule is set fails with INTERP_ERROR_SHAPE, and so does any forward while
 * a RESCALE rule is set and no reference is.  Set the reference after any
 * change of parameters or mode it should see: it is not recomputed.  The reference is part of
 * InterpNetState; clear_reference frees it. */
gboolean interp_net_set_reference (InterpNet *net, const InterpTensor *x_ref, GError **error);
void interp_net_clear_reference (InterpNet *net);

/* ---- parameters -------------------------------------------------------- */

/* How interp_net_init fills conv and linear layers (fan_in = input
 * features, or in_channels * K * K).  Only grows at the end. */
typedef enum {
  /* Weights N(0, 2 / fan_in), biases 0 (He et al. 2015, gain sqrt(2)):
   * unit-variance activations through deep ReLU stacks, the choice with
   * BatchNorm (ResNets).  The default. */
  INTERP_INIT_KAIMING_NORMAL = 0,
  /* PyTorch's nn.Conv2d / nn.Linear reset_parameters: weights
   * kaiming_uniform(a = sqrt(5)) = U(-1/sqrt(fan_in), 1/sqrt(fan_in)) and
   * biases U(-1/sqrt(fan_in), 1/sqrt(fan_in)).  Weights have 1/sqrt(6) of
   * Kaiming's standard deviation; plain (BatchNorm-free) nets trained with
   * SGD at lr 0.05 and momentum 0.9 keep most of their ReLUs alive with it,
   * where Kaiming-normal leaves up to 3/4 of a conv layer's units never
   * active (the quickstart's CNN: 44-47 of conv2's 64, in PyTorch as in
   * interp). */
  INTERP_INIT_PYTORCH,
} InterpInit;

/* The scheme interp_net_init and interp_net_reinit_node use; a model
 * chooses it while it builds the network.  Default KAIMING_NORMAL. */
void interp_net_set_init (InterpNet *net, InterpInit init);
InterpInit interp_net_get_init (const InterpNet *net);

/* Conv and linear layers as interp_net_get_init says (biases included);
 * BN weight 1 / bias 0 / running mean 0 / running var 1. */
void interp_net_init (InterpNet *net, InterpRng *rng);
/* Re-initialise one node's parameters as interp_net_init would (the
 * saliency randomisation checks). */
void interp_net_reinit_node (InterpNet *net, int node, InterpRng *rng);
void interp_net_set_frozen (InterpNet *net, int node, gboolean frozen);
/* Attach a 0/1 mask (copied; value's shape) to a parameter, or remove it
 * with NULL.  Masked entries are zeroed now and after every optimiser step,
 * and their gradients are zeroed in backward. */
gboolean interp_net_set_mask (InterpNet *net, const char *param,
                              const InterpTensor *mask, GError **error);
void interp_net_apply_masks (InterpNet *net);
/* Copy parameter and buffer values from src, which must have the same
 * parameters (names and shapes). */
gboolean interp_net_copy_params (InterpNet *dst, const InterpNet *src, GError **error);

G_END_DECLS

#endif
