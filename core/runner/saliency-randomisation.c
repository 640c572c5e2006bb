/* Model-parameter randomisation (saliency-stage.h), Adebayo et al. 2018,
 * "Sanity Checks for Saliency Maps": the maps of a trained network against
 * those of the same network with layers re-initialised, from the output
 * down one more layer per step (cascading) or one layer at a time
 * (independent).  A method whose maps barely change does not depend on
 * what the network learned. */
#include "config.h"

#include "runner/saliency-stage.h"

#include <math.h>
#include <string.h>

#include "runner/saliency-similarity.h"

/* One layer the checks may re-initialise, with its saved parameters. */
typedef struct {
  int node;
  const char *name;
  GPtrArray *params;      /* InterpParam* of the node (values and buffers) */
  GPtrArray *saved;       /* InterpTensor* copies, parallel to params */
} Layer;

static void
layer_clear (Layer *l)
{
  g_ptr_array_unref (l->params);
  g_ptr_array_unref (l->saved);
}

/* The values the layer had before the check, bit for bit. */
static void
layer_restore (Layer *l)
{
  for (guint k = 0; k < l->params->len; k++)
    {
      InterpParam *p = g_ptr_array_index (l->params, k);
      const InterpTensor *s = g_ptr_array_index (l->saved, k);
      memcpy (p->value->data, s->data, s->numel * sizeof (float));
    }
}

/* The same randomised weights for a layer in both modes and in every method
 * (the stream depends on the layer only), so all methods are compared on
 * the same randomised networks. */
static void
layer_randomise (InterpNet *net, InterpContext *ctx, const Layer *l)
{
  char *stream = g_strdup_printf ("saliency/randomisation/%s", l->name);
  InterpRng rng;
  interp_context_rng (ctx, stream, &rng);
  g_free (stream);
  interp_net_reinit_node (net, l->node, &rng);
}

static gboolean
has_weight (InterpNet *net, int node)
{
  InterpOp op = interp_net_node_op (net, node);
  if (op != INTERP_OP_CONV2D && op != INTERP_OP_LINEAR && op != INTERP_OP_BATCHNORM)
    return FALSE;
  char *name = g_strdup_printf ("%s.weight", interp_net_node_name (net, node));
  gboolean found = interp_net_find_param (net, name) != NULL;
  g_free (name);
  return found;
}

/* The layers with weights matching one of the globs, from the output down.
 * None is an error naming the key: a check that silently checks nothing
 * would read as a pass. */
static GArray *
select_layers (InterpNet *net, const InterpParams *keys, GError **error)
{
  size_t n_globs;
  const char *const *globs = interp_params_get_string_list (keys, "randomisation-layers",
                                                            &n_globs);
  GArray *layers = g_array_new (FALSE, TRUE, sizeof (Layer));
  GString *candidates = g_string_new (NULL);
  for (int node = interp_net_n_nodes (net) - 1; node >= 0; node--)
    {
      if (!has_weight (net, node))
        continue;
      const char *name = interp_net_node_name (net, node);
      g_string_append_printf (candidates, "%s%s", candidates->len ? ", " : "", name);
      gboolean match = FALSE;
      for (size_t g = 0; g < n_globs && !match; g++)
        match = g_pattern_match_simple (globs[g], name);
      if (!match)
        continue;
      Layer l = { .node = node, .name = name,
                  .params = g_ptr_array_new (),
                  .saved = g_ptr_array_new_with_free_func ((GDestroyNotify) interp_tensor_free) };
      for (int i = 0; i < interp_net_n_params (net); i++)
        {
          InterpParam *p = interp_net_param (net, i);
          if (p->node == node)
            {
              g_ptr_array_add (l.params, p);
              g_ptr_array_add (l.saved, interp_tensor_copy (p->value));
            }
        }
      g_array_append_val (layers, l);
    }
  if (layers->len == 0)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_NOT_FOUND,
                   "%s: key 'randomisation-layers': no layer with weights matches (the "
                   "layers with weights, from the output down: %s)",
                   interp_params_where (keys), candidates->len ? candidates->str : "none");
      g_array_unref (layers);
      layers = NULL;
    }
  g_string_free (candidates, TRUE);
  return layers;
}

typedef struct {
  const InterpSaliencyMethod *m;
  InterpNet *net;
  const InterpSaliencySet *set;
  const InterpTensor *original;
  int64_t batch;
  InterpContext *ctx;
  InterpMapSimilarity sims[INTERP_N_SIMILARITIES];
  size_t n_sims;
  InterpTensor *maps;
} Check;

/* The maps of the network as it is now, compared with the original ones.
 * The maps' streams are those of the original maps ("<group>/maps/..."), so
 * a randomised method (SmoothGrad) draws the same noise and only the
 * parameters differ between the two. */
static gboolean
step (Check *c, const char *mode, const char *layer, JsonArray *rows, GError **error)
{
  if (!interp_saliency_maps (c->m, c->net, c->set->images, c->set->targets, c->batch, "maps",
                             c->ctx, c->maps, NULL, error))
    return FALSE;
  for (size_t s = 0; s < c->n_sims; s++)
    interp_saliency_similarity_rows (rows, mode, layer, c->m->stage->group, c->sims[s],
                                     c->original, c->maps);
  return TRUE;
}

gboolean
interp_saliency_randomisation (const InterpSaliencyMethod *m, InterpNet *net,
                               const InterpSaliencySet *set, const InterpTensor *original,
                               int64_t batch, InterpContext *ctx, JsonArray *rows,
                               GError **error)
{
  const InterpParams *keys = m->stage->common;
  size_t n_modes;
  const char *const *modes = interp_params_get_string_list (keys, "randomisation", &n_modes);
  if (n_modes == 0)
    return TRUE;
  Check c = { .m = m, .net = net, .set = set, .original = original, .batch = batch,
              .ctx = ctx };
  if (!interp_saliency_similarities (keys, original, c.sims, &c.n_sims, error))
    return FALSE;
  GArray *layers = select_layers (net, keys, error);
  if (layers == NULL)
    return FALSE;
  c.maps = interp_tensor_new_4d (1, 1, 1, 1);
  gboolean ok = TRUE;
  for (size_t k = 0; ok && k < n_modes; k++)
    {
      gboolean cascading = g_str_equal (modes[k], "cascading");
      if (!cascading && !g_str_equal (modes[k], "independent"))
        {
          g_set_error (error, INTERP_ERROR, INTERP_ERROR_BAD_VALUE,
                       "%s: key 'randomisation': unknown check '%s' (known: cascading, "
                       "independent)", interp_params_where (keys), modes[k]);
          ok = FALSE;
          break;
        }
      for (guint i = 0; ok && i < layers->len; i++)
        {
          Layer *l = &g_array_index (layers, Layer, i);
          /* Cascading keeps the layers above randomised; independent
           * starts from the trained network every step. */
          layer_randomise (net, ctx, l);
          ok = step (&c, modes[k], l->name, rows, error);
          if (!cascading)
            layer_restore (l);
        }
      for (guint i = 0; i < layers->len; i++)
        layer_restore (&g_array_index (layers, Layer, i));
    }
  for (guint i = 0; i < layers->len; i++)
    layer_clear (&g_array_index (layers, Layer, i));
  g_array_unref (layers);
  interp_tensor_free (c.maps);
  return ok;
}
