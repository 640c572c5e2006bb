/* The components of the interp-corruptions module, one per source file,
 * listed by plugin.c. */
#ifndef INTERP_PLUGINS_CORRUPTIONS_COMPONENTS_H
#define INTERP_PLUGINS_CORRUPTIONS_COMPONENTS_H

#include <interp/plugin.h>

/* Each file defines `const InterpComponent interp_corruption_NAME` (NAME
 * with underscores) and adds itself here and to plugin.c. */

extern const InterpComponent interp_corruption_gaussian_noise;
extern const InterpComponent interp_corruption_shot_noise;
extern const InterpComponent interp_corruption_impulse_noise;
extern const InterpComponent interp_corruption_speckle_noise;
extern const InterpComponent interp_corruption_gaussian_blur;
extern const InterpComponent interp_corruption_glass_blur;
extern const InterpComponent interp_corruption_defocus_blur;
extern const InterpComponent interp_corruption_motion_blur;
extern const InterpComponent interp_corruption_zoom_blur;
extern const InterpComponent interp_corruption_brightness;
extern const InterpComponent interp_corruption_contrast;
extern const InterpComponent interp_corruption_saturate;
extern const InterpComponent interp_corruption_jpeg_compression;
extern const InterpComponent interp_corruption_pixelate;
extern const InterpComponent interp_corruption_stored;

#endif
