/* interp: the network engine's private structures (core/nn only).
 *
 * A node's op is a small class of functions (forward, backward, init); each
 * layer family lives in its own file and exports one NetOpClass.  The
 * driver owns buffers, the parameter list and the order of work: net.c
 * builds the graph, net-pass.c runs forward and backward, net-params.c
 * holds parameters, masks and initialisation.
 */
#ifndef INTERP_NN_NET_IMPL_H
#define INTERP_NN_NET_IMPL_H

#include <string.h>

#include <interp/nn.h>
#include <interp/error.h>
#include <interp/threads.h>

#include "base/threads-private.h"

#define NET_MAX_PARAMS 4

typedef struct NetNode NetNode;

/* How backward treats the gradient buffer of one input. */
typedef enum {
  NET_GRAD_SKIP = 0,   /* not needed */
  NET_GRAD_ADD,        /* add to it */
  NET_GRAD_SET,        /* it holds garbage: overwrite (first contribution) */
} NetGradMode;

typedef struct {
  /* node->value is already shaped (N first); reads inputs' values. */
  void (*forward) (InterpNet *net, NetNode *node);
  /* Propagates node->grad into the gradient of input k as grad_in[k] says
   * (inputs are handled in order 0, 1: an ADD for input 1 may follow a SET
   * of input 0 when both are the same node) and adds to unfrozen parameter
   * gradients. */
  void (*backward) (InterpNet *net, NetNode *node, const NetGradMode *grad_in);
  /* Initialises the node's parameters (NULL: it has none). */
  void (*init) (InterpNet *net, NetNode *node, InterpRng *rng);
} NetOpClass;

struct NetNode {
  char *name;
  InterpOp op;
  const NetOpClass *klass;
  int n_in;
  int in[2];
  int ndim;                   /* per-sample output: 3 (C, H, W) or 1 (F) */
  int64_t shape[3];
  InterpTensor *value;        /* N x shape */
  InterpTensor *grad;         /* like value once touched; garbage while untouched */
  gboolean touched;           /* grad holds a gradient since the last zero_grad */
  int n_params;
  InterpParam *params[NET_MAX_PARAMS];

  /* attributes (which ones apply depends on op) */
  int64_t out;                /* linear features, conv / shortcut channels */
  int kernel, stride, padding, dilation;
  gboolean has_bias;
  float eps, momentum, p;

  /* what forward leaves for backward */
  gboolean fwd_train;         /* mode of the last forward (BN, dropout) */
  float *stat_mean, *stat_inv_std;   /* BN: per-channel statistics used */
  InterpTensor *saved;        /* dropout: scaled mask */
  int32_t *argmax;            /* maxpool: input offset within (n, c) plane */
  size_t argmax_cap;

  /* modified backward (backward-rules.c): the rule replaces klass->backward
   * when it is not GRADIENT (one check per node in interp_net_backward) */
  InterpBackwardRule rule;
  float rule_eps;             /* LRP_EPSILON's eps */
  InterpTensor *ref;          /* reference value (interp_net_set_reference), or NULL */
  int32_t *ref_argmax;        /* maxpool: argmax of the reference pass, ref's numel */
};

struct InterpNet {
  GPtrArray *nodes;           /* NetNode*, owned */
  GPtrArray *params;          /* InterpParam*, owned */
  GHashTable *node_ids;       /* name -> id + 1 */
  InterpMode mode;
  gboolean input_grad;
  gboolean param_grad;        /* interp_net_set_param_grad; TRUE by default */
  gboolean bn_batch_stats;    /* interp_net_set_batchnorm_batch_stats; FALSE by default */
  InterpRng rng;
  InterpInit init;            /* scheme of conv/linear init (interp_net_set_init) */
  int last_forward;           /* highest node run by the last forward, -1 before */
  int n_rescale;              /* nodes whose rule is RESCALE */
  int64_t ref_batch;          /* batch of the reference, -1 without one */
  int ref_last;               /* highest node the reference holds, -1 without one */
  float *work;                /* scratch shared by all nodes (one op at a time) */
  size_t work_cap;
  /* INTERP_NN_PROFILE set: seconds per node in forward [0] and backward [1],
   * printed to stderr when the network is freed. */
  double (*profile)[2];
  guint profile_len;
  int64_t profile_calls;
};

static inline NetNode *
net_node (const InterpNet *net, int id)
{
  return g_ptr_array_index (net->nodes, id);
}

static inline NetNode *
net_input (const InterpNet *net, const NetNode *node, int k)
{
  return net_node (net, node->in[k]);
}

static inline int64_t
net_batch (const NetNode *node)
{
  return node->value->shape[0];
}

/* Elements of one sample of a node's output. */
static inline int64_t
net_sample_size (const NetNode *node)
{
  return node->ndim == 3 ? node->shape[0] * node->shape[1] * node->shape[2] : node->shape[0];
}

/* Contiguous chunk t of T over [0, n): [n*t/T, n*(t+1)/T).  T = the number
 * of chunks to cut n items into: min(interp_threads(), n), at least 1. */
static inline int
net_chunks (int64_t n)
{
  int t = interp_threads ();
  if (t > n)
    t = (int) n;
  return t < 1 ? 1 : t;
}

/* Ids 0 .. n_nodes - 1 name nodes (0 is the input). */
static inline gboolean
net_valid_node (const InterpNet *net, int node)
{
  return node >= 0 && node < (int) net->nodes->len;
}

/* The tensor shape of a node's value for a batch of n: n, then the
 * per-sample shape. */
static inline void
net_node_batch_shape (const NetNode *node, int64_t n, int *ndim, int64_t shape[4])
{
  shape[0] = n;
  for (int i = 0; i < node->ndim; i++)
    shape[i + 1] = node->shape[i];
  *ndim = node->ndim + 1;
}

/* Scratch of at least n floats, 64-byte aligned; valid until the next call.
 * Grows only, so a constant batch size allocates nothing after warm-up
 * (net-pass.c). */
float *net_workspace (InterpNet *net, size_t n);

/* Prints the INTERP_NN_PROFILE table (ms per pass and node) to stderr
 * (net-pass.c; interp_net_free calls it). */
void net_profile_print (InterpNet *net);

/* A parameter gradient is accumulated only when not frozen and the network
 * computes parameter gradients at all. */
static inline gboolean
net_param_wants_grad (const InterpNet *net, const InterpParam *p)
{
  return net->param_grad && p->grad != NULL && !p->frozen;
}

/* Building (net.c).  net_node_begin validates the name and inputs and
 * returns a node that is not yet part of the network (NULL with error set);
 * the builder checks shapes, fills ndim/shape and attributes, then either
 * commits it (which returns its id and allocates its buffers) or aborts it.
 * Parameters are added after the commit, in PyTorch's state_dict order. */
NetNode *net_node_begin (InterpNet *net, const char *name, InterpOp op,
                         const NetOpClass *klass, int n_in, const int *in,
                         GError **error);
int net_node_commit (InterpNet *net, NetNode *node);
void net_node_abort (NetNode *node);
/* 0 when `elements` parameter values (with their gradients) fit in the
 * memory available; otherwise net_node_fail with INTERP_ERROR_NO_MEMORY
 * naming the bytes (-1, node freed).  Call before net_node_commit: the
 * allocation it prevents would abort. */
int net_node_params_fit (NetNode *node, double elements, GError **error);

InterpParam *net_node_add_param (InterpNet *net, NetNode *node, const char *suffix,
                                 int ndim, const int64_t *shape, gboolean is_buffer);
/* Sets a shape error naming the node and returns -1 after aborting it. */
int net_node_fail (NetNode *node, GError **error, InterpErrorCode code,
                   const char *format, ...) G_GNUC_PRINTF (4, 5);

/* Loops over fewer elements than this stay on one thread. */
#define NET_PARALLEL_MIN 32768

/* max(v, 0) and min(v, 0) as PyTorch's relu and clamp compute them: a NaN
 * stays NaN (a network whose values went non-finite must not look healthy),
 * every other value, -0 included, maps as `v > 0 ? v : 0` does. */
static inline float
net_clamp_min0 (float v)
{
  return v <= 0.0f ? 0.0f : v;
}

static inline float
net_clamp_max0 (float v)
{
  return v >= 0.0f ? 0.0f : v;
}

/* relu's backward as PyTorch's threshold_backward: the gradient is stopped
 * where the output y is <= 0 and passed elsewhere, a NaN output included. */
static inline float
net_relu_mask (float y, float d)
{
  return y <= 0.0f ? 0.0f : d;
}

/* dst = src (SET) or dst += src (ADD); nothing for SKIP. */
static inline void
net_grad_accumulate (float *restrict dst, const float *restrict src, size_t n, NetGradMode mode)
{
  if (mode == NET_GRAD_SET)
    {
      #pragma omp parallel for simd schedule(static) if (n > NET_PARALLEL_MIN)
      for (size_t i = 0; i < n; i++)
        dst[i] = src[i];
    }
  else if (mode == NET_GRAD_ADD)
    {
      #pragma omp parallel for simd schedule(static) if (n > NET_PARALLEL_MIN)
      for (size_t i = 0; i < n; i++)
        dst[i] += src[i];
    }
}

/* Modified backward rules (backward-rules.c, lrp-rules.c). */

/* Runs node's rule in place of klass->backward (node->rule != GRADIENT),
 * with the same contract (grad_in per input). */
void net_rule_backward (InterpNet *net, NetNode *node, const NetGradMode *grad_in);
/* The LRP rules (lrp-rules.c), called by net_rule_backward. */
void net_lrp_backward (InterpNet *net, NetNode *node, const NetGradMode *grad_in);
/* FALSE with INTERP_ERROR_SHAPE when a RESCALE rule is set and the
 * reference is missing or of another batch size than n (forward calls it
 * when net->n_rescale > 0). */
gboolean net_rules_check_forward (const InterpNet *net, int64_t n, GError **error);
/* Frees every node's reference (net.c's free, clear_reference). */
void net_reference_free (InterpNet *net);

/* Parameters and initialisation (net-params.c). */

/* Zero the gradient entries that a parameter's mask removes. */
void net_mask_grad (InterpParam *p);

/* Fills w with independent normal draws of std = sqrt(2 / fan_in):
 * Kaiming-normal, fan-in mode (He et al. 2015). */
void net_kaiming_normal (InterpTensor *w, int64_t fan_in, InterpRng *rng);
/* A conv or linear layer's weight and bias (NULL: none) by net->init. */
void net_init_weight_bias (InterpNet *net, InterpTensor *w, InterpTensor *b, int64_t fan_in,
                           InterpRng *rng);

extern const NetOpClass net_op_input;
extern const NetOpClass net_op_normalize;
extern const NetOpClass net_op_linear;
extern const NetOpClass net_op_conv2d;
extern const NetOpClass net_op_batchnorm;
extern const NetOpClass net_op_relu;
extern const NetOpClass net_op_maxpool;
extern const NetOpClass net_op_avgpool;
extern const NetOpClass net_op_global_avgpool;
extern const NetOpClass net_op_add;
extern const NetOpClass net_op_flatten;
extern const NetOpClass net_op_dropout;
extern const NetOpClass net_op_shortcut_pad;

#endif
