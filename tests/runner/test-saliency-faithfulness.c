/* The faithfulness checks (core/runner/saliency-faithfulness.c) against
 * values worked out by hand (ROAR / KAR: test-saliency-roar.c).
 *
 * The cases use a linear network on 1 x 2 x 2 images with two classes:
 * z0 = w . x with w = (1, 2, 3, 4), z1 = 0, so the softmax probability of
 * class 0 is sigmoid(z0) and every deletion step is known exactly. */
#include <criterion/criterion.h>
#include <float.h>
#include <math.h>
#include <string.h>

#include <interp/interp.h>

#include "host/params-private.h"
#include "plugin/kinds.h"
#include "plugin/registry.h"
#include "runner/saliency-faithfulness.h"
#include "runner/saliency-stage.h"

static const float W[4] = { 1, 2, 3, 4 };

static InterpNet *
linear_net (void)
{
  GError *error = NULL;
  InterpNet *net = interp_net_new (1, 2, 2);
  int flat = interp_net_flatten (net, "flatten", 0, &error);
  cr_assert (flat > 0, "%s", error ? error->message : "?");
  cr_assert (interp_net_linear (net, "fc", flat, 2, FALSE, &error) > 0);
  InterpParam *w = interp_net_find_param (net, "fc.weight");
  cr_assert_not_null (w);
  memset (w->value->data, 0, 8 * sizeof (float));
  memcpy (w->value->data, W, sizeof W);   /* row 0: class 0; row 1 stays 0 */
  interp_net_set_mode (net, INTERP_MODE_EVAL);
  return net;
}

static double
sigmoid (double z)
{
  return 1.0 / (1.0 + exp (-z));
}

/* A group's stage with the runner keys `pairs` (NULL-terminated). */
static InterpStage *
stage_new (const char *group, const char *const *pairs)
{
  GError *error = NULL;
  InterpStage *s = g_new0 (InterpStage, 1);
  s->group = g_strdup (group);
  s->kind = INTERP_KIND_SALIENCY;
  char *where = g_strdup_printf ("test.ini: [%s]", group);
  s->common = interp_params_new_from_pairs (interp_kind_info (INTERP_KIND_SALIENCY)->core_params,
                                            where, pairs, &error);
  g_free (where);
  cr_assert_not_null (s->common, "%s", error ? error->message : "?");
  return s;
}

static void
stage_free (InterpStage *s)
{
  interp_params_free (s->common);
  interp_params_free (s->params);
  g_free (s->group);
  g_free (s);
}

/* ---- a probe method: the map is the image itself ------------------------- */

static gboolean
identity_attribute (gpointer self, InterpNet *net, const InterpTensor *x, const int32_t *targets,
                    InterpRng *rng, InterpTensor *attr, double *delta, GError **error)
{
  (void) self, (void) net, (void) targets, (void) rng, (void) delta, (void) error;
  interp_tensor_copy_into (attr, x);
  return TRUE;
}

static const InterpSaliencyVTable identity_vtable = {
  INTERP_VTABLE_SIZE (InterpSaliencyVTable),
  .attribute = identity_attribute,
};

/* ---- the gradient method, through the registry ---------------------------- */

static InterpRegistry *registry;

static void
registry_setup (void)
{
  registry = interp_registry_new ();
  interp_registry_load_search_path (registry, NULL);
}

static void
registry_teardown (void)
{
  interp_registry_free (registry);
}

static void
gradient_method (InterpSaliencyMethod *m, InterpStage *stage, InterpContext *ctx)
{
  GError *error = NULL;
  const InterpRegistryEntry *e = interp_registry_find (registry, INTERP_KIND_SALIENCY, "gradient");
  cr_assert_not_null (e, "the saliency plugin's gradient method is not on the search path");
  stage->params = interp_params_new_from_pairs (e->component->params, "test.ini", NULL, &error);
  cr_assert_not_null (stage->params);
  m->stage = stage;
  m->vtable = e->component->vtable;
  m->instance = m->vtable->create (stage->params, ctx, &error);
  cr_assert_not_null (m->instance, "%s", error ? error->message : "?");
}

/* One image of four pixels 0.5 and its set (target class 0, test index 7). */
typedef struct {
  InterpTensor *images;
  int32_t targets[1], labels[1];
  int64_t indices[1];
  InterpSaliencySet set;
} OneImage;

static void
one_image (OneImage *o)
{
  o->images = interp_tensor_new_4d (1, 1, 2, 2);
  interp_tensor_fill (o->images, 0.5f);
  o->targets[0] = 0;
  o->labels[0] = 0;
  o->indices[0] = 7;
  o->set = (InterpSaliencySet) { o->images, o->targets, o->labels, o->indices };
}

static JsonObject *
find (JsonArray *a, const char *metric, const char *perturbation, const char *level)
{
  for (guint i = 0; i < json_array_get_length (a); i++)
    {
      JsonObject *o = json_array_get_object_element (a, i);
      if (strcmp (json_object_get_string_member (o, "metric"), metric) == 0
          && strcmp (json_object_get_string_member (o, "perturbation"), perturbation) == 0
          && (level == NULL || strcmp (json_object_get_string_member (o, "level"), level) == 0))
        return o;
    }
  return NULL;
}

/* Runs the faithfulness check with the keys `pairs` on the one image and the map `map`. */
static void
run_faithfulness (const char *const *pairs, const float *map, const InterpSaliencyVTable *vt,
                  JsonArray *rows, JsonArray *arrays)
{
  GError *error = NULL;
  InterpNet *net = linear_net ();
  InterpContext *ctx = interp_context_new (3, 1, NULL);
  InterpStage *stage = stage_new ("saliency:probe", pairs);
  InterpSaliencyMethod m = { .stage = stage, .vtable = vt };
  OneImage o;
  one_image (&o);
  InterpTensor *maps = interp_tensor_new_4d (1, 1, 2, 2);
  memcpy (maps->data, map, 4 * sizeof (float));
  cr_assert (interp_saliency_faithfulness (&m, net, &o.set, maps, 3, ctx, rows, arrays, &error),
             "%s", error ? error->message : "?");
  interp_tensor_free (maps);
  interp_tensor_free (o.images);
  stage_free (stage);
  interp_context_free (ctx);
  interp_net_free (net);
}

/* The double values of an array row. */
static void
values_of (JsonObject *o, double *v, guint n)
{
  JsonArray *a = json_object_get_array_member (o, "values");
  cr_assert_eq (json_array_get_length (a), n);
  for (guint k = 0; k < n; k++)
    v[k] = json_array_get_double_element (a, k);
}

/* Float logits: z0 sums four products of magnitude <= 4, each step exact to
 * a few ulp of |z0| <= 5 (5 * 2^-23 ~ 6e-7); sigmoid' <= 1/4, so
 * probabilities are off by < 2e-7.  1e-6 covers that with margin. */
#define PROB_TOL 1e-6

Test (faithfulness, deletion_curve_by_hand)
{
  /* Map order: pixel 1 (0.4), 2 (0.3), 3 (0.2), 0 (0.1).  Removing them in
   * turn takes z0 = 5 to 5 - 0.5 w1 = 4, 4 - 0.5 w2 = 2.5, 2.5 - 0.5 w3 =
   * 0.5, 0.5 - 0.5 w0 = 0. */
  const float map[4] = { 0.1f, 0.4f, 0.3f, 0.2f };
  const char *pairs[] = { "faithfulness=deletion", "deletion-steps=4", NULL };
  JsonArray *rows = json_array_new (), *arrays = json_array_new ();
  run_faithfulness (pairs, map, &identity_vtable, rows, arrays);
  double expect[5] = { sigmoid (5), sigmoid (4), sigmoid (2.5), sigmoid (0.5), 0.5 };
  JsonObject *curve = find (arrays, "deletion-curve", "saliency:probe", "");
  cr_assert_not_null (curve);
  double v[5];
  values_of (curve, v, 5);
  for (int k = 0; k < 5; k++)
    cr_assert_float_eq (v[k], expect[k], PROB_TOL, "point %d: %g, expected %g", k, v[k],
                        expect[k]);
  /* Trapezoid over x = 0, 1/4, ..., 1: (p0/2 + p1 + p2 + p3 + p4/2) / 4. */
  double auc = (expect[0] / 2 + expect[1] + expect[2] + expect[3] + expect[4] / 2) / 4;
  JsonObject *row = find (rows, "deletion-auc", "saliency:probe", "");
  cr_assert_not_null (row);
  cr_assert_float_eq (json_object_get_double_member (row, "value"), auc, PROB_TOL);
  cr_assert_null (find (rows, "insertion-auc", "saliency:probe", ""));
  json_array_unref (rows);
  json_array_unref (arrays);
}

Test (faithfulness, deletion_two_pixels_a_step_and_ties)
{
  /* Equal saliency everywhere: ties go to the lower index, so pixels 0, 1
   * go first (z0 = 5 - 0.5 (1 + 2) = 3.5), then 2, 3 (z0 = 0). */
  const float map[4] = { 1, 1, 1, 1 };
  const char *pairs[] = { "faithfulness=deletion", "deletion-steps=2", NULL };
  JsonArray *rows = json_array_new (), *arrays = json_array_new ();
  run_faithfulness (pairs, map, &identity_vtable, rows, arrays);
  double v[3];
  values_of (find (arrays, "deletion-curve", "saliency:probe", ""), v, 3);
  cr_assert_float_eq (v[0], sigmoid (5), PROB_TOL);
  cr_assert_float_eq (v[1], sigmoid (3.5), PROB_TOL);
  cr_assert_float_eq (v[2], 0.5, PROB_TOL);
  json_array_unref (rows);
  json_array_unref (arrays);
}

Test (faithfulness, rise_kernel_by_hand)
{
  /* The centre tap of the folded 1-D kernel: reads at offsets 0 and +-11
   * land on the centre of 11 samples under scipy's "reflect" (period 22);
   * +-22 lie beyond the radius 20.  So k1[5] = (g(0) + 2 g(11)) / Z with
   * g(t) = exp(-t^2 / 50), Z = sum_{|t| <= 20} g(t). */
  double z = 0;
  for (int t = -20; t <= 20; t++)
    z += exp (-t * t / 50.0);
  double k1c = (1.0 + 2.0 * exp (-121 / 50.0)) / z;
  float k[121];
  interp_saliency_rise_kernel (k);
  double sum = 0;
  for (int i = 0; i < 121; i++)
    sum += k[i];
  /* float taps: 121 sums of values < 1, each rounded to 2^-24 relative. */
  cr_assert_float_eq (sum, 1.0, 1e-5);
  cr_assert_float_eq (k[5 * 11 + 5], k1c * k1c, 1e-7);
  cr_assert_float_eq (k[0], k[120], 0);
  cr_assert_float_eq (k[3 * 11 + 7], k[7 * 11 + 3], 0);
}

Test (faithfulness, insertion_starts_blurred_ends_clean)
{
  const float map[4] = { 0.1f, 0.4f, 0.3f, 0.2f };
  const char *pairs[] = { "faithfulness=insertion", "deletion-steps=4", NULL };
  JsonArray *rows = json_array_new (), *arrays = json_array_new ();
  run_faithfulness (pairs, map, &identity_vtable, rows, arrays);
  double v[5];
  values_of (find (arrays, "insertion-curve", "saliency:probe", ""), v, 5);
  /* The blurred image under zero padding: pixel (y, x) = 0.5 sum of the
   * kernel taps over the 2 x 2 image, k[(5 + y' - y) * 11 + 5 + x' - x]. */
  float k[121];
  interp_saliency_rise_kernel (k);
  double z = 0, zk[4];
  for (int p = 0; p < 4; p++)
    {
      int y = p / 2, x = p % 2;
      double b = 0;
      for (int q = 0; q < 4; q++)
        b += 0.5 * k[(5 + q / 2 - y) * 11 + 5 + q % 2 - x];
      zk[p] = b;
      z += W[p] * b;
    }
  cr_assert_float_eq (v[0], sigmoid (z), PROB_TOL);
  cr_assert_float_eq (v[4], sigmoid (5), PROB_TOL);
  /* After the first step pixel 1 is clean again. */
  cr_assert_float_eq (v[1], sigmoid (z + W[1] * (0.5 - zk[1])), PROB_TOL);
  json_array_unref (rows);
  json_array_unref (arrays);
}

Test (faithfulness, curve_auc_trapezoid)
{
  /* x = 0, 1/2, 1: (1/2 + 0 + 0) / 2; the plain mean would be 1/3. */
  const double v[3] = { 1.0, 0.0, 0.0 };
  cr_assert_float_eq (interp_saliency_curve_auc (v, 3), 0.25, 1e-15);
  /* x = 0, 1/3, 2/3, 1: (0.1 + 0.6 + 0.4 + 0.5) / 3. */
  const double w[4] = { 0.2, 0.6, 0.4, 1.0 };
  cr_assert_float_eq (interp_saliency_curve_auc (w, 4), 1.6 / 3, 1e-15);
}

Test (faithfulness, infidelity_of_the_gradient_of_a_linear_model, .init = registry_setup,
      .fini = registry_teardown)
{
  /* f(x) - f(x - I) = w . I exactly for z0 = w . x, and the gradient map is
   * w: every squared error is rounding only.  |z0| <= ~6 with the noise,
   * float logits are exact to ~1e-6 absolute, so each squared error is <
   * 1e-11: 1e-10 bounds their mean. */
  GError *error = NULL;
  InterpNet *net = linear_net ();
  InterpContext *ctx = interp_context_new (3, 1, NULL);
  const char *pairs[] = { "faithfulness=infidelity", "infidelity-samples=20",
                          "infidelity-sigma=0.1", NULL };
  InterpStage *stage = stage_new ("saliency:gradient", pairs);
  InterpSaliencyMethod m;
  gradient_method (&m, stage, ctx);
  OneImage o;
  one_image (&o);
  InterpTensor *maps = interp_tensor_new_4d (1, 1, 1, 1);
  cr_assert (interp_saliency_maps (&m, net, o.images, o.targets, 4, "maps", ctx, maps, NULL,
                                   &error));
  for (int e = 0; e < 4; e++)
    cr_assert_float_eq (maps->data[e], W[e], 0);
  JsonArray *rows = json_array_new (), *arrays = json_array_new ();
  cr_assert (interp_saliency_faithfulness (&m, net, &o.set, maps, 4, ctx, rows, arrays, &error),
             "%s", error ? error->message : "?");
  double infd = json_object_get_double_member (find (rows, "infidelity", "saliency:gradient", ""),
                                               "value");
  cr_assert (infd >= 0 && infd < 1e-10, "infidelity %g", infd);

  /* attr = 2w: each error is 2 w.I - w.I = w.I, so INFD = mean (w . I)^2
   * over the draws of the stream, which the test repeats. */
  for (int e = 0; e < 4; e++)
    maps->data[e] = 2 * W[e];
  json_array_unref (rows);
  rows = json_array_new ();
  cr_assert (interp_saliency_faithfulness (&m, net, &o.set, maps, 4, ctx, rows, arrays, &error));
  InterpRng rng;
  interp_context_rng (ctx, "saliency:gradient/infidelity/image-7", &rng);
  double expect = 0;
  for (int s = 0; s < 20; s++)
    {
      double d = 0;
      for (int e = 0; e < 4; e++)
        d += W[e] * (double) (float) (0.1 * interp_rng_normal (&rng));
      expect += d * d / 20;
    }
  infd = json_object_get_double_member (find (rows, "infidelity", "saliency:gradient", ""),
                                        "value");
  /* Each error is off by the ~1e-6 logit rounding, times 2 |w.I| < 4. */
  cr_assert_float_eq (infd, expect, 1e-5, "infidelity %g, expected %g", infd, expect);
  cr_assert_gt (expect, 1e-3);
  json_array_unref (rows);
  json_array_unref (arrays);
  interp_tensor_free (maps);
  interp_tensor_free (o.images);
  m.vtable->destroy (m.instance);
  stage_free (stage);
  interp_context_free (ctx);
  interp_net_free (net);
}

Test (faithfulness, max_sensitivity_of_an_input_independent_map, .init = registry_setup,
      .fini = registry_teardown)
{
  /* The gradient of a linear model is w whatever x: exactly 0. */
  GError *error = NULL;
  InterpNet *net = linear_net ();
  InterpContext *ctx = interp_context_new (3, 1, NULL);
  const char *pairs[] = { "faithfulness=max-sensitivity", NULL };
  InterpStage *stage = stage_new ("saliency:gradient", pairs);
  InterpSaliencyMethod m;
  gradient_method (&m, stage, ctx);
  OneImage o;
  one_image (&o);
  InterpTensor *maps = interp_tensor_new_4d (1, 1, 1, 1);
  cr_assert (interp_saliency_maps (&m, net, o.images, o.targets, 4, "maps", ctx, maps, NULL,
                                   &error));
  JsonArray *rows = json_array_new (), *arrays = json_array_new ();
  cr_assert (interp_saliency_faithfulness (&m, net, &o.set, maps, 3, ctx, rows, arrays, &error),
             "%s", error ? error->message : "?");
  JsonObject *row = find (rows, "max-sensitivity", "saliency:gradient", "");
  cr_assert_not_null (row);
  cr_assert_eq (json_object_get_double_member (row, "value"), 0.0);
  json_array_unref (rows);
  json_array_unref (arrays);
  interp_tensor_free (maps);
  interp_tensor_free (o.images);
  m.vtable->destroy (m.instance);
  stage_free (stage);
  interp_context_free (ctx);
  interp_net_free (net);
}

Test (faithfulness, max_sensitivity_of_the_identity_map)
{
  /* attr(x) = x: attr(x + d) - attr(x) = d, so SENS = max_s ||d_s|| /
   * ||x|| with ||x|| = sqrt(4 * 0.25) = 1, the draws those of the stream;
   * the default radius 0.02 and 10 samples (Captum's). */
  const float map[4] = { 0.5f, 0.5f, 0.5f, 0.5f };
  const char *pairs[] = { "faithfulness=max-sensitivity", NULL };
  JsonArray *rows = json_array_new (), *arrays = json_array_new ();
  run_faithfulness (pairs, map, &identity_vtable, rows, arrays);
  InterpContext *ctx = interp_context_new (3, 1, NULL);
  InterpRng rng;
  interp_context_rng (ctx, "saliency:probe/max-sensitivity/image-7", &rng);
  double worst = 0;
  for (int s = 0; s < 10; s++)
    {
      double n2 = 0;
      for (int e = 0; e < 4; e++)
        {
          float p = (float) (0.5 + 0.02 * (2.0 * interp_rng_uniform (&rng) - 1.0));
          n2 += ((double) p - 0.5) * ((double) p - 0.5);
        }
      worst = MAX (worst, sqrt (n2));
    }
  interp_context_free (ctx);
  double got = json_object_get_double_member (find (rows, "max-sensitivity", "saliency:probe", ""),
                                              "value");
  cr_assert_float_eq (got, worst, 1e-12, "max-sensitivity %g, expected %g", got, worst);
  /* Four uniform draws in [-0.02, 0.02]: the norm is at most 0.04. */
  cr_assert (worst > 0 && worst <= 0.04);
  json_array_unref (rows);
  json_array_unref (arrays);
}

Test (faithfulness, unknown_measure_names_the_key)
{
  GError *error = NULL;
  InterpNet *net = linear_net ();
  InterpContext *ctx = interp_context_new (3, 1, NULL);
  const char *pairs[] = { "faithfulness=deletion, fidelity", NULL };
  InterpStage *stage = stage_new ("saliency:probe", pairs);
  InterpSaliencyMethod m = { .stage = stage, .vtable = &identity_vtable };
  OneImage o;
  one_image (&o);
  JsonArray *rows = json_array_new (), *arrays = json_array_new ();
  cr_assert_not (interp_saliency_faithfulness (&m, net, &o.set, o.images, 2, ctx, rows, arrays,
                                               &error));
  cr_assert (error && strstr (error->message, "[saliency:probe]")
             && strstr (error->message, "'faithfulness'") && strstr (error->message, "fidelity"),
             "%s", error ? error->message : "?");
  g_clear_error (&error);
  json_array_unref (rows);
  json_array_unref (arrays);
  interp_tensor_free (o.images);
  stage_free (stage);
  interp_context_free (ctx);
  interp_net_free (net);
}

Test (faithfulness, bad_maps_and_steps_are_errors)
{
  GError *error = NULL;
  InterpNet *net = linear_net ();
  InterpContext *ctx = interp_context_new (3, 1, NULL);
  const char *pairs[] = { "faithfulness=deletion", "deletion-steps=5", NULL };
  InterpStage *stage = stage_new ("saliency:probe", pairs);
  InterpSaliencyMethod m = { .stage = stage, .vtable = &identity_vtable };
  OneImage o;
  one_image (&o);
  JsonArray *rows = json_array_new (), *arrays = json_array_new ();
  /* Five steps over four pixels. */
  cr_assert_not (interp_saliency_faithfulness (&m, net, &o.set, o.images, 2, ctx, rows, arrays,
                                               &error));
  cr_assert (strstr (error->message, "'deletion-steps'"), "%s", error->message);
  g_clear_error (&error);
  /* A NaN in the map: an error naming the group and the image. */
  InterpTensor *maps = interp_tensor_copy (o.images);
  maps->data[2] = NAN;
  cr_assert_not (interp_saliency_faithfulness (&m, net, &o.set, maps, 2, ctx, rows, arrays,
                                               &error));
  cr_assert (strstr (error->message, "saliency:probe") && strstr (error->message, "image 7"),
             "%s", error->message);
  g_clear_error (&error);
  cr_assert_eq (json_array_get_length (rows), 0);
  interp_tensor_free (maps);
  json_array_unref (rows);
  json_array_unref (arrays);
  interp_tensor_free (o.images);
  stage_free (stage);
  interp_context_free (ctx);
  interp_net_free (net);
}
