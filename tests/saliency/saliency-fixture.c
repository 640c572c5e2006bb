/* The saliency tests' fixture (saliency-fixture.h). */
#include "config.h"

#include "saliency-fixture.h"

#include <math.h>
#include <string.h>

#include <criterion/criterion.h>

#include "host/context-private.h"
#include "host/params-private.h"
#include "nn/net-impl.h"
#include "plugin/registry.h"

#define FIX_OK(expr, error)                                                   \
  cr_assert ((expr), "%s", (error) != NULL ? (error)->message : #expr)

/* ---- networks ------------------------------------------------------------ */

float
sal_weight (int64_t i, double phase)
{
  return (float) (0.5 * sin (1.3 * (double) i + phase));
}

void
sal_set_param (InterpNet *net, const char *name, const float *v, size_t n)
{
  InterpParam *p = interp_net_find_param (net, name);
  cr_assert_not_null (p, "no parameter %s", name);
  cr_assert_eq (p->value->numel, n, "%s has %zu values, not %zu", name, p->value->numel, n);
  memcpy (p->value->data, v, n * sizeof (float));
}

InterpNet *
sal_linear_net (int64_t f, int64_t k, const float *w, const float *b)
{
  GError *error = NULL;
  InterpNet *net = interp_net_new (f, 1, 1);
  int a = interp_net_flatten (net, "flat", 0, &error);
  FIX_OK (a >= 0, error);
  FIX_OK (interp_net_linear (net, "fc", a, k, TRUE, &error) >= 0, error);
  sal_set_param (net, "fc.weight", w, (size_t) (k * f));
  sal_set_param (net, "fc.bias", b, (size_t) k);
  interp_net_set_mode (net, INTERP_MODE_EVAL);
  return net;
}

/* Every value of a parameter from the weight pattern. */
static void
fill_param (InterpNet *net, const char *name, double phase, float offset)
{
  InterpParam *p = interp_net_find_param (net, name);
  cr_assert_not_null (p, "no parameter %s", name);
  for (size_t j = 0; j < p->value->numel; j++)
    p->value->data[j] = offset + sal_weight ((int64_t) j, phase);
}

InterpNet *
sal_conv_net (gboolean with_bn)
{
  GError *error = NULL;
  InterpNet *net = interp_net_new (1, SAL_SIDE, SAL_SIDE);
  const float mean = 0.4f, std = 0.25f;
  int a = interp_net_normalize (net, "normalize", 0, &mean, &std, &error);
  FIX_OK (a >= 0, error);
  a = interp_net_conv2d (net, "conv", a, 2, 3, 1, 1, 1, TRUE, &error);
  FIX_OK (a >= 0, error);
  if (with_bn)
    {
      a = interp_net_batchnorm (net, "bn", a, 1e-5f, 0.1f, &error);
      FIX_OK (a >= 0, error);
    }
  a = interp_net_relu (net, "relu", a, &error);
  FIX_OK (a >= 0, error);
  a = interp_net_maxpool (net, "pool", a, 2, 2, 0, &error);
  FIX_OK (a >= 0, error);
  a = interp_net_flatten (net, "flat", a, &error);
  FIX_OK (a >= 0, error);
  a = interp_net_linear (net, "fc", a, SAL_CLASSES, TRUE, &error);
  FIX_OK (a >= 0, error);
  fill_param (net, "conv.weight", 0.0, 0.0f);
  /* Small positive biases keep most ReLUs of these images active, so the
   * maps have structure; a few stay off, so the network is not linear. */
  fill_param (net, "conv.bias", 0.4, 0.1f);
  fill_param (net, "fc.weight", 1.1, 0.0f);
  fill_param (net, "fc.bias", 2.0, 0.0f);
  if (with_bn)
    {
      const float gamma[2] = { 1.5f, 0.75f }, beta[2] = { 0.1f, -0.05f };
      const float rmean[2] = { 0.2f, -0.1f }, rvar[2] = { 0.5f, 2.0f };
      sal_set_param (net, "bn.weight", gamma, 2);
      sal_set_param (net, "bn.bias", beta, 2);
      sal_set_param (net, "bn.running_mean", rmean, 2);
      sal_set_param (net, "bn.running_var", rvar, 2);
    }
  interp_net_set_mode (net, INTERP_MODE_EVAL);
  return net;
}

InterpTensor *
sal_images (int64_t n, int64_t c, int64_t h, int64_t w, uint64_t seed)
{
  InterpRng rng;
  interp_rng_seed (&rng, seed);
  InterpTensor *x = interp_tensor_new_4d (n, c, h, w);
  for (size_t j = 0; j < x->numel; j++)
    x->data[j] = (float) (0.05 + 0.9 * interp_rng_uniform (&rng));
  return x;
}

/* ---- the module ------------------------------------------------------------ */

static InterpRegistry *registry;

const InterpComponent *
sal_component (const char *name)
{
  if (registry == NULL)
    {
      const char *builddir = g_getenv ("INTERP_TEST_BUILDDIR");
      cr_assert_not_null (builddir, "INTERP_TEST_BUILDDIR is not set");
      char *path = g_build_filename (builddir, "plugins", "saliency", ".libs",
                                     "interp-saliency.so", NULL);
      GError *error = NULL;
      registry = interp_registry_new ();
      FIX_OK (interp_registry_load_file (registry, path, &error), error);
      g_free (path);
    }
  const InterpRegistryEntry *e = interp_registry_find (registry, INTERP_KIND_SALIENCY, name);
  cr_assert_not_null (e, "interp-saliency has no component %s", name);
  return e->component;
}

/* The groups wrappers may look up: "saliency:GROUP" -> Group. */
typedef struct {
  char *name;
  char **pairs;
  SalMethod *method;   /* created on first lookup */
  gboolean creating;   /* a cycle reaches it while it is being created */
} Group;

static GHashTable *groups;
static InterpContext *context;

static gboolean
lookup (gpointer data, const char *group, const InterpSaliencyVTable **vtable,
        gpointer *instance, GError **error)
{
  (void) data;
  Group *g = groups ? g_hash_table_lookup (groups, group) : NULL;
  if (g == NULL)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_NOT_FOUND,
                   "[%s]: no such group in the pipeline", group);
      return FALSE;
    }
  if (g->creating)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_BAD_VALUE,
                   "[%s]: the group reaches itself", group);
      return FALSE;
    }
  if (g->method == NULL)
    {
      g->creating = TRUE;
      g->method = sal_method_new (g->name, (const char *const *) g->pairs, error);
      g->creating = FALSE;
      if (g->method == NULL)
        return FALSE;
    }
  *vtable = g->method->vtable;
  *instance = g->method->instance;
  return TRUE;
}

static InterpContext *
fixture_context (void)
{
  if (context == NULL)
    {
      context = interp_context_new (1, 1, NULL);
      interp_context_set_saliency_lookup (context, lookup, NULL);
    }
  return context;
}

void
sal_define_group (const char *group, const char *name, const char *const *pairs)
{
  if (groups == NULL)
    groups = g_hash_table_new (g_str_hash, g_str_equal);
  Group *g = g_new0 (Group, 1);
  g->name = g_strdup (name);
  g->pairs = g_strdupv ((char **) pairs);
  g_hash_table_insert (groups, g_strdup_printf ("saliency:%s", group), g);
}

SalMethod *
sal_method_new (const char *name, const char *const *pairs, GError **error)
{
  const InterpComponent *c = sal_component (name);
  char *where = g_strdup_printf ("test.ini: [saliency:%s]", name);
  InterpParams *p = interp_params_new_from_pairs (c->params, where, pairs, error);
  g_free (where);
  if (p == NULL)
    return NULL;
  SalMethod *m = g_new0 (SalMethod, 1);
  m->component = c;
  m->vtable = c->vtable;
  m->instance = m->vtable->create (p, fixture_context (), error);
  interp_params_free (p);
  if (m->instance == NULL)
    {
      g_free (m);
      return NULL;
    }
  m->vtable->describe (m->instance, &m->info);
  return m;
}

SalMethod *
sal_method (const char *name, const char *const *pairs)
{
  GError *error = NULL;
  SalMethod *m = sal_method_new (name, pairs, &error);
  FIX_OK (m != NULL, error);
  return m;
}

void
sal_method_free (SalMethod *m)
{
  if (m == NULL)
    return;
  m->vtable->destroy (m->instance);
  g_free (m);
}

gboolean
sal_attribute_try (SalMethod *m, InterpNet *net, const InterpTensor *x, const int32_t *targets,
                   uint64_t seed, InterpTensor *attr, double *delta, GError **error)
{
  InterpRng rng;
  interp_rng_seed (&rng, seed);
  return m->vtable->attribute (m->instance, net, x, targets, &rng, attr, delta, error);
}

void
sal_attribute (SalMethod *m, InterpNet *net, const InterpTensor *x, const int32_t *targets,
               uint64_t seed, InterpTensor *attr, double *delta)
{
  GError *error = NULL;
  gboolean ok = sal_attribute_try (m, net, x, targets, seed, attr, delta, &error);
  FIX_OK (ok, error);
  cr_assert (interp_tensor_same_shape (attr, x), "%s: the map is not of the input's shape",
             m->component->name);
}

/* ---- numerics ------------------------------------------------------------ */

void
sal_target_logits (InterpNet *net, const InterpTensor *x, const int32_t *targets, double *out)
{
  GError *error = NULL;
  FIX_OK (interp_net_forward (net, x, &error), error);
  const InterpTensor *z = interp_net_value (net, interp_net_output_node (net));
  const int64_t n = x->shape[0], k = (int64_t) z->numel / n;
  for (int64_t i = 0; i < n; i++)
    out[i] = z->data[i * k + targets[i]];
}

void
sal_fd_grad (InterpNet *net, const InterpTensor *x, const int32_t *targets, double h,
             double *out)
{
  const int64_t n = x->shape[0], per = interp_tensor_sample_size (x);
  InterpTensor *xp = interp_tensor_copy (x);
  double *zp = g_new (double, n), *zm = g_new (double, n);
  for (int64_t j = 0; j < per; j++)
    {
      /* Element j of every image at once: images do not interact. */
      for (int64_t i = 0; i < n; i++)
        xp->data[i * per + j] = (float) ((double) x->data[i * per + j] + h);
      sal_target_logits (net, xp, targets, zp);
      for (int64_t i = 0; i < n; i++)
        xp->data[i * per + j] = (float) ((double) x->data[i * per + j] - h);
      sal_target_logits (net, xp, targets, zm);
      for (int64_t i = 0; i < n; i++)
        {
          /* The step actually taken, after rounding x +- h to float. */
          double step = (double) (float) ((double) x->data[i * per + j] + h)
                        - (double) (float) ((double) x->data[i * per + j] - h);
          out[i * per + j] = (zp[i] - zm[i]) / step;
          xp->data[i * per + j] = x->data[i * per + j];
        }
    }
  g_free (zp);
  g_free (zm);
  interp_tensor_free (xp);
}

double
sal_max_abs_diff (const float *a, const float *b, size_t n)
{
  double m = 0.0;
  for (size_t j = 0; j < n; j++)
    m = MAX (m, fabs ((double) a[j] - (double) b[j]));
  return m;
}

/* ---- left as found --------------------------------------------------------- */

struct SalSnapshot {
  InterpMode mode;
  gboolean input_grad, param_grad;
  int n_nodes, n_params;
  gboolean *touched;
  InterpTensor **node_grad;
  InterpTensor **param_grad_v;
};

SalSnapshot *
sal_net_seed (InterpNet *net, const InterpTensor *x, gboolean input_grad, gboolean param_grad)
{
  GError *error = NULL;
  FIX_OK (interp_net_forward (net, x, &error), error);
  interp_net_zero_grad (net);
  interp_net_set_input_grad (net, input_grad);
  interp_net_set_param_grad (net, param_grad);
  SalSnapshot *s = g_new0 (SalSnapshot, 1);
  s->mode = interp_net_mode (net);
  s->input_grad = input_grad;
  s->param_grad = param_grad;
  s->n_nodes = interp_net_n_nodes (net);
  s->n_params = interp_net_n_params (net);
  s->touched = g_new0 (gboolean, s->n_nodes);
  s->node_grad = g_new0 (InterpTensor *, s->n_nodes);
  s->param_grad_v = g_new0 (InterpTensor *, s->n_params);
  for (int i = 0; i < s->n_nodes; i += 2)
    {
      InterpTensor *g = interp_net_grad (net, i);
      for (size_t j = 0; j < g->numel; j++)
        g->data[j] = (float) (0.25 + sin (0.7 * (double) j + i));
      s->touched[i] = TRUE;
      s->node_grad[i] = interp_tensor_copy (g);
    }
  for (int i = 0; i < s->n_params; i++)
    {
      InterpParam *p = interp_net_param (net, i);
      if (p->grad == NULL)
        continue;
      for (size_t j = 0; j < p->grad->numel; j++)
        p->grad->data[j] = (float) (1.5 + cos (0.3 * (double) j + i));
      s->param_grad_v[i] = interp_tensor_copy (p->grad);
    }
  return s;
}

static gboolean
same_tensor (const InterpTensor *a, const InterpTensor *b)
{
  return interp_tensor_same_shape (a, b)
         && memcmp (a->data, b->data, a->numel * sizeof (float)) == 0;
}

void
sal_net_check (InterpNet *net, SalSnapshot *s, const char *who)
{
  cr_assert_eq (interp_net_mode (net), s->mode, "%s changed the mode", who);
  cr_assert_eq (interp_net_input_grad_enabled (net), s->input_grad,
                "%s changed the input-gradient flag", who);
  cr_assert_eq (interp_net_param_grad (net), s->param_grad,
                "%s changed the parameter-gradient flag", who);
  cr_assert_eq (interp_net_n_nodes (net), s->n_nodes);
  for (int i = 0; i < s->n_nodes; i++)
    {
      /* The flag itself: interp_net_grad would mark the node. */
      const NetNode *node = net_node (net, i);
      cr_assert_eq (node->touched, s->touched[i], "%s changed whether node %s has a gradient",
                    who, interp_net_node_name (net, i));
      if (s->touched[i])
        cr_assert (same_tensor (node->grad, s->node_grad[i]), "%s changed node %s's gradient",
                   who, interp_net_node_name (net, i));
      interp_tensor_free (s->node_grad[i]);
    }
  for (int i = 0; i < s->n_params; i++)
    {
      InterpParam *p = interp_net_param (net, i);
      if (s->param_grad_v[i] != NULL)
        cr_assert (same_tensor (p->grad, s->param_grad_v[i]), "%s changed %s's gradient", who,
                   p->name);
      interp_tensor_free (s->param_grad_v[i]);
    }
  g_free (s->touched);
  g_free (s->node_grad);
  g_free (s->param_grad_v);
  g_free (s);
}
