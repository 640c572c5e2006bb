/* The components of the interp-corruptions module, one per source file,
 * listed by plugin.c. */
#ifndef INTERP_PLUGINS_CORRUPTIONS_COMPONENTS_H
#define INTERP_PLUGINS_CORRUPTIONS_COMPONENTS_H

#include <interp/plugin.h>

/* Each file defines `const InterpComponent interp_corruption_NAME` (NAME
 * with underscores) and adds itself here and to plugin.c. */

extern const InterpComponent interp_corruption_shear;
extern const InterpComponent interp_corruption_scale;
extern const InterpComponent interp_corruption_rotate;
extern const InterpComponent interp_corruption_translate;
extern const InterpComponent interp_corruption_stripe;
extern const InterpComponent interp_corruption_zigzag;
extern const InterpComponent interp_corruption_dotted_line;


#endif
