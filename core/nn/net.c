/* The network as a graph: building it node by node (the protocol that the
 * layer builders in linear.c, conv2d.c, ... follow), its life cycle, and
 * looking nodes up by id, name or glob.  Running it is net-pass.c;
 * its parameters, masks and initialisation are net-params.c. */
#include "config.h"

#include "nn/net-impl.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* ---- nodes ---------------------------------------------------------------- */

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
  g_free (node->stat_mean);
  g_free (node->stat_inv_std);
  g_free (node->argmax);
  interp_tensor_free (node->ref);
  g_free (node->ref_argmax);
  g_free (node);
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
  net_node_batch_shape (node, 0, &ndim, shape);
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
  net->param_grad = TRUE;
  net->last_forward = -1;
  net->ref_batch = -1;
  net->ref_last = -1;
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
      net_profile_print (net);
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

const char *
interp_net_node_name (const InterpNet *net, int node)
{
  g_return_val_if_fail (net_valid_node (net, node), NULL);
  return net_node (net, node)->name;
}

InterpOp
interp_net_node_op (const InterpNet *net, int node)
{
  g_return_val_if_fail (net_valid_node (net, node), INTERP_OP_INPUT);
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
  g_return_val_if_fail (net_valid_node (net, node), 0);
  const NetNode *n = net_node (net, node);
  for (int i = 0; i < 3; i++)
    shape[i] = i < n->ndim ? n->shape[i] : 1;
  return n->ndim;
}

int64_t
interp_net_node_units (const InterpNet *net, int node)
{
  g_return_val_if_fail (net_valid_node (net, node), 0);
  return net_node (net, node)->shape[0];
}

const InterpTensor *
interp_net_value (const InterpNet *net, int node)
{
  g_return_val_if_fail (net_valid_node (net, node), NULL);
  return net_node (net, node)->value;
}

