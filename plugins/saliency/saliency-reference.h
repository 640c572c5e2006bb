/* Baselines (DeepLIFT's references) of the saliency methods: the `baseline`
 * key's choices and the images they make.  Written for deeplift; the path
 * methods' baseline key (integrated-gradients, gradient-shap) takes the same
 * choices.
 *
 *   zero     every pixel 0 (a black image).
 *   blur     the image under a Gaussian blur of `blur-sigma` pixels per
 *            channel (Sturmfels, Lundberg & Lee 2020, "Visualizing the
 *            impact of feature attribution baselines", Distill: the blurred
 *            baseline), scipy's truncate 4 and nearest border
 *            (skimage.filters.gaussian's defaults).
 *   uniform  independent U[0, 1) pixels from the method's stream.
 *   mean     the dataset's per-channel mean: the mean buffer of the
 *            network's normalize node, which holds the statistics the
 *            network was trained with; a network without one is an error. */
#ifndef INTERP_PLUGINS_SALIENCY_REFERENCE_H
#define INTERP_PLUGINS_SALIENCY_REFERENCE_H

#include <interp/interp.h>

G_BEGIN_DECLS

typedef enum {
  SALIENCY_BASELINE_ZERO,
  SALIENCY_BASELINE_BLUR,
  SALIENCY_BASELINE_UNIFORM,
  SALIENCY_BASELINE_MEAN,
} SaliencyBaseline;

/* The CHOICE string of the `baseline` key. */
#define SALIENCY_BASELINE_CHOICES "zero|blur|uniform|mean"

/* The choice's value (the key was validated against the choices). */
SaliencyBaseline saliency_baseline_parse (const char *text);

/* The baselines of the batch x into out (reshaped to x's shape): one per
 * image.  rng is read by UNIFORM only.  FALSE with an error naming `method`
 * and the key when MEAN finds no normalize node or its channels do not fit
 * x's. */
gboolean saliency_baseline_make (const char *method, SaliencyBaseline kind, double blur_sigma,
                                 InterpNet *net, const InterpTensor *x, InterpRng *rng,
                                 InterpTensor *out, GError **error);

G_END_DECLS

#endif
