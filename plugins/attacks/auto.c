/* auto: an AutoAttack-style ensemble (Croce & Hein 2020, "Reliable
 * evaluation of adversarial robustness with an ensemble of diverse
 * parameter-free attacks"; fra31/auto-attack).  The members run in the
 * order of `members`, each only on the images every earlier member left
 * correctly classified; per image the first adversarial found is kept
 * (robust images come back as x[i], as AutoAttack's x_adv).  Robust
 * accuracy is therefore at most each member's alone: an image a member
 * fools alone is fooled by the ensemble, because every member sees the
 * same stream as alone (a copy of the batch stream) and an image's result
 * does not depend on the other images in its batch (Square: per-image
 * seeds drawn from the batch stream in whole-batch order, passed through
 * square_perturb_seeded); see below for APGD.
 *
 * Members are this module's attacks with their own defaults (see
 * attack-members.h), in auto's norm: apgd-ce and apgd-t as AutoAttack's
 * standard version sets them, square, deepfool, cw-l2.  Only the budgets
 * that set the cost have keys here (`apgd-steps`, `square-queries`); to
 * run a member with other settings, list it as its own [attack:*] group.
 * The default members are AutoAttack's standard APGD-CE, APGD-T, FAB-T and
 * Square without FAB-T, which interp does not have.
 *
 * The "at most each member's alone" guarantee is exact for members whose
 * result for an image depends only on that image and the stream (square,
 * deepfool, cw-l2).  APGD draws its random starts from one stream in image
 * order, so on the subset auto hands it an image gets other starts than in
 * the whole batch: there the bound holds only in distribution. */
#include "config.h"

#include <string.h>

#include "attack-common.h"
#include "attack-members.h"
#include "plugin-components.h"

/* A member: its vtable is its component's; make() creates it with its
 * defaults in auto's norm.  A new member is one row here and a
 * constructor from settings in attack-members.h. */
typedef struct {
  const char *name;
  const InterpComponent *component;
  gboolean linf, l2;         /* the norms the member can bound */
  gpointer (*make) (InterpNorm norm, const InterpParams *params);
} MemberKind;

static gpointer
make_square (InterpNorm norm, const InterpParams *params)
{
  (void) norm;
  SquareSettings s;
  square_settings_default (&s);
  s.queries = (int) interp_params_get_int (params, "square-queries");
  return square_new (&s);
}

static gpointer
make_deepfool (InterpNorm norm, const InterpParams *params)
{
  (void) params;
  DeepFoolSettings s;
  deepfool_settings_default (&s);
  s.norm = norm;
  return deepfool_new (&s);
}

static gpointer
make_cw (InterpNorm norm, const InterpParams *params)
{
  (void) norm;
  (void) params;
  CwSettings s;
  cw_settings_default (&s);
  return cw_new (&s);
}

/* AutoAttack's APGD-CE and APGD-T ("standard" version: 1 restart, 9
 * targets for APGD-T, rho 0.75), `apgd-steps` iterations (its 100). */
static gpointer
make_apgd (InterpNorm norm, const InterpParams *params, gboolean targeted)
{
  ApgdSettings s = {
    .norm = norm, .dlr = targeted, .targeted = targeted,
    .steps = interp_params_get_int (params, "apgd-steps"),
    .restarts = 1, .n_targets = 9, .rho = 0.75,
  };
  return apgd_new (&s);
}

static gpointer
make_apgd_ce (InterpNorm norm, const InterpParams *params)
{
  return make_apgd (norm, params, FALSE);
}

static gpointer
make_apgd_t (InterpNorm norm, const InterpParams *params)
{
  return make_apgd (norm, params, TRUE);
}

static const MemberKind member_kinds[] = {
  { "apgd-ce", &interp_attack_apgd, TRUE, TRUE, make_apgd_ce },
  { "apgd-t", &interp_attack_apgd, TRUE, TRUE, make_apgd_t },
  { "square", &interp_attack_square, TRUE, FALSE, make_square },
  { "deepfool", &interp_attack_deepfool, TRUE, TRUE, make_deepfool },
  { "cw-l2", &interp_attack_cw_l2, FALSE, TRUE, make_cw },
};

typedef struct {
  const MemberKind *kind;
  gpointer instance;
} Member;

typedef struct {
  InterpNorm norm;
  Member *members;
  size_t n_members;
} Auto;

static void
auto_destroy (gpointer data)
{
  Auto *self = data;
  for (size_t i = 0; i < self->n_members; i++)
    if (self->members[i].instance)
      ((const InterpAttackVTable *) self->members[i].kind->component->vtable)
        ->destroy (self->members[i].instance);
  g_free (self->members);
  g_free (self);
}

static gpointer
auto_create (const InterpParams *params, InterpContext *ctx, GError **error)
{
  (void) ctx;
  gboolean l2 = g_str_equal (interp_params_get_string (params, "norm"), "l2");
  /* The default 8/255 is a Linf budget (as apgd.c refuses it for L2). */
  if (l2 && !interp_params_is_set (params, "epsilon"))
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_MISSING,
                   "%s: key 'epsilon': norm = l2 needs its own epsilon (the default 8/255 is "
                   "a Linf budget; L2 papers use 0.5 or 1.0)", interp_params_where (params));
      return NULL;
    }
  Auto *self = g_new0 (Auto, 1);
  self->norm = l2 ? INTERP_NORM_L2 : INTERP_NORM_LINF;
  size_t n = 0;
  const char *const *names = interp_params_get_string_list (params, "members", &n);
  if (n == 0)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_BAD_VALUE,
                   "%s: key 'members': the ensemble needs at least one attack",
                   interp_params_where (params));
      auto_destroy (self);
      return NULL;
    }
  self->members = g_new0 (Member, n);
  self->n_members = n;
  for (size_t i = 0; i < n; i++)
    {
      const MemberKind *kind = NULL;
      for (size_t k = 0; k < G_N_ELEMENTS (member_kinds); k++)
        if (g_str_equal (names[i], member_kinds[k].name))
          kind = &member_kinds[k];
      if (kind == NULL)
        {
          GString *known = g_string_new (NULL);
          for (size_t k = 0; k < G_N_ELEMENTS (member_kinds); k++)
            g_string_append_printf (known, "%s%s", k ? ", " : "", member_kinds[k].name);
          g_set_error (error, INTERP_ERROR, INTERP_ERROR_NOT_FOUND,
                       "%s: key 'members': '%s' is not an attack auto can run (it knows: %s)",
                       interp_params_where (params), names[i], known->str);
          g_string_free (known, TRUE);
          auto_destroy (self);
          return NULL;
        }
      if (!(self->norm == INTERP_NORM_LINF ? kind->linf : kind->l2))
        {
          g_set_error (error, INTERP_ERROR, INTERP_ERROR_UNSUPPORTED,
                       "%s: key 'members': '%s' does not bound the %s norm of key 'norm'",
                       interp_params_where (params), names[i],
                       self->norm == INTERP_NORM_LINF ? "linf" : "l2");
          auto_destroy (self);
          return NULL;
        }
      self->members[i].kind = kind;
      self->members[i].instance = kind->make (self->norm, params);
    }
  return self;
}

/* Copies images idx[0..m) of src into dst (reshaped to m images). */
static void
gather (InterpTensor *dst, const InterpTensor *src, const int64_t *idx, int64_t m)
{
  const size_t d = interp_tensor_sample_size (src);
  int64_t shape[INTERP_MAX_DIMS];
  memcpy (shape, src->shape, (size_t) src->ndim * sizeof shape[0]);
  shape[0] = m;
  interp_tensor_reshape (dst, src->ndim, shape);
  for (int64_t j = 0; j < m; j++)
    memcpy (dst->data + j * d, src->data + idx[j] * d, d * sizeof (float));
}

typedef struct {
  InterpTensor *xs, *as, *logits;
  int64_t *idx;
  int32_t *labels;
  double *eps;
  guint64 *seeds, *sub_seeds;
  guint8 *robust;
} Work;

static void
work_free (Work *w)
{
  interp_tensor_free (w->xs);
  interp_tensor_free (w->as);
  interp_tensor_free (w->logits);
  g_free (w->idx);
  g_free (w->labels);
  g_free (w->eps);
  g_free (w->seeds);
  g_free (w->sub_seeds);
  g_free (w->robust);
}

/* Runs member `mb` on the images still robust; those it fools get its
 * image in x_adv and stop being robust. */
static gboolean
run_member (const Member *mb, InterpNet *net, const InterpTensor *x, const int32_t *labels,
            const double *eps, const InterpRng *rng, Work *w, InterpTensor *x_adv,
            GError **error)
{
  const int64_t n = x->shape[0];
  const size_t d = interp_tensor_sample_size (x);
  int64_t m = 0;
  for (int64_t i = 0; i < n; i++)
    if (w->robust[i])
      {
        w->idx[m] = i;
        w->labels[m] = labels[i];
        w->eps[m] = eps[i];
        m++;
      }
  if (m == 0)
    return TRUE;
  gather (w->xs, x, w->idx, m);
  gather (w->as, x, w->idx, m);
  InterpRng stream = *rng;   /* the stream the member would have alone */
  const InterpAttackVTable *vt = mb->kind->component->vtable;
  gboolean ok;
  if (mb->kind->component == &interp_attack_square)
    {
      for (int64_t i = 0; i < n; i++)
        w->seeds[i] = interp_rng_next (&stream);
      for (int64_t j = 0; j < m; j++)
        w->sub_seeds[j] = w->seeds[w->idx[j]];
      ok = square_perturb_seeded (mb->instance, net, w->xs, w->labels, w->eps, w->sub_seeds,
                                  w->as, error);
    }
  else
    ok = vt->perturb (mb->instance, net, w->xs, w->labels, w->eps, &stream, w->as, error);
  if (!ok)
    {
      g_prefix_error (error, "auto: member %s: ", mb->kind->name);
      return FALSE;
    }
  if (!attack_logits (net, w->as, w->logits, error))
    return FALSE;
  const int64_t k = attack_n_classes (w->logits);
  for (int64_t j = 0; j < m; j++)
    if (attack_argmax (w->logits->data + j * k, k) != w->labels[j])
      {
        int64_t i = w->idx[j];
        memcpy (x_adv->data + i * d, w->as->data + j * d, d * sizeof (float));
        w->robust[i] = FALSE;
      }
  return TRUE;
}

static gboolean
auto_perturb (gpointer data, InterpNet *net, const InterpTensor *x, const int32_t *labels,
              const double *eps, InterpRng *rng, InterpTensor *x_adv, GError **error)
{
  Auto *self = data;
  if (!attack_check_batch (x, x_adv, error)
      || !attack_check_budgets_or_inf ("auto", eps, x->shape[0], error))
    return FALSE;
  const int64_t n = x->shape[0];
  /* auto's own forwards (in eval mode, as the members') need no gradient;
   * the members borrow the network themselves.  The state is saved so the
   * network is given back as found even if a member failed half-way. */
  InterpNetState *state = interp_net_state_save (net);
  interp_net_set_mode (net, INTERP_MODE_EVAL);
  Work w = { 0 };
  w.xs = interp_tensor_new_4d (1, 1, 1, 1);
  w.as = interp_tensor_new_4d (1, 1, 1, 1);
  w.logits = interp_tensor_new_2d (1, 1);
  w.idx = g_new (int64_t, n);
  w.labels = g_new (int32_t, n);
  w.eps = g_new (double, n);
  w.seeds = g_new (guint64, n);
  w.sub_seeds = g_new (guint64, n);
  w.robust = g_new0 (guint8, n);
  memcpy (x_adv->data, x->data, x->numel * sizeof (float));
  gboolean ok = attack_logits (net, x, w.logits, error);
  if (ok)
    {
      const int64_t k = attack_n_classes (w.logits);
      for (int64_t i = 0; i < n; i++)
        w.robust[i] = eps[i] > 0 && attack_argmax (w.logits->data + i * k, k) == labels[i];
    }
  for (size_t mi = 0; ok && mi < self->n_members; mi++)
    ok = run_member (&self->members[mi], net, x, labels, eps, rng, &w, x_adv, error);
  work_free (&w);
  interp_net_state_restore (net, state);
  return ok;
}

static void
auto_describe (gpointer data, InterpAttackInfo *info)
{
  Auto *self = data;
  info->norm = self->norm;
  guint32 all = INTERP_ATTACK_GRADIENT_FREE, any = 0;
  for (size_t i = 0; i < self->n_members; i++)
    {
      InterpAttackInfo mi = { 0 };
      const InterpAttackVTable *vt = self->members[i].kind->component->vtable;
      vt->describe (self->members[i].instance, &mi);
      all &= mi.flags;
      any |= mi.flags;
    }
  /* Gradient-free only if every member is; never minimal-norm (the first
   * success is kept, not the smallest). */
  info->flags = (all & INTERP_ATTACK_GRADIENT_FREE) | (any & INTERP_ATTACK_RANDOMIZED);
}

static const InterpParamSpec auto_params[] = {
  { .key = "epsilon", .type = INTERP_PARAM_DOUBLE_LIST, .default_value = "8/255",
    .min = 0, .max = 1e6, .help = "budgets in `norm`, pixel units ([0, 1] images)" },
  { .key = "norm", .type = INTERP_PARAM_CHOICE, .default_value = "linf", .choices = "linf|l2",
    .help = "the norm every member bounds" },
  { .key = "members", .type = INTERP_PARAM_STRING_LIST,
    .default_value = "apgd-ce, apgd-t, square",
    .help = "attacks run in order, each on the images still correct: apgd-ce, apgd-t, square, "
            "deepfool, cw-l2 (AutoAttack standard minus FAB)" },
  { .key = "apgd-steps", .type = INTERP_PARAM_INT, .default_value = "100", .min = 1,
    .max = 1000000, .help = "iterations of the apgd-ce and apgd-t members (AutoAttack: 100)" },
  { .key = "square-queries", .type = INTERP_PARAM_INT, .default_value = "5000", .min = 1,
    .max = 10000000, .help = "the square member's queries per image (AutoAttack: 5000)" },
  { 0 }
};

static const InterpAttackVTable auto_vtable = {
  INTERP_VTABLE_SIZE (InterpAttackVTable),
  .level_key = "epsilon",
  .create = auto_create,
  .destroy = auto_destroy,
  .perturb = auto_perturb,
  .describe = auto_describe,
};

const InterpComponent interp_attack_auto = INTERP_COMPONENT (
  .kind = INTERP_KIND_ATTACK,
  .name = "auto",
  .description = "AutoAttack-style ensemble: members in turn on the images still correct",
  .params = auto_params,
  .vtable = &auto_vtable);
