/* Helpers of the map-method tests (maps-helpers.h). */
#include "config.h"

#include "maps-helpers.h"

#include <string.h>

#include <criterion/criterion.h>

#include "host/params-private.h"
#include "saliency-fixture.h"

gpointer
method_new (const InterpComponent *c, const char *const *pairs, GError **error)
{
  char *where = g_strdup_printf ("test.ini: [saliency:%s]", c->name);
  InterpParams *p = interp_params_new_from_pairs (c->params, where, pairs, error);
  g_free (where);
  if (p == NULL)
    return NULL;
  const InterpSaliencyVTable *vt = c->vtable;
  gpointer self = vt->create (p, NULL, error);
  interp_params_free (p);
  return self;
}

void
method_free (const InterpComponent *c, gpointer self)
{
  ((const InterpSaliencyVTable *) c->vtable)->destroy (self);
}

/* attribute() with rng seeded `seed`; returns its success (error set). */
gboolean
method_run (const InterpComponent *c, gpointer self, InterpNet *net, const InterpTensor *x,
            const int32_t *targets, uint64_t seed, InterpTensor *attr, GError **error)
{
  InterpRng rng;
  interp_rng_seed (&rng, seed);
  return ((const InterpSaliencyVTable *) c->vtable)->attribute (self, net, x, targets, &rng,
                                                                  attr, NULL, error);
}

/* The map of one method, asserting success and that the network is left as
 * found (saliency.h). */
InterpTensor *
map_of (const InterpComponent *c, const char *const *pairs, InterpNet *net,
        const InterpTensor *x, const int32_t *targets, uint64_t seed)
{
  GError *error = NULL;
  gpointer self = method_new (c, pairs, &error);
  OK (self != NULL, error);
  SalSnapshot *snap = sal_net_seed (net, x, FALSE, TRUE);
  InterpTensor *attr = interp_tensor_new_4d (1, 1, 1, 1);
  OK (method_run (c, self, net, x, targets, seed, attr, &error), error);
  sal_net_check (net, snap, c->name);
  method_free (c, self);
  cr_assert (interp_tensor_same_shape (attr, x), "%s: map not of x's shape", c->name);
  return attr;
}

/* A nonlinear net: 1 x 6 x 6 -> conv 3x3 pad 1 "conv" (3 channels) -> relu
 * -> maxpool 2 -> flatten -> linear (27 -> 3), weights from a fixed stream. */
InterpNet *
relu_net (void)
{
  GError *error = NULL;
  InterpNet *net = interp_net_new (1, 6, 6);
  int c = interp_net_conv2d (net, "conv", 0, 3, 3, 1, 1, 1, TRUE, &error);
  OK (c >= 0, error);
  int r = interp_net_relu (net, "relu", c, &error);
  OK (r >= 0, error);
  int p = interp_net_maxpool (net, "pool", r, 2, 2, 0, &error);
  OK (p >= 0, error);
  int f = interp_net_flatten (net, "flat", p, &error);
  OK (f >= 0, error);
  OK (interp_net_linear (net, "fc", f, 3, TRUE, &error) >= 0, error);
  InterpRng rng;
  interp_rng_seed (&rng, 12);
  interp_net_set_init (net, INTERP_INIT_PYTORCH);
  interp_net_init (net, &rng);
  /* Biases of the conv away from 0 so most units are active. */
  InterpParam *b = interp_net_find_param (net, "conv.bias");
  for (int i = 0; i < 3; i++)
    b->value->data[i] = 0.2f;
  interp_net_set_mode (net, INTERP_MODE_EVAL);
  return net;
}

InterpTensor *
random_images (int64_t n, int64_t c, int64_t h, int64_t w, uint64_t seed)
{
  InterpRng rng;
  interp_rng_seed (&rng, seed);
  InterpTensor *x = interp_tensor_new_4d (n, c, h, w);
  for (size_t i = 0; i < x->numel; i++)
    x->data[i] = (float) interp_rng_uniform (&rng);
  return x;
}

/* logits = W x + b on c x h x w images through a flatten, k = 2 classes. */
InterpNet *
linear_image_net (int64_t c, int64_t h, int64_t w, const float *wt, const float *b)
{
  GError *error = NULL;
  InterpNet *net = interp_net_new (c, h, w);
  int f = interp_net_flatten (net, "flat", 0, &error);
  OK (f >= 0, error);
  OK (interp_net_linear (net, "fc", f, 2, TRUE, &error) >= 0, error);
  sal_set_param (net, "fc.weight", wt, (size_t) (2 * c * h * w));
  sal_set_param (net, "fc.bias", b, 2);
  interp_net_set_mode (net, INTERP_MODE_EVAL);
  return net;
}
