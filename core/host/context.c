#include "config.h"

#include "host/context-private.h"

#include <interp/error.h>

struct InterpContext {
  guint64 seed;
  int threads;
  char *output_dir;
  gboolean output_suspended;         /* interp_context_set_output_suspended */
  char *condition;
  const InterpTensor *clean_batch;   /* borrowed, during metric updates */
  InterpSaliencyLookup saliency_lookup;   /* set by the runner's saliency stage */
  gpointer saliency_lookup_data;
};

InterpContext *
interp_context_new (guint64 seed, int threads, const char *output_dir)
{
  InterpContext *ctx = g_new0 (InterpContext, 1);
  ctx->seed = seed;
  ctx->threads = threads > 0 ? threads : 1;
  ctx->output_dir = g_strdup (output_dir);
  return ctx;
}

void
interp_context_free (InterpContext *ctx)
{
  if (ctx == NULL)
    return;
  g_free (ctx->output_dir);
  g_free (ctx->condition);
  g_free (ctx);
}

guint64
interp_context_seed (const InterpContext *ctx)
{
  return ctx->seed;
}

int
interp_context_threads (const InterpContext *ctx)
{
  return ctx->threads;
}

const char *
interp_context_output_dir (const InterpContext *ctx)
{
  return ctx->output_suspended ? NULL : ctx->output_dir;
}

void
interp_context_set_output_suspended (InterpContext *ctx, gboolean suspended)
{
  ctx->output_suspended = suspended;
}

void
interp_context_rng (const InterpContext *ctx, const char *stream, InterpRng *rng)
{
  interp_rng_derive (rng, ctx->seed, stream);
}

const char *
interp_context_condition (const InterpContext *ctx)
{
  return ctx->condition;
}

void
interp_context_set_condition (InterpContext *ctx, const char *condition)
{
  g_free (ctx->condition);
  ctx->condition = g_strdup (condition);
}

const InterpTensor *
interp_context_clean_batch (const InterpContext *ctx)
{
  return ctx->clean_batch;
}

void
interp_context_set_clean_batch (InterpContext *ctx, const InterpTensor *clean)
{
  ctx->clean_batch = clean;
}

void
interp_context_set_saliency_lookup (InterpContext *ctx, InterpSaliencyLookup lookup,
                                    gpointer data)
{
  ctx->saliency_lookup = lookup;
  ctx->saliency_lookup_data = data;
}

gboolean
interp_saliency_lookup (InterpContext *ctx, const char *group,
                        const InterpSaliencyVTable **vtable, gpointer *instance,
                        GError **error)
{
  if (ctx == NULL || ctx->saliency_lookup == NULL)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_NOT_FOUND,
                   "%s: no saliency methods are available here (only the runner's saliency "
                   "stage provides them)", group ? group : "(null)");
      return FALSE;
    }
  return ctx->saliency_lookup (ctx->saliency_lookup_data, group, vtable, instance, error);
}
