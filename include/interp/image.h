/* interp: image operations for corruptions, datasets, saliency baselines and
 * plugin authors.
 *
 * An InterpImage is float32, planar (channels x height x width, row-major),
 * values nominally in [0, 1].  It is a view: it owns its pixels only when
 * made by interp_image_new (free with interp_image_free); a view of one
 * sample of an NCHW tensor borrows the tensor's data.  Every operation
 * writes a destination of the shape stated for it and never reads what it
 * writes: src and dst must not overlap unless the function says so.
 * Operations keep values as computed (no clipping) unless they say so; a
 * corruption clips and quantises at its end, as the CIFAR-10-C generator
 * does (hendrycks/robustness, ImageNet-C/create_c/make_cifar_c.py).
 *
 * 8-bit pixels (files, JPEG) are InterpPixels: height x width x channels,
 * interleaved, as image files store them.
 *
 * Conventions match the libraries the published generators call, so the
 * generators' constants mean the same thing here:
 *  - coordinates: pixel (y, x) has its centre at (y, x); a resize maps
 *    centres with half-pixel offsets (OpenCV/PIL), src = (dst + 0.5) * s - 0.5;
 *  - a 2-D kernel is applied as a correlation (cv2.filter2D), anchored at
 *    its centre (size must be odd);
 *  - the Gaussian blur's radius is int(truncate * sigma + 0.5) as in
 *    scipy.ndimage.gaussian_filter (skimage.filters.gaussian calls it).
 */
#ifndef INTERP_IMAGE_H
#define INTERP_IMAGE_H

#include <glib.h>
#include <stdint.h>
#include <interp/error.h>
#include <interp/rng.h>
#include <interp/tensor.h>

G_BEGIN_DECLS

typedef struct {
  int64_t channels, height, width;
  float *data;   /* channels * height * width floats; owned only by interp_image_new */
} InterpImage;

/* A zero-filled image that owns its pixels; channels, height, width >= 1. */
InterpImage *interp_image_new (int64_t channels, int64_t height, int64_t width);
void interp_image_free (InterpImage *img);
/* A view of sample `index` of a 4-D NCHW tensor (borrowed, not to be freed). */
InterpImage interp_image_view (const InterpTensor *t, int64_t index);
/* Numbers of floats: channels * height * width. */
size_t interp_image_numel (const InterpImage *img);
gboolean interp_image_same_shape (const InterpImage *a, const InterpImage *b);
/* dst := src (same shape). */
void interp_image_copy (const InterpImage *src, InterpImage *dst);
/* Clip every value to [0, 1]. */
void interp_image_clip (InterpImage *img);
/* Clip to [0, 1], then floor(v * 255) / 255: np.uint8(255 * x) as the
 * generators write their output (truncation, not rounding). */
void interp_image_quantize_u8 (InterpImage *img);

/* How a read outside the image is answered (index -1 and n for size n):
 * REFLECT_101  ...  2 1 | 0 1 2 ... n-1 | n-2 n-3   (cv2 default, scipy "mirror")
 * REFLECT      ...  1 0 | 0 1 2 ... n-1 | n-1 n-2   (scipy "reflect", cv2 BORDER_REFLECT)
 * NEAREST      ...  0 0 | 0 1 2 ... n-1 | n-1 n-1   (skimage.filters.gaussian default)
 * CONSTANT     the value `cval` of the call (zero where a call has none) */
typedef enum {
  INTERP_BORDER_REFLECT_101,
  INTERP_BORDER_REFLECT,
  INTERP_BORDER_NEAREST,
  INTERP_BORDER_CONSTANT,
} InterpBorder;

/* The in-range index a read at i (any integer) resolves to for size n >= 1,
 * or -1 for CONSTANT when i is outside [0, n). */
int64_t interp_border_index (int64_t i, int64_t n, InterpBorder border);

/* ---- filters ------------------------------------------------------------ */

/* The normalised 1-D Gaussian of standard deviation sigma > 0 over
 * [-radius, radius]: 2 * radius + 1 taps written to taps. */
void interp_gaussian_taps (double sigma, int radius, float *taps);
/* scipy's radius for (sigma, truncate): (int) (truncate * sigma + 0.5). */
int interp_gaussian_radius (double sigma, double truncate);
/* Separable Gaussian blur of every channel; sigma >= 0 (0 copies). */
void interp_image_gaussian_blur (const InterpImage *src, double sigma, double truncate,
                                 InterpBorder border, InterpImage *dst);
/* Correlation of every channel with a ksize_h x ksize_w kernel (both odd),
 * row-major, anchored at its centre. */
void interp_image_filter2d (const InterpImage *src, const float *kernel, int ksize_h,
                            int ksize_w, InterpBorder border, InterpImage *dst);

/* The generator's defocus kernel: the disk x^2 + y^2 <= radius^2 on a grid
 * of side 2 * max(8, ceil(radius)) + 1 (17 for radius <= 8), normalised to
 * sum 1, then blurred by a Gaussian of sigma alias_blur, 3x3 (5x5 when
 * radius > 8) (cv2.GaussianBlur, reflect-101) -- make_cifar_c.py's disk().
 * radius, alias_blur > 0.  Returns a newly allocated side x side kernel
 * (g_free) and its side in *side. */
float *interp_disk_kernel (double radius, double alias_blur, int *side);
/* A linear motion-blur kernel, the one ImageMagick's -motion-blur
 * radius x sigma +angle applies (MagickCore/effect.c MotionBlurImage;
 * Wand's motion_blur, which the generator calls): 2 * radius + 1 taps
 * i = 0 .. 2 radius, weighted exp(-i^2 / (2 sigma^2)) and normalised to sum
 * 1, tap i reading the pixel at offset (dx, dy) = (ceil(i cos a - 0.5),
 * ceil(i sin a - 0.5)) with a = angle_degrees and image y down (so a
 * positive angle turns clockwise as displayed, as in ImageMagick).  The
 * line is one-sided: it starts at the centre and reaches 2 * radius pixels
 * along the angle, so the centred kernel (for interp_image_filter2d) has
 * side = 4 * radius + 1.  radius >= 1, sigma > 0.  Returns a newly
 * allocated side x side kernel (g_free). */
float *interp_motion_kernel (int radius, double sigma, double angle_degrees, int *side);

/* ---- geometry ------------------------------------------------------------ */

typedef enum {
  INTERP_RESIZE_BILINEAR,   /* half-pixel centres, edges clamped (cv2.INTER_LINEAR) */
  INTERP_RESIZE_AREA,       /* PIL.Image.BOX: each output is the mean of the input pixels
                               whose centres fall in the interval it covers (equal weights;
                               block means for integer factors, as cv2.INTER_AREA; on an
                               upscale each output copies one input) */
} InterpResize;

/* dst (src->channels x dst->height x dst->width, dst's size chosen by the
 * caller) := src resized. */
void interp_image_resize (const InterpImage *src, InterpResize mode, InterpImage *dst);

/* Bilinear value of channel c at real coordinates (y, x), reads outside
 * resolved by border (cval for CONSTANT). */
float interp_image_sample (const InterpImage *src, int64_t c, double y, double x,
                           InterpBorder border, float cval);
/* dst(c, i, j) := sample (src, c, map_y[i*W+j], map_x[i*W+j]): the same
 * coordinate maps for every channel; W = dst->width, H = dst->height. */
void interp_image_remap (const InterpImage *src, const float *map_y, const float *map_x,
                         InterpBorder border, float cval, InterpImage *dst);

/* A 2x3 affine matrix m maps source (x, y) to destination
 * (m[0] x + m[1] y + m[2], m[3] x + m[4] y + m[5]), cv2's convention.
 * interp_image_warp_affine inverts it and samples bilinearly (cv2.warpAffine
 * with INTER_LINEAR); returns FALSE (dst untouched) when m is singular. */
gboolean interp_image_warp_affine (const InterpImage *src, const double m[6],
                                   InterpBorder border, float cval, InterpImage *dst);
/* The affine map taking three source points to three destination points,
 * each given as x0 y0 x1 y1 x2 y2 (cv2.getAffineTransform); FALSE when the
 * source points are collinear. */
gboolean interp_affine_from_points (const double src[6], const double dst[6], double m[6]);
/* Rotation by angle_radians (counter-clockwise as displayed, image y down),
 * uniform scale and shear (x += shear * y) about the image centre, then a
 * translation of (tx, ty) pixels -- the transform skimage.transform.AffineTransform
 * builds for MNIST-C's rotate/scale/shear/translate, in m's convention. */
void interp_affine_about_centre (int64_t height, int64_t width, double angle_radians,
                                 double scale, double shear, double tx, double ty,
                                 double m[6]);

/* ---- colour -------------------------------------------------------------- */

/* RGB in [0, 1] <-> HSV with h, s, v in [0, 1] (skimage.color.rgb2hsv /
 * hsv2rgb).  Both are 3-channel; src and dst may be the same image. */
void interp_image_rgb_to_hsv (const InterpImage *src, InterpImage *dst);
void interp_image_hsv_to_rgb (const InterpImage *src, InterpImage *dst);

/* ---- textures -------------------------------------------------------------- */

/* The diamond-square plasma fractal of make_cifar_c.py: a mapsize x mapsize
 * map (mapsize a power of two >= 2), wibble starting at 100 and divided by
 * wibble_decay per level, drawn from rng, normalised to [0, 1]; written to
 * out (mapsize * mapsize floats, row-major). */
void interp_plasma_fractal (int mapsize, double wibble_decay, InterpRng *rng, float *out);

/* ---- edges and distances ------------------------------------------------ */

/* Canny edges of channel c (skimage.feature.canny): Gaussian smoothing of
 * sigma, Sobel gradients, non-maximum suppression, hysteresis between low
 * and high thresholds on the gradient magnitude (absolute values).  Writes
 * height * width bytes, 1 on an edge, 0 elsewhere. */
void interp_image_canny (const InterpImage *src, int64_t c, double sigma, double low,
                         double high, uint8_t *edges);
/* For every pixel, the Euclidean distance to the nearest pixel where
 * mask == 0 (cv2.distanceTransform with DIST_L2 and an exact mask; 0 on
 * those pixels).  A mask with no zero gets height + width everywhere. */
void interp_distance_transform (const uint8_t *mask, int64_t height, int64_t width,
                                float *distance);

/* ---- 8-bit pixels, files and JPEG -------------------------------------- */

typedef struct {
  int64_t width, height;
  int channels;        /* 1 (grey) or 3 (RGB) */
  uint8_t *pixels;     /* height x width x channels, interleaved; owned */
} InterpPixels;

void interp_pixels_clear (InterpPixels *px);
/* Decodes the PNG or JPEG at path (chosen by its signature).  want_channels
 * 1 or 3 converts, 0 keeps the file's own; alpha is dropped, 16-bit samples
 * reduced to 8.  Colour to grey is what each library does: libjpeg's luma
 * (ITU-R 601, as PIL's "L"), libpng's default Rec. 709 weights for a PNG
 * (the image-folder dataset has always loaded PNGs so).  Errors: NOT_FOUND /
 * IO (cannot open), FORMAT (not an image, corrupt or truncated), each naming
 * the file. */
gboolean interp_pixels_decode_file (const char *path, int want_channels, InterpPixels *px,
                                    GError **error);
/* Decodes a JPEG held in memory; `what` names it in errors. */
gboolean interp_pixels_decode_jpeg (const guint8 *bytes, gsize len, const char *what,
                                    InterpPixels *px, GError **error);
/* Encodes px as a baseline JPEG of quality 1..100 (libjpeg-turbo, 4:2:0
 * chroma subsampling as PIL's default); *bytes is g_free'd by the caller. */
gboolean interp_pixels_encode_jpeg (const InterpPixels *px, int quality, guint8 **bytes,
                                    gsize *len, GError **error);
/* Writes px as an 8-bit PNG, atomically (the file appears whole or not at all). */
gboolean interp_pixels_write_png (const InterpPixels *px, const char *path, GError **error);

/* dst (px->channels x out_h x out_w, planar, 8-bit: the form datasets
 * store) := px, resized bilinearly (cv2.INTER_LINEAR's half-pixel centres,
 * rounded to the nearest level) when the size differs. */
void interp_pixels_to_chw_u8 (const InterpPixels *px, int64_t out_h, int64_t out_w,
                              uint8_t *dst);
/* Float image <-> 8-bit pixels: to_pixels clips to [0, 1] and rounds
 * (v * 255 + 0.5) unless truncate, which floors as np.uint8 does;
 * px is allocated (clear it).  channels 1 or 3. */
void interp_image_to_pixels (const InterpImage *img, gboolean truncate, InterpPixels *px);
/* img (px->channels x height x width, allocated by the caller) := px / 255. */
void interp_image_from_pixels (const InterpPixels *px, InterpImage *img);
/* JPEG round trip at quality 1..100, as the generator's PIL save/load:
 * truncates to 8 bits, encodes, decodes into dst (same shape). */
gboolean interp_image_jpeg_roundtrip (const InterpImage *src, int quality, InterpImage *dst,
                                      GError **error);

G_END_DECLS

#endif
