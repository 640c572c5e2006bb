#include "config.h"

#include "util/error-prefix.h"

#include <string.h>

void
interp_error_prefix_group (GError **error, const char *group)
{
  if (error == NULL || *error == NULL)
    return;
  char *tag = g_strdup_printf ("[%s]", group);
  if (strstr ((*error)->message, tag) == NULL)
    g_prefix_error (error, "%s: ", tag);
  g_free (tag);
}
