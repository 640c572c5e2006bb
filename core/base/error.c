#include "config.h"

#include <interp/error.h>

G_DEFINE_QUARK (interp-error-quark, interp_error)
