/* The components of the interp-attacks module, one per source file, listed
 * by plugin.c.  Each file defines `const InterpComponent interp_attack_NAME`
 * (NAME with underscores) and adds itself here and to plugin.c. */
#ifndef INTERP_PLUGINS_ATTACKS_COMPONENTS_H
#define INTERP_PLUGINS_ATTACKS_COMPONENTS_H

#include <interp/plugin.h>

extern const InterpComponent interp_attack_fgsm;
extern const InterpComponent interp_attack_pgd;
extern const InterpComponent interp_attack_cw_l2;
extern const InterpComponent interp_attack_deepfool;
extern const InterpComponent interp_attack_square;
extern const InterpComponent interp_attack_auto;

#endif
