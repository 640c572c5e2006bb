/* The components of the interp-regularizers module, one per source file,
 * listed by plugin.c. */
#ifndef INTERP_PLUGINS_REGULARIZERS_COMPONENTS_H
#define INTERP_PLUGINS_REGULARIZERS_COMPONENTS_H

#include <interp/plugin.h>

extern const InterpComponent interp_regularizer_class_selectivity;
extern const InterpComponent interp_regularizer_l2;
extern const InterpComponent interp_regularizer_l1_activation;

#endif
