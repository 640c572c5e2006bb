/* The common [dataset] keys (core/data/data.h) and their resolution into an
 * InterpDataConfig. */
#include "config.h"

#include "data/data.h"

#include <string.h>

#include <interp/error.h>

#include "host/params-private.h"

const InterpParamSpec interp_data_common_params[] = {
  { "val-split", INTERP_PARAM_DOUBLE, "0",
    "fraction of the training samples held out as the validation split (seeded)",
    0, 0.95, NULL },
  { "limit", INTERP_PARAM_INT, "0",
    "use only the first N training samples (0 = all)", 0, 1e12, NULL },
  { "test-limit", INTERP_PARAM_INT, "0",
    "use only the first N test samples (0 = all)", 0, 1e12, NULL },
  { "normalize", INTERP_PARAM_CHOICE, "dataset",
    "input normalisation of the network: per-channel mean/std of the training split "
    "(dataset), the `mean`/`std` lists (given), or none", 0, 0, "dataset|none|given" },
  { "mean", INTERP_PARAM_DOUBLE_LIST, "",
    "normalize = given: per-channel means in pixel units [0, 1] (one value or one per channel)",
    0, 1, NULL },
  { "std", INTERP_PARAM_DOUBLE_LIST, "",
    "normalize = given: per-channel standard deviations (one value or one per channel)",
    0, 10, NULL },
  { "augment-crop", INTERP_PARAM_INT, "0",
    "training augmentation: random crop after zero padding by this many pixels (0 = off)",
    0, 256, NULL },
  { "augment-flip", INTERP_PARAM_BOOL, "false",
    "training augmentation: random horizontal flip", 0, 0, NULL },
  { "permute-labels", INTERP_PARAM_BOOL, "false",
    "shuffle the labels of the training and validation samples (seeded; test labels stay "
    "true): the data randomisation test of Adebayo et al. 2018", 0, 0, NULL },
  { 0 }
};

static InterpNormalize
normalize_kind (const char *name)
{
  if (g_str_equal (name, "given"))
    return INTERP_NORMALIZE_GIVEN;
  if (g_str_equal (name, "none"))
    return INTERP_NORMALIZE_NONE;
  return INTERP_NORMALIZE_DATASET;
}

gboolean
interp_data_config_resolve (const InterpParams *common, InterpDataConfig *c, GError **error)
{
  memset (c, 0, sizeof *c);
  InterpParams *defaults = NULL;
  if (common == NULL)
    {
      defaults = interp_params_new_from_pairs (interp_data_common_params, "[dataset]", NULL,
                                               error);
      if (defaults == NULL)
        return FALSE;
      common = defaults;
    }
  const char *mode = interp_params_get_string (common, "normalize");
  gboolean ok = TRUE;
  if (!g_str_equal (mode, "given")
      && (interp_params_is_set (common, "mean") || interp_params_is_set (common, "std")))
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_BAD_VALUE,
                   "%s: keys 'mean'/'std' are used only with normalize = given (it is %s)",
                   interp_params_where (common), mode);
      ok = FALSE;
    }
  if (ok)
    {
      c->limit = interp_params_get_int (common, "limit");
      c->test_limit = interp_params_get_int (common, "test-limit");
      c->val_split = interp_params_get_double (common, "val-split");
      c->normalize = normalize_kind (mode);
      const double *v = interp_params_get_double_list (common, "mean", &c->n_mean);
      c->mean = g_memdup2 (v, c->n_mean * sizeof (double));
      v = interp_params_get_double_list (common, "std", &c->n_std);
      c->std = g_memdup2 (v, c->n_std * sizeof (double));
      c->augment_crop = (int) interp_params_get_int (common, "augment-crop");
      c->augment_flip = interp_params_get_bool (common, "augment-flip");
      c->permute_labels = interp_params_get_bool (common, "permute-labels");
      c->where = g_strdup (interp_params_where (common));
    }
  if (defaults)
    interp_params_free (defaults);
  return ok;
}

void
interp_data_config_clear (InterpDataConfig *c)
{
  g_clear_pointer (&c->mean, g_free);
  g_clear_pointer (&c->std, g_free);
  g_clear_pointer (&c->where, g_free);
}
