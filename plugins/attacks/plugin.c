/* interp-attacks: white-box and score-based adversarial attacks on [0, 1] pixels. */
#include "config.h"

#include <interp/interp.h>

#include "plugin-components.h"

static const InterpComponent *const components[] = {
  &interp_attack_apgd,
  &interp_attack_bim,
  &interp_attack_fgsm,
  &interp_attack_pgd,
  &interp_attack_cw_l2,
  &interp_attack_deepfool,
  &interp_attack_square,
  &interp_attack_auto,
};

INTERP_PLUGIN_DEFINE (.name = "interp-attacks", .version = INTERP_VERSION_STRING,
                      .license = "MIT",
                      .description = "Adversarial attacks (gradient, minimal-norm, score-based).",
                      .components = components,
                      .n_components = G_N_ELEMENTS (components))
