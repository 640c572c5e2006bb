/* The components of the interp-corruptions module, one per source file,
 * listed by plugin.c. */
#ifndef INTERP_PLUGINS_CORRUPTIONS_COMPONENTS_H
#define INTERP_PLUGINS_CORRUPTIONS_COMPONENTS_H

#include <interp/plugin.h>
#include <interp/image.h>

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

extern const InterpComponent interp_corruption_snow;
extern const InterpComponent interp_corruption_frost;
extern const InterpComponent interp_corruption_fog;
extern const InterpComponent interp_corruption_elastic_transform;
extern const InterpComponent interp_corruption_spatter;
extern const InterpComponent interp_corruption_shear;
extern const InterpComponent interp_corruption_scale;
extern const InterpComponent interp_corruption_rotate;
extern const InterpComponent interp_corruption_translate;
extern const InterpComponent interp_corruption_stripe;
extern const InterpComponent interp_corruption_zigzag;
extern const InterpComponent interp_corruption_dotted_line;
extern const InterpComponent interp_corruption_canny_edges;

/* elastic-transform's deformation with given fields, for its tests:
 * dst := src warped by the affine m (cv2.warpAffine, reflect-101), then read
 * at (y + dy, x + dx) (map_coordinates, order 1, "reflect"); dx, dy are
 * height x width.  FALSE (dst untouched) when m is singular. */
gboolean corr_elastic_deform (const InterpImage *src, const double m[6], const float *dx,
                              const float *dy, InterpImage *dst);

#endif
