/* Faithfulness of a method's maps (saliency-stage.h): deletion and insertion
 * curves (Petsiuk, Das & Saenko 2018, "RISE"; their evaluation code,
 * eclique/RISE evaluation.py), infidelity and max-sensitivity (Yeh et al.
 * 2019, "On the (in)fidelity and sensitivity of explanations"; as Captum's
 * captum/metrics/_core/infidelity.py and sensitivity.py compute them).
 * Every measure runs its perturbed images through the network in batches of
 * `batch` images. */
#include "config.h"

#include "runner/saliency-faithfulness.h"
#include "runner/saliency-stage.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <interp/image.h>

#include "util/error-prefix.h"

/* scipy.ndimage.gaussian_filter's default truncate: radius int(4 * 5 + 0.5) = 20. */
#define RISE_TRUNCATE 4.0

void
interp_saliency_rise_kernel (float *kernel)
{
  const int side = INTERP_RISE_BLUR_SIDE, centre = side / 2;
  const int radius = interp_gaussian_radius (INTERP_RISE_BLUR_SIGMA, RISE_TRUNCATE);
  float *taps = g_new (float, 2 * radius + 1);
  interp_gaussian_taps (INTERP_RISE_BLUR_SIGMA, radius, taps);
  /* gaussian_filter1d of the delta at `centre`: out[j] = sum_t taps[t] *
   * in[reflect(j + t)], so out[j] sums the taps whose reflected read lands
   * on the centre.  The 2-D filter is separable: k = outer(k1, k1). */
  double k1[INTERP_RISE_BLUR_SIDE] = { 0 };
  for (int j = 0; j < side; j++)
    for (int t = -radius; t <= radius; t++)
      if (interp_border_index (j + t, side, INTERP_BORDER_REFLECT) == centre)
        k1[j] += taps[t + radius];
  g_free (taps);
  for (int y = 0; y < side; y++)
    for (int x = 0; x < side; x++)
      kernel[y * side + x] = (float) (k1[y] * k1[x]);
}

typedef struct {
  float value;
  int64_t index;
} Ranked;

/* Decreasing value, then increasing index: a total order (values are finite). */
static int
ranked_compare (const void *a, const void *b)
{
  const Ranked *x = a, *y = b;
  if (x->value != y->value)
    return x->value > y->value ? -1 : 1;
  return (x->index > y->index) - (x->index < y->index);
}

void
interp_saliency_pixel_order (const float *map, int64_t channels, int64_t hw, int64_t *order)
{
  Ranked *r = g_new (Ranked, hw);
  for (int64_t p = 0; p < hw; p++)
    {
      double s = 0.0;
      for (int64_t c = 0; c < channels; c++)
        s += map[c * hw + p];
      r[p] = (Ranked) { (float) s, p };
    }
  qsort (r, (size_t) hw, sizeof *r, ranked_compare);
  for (int64_t p = 0; p < hw; p++)
    order[p] = r[p].index;
  g_free (r);
}

double
interp_saliency_curve_auc (const double *v, size_t n)
{
  g_return_val_if_fail (n >= 2, NAN);
  double s = 0.0;
  for (size_t k = 0; k < n; k++)
    s += v[k];
  return (s - v[0] / 2 - v[n - 1] / 2) / (double) (n - 1);
}

/* Images [first, first + n) of a batch tensor, as a view (borrowed data). */
static InterpTensor
view_of (const InterpTensor *all, int64_t first, int64_t n)
{
  InterpTensor v = { .ndim = all->ndim };
  memcpy (v.shape, all->shape, sizeof v.shape);
  v.shape[0] = n;
  size_t per = interp_tensor_sample_size (all);
  v.numel = (size_t) n * per;
  v.capacity = v.numel;
  v.data = all->data + (size_t) first * per;
  return v;
}

/* A batch of perturbed images filled slot by slot and sent through the
 * network when full; each slot remembers the image it belongs to. */
typedef struct {
  InterpTensor *x;
  int64_t capacity, used, per;
  int64_t *owner;        /* image (or curve point) of each slot */
  int32_t *cls;          /* the class read out of each slot */
  double *aux;           /* a value the caller keeps per slot */
  double *out;           /* per slot after a flush: probability or logit */
} SlotBatch;

static void
slots_init (SlotBatch *b, const InterpTensor *like, int64_t capacity)
{
  b->per = (int64_t) interp_tensor_sample_size (like);
  int64_t shape[INTERP_MAX_DIMS];
  memcpy (shape, like->shape, sizeof shape);
  shape[0] = capacity;
  b->x = interp_tensor_new (like->ndim, shape);
  b->capacity = capacity;
  b->used = 0;
  b->owner = g_new (int64_t, capacity);
  b->cls = g_new (int32_t, capacity);
  b->aux = g_new (double, capacity);
  b->out = g_new (double, capacity);
}

static void
slots_clear (SlotBatch *b)
{
  interp_tensor_free (b->x);
  g_free (b->owner);
  g_free (b->cls);
  g_free (b->aux);
  g_free (b->out);
}

static float *
slots_next (SlotBatch *b, int64_t owner, int32_t cls, double aux)
{
  b->owner[b->used] = owner;
  b->cls[b->used] = cls;
  b->aux[b->used] = aux;
  return b->x->data + (size_t) (b->used++ * b->per);
}

/* Runs the used slots: out[s] = softmax probability (probability) or the
 * logit of cls[s]. */
static gboolean
slots_flush (SlotBatch *b, InterpNet *net, gboolean probability, GError **error)
{
  if (b->used == 0)
    return TRUE;
  InterpTensor v = view_of (b->x, 0, b->used);
  if (probability)
    return interp_saliency_class_probability (net, &v, b->cls, b->used, b->out, error);
  if (!interp_net_forward (net, &v, error))
    return FALSE;
  const InterpTensor *z = interp_net_value (net, interp_net_output_node (net));
  int64_t classes = (int64_t) z->numel / b->used;
  for (int64_t s = 0; s < b->used; s++)
    b->out[s] = z->data[s * classes + b->cls[s]];
  return TRUE;
}

typedef enum { CURVE_DELETION, CURVE_INSERTION } CurveKind;

/* Deletion or insertion curves of every image: curves[i * (steps + 1) + k]
 * = probability of class top1[i] after k steps.  Step k (1-based) copies
 * pixels order[lo(k-1) .. lo(k)) of the finish image into the current one,
 * lo(k) = floor(k hw / steps): with steps = H that is W pixels per step, RISE's
 * step = 224 on 224 x 224 images (its n_steps = (HW + step - 1) / step),
 * and every pixel is replaced after the last step.  Deletion starts from the
 * image and finishes at zeros (RISE's substrate torch.zeros_like);
 * insertion starts from the blurred image (zero padding, as RISE's conv2d
 * padding = 5) and finishes at the image.  One difference in space: RISE
 * works on ImageNet-normalised tensors, where 0 is the mean colour; interp's
 * pixels are in [0, 1] before the network's normalize node, so 0 is black
 * (saliency-stage.h: "set to 0"). */
static gboolean
causal_curves (InterpNet *net, const InterpTensor *images, const InterpTensor *maps,
               const int32_t *top1, int64_t steps, CurveKind kind, int64_t batch,
               double *curves, GError **error)
{
  const int64_t n = images->shape[0], ch = images->shape[1];
  const int64_t hw = images->shape[2] * images->shape[3], per = ch * hw;
  float kernel[INTERP_RISE_BLUR_SIDE * INTERP_RISE_BLUR_SIDE];
  if (kind == CURVE_INSERTION)
    interp_saliency_rise_kernel (kernel);
  SlotBatch b;
  slots_init (&b, images, batch);
  int64_t *order = g_new (int64_t, hw);
  float *cur = g_new (float, per), *blurred = g_new (float, per);
  gboolean ok = TRUE;
  for (int64_t i = 0; ok && i < n; i++)
    {
      const float *clean = images->data + i * per;
      interp_saliency_pixel_order (maps->data + i * per, ch, hw, order);
      const float *finish = NULL;   /* NULL: zeros */
      if (kind == CURVE_DELETION)
        memcpy (cur, clean, (size_t) per * sizeof (float));
      else
        {
          InterpImage src = interp_image_view (images, i);
          InterpImage dst = src;
          dst.data = blurred;
          interp_image_filter2d (&src, kernel, INTERP_RISE_BLUR_SIDE, INTERP_RISE_BLUR_SIDE,
                                 INTERP_BORDER_CONSTANT, &dst);
          memcpy (cur, blurred, (size_t) per * sizeof (float));
          finish = clean;
        }
      for (int64_t k = 0; ok && k <= steps; k++)
        {
          if (k > 0)
            for (int64_t q = (k - 1) * hw / steps; q < k * hw / steps; q++)
              for (int64_t c = 0; c < ch; c++)
                {
                  int64_t e = c * hw + order[q];
                  cur[e] = finish ? finish[e] : 0.0f;
                }
          memcpy (slots_next (&b, i * (steps + 1) + k, top1[i], 0.0), cur,
                  (size_t) per * sizeof (float));
          if (b.used == b.capacity || (i == n - 1 && k == steps))
            {
              ok = slots_flush (&b, net, TRUE, error);
              for (int64_t s = 0; ok && s < b.used; s++)
                curves[b.owner[s]] = b.out[s];
              b.used = 0;
            }
        }
    }
  g_free (order);
  g_free (cur);
  g_free (blurred);
  slots_clear (&b);
  return ok;
}

/* Records <name>-auc (mean of the images' AUCs, which is the AUC of the
 * mean curve RISE prints: the rule is linear) and <name>-curve. */
static void
record_curves (const char *name, const char *group, const double *curves, int64_t n,
               int64_t steps, JsonArray *rows, JsonArray *arrays)
{
  double *mean = g_new0 (double, steps + 1);
  for (int64_t i = 0; i < n; i++)
    for (int64_t k = 0; k <= steps; k++)
      mean[k] += curves[i * (steps + 1) + k] / (double) n;
  char *metric = g_strdup_printf ("%s-auc", name);
  interp_saliency_add_row (rows, metric, "", group, "",
                           interp_saliency_curve_auc (mean, (size_t) steps + 1));
  g_free (metric);
  metric = g_strdup_printf ("%s-curve", name);
  interp_saliency_add_array (arrays, metric, "", group, "", mean, (size_t) steps + 1);
  g_free (metric);
  g_free (mean);
}

static char *
image_stream (const InterpSaliencyMethod *m, const char *what, int64_t index)
{
  return g_strdup_printf ("%s/%s/image-%" G_GINT64_FORMAT, m->stage->group, what, index);
}

/* Infidelity of every image (Captum's infidelity with normalize = False, its
 * default, and perturb_func returning (I, x - I)):
 *   INFD_i = 1/S sum_s (sum_e attr_e I_e - (f(x) - f(x - I)))^2,
 * I_e ~ N(0, sigma^2) per input element, f the target logit (what the maps
 * explain), perturbed inputs not clipped to [0, 1] (Captum does not clip).
 * Noise of image i: stream "<group>/infidelity/image-<test index>". */
static gboolean
infidelity (const InterpSaliencyMethod *m, InterpNet *net, const InterpSaliencySet *set,
            const InterpTensor *maps, int64_t batch, InterpContext *ctx, double *out,
            GError **error)
{
  const InterpTensor *x = set->images;
  const int64_t n = x->shape[0], per = (int64_t) interp_tensor_sample_size (x);
  const int64_t samples = interp_params_get_int (m->stage->common, "infidelity-samples");
  const double sigma = interp_params_get_double (m->stage->common, "infidelity-sigma");
  SlotBatch b;
  slots_init (&b, x, batch);
  double *f0 = g_new (double, n);
  gboolean ok = TRUE;
  /* The clean logits first, through the same slots. */
  for (int64_t i = 0; ok && i < n; i++)
    {
      memcpy (slots_next (&b, i, set->targets[i], 0.0), x->data + i * per,
              (size_t) per * sizeof (float));
      if (b.used == b.capacity || i == n - 1)
        {
          ok = slots_flush (&b, net, FALSE, error);
          for (int64_t s = 0; ok && s < b.used; s++)
            f0[b.owner[s]] = b.out[s];
          b.used = 0;
        }
    }
  for (int64_t i = 0; i < n; i++)
    out[i] = 0.0;
  for (int64_t i = 0; ok && i < n; i++)
    {
      char *stream = image_stream (m, "infidelity", set->indices[i]);
      InterpRng rng;
      interp_context_rng (ctx, stream, &rng);
      g_free (stream);
      const float *xi = x->data + i * per, *ai = maps->data + i * per;
      for (int64_t s = 0; ok && s < samples; s++)
        {
          float *slot = b.x->data + (size_t) (b.used * b.per);
          double dot = 0.0;
          for (int64_t e = 0; e < per; e++)
            {
              float noise = (float) (sigma * interp_rng_normal (&rng));
              slot[e] = xi[e] - noise;
              dot += (double) ai[e] * (double) noise;
            }
          slots_next (&b, i, set->targets[i], dot);
          if (b.used == b.capacity || (i == n - 1 && s == samples - 1))
            {
              ok = slots_flush (&b, net, FALSE, error);
              for (int64_t q = 0; ok && q < b.used; q++)
                {
                  double err = b.aux[q] - (f0[b.owner[q]] - b.out[q]);
                  out[b.owner[q]] += err * err / (double) samples;
                }
              b.used = 0;
            }
        }
    }
  g_free (f0);
  slots_clear (&b);
  return ok;
}

static double
frobenius (const float *a, const float *b, int64_t n)
{
  double s = 0.0;
  for (int64_t e = 0; e < n; e++)
    {
      double d = (double) a[e] - (b ? (double) b[e] : 0.0);
      s += d * d;
    }
  return sqrt (s);
}

/* Max-sensitivity of every image (Captum's sensitivity_max with its default
 * perturb_func and norm_ord = "fro"):
 *   SENS_i = max_s ||attr(x + d_s) - attr(x)||_F / ||attr(x)||_F,
 * d_s uniform in [-r, r] per input element (not clipped), a zero
 * ||attr(x)|| replaced by 1 as Captum does.  attr(x) is the stage's map;
 * the perturbed maps use the stream "<group>/max-sensitivity/image-<test
 * index>/batch-B" and the noise "<group>/max-sensitivity/image-<test index>". */
static gboolean
max_sensitivity (const InterpSaliencyMethod *m, InterpNet *net, const InterpSaliencySet *set,
                 const InterpTensor *maps, int64_t batch, InterpContext *ctx, double *out,
                 GError **error)
{
  const InterpTensor *x = set->images;
  const int64_t n = x->shape[0], per = (int64_t) interp_tensor_sample_size (x);
  const int64_t samples = interp_params_get_int (m->stage->common, "max-sensitivity-samples");
  const double radius = interp_params_get_double (m->stage->common, "max-sensitivity-radius");
  int64_t shape[INTERP_MAX_DIMS];
  memcpy (shape, x->shape, sizeof shape);
  shape[0] = samples;
  InterpTensor *pert = interp_tensor_new (x->ndim, shape);
  InterpTensor *pmaps = interp_tensor_new (x->ndim, shape);
  int32_t *targets = g_new (int32_t, samples);
  gboolean ok = TRUE;
  for (int64_t i = 0; ok && i < n; i++)
    {
      char *what = g_strdup_printf ("max-sensitivity/image-%" G_GINT64_FORMAT, set->indices[i]);
      char *stream = g_strdup_printf ("%s/%s", m->stage->group, what);
      InterpRng rng;
      interp_context_rng (ctx, stream, &rng);
      g_free (stream);
      const float *xi = x->data + i * per, *ai = maps->data + i * per;
      for (int64_t s = 0; s < samples; s++)
        {
          targets[s] = set->targets[i];
          for (int64_t e = 0; e < per; e++)
            pert->data[s * per + e] =
              (float) (xi[e] + radius * (2.0 * interp_rng_uniform (&rng) - 1.0));
        }
      ok = interp_saliency_maps (m, net, pert, targets, batch, what, ctx, pmaps, NULL, error);
      g_free (what);
      if (!ok)
        break;
      double norm = frobenius (ai, NULL, per);
      if (norm == 0.0)
        norm = 1.0;
      double worst = 0.0;
      for (int64_t s = 0; s < samples; s++)
        worst = MAX (worst, frobenius (pmaps->data + s * per, ai, per) / norm);
      out[i] = worst;
    }
  interp_tensor_free (pert);
  interp_tensor_free (pmaps);
  g_free (targets);
  return ok;
}

static double
mean_of (const double *v, int64_t n)
{
  double s = 0.0;
  for (int64_t i = 0; i < n; i++)
    s += v[i];
  return n ? s / (double) n : NAN;
}

/* Every map value must be finite: the orders and norms below are
 * meaningless otherwise. */
static gboolean
check_maps (const InterpSaliencySet *set,
            const InterpTensor *maps, GError **error)
{
  const int64_t per = (int64_t) interp_tensor_sample_size (set->images);
  if (!interp_tensor_same_shape (maps, set->images))
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_SHAPE,
                   "faithfulness: the maps' shape differs from the images'");
      return FALSE;
    }
  for (size_t e = 0; e < maps->numel; e++)
    if (!isfinite (maps->data[e]))
      {
        g_set_error (error, INTERP_ERROR, INTERP_ERROR_BAD_VALUE,
                     "faithfulness: the map of test image %" G_GINT64_FORMAT " has a "
                     "non-finite value (%g): it cannot be ranked or compared",
                     set->indices[(int64_t) e / per], (double) maps->data[e]);
        return FALSE;
      }
  return TRUE;
}

gboolean
interp_saliency_faithfulness (const InterpSaliencyMethod *m, InterpNet *net,
                              const InterpSaliencySet *set, const InterpTensor *maps,
                              int64_t batch, InterpContext *ctx, JsonArray *rows,
                              JsonArray *arrays, GError **error)
{
  size_t n_keys;
  const char *const *wanted =
    interp_params_get_string_list (m->stage->common, "faithfulness", &n_keys);
  if (n_keys == 0)
    return TRUE;
  const InterpTensor *x = set->images;
  const int64_t n = x->shape[0];
  const char *group = m->stage->group;
  gboolean deletion = FALSE, insertion = FALSE, infid = FALSE, sens = FALSE;
  for (size_t k = 0; k < n_keys; k++)
    {
      if (strcmp (wanted[k], "deletion") == 0)
        deletion = TRUE;
      else if (strcmp (wanted[k], "insertion") == 0)
        insertion = TRUE;
      else if (strcmp (wanted[k], "infidelity") == 0)
        infid = TRUE;
      else if (strcmp (wanted[k], "max-sensitivity") == 0)
        sens = TRUE;
      else
        {
          g_set_error (error, INTERP_ERROR, INTERP_ERROR_BAD_VALUE,
                       "%s: key 'faithfulness': unknown measure '%s' (deletion, insertion, "
                       "infidelity, max-sensitivity)",
                       interp_params_where (m->stage->common), wanted[k]);
          return FALSE;
        }
    }
  if (!check_maps (set, maps, error))
    {
      interp_error_prefix_group (error, group);
      return FALSE;
    }
  gboolean ok = TRUE;
  if (deletion || insertion)
    {
      int64_t steps = interp_params_get_int (m->stage->common, "deletion-steps");
      if (x->ndim != 4)
        {
          g_set_error (error, INTERP_ERROR, INTERP_ERROR_SHAPE,
                       "%s: key 'faithfulness': deletion and insertion remove pixels of "
                       "images (N x C x H x W); the inputs have %d dimensions",
                       interp_params_where (m->stage->common), x->ndim);
          return FALSE;
        }
      const int64_t hw = x->shape[2] * x->shape[3];
      if (steps == 0)
        steps = x->shape[2];
      if (steps > hw)
        {
          g_set_error (error, INTERP_ERROR, INTERP_ERROR_OUT_OF_RANGE,
                       "%s: key 'deletion-steps': %" G_GINT64_FORMAT " steps exceed the %"
                       G_GINT64_FORMAT " pixels of an image",
                       interp_params_where (m->stage->common), steps, hw);
          return FALSE;
        }
      /* RISE scores the class the network predicts on the clean image. */
      int32_t *top1 = g_new (int32_t, n);
      double *curves = g_new (double, n * (steps + 1));
      ok = interp_saliency_predict (net, x, batch, top1, error);
      if (ok && deletion)
        {
          ok = causal_curves (net, x, maps, top1, steps, CURVE_DELETION, batch, curves, error);
          if (ok)
            record_curves ("deletion", group, curves, n, steps, rows, arrays);
        }
      if (ok && insertion)
        {
          ok = causal_curves (net, x, maps, top1, steps, CURVE_INSERTION, batch, curves, error);
          if (ok)
            record_curves ("insertion", group, curves, n, steps, rows, arrays);
        }
      g_free (top1);
      g_free (curves);
    }
  double *per_image = g_new (double, n);
  gboolean prefixed = FALSE;   /* interp_saliency_maps prefixes its errors itself */
  if (ok && infid)
    {
      ok = infidelity (m, net, set, maps, batch, ctx, per_image, error);
      if (ok)
        interp_saliency_add_row (rows, "infidelity", "", group, "", mean_of (per_image, n));
    }
  if (ok && sens)
    {
      ok = max_sensitivity (m, net, set, maps, batch, ctx, per_image, error);
      if (ok)
        interp_saliency_add_row (rows, "max-sensitivity", "", group, "",
                                 mean_of (per_image, n));
      prefixed = !ok;
    }
  g_free (per_image);
  if (!ok && !prefixed)
    interp_error_prefix_group (error, group);
  return ok;
}
