/* BIM, the basic iterative method (Kurakin, Goodfellow & Bengio 2017,
 * "Adversarial examples in the physical world"; also I-FGSM): FGSM steps of
 * alpha from the clean image, each projected back onto the Linf eps-ball and
 * clipped to [0, 1]:  x_{t+1} = clip_[0,1](P_eps(x_t + alpha sign(grad CE))).
 * No random start, so no randomness.  Defaults are torchattacks' BIM
 * (Harry24k/adversarial-attacks-pytorch): eps 8/255, alpha 2/255, 10 steps.
 * The result is the last iterate. */
#include "config.h"

#include <string.h>

#include "attack-common.h"
#include "plugin-components.h"

typedef struct {
  gint64 steps;
  double alpha;
  InterpTensor *grad;
} Bim;

static gpointer
bim_create (const InterpParams *params, InterpContext *ctx, GError **error)
{
  (void) ctx;
  double alpha = interp_params_get_double (params, "step-size");
  if (!(alpha > 0))
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_OUT_OF_RANGE, "%s: step-size must be > 0",
                   interp_params_where (params));
      return NULL;
    }
  Bim *self = g_new0 (Bim, 1);
  self->steps = interp_params_get_int (params, "steps");
  self->alpha = alpha;
  self->grad = interp_tensor_new_4d (1, 1, 1, 1);
  return self;
}

static void
bim_destroy (gpointer data)
{
  Bim *self = data;
  interp_tensor_free (self->grad);
  g_free (self);
}

static gboolean
bim_perturb (gpointer data, InterpNet *net, const InterpTensor *x, const int32_t *labels,
             const double *eps, InterpRng *rng, InterpTensor *x_adv, GError **error)
{
  Bim *self = data;
  (void) rng;
  if (!attack_check_batch (x, x_adv, error))
    return FALSE;
  const int64_t n = x->shape[0];
  const size_t d = interp_tensor_sample_size (x);
  if (!attack_check_budgets ("bim", eps, n, error))
    return FALSE;
  AttackGuard guard;
  attack_guard_begin (&guard, net);
  memcpy (x_adv->data, x->data, x->numel * sizeof (float));
  gboolean ok = TRUE;
  for (gint64 s = 0; ok && s < self->steps; s++)
    {
      ok = attack_loss_grad (net, x_adv, labels, NULL, ATTACK_LOSS_CE, NULL, self->grad, NULL,
                             error);
      for (int64_t i = 0; ok && i < n; i++)
        {
          float *a = x_adv->data + i * d;
          attack_ascent_step (INTERP_NORM_LINF, a, self->grad->data + i * d, d, self->alpha);
          attack_project (INTERP_NORM_LINF, x->data + i * d, a, d, eps[i]);
        }
    }
  attack_guard_end (&guard, net);
  return ok;
}

static void
bim_describe (gpointer data, InterpAttackInfo *info)
{
  (void) data;
  info->norm = INTERP_NORM_LINF;
  info->flags = 0;
}

static const InterpParamSpec bim_params[] = {
  { .key = "epsilon", .type = INTERP_PARAM_DOUBLE_LIST, .default_value = "8/255",
    .min = 0, .max = 1, .help = "Linf budgets in pixel units ([0, 1] images)" },
  { .key = "steps", .type = INTERP_PARAM_INT, .default_value = "10", .min = 1, .max = 1e6,
    .help = "FGSM steps (torchattacks: 10)" },
  { .key = "step-size", .type = INTERP_PARAM_DOUBLE, .default_value = "2/255",
    .min = 0, .max = 1, .help = "alpha, the Linf size of each step (torchattacks: 2/255)" },
  { 0 }
};

static const InterpAttackVTable bim_vtable = {
  INTERP_VTABLE_SIZE (InterpAttackVTable),
  .level_key = "epsilon",
  .create = bim_create,
  .destroy = bim_destroy,
  .perturb = bim_perturb,
  .describe = bim_describe,
};

const InterpComponent interp_attack_bim = INTERP_COMPONENT (
  .kind = INTERP_KIND_ATTACK,
  .name = "bim",
  .description = "Basic iterative method: projected FGSM steps of step-size from the clean image",
  .params = bim_params,
  .vtable = &bim_vtable);
