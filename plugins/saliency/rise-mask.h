/* RISE's mask upsampling (rise.c), apart so the tests can check it against
 * the reference's skimage call. */
#ifndef INTERP_PLUGINS_SALIENCY_RISE_MASK_H
#define INTERP_PLUGINS_SALIENCY_RISE_MASK_H

#include <interp/interp.h>

G_BEGIN_DECLS

/* mask (h x w) := the crop at (dy, dx) of the s x s grid (1 channel)
 * resized bilinearly to up_h x up_w as skimage.transform.resize(grid,
 * (up_h, up_w), order=1, mode="reflect", anti_aliasing=False) does:
 * half-pixel centres, src = (dst + 0.5) * s / up - 0.5, and reads outside
 * the grid mirrored without repeating the edge (numpy's "reflect",
 * scipy.ndimage's "mirror", INTERP_BORDER_REFLECT_101), so a border cell
 * fades towards its inner neighbour rather than staying flat. */
void rise_mask_crop (const InterpImage *grid, int64_t up_h, int64_t up_w, int64_t dy,
                     int64_t dx, int64_t h, int64_t w, float *mask);

G_END_DECLS

#endif
