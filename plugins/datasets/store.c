#include "config.h"

#include "datasets.h"

#include <string.h>

DsStore *
ds_store_new (const char *name)
{
  DsStore *store = g_new0 (DsStore, 1);
  store->name = g_strdup (name);
  return store;
}

int64_t
ds_store_sample_size (const DsStore *store)
{
  return store->channels * store->height * store->width;
}

void
ds_store_alloc (DsStore *store, InterpSplit s, int64_t n)
{
  DsSplit *sp = &store->split[s];
  g_free (sp->pixels);
  g_free (sp->labels);
  sp->n = n;
  sp->pixels = g_malloc ((gsize) (n * ds_store_sample_size (store)) + 1);
  sp->labels = g_new0 (int32_t, (gsize) n + 1);
}

gboolean
ds_store_check_labels (const DsStore *store, InterpSplit s, const char *what, GError **error)
{
  const DsSplit *sp = &store->split[s];
  for (int64_t i = 0; i < sp->n; i++)
    if (sp->labels[i] < 0 || sp->labels[i] >= store->n_classes)
      {
        g_set_error (error, INTERP_ERROR, INTERP_ERROR_FORMAT,
                     "%s: label %d of sample %" G_GINT64_FORMAT " is out of range [0, %d)",
                     what, (int) sp->labels[i], i, store->n_classes);
        return FALSE;
      }
  return TRUE;
}

void
ds_store_close (gpointer self)
{
  DsStore *store = self;
  if (store == NULL)
    return;
  for (int s = 0; s < 2; s++)
    {
      g_free (store->split[s].pixels);
      g_free (store->split[s].labels);
    }
  g_strfreev (store->class_names);
  g_free (store->name);
  g_free (store);
}

void
ds_store_info (gpointer self, InterpDataInfo *info)
{
  DsStore *store = self;
  info->channels = store->channels;
  info->height = store->height;
  info->width = store->width;
  info->n_classes = store->n_classes;
  info->class_names = (const char *const *) store->class_names;
}

int64_t
ds_store_size (gpointer self, InterpSplit split)
{
  DsStore *store = self;
  if (split != INTERP_SPLIT_TRAIN && split != INTERP_SPLIT_TEST)
    return 0;
  return store->split[split].n;
}

gboolean
ds_store_read (gpointer self, InterpSplit split, const int64_t *idx, int64_t n, float *images,
               int32_t *labels, GError **error)
{
  DsStore *store = self;
  if (split != INTERP_SPLIT_TRAIN && split != INTERP_SPLIT_TEST)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_INVALID_ARGUMENT,
                   "dataset %s: split %d is not served by a plugin", store->name, (int) split);
      return FALSE;
    }
  const DsSplit *sp = &store->split[split];
  const int64_t ss = ds_store_sample_size (store);
  const float scale = 1.0f / 255.0f;
  for (int64_t i = 0; i < n; i++)
    if (idx[i] < 0 || idx[i] >= sp->n)
      {
        g_set_error (error, INTERP_ERROR, INTERP_ERROR_INVALID_ARGUMENT,
                     "dataset %s: sample %" G_GINT64_FORMAT " asked of a split of %"
                     G_GINT64_FORMAT, store->name, idx[i], sp->n);
        return FALSE;
      }
  for (int64_t i = 0; i < n; i++)
    {
      const uint8_t *src = sp->pixels + idx[i] * ss;
      float *dst = images + i * ss;
      for (int64_t j = 0; j < ss; j++)
        dst[j] = (float) src[j] * scale;
      labels[i] = sp->labels[idx[i]];
    }
  return TRUE;
}

char **
ds_read_lines (const char *path, GError **error)
{
  char *text = NULL;
  GError *local = NULL;
  if (!g_file_get_contents (path, &text, NULL, &local))
    {
      g_set_error (error, INTERP_ERROR,
                   g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT)
                   ? INTERP_ERROR_NOT_FOUND : INTERP_ERROR_IO,
                   "%s", local->message);
      g_error_free (local);
      return NULL;
    }
  char **lines = g_strsplit_set (text, "\r\n", -1);
  g_free (text);
  GPtrArray *out = g_ptr_array_new ();
  for (char **l = lines; *l; l++)
    {
      g_strstrip (*l);
      if (**l)
        g_ptr_array_add (out, g_strdup (*l));
    }
  g_strfreev (lines);
  g_ptr_array_add (out, NULL);
  return (char **) g_ptr_array_free (out, FALSE);
}
