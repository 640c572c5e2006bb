/* The saliency stage of a trial (contract in saliency-stage.h): create the
 * methods, explain a fixed subset of the test split, store the maps, and
 * run the checks each method's runner keys ask for. */
#include "config.h"

#include "runner/saliency-stage.h"

#include <math.h>
#include <string.h>

#include <interp/progress.h>

#include "host/context-private.h"
#include "runner/saliency-render.h"
#include "util/error-prefix.h"

gboolean
interp_saliency_wanted (const InterpPipeline *p)
{
  return interp_pipeline_instances (p, INTERP_KIND_SALIENCY)->len > 0;
}

/* ---- methods ---------------------------------------------------------------- */

static void
method_free (gpointer data)
{
  InterpSaliencyMethod *m = data;
  if (m->instance)
    m->vtable->destroy (m->instance);
  g_free (m);
}

static gboolean
method_create (InterpSaliencyMethod *m, GError **error)
{
  if (m->instance)
    return TRUE;
  if (m->busy)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_BAD_VALUE,
                   "[%s] is built around itself (a cycle of saliency methods)",
                   m->stage->group);
      return FALSE;
    }
  m->busy = TRUE;
  m->instance = m->vtable->create (m->stage->params, m->ctx, error);
  m->busy = FALSE;
  if (m->instance == NULL)
    {
      interp_error_prefix_group (error, m->stage->group);
      return FALSE;
    }
  memset (&m->info, 0, sizeof m->info);
  m->vtable->describe (m->instance, &m->info);
  return TRUE;
}

/* interp_saliency_lookup's implementation: data is the methods array. */
static gboolean
lookup (gpointer data, const char *group, const InterpSaliencyVTable **vtable,
        gpointer *instance, GError **error)
{
  GPtrArray *methods = data;
  for (guint i = 0; i < methods->len; i++)
    {
      InterpSaliencyMethod *m = g_ptr_array_index (methods, i);
      if (!g_str_equal (m->stage->group, group))
        continue;
      if (!method_create (m, error))
        return FALSE;
      *vtable = m->vtable;
      *instance = m->instance;
      return TRUE;
    }
  GString *known = g_string_new (NULL);
  for (guint i = 0; i < methods->len; i++)
    g_string_append_printf (known, "%s%s", i ? ", " : "",
                            ((InterpSaliencyMethod *) g_ptr_array_index (methods, i))->stage->group);
  g_set_error (error, INTERP_ERROR, INTERP_ERROR_NOT_FOUND,
               "no [%s] group in the pipeline (saliency groups: %s)", group,
               known->len ? known->str : "none");
  g_string_free (known, TRUE);
  return FALSE;
}

GPtrArray *
interp_saliency_methods_new (const InterpPipeline *p, InterpContext *ctx, GError **error)
{
  GPtrArray *stages = interp_pipeline_instances (p, INTERP_KIND_SALIENCY);
  GPtrArray *methods = g_ptr_array_new_with_free_func (method_free);
  for (guint i = 0; i < stages->len; i++)
    {
      InterpSaliencyMethod *m = g_new0 (InterpSaliencyMethod, 1);
      m->stage = g_ptr_array_index (stages, i);
      m->vtable = m->stage->entry->component->vtable;
      m->ctx = ctx;
      g_ptr_array_add (methods, m);
    }
  interp_context_set_saliency_lookup (ctx, lookup, methods);
  for (guint i = 0; i < methods->len; i++)
    if (!method_create (g_ptr_array_index (methods, i), error))
      {
        interp_context_set_saliency_lookup (ctx, NULL, NULL);
        g_ptr_array_unref (methods);
        return NULL;
      }
  return methods;
}

/* ---- the images --------------------------------------------------------------- */

static int
compare_int64 (gconstpointer a, gconstpointer b)
{
  int64_t x = *(const int64_t *) a, y = *(const int64_t *) b;
  return (x > y) - (x < y);
}

/* k distinct test positions from the stream "saliency/images" of the
 * subset seed (a partial Fisher-Yates shuffle), sorted. */
static int64_t *
subset_positions (const InterpPipeline *p, int64_t n_test, int64_t k)
{
  guint64 seed = (guint64) interp_params_get_int (p->pipeline, "saliency-images-seed");
  InterpRng rng;
  interp_rng_derive (&rng, seed, "saliency/images");
  int64_t *all = g_new (int64_t, n_test);
  for (int64_t i = 0; i < n_test; i++)
    all[i] = i;
  for (int64_t i = 0; i < k; i++)
    {
      int64_t j = i + (int64_t) interp_rng_below (&rng, (uint64_t) (n_test - i));
      int64_t t = all[i];
      all[i] = all[j];
      all[j] = t;
    }
  int64_t *out = g_memdup2 (all, (gsize) k * sizeof *out);
  g_free (all);
  qsort (out, (size_t) k, sizeof *out, (int (*) (const void *, const void *)) compare_int64);
  return out;
}

static void
set_clear (InterpSaliencySet *set)
{
  interp_tensor_free (set->images);
  g_free (set->targets);
  g_free (set->labels);
  g_free (set->indices);
  memset (set, 0, sizeof *set);
}

static gboolean
set_load (const InterpPipeline *p, InterpNet *net, InterpData *data, InterpSaliencySet *set,
          GError **error)
{
  int64_t n_test = interp_data_size (data, INTERP_SPLIT_TEST);
  int64_t k = MIN (interp_params_get_int (p->pipeline, "saliency-images"), n_test);
  if (k < 1)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_BAD_VALUE,
                   "saliency: the test split is empty, there is nothing to explain");
      return FALSE;
    }
  set->indices = subset_positions (p, n_test, k);
  set->images = interp_tensor_new_4d (1, 1, 1, 1);
  set->labels = g_new (int32_t, k);
  set->targets = g_new (int32_t, k);
  if (!interp_data_read (data, INTERP_SPLIT_TEST, set->indices, k, set->images, set->labels,
                         error))
    return FALSE;
  if (g_str_equal (interp_params_get_string (p->pipeline, "saliency-target"), "label"))
    {
      memcpy (set->targets, set->labels, (size_t) k * sizeof (int32_t));
      return TRUE;
    }
  int64_t batch = interp_params_get_int (p->pipeline, "saliency-batch-size");
  return interp_saliency_predict (net, set->images, batch, set->targets, error);
}

/* saliency-maps.safetensors: images, targets, indices, one tensor per method. */
static gboolean
write_maps (const char *dir, const InterpSaliencySet *set, GPtrArray *methods,
            InterpTensor *const *maps, GError **error)
{
  int64_t n = set->images->shape[0];
  InterpTensor *targets = interp_tensor_new (1, &n), *indices = interp_tensor_new (1, &n);
  for (int64_t i = 0; i < n; i++)
    {
      targets->data[i] = (float) set->targets[i];
      indices->data[i] = (float) set->indices[i];   /* exact below 2^24 images */
    }
  guint count = 3 + methods->len;
  const char **names = g_new (const char *, count);
  InterpTensor **tensors = g_new (InterpTensor *, count);
  names[0] = "images";
  tensors[0] = set->images;
  names[1] = "targets";
  tensors[1] = targets;
  names[2] = "indices";
  tensors[2] = indices;
  for (guint i = 0; i < methods->len; i++)
    {
      names[3 + i] = ((InterpSaliencyMethod *) g_ptr_array_index (methods, i))->stage->group;
      tensors[3 + i] = maps[i];
    }
  char *path = g_build_filename (dir, "saliency-maps.safetensors", NULL);
  gboolean ok = interp_safetensors_write (path, names, tensors, (int) count, NULL, error);
  g_free (path);
  g_free (names);
  g_free (tensors);
  interp_tensor_free (targets);
  interp_tensor_free (indices);
  return ok;
}

/* The completeness rows of a method that writes deltas. */
static void
record_completeness (const InterpSaliencyMethod *m, const double *delta, int64_t n,
                     JsonArray *rows, JsonArray *arrays)
{
  double sum = 0;
  for (int64_t i = 0; i < n; i++)
    sum += fabs (delta[i]);
  interp_saliency_add_row (rows, "saliency-completeness-delta", "", m->stage->group, "",
                           sum / (double) n);
  interp_saliency_add_array (arrays, "saliency-completeness-deltas", "", m->stage->group, "",
                             delta, (size_t) n);
}

static gboolean
list_nonempty (const InterpStage *s, const char *key)
{
  size_t n = 0;
  interp_params_get_string_list (s->common, key, &n);
  return n > 0;
}

gboolean
interp_saliency_run (const InterpPipeline *p, GPtrArray *methods, InterpNet *net,
                     InterpData *data, InterpContext *ctx, JsonArray *rows, JsonArray *arrays,
                     GError **error)
{
  interp_net_set_mode (net, INTERP_MODE_EVAL);
  InterpSaliencySet set = { 0 };
  if (!set_load (p, net, data, &set, error))
    {
      set_clear (&set);
      return FALSE;
    }
  const int64_t n = set.images->shape[0];
  const int64_t batch = interp_params_get_int (p->pipeline, "saliency-batch-size");
  InterpTensor **maps = g_new0 (InterpTensor *, methods->len);
  double *delta = g_new (double, n);
  gboolean ok = TRUE;
  for (guint i = 0; ok && i < methods->len; i++)
    {
      InterpSaliencyMethod *m = g_ptr_array_index (methods, i);
      char *what = g_strdup_printf ("saliency %s", m->stage->instance);
      InterpProgress *progress = interp_progress_new (what, (guint64) n, "img");
      g_free (what);
      maps[i] = interp_tensor_new_4d (1, 1, 1, 1);
      gboolean complete = (m->info.flags & INTERP_SALIENCY_COMPLETENESS) != 0;
      for (int64_t k = 0; k < n; k++)
        delta[k] = NAN;
      ok = interp_saliency_maps (m, net, set.images, set.targets, batch, "maps", ctx, maps[i],
                                 complete ? delta : NULL, error);
      interp_progress_finish (progress, ok ? NULL : "failed");
      if (ok && complete)
        record_completeness (m, delta, n, rows, arrays);
    }
  const char *dir = interp_context_output_dir (ctx);
  if (ok && dir)
    ok = write_maps (dir, &set, methods, maps, error);
  if (ok && dir)
    {
      InterpSaliencyRenderMethod *render = g_new (InterpSaliencyRenderMethod, methods->len);
      for (guint i = 0; i < methods->len; i++)
        {
          InterpSaliencyMethod *m = g_ptr_array_index (methods, i);
          render[i] = (InterpSaliencyRenderMethod) {
            .name = m->stage->instance, .maps = maps[i],
            .is_signed = (m->info.flags & INTERP_SALIENCY_SIGNED) != 0 };
        }
      ok = interp_saliency_render (dir, set.images, render, methods->len,
                                   interp_params_get_int (p->pipeline, "saliency-examples"),
                                   error);
      g_free (render);
    }
  for (guint i = 0; ok && i < methods->len; i++)
    {
      InterpSaliencyMethod *m = g_ptr_array_index (methods, i);
      if (ok && list_nonempty (m->stage, "randomisation"))
        ok = interp_saliency_randomisation (m, net, &set, maps[i], batch, ctx, rows, error);
      if (ok && list_nonempty (m->stage, "faithfulness"))
        ok = interp_saliency_faithfulness (m, net, &set, maps[i], batch, ctx, rows, arrays,
                                           error);
    }
  gboolean roar = FALSE;
  for (guint i = 0; i < methods->len; i++)
    roar |= list_nonempty (((InterpSaliencyMethod *) g_ptr_array_index (methods, i))->stage,
                           "roar");
  if (ok && roar)
    ok = interp_saliency_roar (p, methods, net, data, ctx, rows, error);
  for (guint i = 0; i < methods->len; i++)
    interp_tensor_free (maps[i]);
  g_free (maps);
  g_free (delta);
  set_clear (&set);
  return ok;
}
