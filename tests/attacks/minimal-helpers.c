/* The minimal-norm and ensemble attack tests' helpers (minimal-helpers.h). */
#include "config.h"

#include <math.h>
#include <string.h>

#include <criterion/criterion.h>

#include "host/params-private.h"
#include "minimal-helpers.h"
#include "attack-common.h"

/* input 1 x H x W -> flatten -> fc (k classes): z = W x + b, W given
 * row-major k x (H W). */
InterpNet *
affine_net (int64_t h, int64_t w, int64_t k, const double *weight, const double *bias)
{
  GError *error = NULL;
  InterpNet *net = interp_net_new (1, h, w);
  int flat = interp_net_flatten (net, "flatten", 0, &error);
  cr_assert_geq (flat, 0, "%s", error ? error->message : "");
  cr_assert_geq (interp_net_linear (net, "fc", flat, k, TRUE, &error), 0, "%s",
                 error ? error->message : "");
  InterpParam *pw = interp_net_find_param (net, "fc.weight");
  InterpParam *pb = interp_net_find_param (net, "fc.bias");
  for (int64_t i = 0; i < k * h * w; i++)
    pw->value->data[i] = (float) weight[i];
  for (int64_t i = 0; i < k; i++)
    pb->value->data[i] = (float) bias[i];
  interp_net_set_mode (net, INTERP_MODE_EVAL);
  return net;
}

/* Binary, 2 x 2 pixels: z_0 = 0, z_1 = v.x + b with v = (0.8, -0.4, 0.2, 0.4)
 * (||v||_2 = 1, ||v||_1 = 1.8) and b = -0.8.  At x = 0.5 everywhere
 * f = z_1 - z_0 = -0.3: class 0, at L2 distance 0.3 and Linf distance
 * 0.3 / 1.8 = 1/6 from the boundary. */
const double BIN_W[] = { 0, 0, 0, 0, 0.8, -0.4, 0.2, 0.4 };
const double BIN_B[] = { 0, -0.8 };
const double BIN_L2 = 0.3, BIN_LINF = 0.3 / 1.8;

/* Three classes sharing w_0 = (0.1, 0.2, -0.1, 0.3), b_0 = 0.05:
 * w_1 - w_0 = (0.8, -0.4, 0.2, 0.4), b_1 - b_0 = -0.8   (f_1 - f_0 = -0.3, distance 0.3)
 * w_2 - w_0 = (0, 0.6, 0, -0.8),     b_2 - b_0 = -0.1   (f_2 - f_0 = -0.2, distance 0.2)
 * at x = 0.5: the nearest boundary is class 2's, at L2 distance 0.2. */
const double TRI_W[] = { 0.1, 0.2, -0.1, 0.3,  0.9, -0.2, 0.1, 0.7,  0.1, 0.8, -0.1, -0.5 };
const double TRI_B[] = { 0.05, -0.75, -0.05 };

InterpTensor *
constant_images (int64_t n, int64_t h, int64_t w, float v)
{
  InterpTensor *x = interp_tensor_new_4d (n, 1, h, w);
  interp_tensor_fill (x, v);
  return x;
}

/* |f_i - f_j| / ||w_i - w_j|| in the dual norm of `norm` (L2: L2, Linf: L1),
 * for one image xi of d pixels. */
double
analytic_distance (InterpNorm norm, const double *wt, const double *b, size_t d, int i, int j,
                   const float *xi)
{
  double f = b[i] - b[j], nrm = 0;
  for (size_t q = 0; q < d; q++)
    {
      double dw = wt[i * d + q] - wt[j * d + q];
      f += dw * xi[q];
      nrm += norm == INTERP_NORM_L2 ? dw * dw : fabs (dw);
    }
  return fabs (f) / (norm == INTERP_NORM_L2 ? sqrt (nrm) : nrm);
}

gpointer
attack_new (const InterpComponent *comp, const char *const *pairs)
{
  GError *error = NULL;
  InterpParams *p = interp_params_new_from_pairs (comp->params, "test.ini: [attack:a]", pairs,
                                                  &error);
  cr_assert_not_null (p, "%s", error ? error->message : "");
  const InterpAttackVTable *vt = comp->vtable;
  gpointer self = vt->create (p, NULL, &error);
  cr_assert_not_null (self, "%s", error ? error->message : "");
  interp_params_free (p);
  return self;
}

void
attack_free (const InterpComponent *comp, gpointer self)
{
  ((const InterpAttackVTable *) comp->vtable)->destroy (self);
}

/* x_adv = attack (x) with every image's budget eps and stream seed 7. */
InterpTensor *
run (const InterpComponent *comp, gpointer self, InterpNet *net, const InterpTensor *x,
     const int32_t *labels, double eps)
{
  const int64_t n = x->shape[0];
  double *e = g_new (double, n);
  for (int64_t i = 0; i < n; i++)
    e[i] = eps;
  InterpRng rng;
  interp_rng_seed (&rng, 7);
  InterpTensor *adv = interp_tensor_new (x->ndim, x->shape);
  GError *error = NULL;
  gboolean ok = ((const InterpAttackVTable *) comp->vtable)
                  ->perturb (self, net, x, labels, e, &rng, adv, &error);
  cr_assert (ok, "%s", error ? error->message : "");
  g_free (e);
  return adv;
}

int32_t
predict (InterpNet *net, const InterpTensor *x, int64_t i)
{
  GError *error = NULL;
  InterpTensor *z = interp_tensor_new_2d (1, 1);
  cr_assert (attack_logits (net, x, z, &error), "%s", error ? error->message : "");
  int64_t k = attack_n_classes (z);
  int32_t c = attack_argmax (z->data + i * k, k);
  interp_tensor_free (z);
  return c;
}

double
norm_of (InterpNorm norm, const InterpTensor *a, const InterpTensor *x, int64_t i)
{
  size_t d = interp_tensor_sample_size (x);
  return interp_perturbation_norm (norm, a->data + i * d, x->data + i * d, d);
}


/* A 3-class affine model on 4 x 4 images with N (0, 0.5^2) weights and
 * biases, and n images of U(0, 1) pixels labelled with their clean argmax
 * (all correctly classified).  Fixed seeds: the same model every run. */
InterpNet *
random_model (InterpTensor **x, int32_t *labels)
{
  InterpRng rng;
  interp_rng_seed (&rng, 2024);
  double wt[3 * 16], b[3];
  for (int i = 0; i < 3 * 16; i++)
    wt[i] = 0.5 * interp_rng_normal (&rng);
  for (int i = 0; i < 3; i++)
    b[i] = 0.5 * interp_rng_normal (&rng);
  InterpNet *net = affine_net (4, 4, 3, wt, b);
  *x = interp_tensor_new_4d (RND_N, 1, 4, 4);
  for (size_t i = 0; i < (*x)->numel; i++)
    (*x)->data[i] = (float) interp_rng_uniform (&rng);
  for (int64_t i = 0; i < RND_N; i++)
    labels[i] = predict (net, *x, i);
  return net;
}

