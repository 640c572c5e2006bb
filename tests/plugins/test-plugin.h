/* Shared by the registry's test-only plugins (the .c files of tests/plugins) and by
 * tests/test-registry.c: a metric vtable that does nothing, so a descriptor
 * can point at a real vtable of the right kind and size. */
#ifndef INTERP_TEST_PLUGIN_H
#define INTERP_TEST_PLUGIN_H

#include <interp/metric.h>
#include <interp/plugin.h>

static gpointer
test_metric_create (const InterpParams *params, InterpNet *net, const InterpDataInfo *data,
                    InterpContext *ctx, GError **error)
{
  static int token;
  return &token;
}

static void
test_metric_destroy (gpointer self)
{
}

static void
test_metric_reset (gpointer self)
{
}

static gboolean
test_metric_update (gpointer self, InterpNet *net, const InterpTensor *x,
                    const int32_t *labels, GError **error)
{
  return TRUE;
}

static gboolean
test_metric_finish (gpointer self, InterpResults *results, GError **error)
{
  return TRUE;
}

static const InterpMetricVTable test_metric_vtable = {
  INTERP_VTABLE_SIZE (InterpMetricVTable),
  .create = test_metric_create,
  .destroy = test_metric_destroy,
  .reset = test_metric_reset,
  .update = test_metric_update,
  .finish = test_metric_finish,
};

#endif
