/* Memory available and byte counts (memory.h). */
#include "config.h"

#include "base/memory.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

guint64
interp_memory_available (void)
{
  FILE *f = fopen ("/proc/meminfo", "r");
  if (f)
    {
      char line[256];
      unsigned long long kib = 0;
      gboolean found = FALSE;
      while (!found && fgets (line, sizeof line, f))
        found = sscanf (line, "MemAvailable: %llu kB", &kib) == 1;
      fclose (f);
      if (found)
        return (guint64) kib * 1024u;
    }
  long pages = sysconf (_SC_AVPHYS_PAGES), size = sysconf (_SC_PAGESIZE);
  return pages > 0 && size > 0 ? (guint64) pages * (guint64) size : 0;
}

char *
interp_memory_format (double bytes)
{
  static const char *const units[] = { "bytes", "kB", "MB", "GB", "TB", "PB" };
  int u = 0;
  while (bytes >= 1000.0 && u < (int) G_N_ELEMENTS (units) - 1)
    {
      bytes /= 1000.0;
      u++;
    }
  return u == 0 ? g_strdup_printf ("%.0f bytes", bytes) : g_strdup_printf ("%.1f %s", bytes,
                                                                          units[u]);
}

gboolean
interp_memory_parse (const char *text, guint64 *bytes)
{
  if (text == NULL)
    return FALSE;
  char *end = NULL;
  double v = g_ascii_strtod (text, &end);
  if (end == text || !isfinite (v) || v < 0)
    return FALSE;
  while (*end == ' ')
    end++;
  double scale = 1;
  const char *units = "KMGT";
  const char *u = *end ? strchr (units, g_ascii_toupper (*end)) : NULL;
  if (u)
    {
      scale = pow (1024.0, (double) (u - units + 1));
      end++;
      if (*end == 'i' || *end == 'I')
        end++;
      if (*end == 'B' || *end == 'b')
        end++;
    }
  else if (*end == 'B' || *end == 'b')
    end++;
  if (*end != '\0' || v * scale < 1 || v * scale > 1.8e19)
    return FALSE;
  *bytes = (guint64) (v * scale);
  return TRUE;
}
