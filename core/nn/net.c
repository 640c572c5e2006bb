/* The network: nodes, buffers, parameters and the forward/backward driver. */
#include "config.h"

#include "nn/net-impl.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- workspace ------------------------------------------------------------ */

float *
net_workspace (InterpNet *net, size_t n)
{
  if (n > net->work_cap)
    {
      free (net->work);
      void *p = NULL;
      size_t bytes = (n * sizeof (float) + 63) / 64 * 64;
      if (posix_memalign (&p, 64, bytes) != 0)
        g_error ("interp: out of memory allocating a %zu-byte workspace", bytes);
      net->work = p;
      net->work_cap = n;
    }
  return net->work;
}

/* ---- profiling (INTERP_NN_PROFILE=1) -------------------------------------- */

static double
now_seconds (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec + 1e-9 * (double) ts.tv_nsec;
}

static void
profile_add (InterpNet *net, int node, int phase, double seconds)
{
  if (net->profile_len < net->nodes->len)
    {
      net->profile = g_realloc (net->profile, net->nodes->len * sizeof *net->profile);
      memset (net->profile + net->profile_len, 0,
              (net->nodes->len - net->profile_len) * sizeof *net->profile);
      net->profile_len = net->nodes->len;
    }
  net->profile[node][phase] += seconds;
}

static void
profile_print (InterpNet *net)
{
  double total[2] = { 0, 0 };
  for (guint i = 0; i < net->profile_len; i++)
    for (int k = 0; k < 2; k++)
      total[k] += net->profile[i][k];
  g_printerr ("interp: per-node time over %" G_GINT64_FORMAT " forward passes "
              "(ms per pass; forward %.2f, backward %.2f)\n", net->profile_calls,
              1e3 * total[0] / (double) MAX (net->profile_calls, 1),
              1e3 * total[1] / (double) MAX (net->profile_calls, 1));
  for (guint i = 0; i < net->profile_len; i++)
    {
      NetNode *node = net_node (net, (int) i);
      g_printerr ("  %-24s %-14s %8.3f %8.3f\n", node->name, interp_op_name (node->op),
                  1e3 * net->profile[i][0] / (double) MAX (net->profile_calls, 1),
                  1e3 * net->profile[i][1] / (double) MAX (net->profile_calls, 1));
    }
}

/* ---- nodes and parameters ------------------------------------------------- */

static void
param_free (gpointer data)
{
  InterpParam *p = data;
  g_free ((char *) p->name);
  interp_tensor_free (p->value);
  interp_tensor_free (p->grad);
  interp_tensor_free (p->mask);
  g_free (p);
}

static void
node_free (gpointer data)
{
  NetNode *node = data;
  if (node == NULL)
    return;
  g_free (node->name);
  interp_tensor_free (node->value);
  interp_tensor_free (node->grad);
  interp_tensor_free (node->saved);
  g_free (node->chan_mean);
  g_free (node->chan_inv_std);
  g_free (node->stat_mean);
  g_free (node->stat_inv_std);
  g_free (node->argmax);
  g_free (node);
}

/* The tensor shape of a node's value for a batch of n. */
static void
node_batch_shape (const NetNode *node, int64_t n, int *ndim, int64_t shape[4])
{
  shape[0] = n;
  for (int i = 0; i < node->ndim; i++)
    shape[i + 1] = node->shape[i];
  *ndim = node->ndim + 1;
}

NetNode *
net_node_begin (InterpNet *net, const char *name, InterpOp op,
                const NetOpClass *klass, int n_in, const int *in, GError **error)
{
  g_return_val_if_fail (net != NULL, NULL);
  if (name == NULL || *name == '\0')
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_INVALID_ARGUMENT,
                   "a %s node needs a non-empty name", interp_op_name (op));
      return NULL;
    }
  if (g_hash_table_contains (net->node_ids, name))
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_DUPLICATE,
                   "node name '%s' is already taken", name);
      return NULL;
    }
  for (int k = 0; k < n_in; k++)
    if (in[k] < 0 || in[k] >= (int) net->nodes->len)
      {
        g_set_error (error, INTERP_ERROR, INTERP_ERROR_NOT_FOUND,
                     "node '%s': input %d is not a node of the network (it has %u)",
                     name, in[k], net->nodes->len);
        return NULL;
      }
  NetNode *node = g_new0 (NetNode, 1);
  node->name = g_strdup (name);
  node->op = op;
  node->klass = klass;
  node->n_in = n_in;
  for (int k = 0; k < n_in; k++)
    node->in[k] = in[k];
  return node;
}

int
net_node_commit (InterpNet *net, NetNode *node)
{
  int ndim;
  int64_t shape[4];
  node_batch_shape (node, 0, &ndim, shape);
  node->value = interp_tensor_new (ndim, shape);
  node->grad = interp_tensor_new (ndim, shape);
  int id = (int) net->nodes->len;
  g_ptr_array_add (net->nodes, node);
  g_hash_table_insert (net->node_ids, g_strdup (node->name), GINT_TO_POINTER (id + 1));
  return id;
}

void
net_node_abort (NetNode *node)
{
  node_free (node);
}

int
net_node_fail (NetNode *node, GError **error, InterpErrorCode code,
               const char *format, ...)
{
  va_list ap;
  va_start (ap, format);
  char *msg = g_strdup_vprintf (format, ap);
  va_end (ap);
  g_set_error (error, INTERP_ERROR, code, "node '%s' (%s): %s", node->name,
               interp_op_name (node->op), msg);
  g_free (msg);
  net_node_abort (node);
  return -1;
}

InterpParam *
net_node_add_param (InterpNet *net, NetNode *node, const char *suffix,
                    int ndim, const int64_t *shape, gboolean is_buffer)
{
  g_return_val_if_fail (node->n_params < NET_MAX_PARAMS, NULL);
  InterpParam *p = g_new0 (InterpParam, 1);
  p->name = g_strconcat (node->name, ".", suffix, NULL);
  p->node = interp_net_find (net, node->name);
  p->value = interp_tensor_new (ndim, shape);
  p->grad = is_buffer ? NULL : interp_tensor_new (ndim, shape);
  p->is_buffer = is_buffer;
  node->params[node->n_params++] = p;
  g_ptr_array_add (net->params, p);
  return p;
}

void
net_mask_grad (InterpParam *p)
{
  if (p->mask == NULL || p->grad == NULL)
    return;
  const float *m = p->mask->data;
  float *g = p->grad->data;
  for (size_t i = 0; i < p->grad->numel; i++)
    g[i] *= m[i];
}

void
net_kaiming_normal (InterpTensor *w, int64_t fan_in, InterpRng *rng)
{
  double std = sqrt (2.0 / (double) (fan_in > 0 ? fan_in : 1));
  for (size_t i = 0; i < w->numel; i++)
    w->data[i] = (float) (std * interp_rng_normal (rng));
}

/* U(-bound, bound) with bound = 1/sqrt(fan_in): PyTorch's kaiming_uniform
 * with a = sqrt(5) for weights, and its bias rule. */
static void
net_uniform_fan_in (InterpTensor *t, int64_t fan_in, InterpRng *rng)
{
  double bound = 1.0 / sqrt ((double) (fan_in > 0 ? fan_in : 1));
  for (size_t i = 0; i < t->numel; i++)
    t->data[i] = (float) (bound * (2.0 * interp_rng_uniform (rng) - 1.0));
}

void
net_init_weight_bias (InterpNet *net, InterpTensor *w, InterpTensor *b, int64_t fan_in,
                      InterpRng *rng)
{
  if (net->init == INTERP_INIT_PYTORCH)
    {
      net_uniform_fan_in (w, fan_in, rng);
      if (b)
        net_uniform_fan_in (b, fan_in, rng);
      return;
    }
  net_kaiming_normal (w, fan_in, rng);
  if (b)
    interp_tensor_zero (b);
}

void
interp_net_set_init (InterpNet *net, InterpInit init)
{
  g_return_if_fail (net != NULL);
  g_return_if_fail (init == INTERP_INIT_KAIMING_NORMAL || init == INTERP_INIT_PYTORCH);
  net->init = init;
}

InterpInit
interp_net_get_init (const InterpNet *net)
{
  g_return_val_if_fail (net != NULL, INTERP_INIT_KAIMING_NORMAL);
  return net->init;
}

/* ---- the input node ------------------------------------------------------- */

static void
input_forward (InterpNet *net, NetNode *node)
{
  /* interp_net_forward_to copies x in. */
}

static void
input_backward (InterpNet *net, NetNode *node, const NetGradMode *grad_in)
{
}

const NetOpClass net_op_input = { input_forward, input_backward, NULL };

/* ---- life cycle ------------------------------------------------------------ */

InterpNet *
interp_net_new (int64_t c, int64_t h, int64_t w)
{
  g_return_val_if_fail (c > 0 && h > 0 && w > 0, NULL);
  InterpNet *net = g_new0 (InterpNet, 1);
  net->nodes = g_ptr_array_new_with_free_func (node_free);
  net->params = g_ptr_array_new_with_free_func (param_free);
  net->node_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  net->mode = INTERP_MODE_EVAL;
  net->last_forward = -1;
  interp_rng_derive (&net->rng, 0, "dropout");
  if (g_getenv ("INTERP_NN_PROFILE") != NULL)
    net->profile = g_malloc0 (sizeof *net->profile);
  NetNode *node = net_node_begin (net, "input", INTERP_OP_INPUT, &net_op_input, 0, NULL, NULL);
  /* h = w = 1 means plain feature vectors. */
  if (h == 1 && w == 1)
    {
      node->ndim = 1;
      node->shape[0] = c;
    }
  else
    {
      node->ndim = 3;
      node->shape[0] = c;
      node->shape[1] = h;
      node->shape[2] = w;
    }
  net_node_commit (net, node);
  return net;
}

void
interp_net_free (InterpNet *net)
{
  if (net == NULL)
    return;
  if (net->profile)
    {
      profile_print (net);
      g_free (net->profile);
    }
  g_ptr_array_unref (net->nodes);
  g_ptr_array_unref (net->params);
  g_hash_table_unref (net->node_ids);
  free (net->work);
  g_free (net);
}

/* ---- inspecting ------------------------------------------------------------ */

const char *
interp_op_name (InterpOp op)
{
  switch (op)
    {
    case INTERP_OP_INPUT: return "input";
    case INTERP_OP_NORMALIZE: return "normalize";
    case INTERP_OP_LINEAR: return "linear";
    case INTERP_OP_CONV2D: return "conv2d";
    case INTERP_OP_BATCHNORM: return "batchnorm";
    case INTERP_OP_RELU: return "relu";
    case INTERP_OP_MAXPOOL: return "maxpool";
    case INTERP_OP_AVGPOOL: return "avgpool";
    case INTERP_OP_GLOBAL_AVGPOOL: return "global-avgpool";
    case INTERP_OP_ADD: return "add";
    case INTERP_OP_FLATTEN: return "flatten";
    case INTERP_OP_DROPOUT: return "dropout";
    case INTERP_OP_SHORTCUT_PAD: return "shortcut-pad";
    }
  return "unknown";
}

int
interp_net_n_nodes (const InterpNet *net)
{
  return (int) net->nodes->len;
}

int
interp_net_output_node (const InterpNet *net)
{
  return (int) net->nodes->len - 1;
}

static gboolean
valid_node (const InterpNet *net, int node)
{
  return node >= 0 && node < (int) net->nodes->len;
}

const char *
interp_net_node_name (const InterpNet *net, int node)
{
  g_return_val_if_fail (valid_node (net, node), NULL);
  return net_node (net, node)->name;
}

InterpOp
interp_net_node_op (const InterpNet *net, int node)
{
  g_return_val_if_fail (valid_node (net, node), INTERP_OP_INPUT);
  return net_node (net, node)->op;
}

int
interp_net_find (const InterpNet *net, const char *name)
{
  gpointer v = g_hash_table_lookup (net->node_ids, name);
  return v ? GPOINTER_TO_INT (v) - 1 : -1;
}

GArray *
interp_net_match (const InterpNet *net, const char *glob)
{
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (int));
  for (int i = 0; i < (int) net->nodes->len; i++)
    if (g_pattern_match_simple (glob, net_node (net, i)->name))
      g_array_append_val (ids, i);
  return ids;
}

int
interp_net_node_shape (const InterpNet *net, int node, int64_t shape[3])
{
  g_return_val_if_fail (valid_node (net, node), 0);
  const NetNode *n = net_node (net, node);
  for (int i = 0; i < 3; i++)
    shape[i] = i < n->ndim ? n->shape[i] : 1;
  return n->ndim;
}

int64_t
interp_net_node_units (const InterpNet *net, int node)
{
  g_return_val_if_fail (valid_node (net, node), 0);
  return net_node (net, node)->shape[0];
}

const InterpTensor *
interp_net_value (const InterpNet *net, int node)
{
  g_return_val_if_fail (valid_node (net, node), NULL);
  return net_node (net, node)->value;
}

/* Make an untouched gradient a zero tensor of the value's shape. */
static void
touch_grad (NetNode *node)
{
  if (node->touched)
    return;
  interp_tensor_reshape (node->grad, node->value->ndim, node->value->shape);
  interp_tensor_zero (node->grad);
  node->touched = TRUE;
}

InterpTensor *
interp_net_grad (InterpNet *net, int node)
{
  g_return_val_if_fail (valid_node (net, node), NULL);
  NetNode *n = net_node (net, node);
  touch_grad (n);
  return n->grad;
}

const InterpTensor *
interp_net_input_grad (const InterpNet *net)
{
  NetNode *n = net_node (net, 0);
  touch_grad (n);
  return n->grad;
}

int
interp_net_n_params (const InterpNet *net)
{
  return (int) net->params->len;
}

InterpParam *
interp_net_param (InterpNet *net, int i)
{
  g_return_val_if_fail (i >= 0 && i < (int) net->params->len, NULL);
  return g_ptr_array_index (net->params, i);
}

InterpParam *
interp_net_find_param (InterpNet *net, const char *name)
{
  for (guint i = 0; i < net->params->len; i++)
    {
      InterpParam *p = g_ptr_array_index (net->params, i);
      if (strcmp (p->name, name) == 0)
        return p;
    }
  return NULL;
}

size_t
interp_net_count_params (const InterpNet *net)
{
  size_t n = 0;
  for (guint i = 0; i < net->params->len; i++)
    {
      InterpParam *p = g_ptr_array_index (net->params, i);
      if (!p->is_buffer)
        n += p->value->numel;
    }
  return n;
}

/* ---- running ---------------------------------------------------------------- */

void
interp_net_set_mode (InterpNet *net, InterpMode mode)
{
  net->mode = mode;
}

InterpMode
interp_net_mode (const InterpNet *net)
{
  return net->mode;
}

void
interp_net_set_input_grad (InterpNet *net, gboolean enabled)
{
  net->input_grad = enabled;
}

InterpRng *
interp_net_rng (InterpNet *net)
{
  return &net->rng;
}

/* x fits the input node: N x C x H x W, or N x F (or N x F x 1 x 1) for
 * feature vectors. */
static gboolean
input_fits (const NetNode *in, const InterpTensor *x)
{
  if (in->ndim == 3)
    return x->ndim == 4 && x->shape[1] == in->shape[0] && x->shape[2] == in->shape[1]
           && x->shape[3] == in->shape[2];
  if (x->ndim == 2)
    return x->shape[1] == in->shape[0];
  return x->ndim == 4 && x->shape[1] == in->shape[0] && x->shape[2] == 1 && x->shape[3] == 1;
}

gboolean
interp_net_forward_to (InterpNet *net, const InterpTensor *x, int last, GError **error)
{
  g_return_val_if_fail (valid_node (net, last), FALSE);
  NetNode *in = net_node (net, 0);
  if (x == NULL || !input_fits (in, x))
    {
      char *got = x ? interp_tensor_shape_string (x) : g_strdup ("nothing");
      int ndim;
      int64_t shape[4];
      node_batch_shape (in, 1, &ndim, shape);
      InterpTensor want = { .ndim = ndim };
      memcpy (want.shape, shape, sizeof shape);
      want.shape[0] = -1;
      char *exp = interp_tensor_shape_string (&want);
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_SHAPE,
                   "network input: expected a batch shaped %s (N first), got %s", exp, got);
      g_free (got);
      g_free (exp);
      return FALSE;
    }
  int64_t n = x->shape[0];
  interp_blas_serial_begin ();
  for (int i = 0; i <= last; i++)
    {
      NetNode *node = net_node (net, i);
      int ndim;
      int64_t shape[4];
      node_batch_shape (node, n, &ndim, shape);
      if (node->value->ndim != ndim || node->value->shape[0] != n)
        {
          interp_tensor_reshape (node->value, ndim, shape);
          node->touched = FALSE;   /* an old gradient of another batch size means nothing */
        }
      double t0 = net->profile ? now_seconds () : 0.0;
      if (i == 0)
        memcpy (node->value->data, x->data, x->numel * sizeof (float));
      else
        node->klass->forward (net, node);
      if (net->profile)
        profile_add (net, i, 0, now_seconds () - t0);
    }
  interp_blas_serial_end ();
  net->last_forward = last;
  net->profile_calls++;
  return TRUE;
}

gboolean
interp_net_forward (InterpNet *net, const InterpTensor *x, GError **error)
{
  return interp_net_forward_to (net, x, interp_net_output_node (net), error);
}

void
interp_net_zero_grad (InterpNet *net)
{
  /* Lazy: an untouched gradient is zeroed (or overwritten) when first used. */
  for (guint i = 0; i < net->nodes->len; i++)
    net_node (net, i)->touched = FALSE;
}

void
interp_net_zero_param_grad (InterpNet *net)
{
  for (guint i = 0; i < net->params->len; i++)
    {
      InterpParam *p = g_ptr_array_index (net->params, i);
      if (p->grad)
        interp_tensor_zero (p->grad);
    }
}

static gboolean
node_has_trainable (const NetNode *node)
{
  for (int k = 0; k < node->n_params; k++)
    if (net_param_wants_grad (node->params[k]))
      return TRUE;
  return FALSE;
}

void
interp_net_backward (InterpNet *net)
{
  int last = net->last_forward;
  if (last < 0)
    return;
  /* A node's gradient is needed when something upstream of it (the input,
   * when enabled, or a trainable parameter) is. */
  gboolean *need = g_newa (gboolean, last + 1);
  need[0] = net->input_grad;
  for (int i = 1; i <= last; i++)
    {
      NetNode *node = net_node (net, i);
      need[i] = node_has_trainable (node);
      for (int k = 0; k < node->n_in; k++)
        need[i] = need[i] || need[node->in[k]];
    }
  interp_blas_serial_begin ();
  for (int i = last; i >= 1; i--)
    {
      NetNode *node = net_node (net, i);
      if (!node->touched || !need[i])
        continue;
      NetGradMode mode[2] = { NET_GRAD_SKIP, NET_GRAD_SKIP };
      for (int k = 0; k < node->n_in; k++)
        {
          NetNode *src = net_input (net, node, k);
          if (!need[node->in[k]])
            continue;
          if (src->touched)
            mode[k] = NET_GRAD_ADD;
          else
            {
              interp_tensor_reshape (src->grad, src->value->ndim, src->value->shape);
              mode[k] = NET_GRAD_SET;
              src->touched = TRUE;
            }
        }
      double t0 = net->profile ? now_seconds () : 0.0;
      node->klass->backward (net, node, mode);
      if (net->profile)
        profile_add (net, i, 1, now_seconds () - t0);
      for (int k = 0; k < node->n_params; k++)
        if (net_param_wants_grad (node->params[k]))
          net_mask_grad (node->params[k]);
    }
  interp_blas_serial_end ();
}

/* ---- parameters -------------------------------------------------------------- */

void
interp_net_reinit_node (InterpNet *net, int node, InterpRng *rng)
{
  g_return_if_fail (valid_node (net, node));
  NetNode *n = net_node (net, node);
  if (n->klass->init)
    n->klass->init (net, n, rng);
  for (int k = 0; k < n->n_params; k++)
    if (n->params[k]->mask)
      {
        InterpParam *p = n->params[k];
        for (size_t i = 0; i < p->value->numel; i++)
          p->value->data[i] *= p->mask->data[i];
      }
}

void
interp_net_init (InterpNet *net, InterpRng *rng)
{
  for (int i = 0; i < (int) net->nodes->len; i++)
    interp_net_reinit_node (net, i, rng);
}

void
interp_net_set_frozen (InterpNet *net, int node, gboolean frozen)
{
  g_return_if_fail (valid_node (net, node));
  NetNode *n = net_node (net, node);
  for (int k = 0; k < n->n_params; k++)
    n->params[k]->frozen = frozen;
}

gboolean
interp_net_set_mask (InterpNet *net, const char *param, const InterpTensor *mask,
                     GError **error)
{
  InterpParam *p = interp_net_find_param (net, param);
  if (p == NULL)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_NOT_FOUND,
                   "no parameter named '%s' in the network", param);
      return FALSE;
    }
  if (mask == NULL)
    {
      interp_tensor_free (p->mask);
      p->mask = NULL;
      return TRUE;
    }
  if (!interp_tensor_same_shape (p->value, mask))
    {
      char *want = interp_tensor_shape_string (p->value);
      char *got = interp_tensor_shape_string (mask);
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_SHAPE,
                   "mask for parameter '%s' is shaped %s, the parameter %s", param, got, want);
      g_free (want);
      g_free (got);
      return FALSE;
    }
  if (p->mask == NULL)
    p->mask = interp_tensor_copy (p->value);
  memcpy (p->mask->data, mask->data, mask->numel * sizeof (float));
  for (size_t i = 0; i < p->value->numel; i++)
    p->value->data[i] *= p->mask->data[i];
  return TRUE;
}

void
interp_net_apply_masks (InterpNet *net)
{
  for (guint i = 0; i < net->params->len; i++)
    {
      InterpParam *p = g_ptr_array_index (net->params, i);
      if (p->mask)
        for (size_t j = 0; j < p->value->numel; j++)
          p->value->data[j] *= p->mask->data[j];
    }
}

gboolean
interp_net_copy_params (InterpNet *dst, const InterpNet *src, GError **error)
{
  if (dst->params->len != src->params->len)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_SHAPE,
                   "cannot copy parameters: the networks have %u and %u parameters",
                   src->params->len, dst->params->len);
      return FALSE;
    }
  for (guint i = 0; i < src->params->len; i++)
    {
      const InterpParam *s = g_ptr_array_index (src->params, i);
      const InterpParam *d = g_ptr_array_index (dst->params, i);
      if (strcmp (s->name, d->name) != 0 || !interp_tensor_same_shape (s->value, d->value))
        {
          char *ss = interp_tensor_shape_string (s->value);
          char *ds = interp_tensor_shape_string (d->value);
          g_set_error (error, INTERP_ERROR, INTERP_ERROR_SHAPE,
                       "cannot copy parameters: parameter %u is '%s' %s in the source "
                       "but '%s' %s in the destination", i, s->name, ss, d->name, ds);
          g_free (ss);
          g_free (ds);
          return FALSE;
        }
    }
  for (guint i = 0; i < src->params->len; i++)
    {
      const InterpParam *s = g_ptr_array_index (src->params, i);
      InterpParam *d = g_ptr_array_index (dst->params, i);
      memcpy (d->value->data, s->value->data, s->value->numel * sizeof (float));
    }
  return TRUE;
}
