/* FGSM (Goodfellow, Shlens & Szegedy 2015, "Explaining and harnessing
 * adversarial examples"): one step of eps along the sign of the loss
 * gradient, x' = clip(x + eps sign(grad_x CE), 0, 1).  A zero gradient
 * component moves nothing (sign(0) = 0, as torch.sign). */
#include "config.h"

#include "attack-common.h"
#include "plugin-components.h"

typedef struct {
  InterpTensor *grad;
} Fgsm;

static gpointer
fgsm_create (const InterpParams *params, InterpContext *ctx, GError **error)
{
  (void) params;
  (void) ctx;
  (void) error;
  Fgsm *self = g_new0 (Fgsm, 1);
  self->grad = interp_tensor_new_4d (1, 1, 1, 1);
  return self;
}

static void
fgsm_destroy (gpointer data)
{
  Fgsm *self = data;
  interp_tensor_free (self->grad);
  g_free (self);
}

static gboolean
fgsm_perturb (gpointer data, InterpNet *net, const InterpTensor *x, const int32_t *labels,
              const double *eps, InterpRng *rng, InterpTensor *x_adv, GError **error)
{
  Fgsm *self = data;
  (void) rng;
  if (!attack_check_batch (x, x_adv, error))
    return FALSE;
  AttackGuard guard;
  attack_guard_begin (&guard, net);
  gboolean ok = attack_loss_grad (net, x, labels, NULL, ATTACK_LOSS_CE, NULL, self->grad, NULL,
                                  error);
  if (ok)
    {
      const int64_t n = x->shape[0];
      const size_t d = interp_tensor_sample_size (x);
      for (int64_t i = 0; i < n; i++)
        {
          const float *xi = x->data + i * d, *g = self->grad->data + i * d;
          float *a = x_adv->data + i * d;
          float e = (float) eps[i];
          for (size_t j = 0; j < d; j++)
            a[j] = xi[j] + (g[j] > 0.0f ? e : g[j] < 0.0f ? -e : 0.0f);
          attack_clip01 (a, d);
        }
    }
  attack_guard_end (&guard, net);
  return ok;
}

static void
fgsm_describe (gpointer data, InterpAttackInfo *info)
{
  (void) data;
  info->norm = INTERP_NORM_LINF;
  info->flags = 0;
}

static const InterpParamSpec fgsm_params[] = {
  { .key = "epsilon", .type = INTERP_PARAM_DOUBLE_LIST, .default_value = "8/255",
    .min = 0, .max = 1, .help = "Linf budgets in pixel units ([0, 1] images)" },
  { 0 }
};

static const InterpAttackVTable fgsm_vtable = {
  INTERP_VTABLE_SIZE (InterpAttackVTable),
  .level_key = "epsilon",
  .create = fgsm_create,
  .destroy = fgsm_destroy,
  .perturb = fgsm_perturb,
  .describe = fgsm_describe,
};

const InterpComponent interp_attack_fgsm = INTERP_COMPONENT (
  .kind = INTERP_KIND_ATTACK,
  .name = "fgsm",
  .description = "Fast gradient sign method: one Linf step of epsilon along sign(grad CE)",
  .params = fgsm_params,
  .vtable = &fgsm_vtable);
