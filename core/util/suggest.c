#include "config.h"

#include "util/suggest.h"

#include <string.h>

guint
interp_edit_distance (const char *a, const char *b)
{
  size_t la = strlen (a), lb = strlen (b);
  guint *prev = g_new (guint, lb + 1), *cur = g_new (guint, lb + 1);
  for (size_t j = 0; j <= lb; j++)
    prev[j] = (guint) j;
  for (size_t i = 1; i <= la; i++)
    {
      cur[0] = (guint) i;
      for (size_t j = 1; j <= lb; j++)
        {
          guint sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
          guint del = prev[j] + 1, ins = cur[j - 1] + 1;
          cur[j] = MIN (sub, MIN (del, ins));
        }
      guint *t = prev;
      prev = cur;
      cur = t;
    }
  guint d = prev[lb];
  g_free (prev);
  g_free (cur);
  return d;
}

const char *
interp_suggest_closest (const char *word, const char *const *candidates, gsize n)
{
  const char *best = NULL;
  guint best_d = G_MAXUINT;
  for (gsize i = 0; i < n; i++)
    {
      guint d = interp_edit_distance (word, candidates[i]);
      if (d < best_d)
        {
          best_d = d;
          best = candidates[i];
        }
    }
  if (best && best_d <= MAX (2u, (guint) strlen (word) / 2))
    return best;
  return NULL;
}
