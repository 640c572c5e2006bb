#include "config.h"

#include <interp/version.h>

const char *
interp_version (void)
{
  return PACKAGE_VERSION;
}
