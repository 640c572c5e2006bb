/* The attack tests' fixture (attack-fixture.h). */
#include "config.h"

#include "attack-fixture.h"

#include <math.h>
#include <string.h>

#include <criterion/criterion.h>

#include "host/params-private.h"
#include "nn/net-impl.h"

#define FIX_OK(expr, error)                                                   \
  cr_assert ((expr), "%s", (error) != NULL ? (error)->message : #expr)

static void
set_param (InterpNet *net, const char *name, const float *v, size_t n)
{
  InterpParam *p = interp_net_find_param (net, name);
  cr_assert_not_null (p, "no parameter %s", name);
  cr_assert_eq (p->value->numel, n, "%s has %zu values, not %zu", name, p->value->numel, n);
  memcpy (p->value->data, v, n * sizeof (float));
}

InterpNet *
fixture_linear_net (int64_t d, int64_t k, const float *w, const float *b)
{
  GError *error = NULL;
  InterpNet *net = interp_net_new (d, 1, 1);
  int f = interp_net_flatten (net, "flat", 0, &error);
  FIX_OK (f >= 0, error);
  FIX_OK (interp_net_linear (net, "fc", f, k, TRUE, &error) >= 0, error);
  set_param (net, "fc.weight", w, (size_t) (k * d));
  set_param (net, "fc.bias", b, (size_t) k);
  interp_net_set_mode (net, INTERP_MODE_EVAL);
  return net;
}

InterpNet *
fixture_binary_net (int64_t d, const float *w, float b)
{
  float *w2 = g_new0 (float, 2 * d);
  memcpy (w2 + d, w, (size_t) d * sizeof (float));
  float b2[2] = { 0.0f, b };
  InterpNet *net = fixture_linear_net (d, 2, w2, b2);
  g_free (w2);
  return net;
}

void
fixture_batch_free (FixtureBatch *b)
{
  interp_tensor_free (b->x);
  g_free (b->labels);
  memset (b, 0, sizeof *b);
}

/* ---- the trained conv net ------------------------------------------------ */

enum { BAR_SIDE = 8, BAR_CLASSES = 3 };

void
fixture_bar_images (int64_t n, uint64_t seed, FixtureBatch *out)
{
  InterpRng rng;
  interp_rng_seed (&rng, seed);
  out->n = n;
  out->x = interp_tensor_new_4d (n, 1, BAR_SIDE, BAR_SIDE);
  out->labels = g_new (int32_t, n);
  for (int64_t i = 0; i < n; i++)
    {
      float *img = out->x->data + i * BAR_SIDE * BAR_SIDE;
      int32_t c = (int32_t) (i % BAR_CLASSES);
      out->labels[i] = c;
      for (int p = 0; p < BAR_SIDE * BAR_SIDE; p++)
        img[p] = (float) (0.3 + 0.2 * interp_rng_uniform (&rng));
      int at = 1 + (int) interp_rng_below (&rng, BAR_SIDE - 2);
      for (int j = 0; j < BAR_SIDE; j++)
        {
          if (c == 0)
            img[at * BAR_SIDE + j] = 0.9f;
          else if (c == 1)
            img[j * BAR_SIDE + at] = 0.9f;
        }
    }
}

InterpNet *
fixture_conv_net (int64_t n_test, FixtureBatch *test)
{
  GError *error = NULL;
  InterpNet *net = interp_net_new (1, BAR_SIDE, BAR_SIDE);
  const float mean = 0.45f, std = 0.2f;
  int a = interp_net_normalize (net, "normalize", 0, &mean, &std, &error);
  FIX_OK (a >= 0, error);
  a = interp_net_conv2d (net, "conv", a, 4, 3, 1, 1, 1, TRUE, &error);
  FIX_OK (a >= 0, error);
  a = interp_net_relu (net, "relu", a, &error);
  FIX_OK (a >= 0, error);
  a = interp_net_maxpool (net, "pool", a, 2, 2, 0, &error);
  FIX_OK (a >= 0, error);
  a = interp_net_flatten (net, "flat", a, &error);
  FIX_OK (a >= 0, error);
  /* Dropout makes the mode matter: an attack run in training mode would
   * see random masks (the tests check that attacks run in eval mode). */
  a = interp_net_dropout (net, "drop", a, 0.25f, &error);
  FIX_OK (a >= 0, error);
  a = interp_net_linear (net, "fc", a, BAR_CLASSES, TRUE, &error);
  FIX_OK (a >= 0, error);
  InterpRng rng;
  interp_rng_seed (&rng, 11);
  interp_net_set_init (net, INTERP_INIT_PYTORCH);
  interp_net_init (net, &rng);

  InterpOptimConfig cfg;
  interp_optim_config_init (&cfg, INTERP_OPTIM_SGD);
  cfg.momentum = 0.9;
  InterpOptim *opt = interp_optim_new (net, &cfg);
  FixtureBatch train;
  fixture_bar_images (240, 1, &train);
  const int64_t bs = 24, per = BAR_SIDE * BAR_SIDE;
  InterpTensor *xb = interp_tensor_new_4d (bs, 1, BAR_SIDE, BAR_SIDE);
  interp_net_set_mode (net, INTERP_MODE_TRAIN);
  for (int epoch = 0; epoch < 30; epoch++)
    for (int64_t s = 0; s + bs <= train.n; s += bs)
      {
        memcpy (xb->data, train.x->data + s * per, (size_t) (bs * per) * sizeof (float));
        FIX_OK (interp_net_forward (net, xb, &error), error);
        interp_net_zero_grad (net);
        interp_net_zero_param_grad (net);
        int out = interp_net_output_node (net);
        InterpTensor *dz = interp_net_grad (net, out);
        interp_tensor_zero (dz);
        interp_softmax_cross_entropy (interp_net_value (net, out), train.labels + s, 0.0f, dz,
                                      1.0f, NULL);
        interp_net_backward (net);
        interp_optim_step (opt, 0.05);
      }
  interp_net_set_mode (net, INTERP_MODE_EVAL);
  interp_optim_free (opt);
  interp_tensor_free (xb);
  fixture_batch_free (&train);

  fixture_bar_images (n_test, 2, test);
  double acc = fixture_accuracy (net, test->x, test->labels);
  cr_assert_geq (acc, 0.9, "the fixture conv net reaches only %.3f clean accuracy", acc);
  return net;
}

double
fixture_accuracy (InterpNet *net, const InterpTensor *x, const int32_t *labels)
{
  GError *error = NULL;
  FIX_OK (interp_net_forward (net, x, &error), error);
  const InterpTensor *z = interp_net_value (net, interp_net_output_node (net));
  const int64_t n = x->shape[0], k = z->shape[1];
  int64_t hits = 0;
  for (int64_t i = 0; i < n; i++)
    {
      const float *row = z->data + i * k;
      int64_t best = 0;
      for (int64_t j = 1; j < k; j++)
        if (row[j] > row[best])
          best = j;
      hits += best == labels[i];
    }
  return (double) hits / (double) n;
}

/* ---- left as found --------------------------------------------------------- */

struct FixtureNetSnapshot {
  InterpMode mode;
  gboolean input_grad, param_grad;
  int n_nodes, n_params;
  gboolean *touched;
  InterpTensor **node_grad;     /* copies of touched nodes' gradients */
  InterpTensor **param_grad_v;  /* copies of parameter gradients (NULL for buffers) */
};

FixtureNetSnapshot *
fixture_net_seed (InterpNet *net, const InterpTensor *x, gboolean input_grad,
                  gboolean param_grad)
{
  GError *error = NULL;
  FIX_OK (interp_net_forward (net, x, &error), error);
  interp_net_zero_grad (net);
  interp_net_set_input_grad (net, input_grad);
  interp_net_set_param_grad (net, param_grad);
  FixtureNetSnapshot *s = g_new0 (FixtureNetSnapshot, 1);
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
fixture_net_check (InterpNet *net, FixtureNetSnapshot *s, const char *who)
{
  cr_assert_eq (interp_net_mode (net), s->mode, "%s changed the mode", who);
  cr_assert_eq (interp_net_input_grad_enabled (net), s->input_grad,
                "%s changed the input-gradient flag", who);
  cr_assert_eq (interp_net_param_grad (net), s->param_grad,
                "%s changed the parameter-gradient flag", who);
  cr_assert_eq (interp_net_n_nodes (net), s->n_nodes);
  for (int i = 0; i < s->n_nodes; i++)
    {
      /* Read the flag directly: interp_net_grad would mark the node. */
      const NetNode *node = net_node (net, i);
      cr_assert_eq (node->touched, s->touched[i], "%s changed whether node %s has a gradient",
                    who, interp_net_node_name (net, i));
      if (s->touched[i])
        cr_assert (same_tensor (node->grad, s->node_grad[i]),
                   "%s changed node %s's gradient", who, interp_net_node_name (net, i));
    }
  for (int i = 0; i < s->n_params; i++)
    {
      InterpParam *p = interp_net_param (net, i);
      if (s->param_grad_v[i] != NULL)
        cr_assert (same_tensor (p->grad, s->param_grad_v[i]),
                   "%s changed %s's gradient", who, p->name);
      interp_tensor_free (s->param_grad_v[i]);
    }
  for (int i = 0; i < s->n_nodes; i++)
    interp_tensor_free (s->node_grad[i]);
  g_free (s->touched);
  g_free (s->node_grad);
  g_free (s->param_grad_v);
  g_free (s);
}

/* ---- running attacks ------------------------------------------------------- */

gpointer
fixture_attack_new (const InterpComponent *c, const char *const *pairs, GError **error)
{
  char *where = g_strdup_printf ("test.ini: [attack:%s]", c->name);
  InterpParams *p = interp_params_new_from_pairs (c->params, where, pairs, error);
  g_free (where);
  if (p == NULL)
    return NULL;
  const InterpAttackVTable *vt = c->vtable;
  gpointer self = vt->create (p, NULL, error);
  interp_params_free (p);
  return self;
}

void
fixture_attack_free (const InterpComponent *c, gpointer self)
{
  const InterpAttackVTable *vt = c->vtable;
  vt->destroy (self);
}

void
fixture_attack_run (const InterpComponent *c, gpointer self, InterpNet *net,
                    const InterpTensor *x, const int32_t *labels, double eps, uint64_t seed,
                    InterpTensor *x_adv)
{
  GError *error = NULL;
  const InterpAttackVTable *vt = c->vtable;
  const int64_t n = x->shape[0];
  double *e = g_new (double, n);
  for (int64_t i = 0; i < n; i++)
    e[i] = eps;
  InterpRng rng;
  interp_rng_seed (&rng, seed);
  interp_tensor_reshape (x_adv, x->ndim, x->shape);
  gboolean ok = vt->perturb (self, net, x, labels, e, &rng, x_adv, &error);
  g_free (e);
  FIX_OK (ok, error);
}
