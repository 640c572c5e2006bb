/* The components of the interp-metrics module, one per source file,
 * listed by plugin.c. */
#ifndef INTERP_PLUGINS_METRICS_COMPONENTS_H
#define INTERP_PLUGINS_METRICS_COMPONENTS_H

#include <interp/plugin.h>

extern const InterpComponent interp_metric_accuracy;
extern const InterpComponent interp_metric_class_selectivity;
extern const InterpComponent interp_metric_dimensionality;
extern const InterpComponent interp_metric_gradient_variability;

#endif
