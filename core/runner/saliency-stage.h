/* libinterp internals: the saliency stage of a trial (after training and
 * the metric evaluation), and the checks that test its maps.
 *
 * The stage (saliency-stage.c):
 *   1. Images: [pipeline] saliency-images test images, a subset drawn
 *      without replacement from the stream "saliency/images" of the seed
 *      [pipeline] saliency-images-seed (not the trial's seed), in increasing
 *      test index, so every trial of a sweep explains the same images (the
 *      data-randomisation check compares maps across trials).
 *   2. Targets: [pipeline] saliency-target = predicted (the network's top-1
 *      class on the clean image, as Adebayo et al. 2018 explain) or label.
 *   3. Every [saliency:*] group in file order: create (wrappers reach other
 *      groups through interp_saliency_lookup), then its maps of all images in
 *      batches of saliency-batch-size (interp_saliency_maps), stream
 *      "<group>/maps/batch-B".  The maps and the images are written to
 *      saliency-maps.safetensors in the trial folder: tensor "images"
 *      (N x C x H x W), "targets" (N, as float), "indices" (N test
 *      indices, as float) and one tensor per method named by its group
 *      ("saliency:gradient"), N x C x H x W.  The PNGs: see
 *      saliency-render.h.
 *   4. Per group, the runner keys of kinds.c ask for the checks below.
 *   5. After all groups: ROAR / KAR for the groups with `roar` set.
 *
 * Every row is recorded with perturbation = the group ("saliency:gradient")
 * and level "" unless said otherwise; the names are declared in
 * interp_saliency_outputs (saliency-outputs.c), which summary.json lists
 * under the component "runner", so hypotheses and the report treat them as
 * any metric's.  Similarities <sim> are spearman-abs, spearman, ssim,
 * hog-pearson (map-similarity.h).
 *
 *   saliency-completeness-delta      SCALAR   mean |delta_i| (methods with
 *                                              INTERP_SALIENCY_COMPLETENESS)
 *     + array saliency-completeness-deltas (VALUES, delta_i per image, signed)
 *   sanity-cascading-<sim>[-sd]      PER_LAYER target = the lowest layer
 *                                              randomised at that step; rows
 *                                              in cascade order (top first)
 *   sanity-independent-<sim>[-sd]    PER_LAYER target = the one layer randomised
 *   sanity-data-<sim>[-sd]           SCALAR   in a trial trained with
 *                                              dataset.permute-labels = true:
 *                                              its maps against those of the
 *                                              trial with the same swept values
 *                                              but permute-labels = false
 *   deletion-auc, insertion-auc      SCALAR   mean over images
 *     + arrays deletion-curve, insertion-curve (CURVE over the fraction of
 *       pixels removed / inserted, 0..1: mean top-1 probability)
 *   infidelity, max-sensitivity      SCALAR   mean over images
 *   roar-accuracy, kar-accuracy      SCALAR   level = the fraction t (%.6g);
 *                                              perturbation = the group, or
 *                                              "random-ranking" for the baseline
 * Means are over images; -sd rows are the standard deviation over images
 * (n - 1 denominator).
 */
#ifndef INTERP_SALIENCY_STAGE_H
#define INTERP_SALIENCY_STAGE_H

#include <glib.h>
#include <json-glib/json-glib.h>
#include <interp/interp.h>

#include "data/data.h"
#include "pipeline/pipeline.h"

G_BEGIN_DECLS

extern const InterpMetricOutput interp_saliency_outputs[];

/* perturbation of the ROAR / KAR baseline rows. */
#define INTERP_SALIENCY_RANDOM_RANKING "random-ranking"

/* One [saliency:*] group, created. */
typedef struct {
  const InterpStage *stage;
  const InterpSaliencyVTable *vtable;
  gpointer instance;
  InterpSaliencyInfo info;        /* describe()'s answer, after create */
  InterpContext *ctx;             /* the trial's, for creating on lookup */
  gboolean busy;                  /* being created: a lookup reaching it is a cycle */
} InterpSaliencyMethod;

/* The images the stage explains: a batch tensor, their targets and test
 * indices (n = images->shape[0]).  Owned by the stage. */
typedef struct {
  InterpTensor *images;
  int32_t *targets;
  int32_t *labels;
  int64_t *indices;
} InterpSaliencySet;

/* Validates what the key tables cannot: the entries of the list keys
 * (randomisation, similarity, faithfulness, roar), each error naming the
 * file, the group and the key.  Run by interp_run_check, so --check catches them. */
gboolean interp_saliency_check (const InterpPipeline *p, GError **error);

/* Whether the trial pipeline has any [saliency:*] group. */
gboolean interp_saliency_wanted (const InterpPipeline *p);

/* Creates every [saliency:*] group's instance in file order (before
 * training, so a bad key fails in seconds) and installs the lookup of
 * interp_saliency_lookup in ctx; a group asked for by another before its
 * turn is created then.  A new array of InterpSaliencyMethod* (freeing it
 * destroys them), or NULL with the error prefixed by the group. */
GPtrArray *interp_saliency_methods_new (const InterpPipeline *p, InterpContext *ctx,
                                        GError **error);

/* The stage (steps 1-5) with the methods created above.  net in eval mode,
 * trained. */
gboolean interp_saliency_run (const InterpPipeline *p, GPtrArray *methods, InterpNet *net,
                              InterpData *data, InterpContext *ctx, JsonArray *rows,
                              JsonArray *arrays, GError **error);

/* ---- shared by the checks (saliency-maps.c) ------------------------------ */

/* The maps of `images` (N x ...) for targets, in batches of `batch`
 * images: the method's attribute() on each batch with the stream
 * "<group>/<what>/batch-B" (B counted from 0 within this call).  maps is
 * reshaped to images' shape; delta (NULL or N doubles) as saliency.h says.
 * Leaves the network as found (the method's contract; checked in debug
 * builds by the tests).  Errors are prefixed with the group. */
gboolean interp_saliency_maps (const InterpSaliencyMethod *m, InterpNet *net,
                               const InterpTensor *images, const int32_t *targets,
                               int64_t batch, const char *what, InterpContext *ctx,
                               InterpTensor *maps, double *delta, GError **error);

/* Top-1 class of each image (batches of `batch`), into top1[N]. */
gboolean interp_saliency_predict (InterpNet *net, const InterpTensor *images, int64_t batch,
                                  int32_t *top1, GError **error);

/* Softmax probability of class cls[i] for each image, into prob[N]. */
gboolean interp_saliency_class_probability (InterpNet *net, const InterpTensor *images,
                                            const int32_t *cls, int64_t batch, double *prob,
                                            GError **error);

/* Appends a row / an array as the trial records them (perturbation and
 * level as given; level "" for none).  NaN values are written as null. */
void interp_saliency_add_row (JsonArray *rows, const char *metric, const char *target,
                              const char *perturbation, const char *level, double value);
void interp_saliency_add_array (JsonArray *arrays, const char *metric, const char *target,
                                const char *perturbation, const char *level,
                                const double *values, size_t n);

/* ---- the checks ----------------------------------------------------------- */

/* Model-parameter randomisation (saliency-randomisation.c), Adebayo et al.
 * 2018: `randomisation` = cascading and/or independent.  The layers are the
 * nodes with a weight parameter (conv2d, linear, batchnorm) whose names match
 * `randomisation-layers`, ordered from the output down.  Cascading step k
 * re-initialises the top k layers (interp_net_reinit_node, the model's init
 * scheme, stream "saliency/randomisation/<layer>": the same stream for a
 * layer in both modes and in every method, so all methods see the same
 * randomised networks); independent step k only layer k.  At each step the
 * maps of `set` are recomputed (targets unchanged, the streams of the
 * original maps: "<group>/maps/batch-B") and compared with
 * `original` by every similarity of the `similarity` key.  The network's
 * parameters are restored bit for bit afterwards. */
gboolean interp_saliency_randomisation (const InterpSaliencyMethod *m, InterpNet *net,
                                        const InterpSaliencySet *set,
                                        const InterpTensor *original, int64_t batch,
                                        InterpContext *ctx, JsonArray *rows, GError **error);

/* Deletion / insertion, infidelity, max-sensitivity
 * (saliency-faithfulness.c) as the `faithfulness` key lists them.
 * Deletion (Petsiuk et al. 2018, eclique/RISE): pixels in decreasing order
 * of saliency (summed over channels; ties: the lower pixel index first) are
 * set to 0 in every channel, deletion-steps steps S (0: H steps; step k
 * replaces order[floor((k-1) HW / S) .. floor(k HW / S)), so H steps are W
 * pixels each, RISE's step; S > H*W is an error naming the key); insertion:
 * the same pixels copied onto a Gaussian-blurred copy (RISE's gkern(11, 5)
 * under zero padding: saliency-faithfulness.h); score = softmax probability
 * of the image's top-1 class on the clean image; curves of S + 1 points at
 * x = k / S; AUC by the trapezoid rule over x in [0, 1].  Infidelity (Yeh et
 * al. 2019; Captum's infidelity, normalize = False):
 * E_I[(I . attr - (f(x) - f(x - I)))^2], f the target logit, I ~ N(0,
 * infidelity-sigma^2) per input element, infidelity-samples draws (stream
 * "<group>/infidelity/image-<test index>"), x - I not clipped.
 * Max-sensitivity (Captum's sensitivity_max): max over
 * max-sensitivity-samples perturbations d uniform in the L-inf ball of
 * max-sensitivity-radius (not clipped; noise stream
 * "<group>/max-sensitivity/image-<test index>", maps of x + d with the
 * stream of that name + "/batch-B") of ||attr(x+d) - attr(x)||_F /
 * ||attr(x)||_F, a zero ||attr(x)|| counted as 1 (as Captum); attr(x) =
 * `maps`.  Captum's defaults: radius 0.02, 10 samples.  A non-finite map
 * value is an error. */
gboolean interp_saliency_faithfulness (const InterpSaliencyMethod *m, InterpNet *net,
                                       const InterpSaliencySet *set,
                                       const InterpTensor *maps, int64_t batch,
                                       InterpContext *ctx, JsonArray *rows, JsonArray *arrays,
                                       GError **error);

/* ROAR and KAR (saliency-roar.c), Hooker et al. 2019: for every method with
 * `roar` set (roar and/or kar) and for a random ranking, at every fraction
 * t of [pipeline] roar-fractions: the maps of the training images
 * ([pipeline] roar-train-images of them, the first ones of the train split;
 * 0 = all) and of the whole test split are computed with the trained
 * network (targets as saliency-target says; streams "<group>/roar/train/
 * batch-B" and "<group>/roar/test/batch-B"); in each image the top
 * floor(t * numel) input elements, ranked by |attr| (importance whatever
 * its sign: the benchmark's default squared_value = True; ties broken by the
 * lower index, as tf.nn.top_k), are replaced (ROAR) or all others are (KAR)
 * by the per-channel mean of those training images;
 * a fresh network (interp_trial_build_net, init stream
 * "roar/<group>/<t>/init", the trial's seed; its normalize node has the
 * trial data's statistics) is trained from scratch on the modified training
 * images with the [train] configuration ([pipeline] roar-epochs overrides
 * the epochs when > 0, no validation split, no regularisers, no hooks, its
 * checkpoints in a temporary folder removed afterwards: nothing lands in
 * the trial folder) and its accuracy on the modified test images recorded.
 * The random ranking (perturbation INTERP_SALIENCY_RANDOM_RANKING, init
 * stream "roar/random-ranking/<t>/init") is a uniform permutation per image
 * drawn from the stream "roar/random/<t>" (training images then test
 * images, in order; ROAR and KAR share it), trained once per fraction for
 * each of roar / kar that any method asks for.  (The benchmark's random
 * baseline drops each element with probability t, the same count only in
 * expectation.) */
gboolean interp_saliency_roar (const InterpPipeline *p, GPtrArray *methods, InterpNet *net,
                               InterpData *data, InterpContext *ctx, JsonArray *rows,
                               GError **error);

/* Data randomisation across trials (saliency-data-randomisation.c), after
 * every trial of a run has finished: for each trial swept with
 * dataset.permute-labels = true whose partner (the trial with the same
 * swept values except permute-labels = false) exists, the maps of both
 * trials' saliency-maps.safetensors (the same images: saliency-images-seed)
 * are compared per method with the similarities of the method's
 * `similarity` key, and the rows sanity-data-<sim>[-sd] are written to
 * trials/ID/saliency-data.json ({"rows": [...]}, like metrics.json), which
 * interp_run_read_rows reads with the trial's metrics.  Recomputed (and
 * rewritten atomically) on every call, so a resumed run gets them too.
 * Nothing to do (TRUE) when no trial permutes labels. */
gboolean interp_saliency_data_randomisation (const InterpPipeline *p, const char *run_dir,
                                             GError **error);

G_END_DECLS

#endif
