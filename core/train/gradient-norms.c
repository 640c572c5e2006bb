/* Per-source gradient norms: the rows of gradient-norms.csv and the file. */
#include "config.h"

#include "train/gradient-norms.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#include <interp/error.h>

#include "util/fs.h"
#include "util/number.h"

struct InterpGradNorms {
  int64_t every;
  GString *rows;     /* every row so far, header excluded */
};

InterpGradNorms *
interp_grad_norms_new (int64_t every)
{
  g_return_val_if_fail (every >= 1, NULL);
  InterpGradNorms *gn = g_new0 (InterpGradNorms, 1);
  gn->every = every;
  gn->rows = g_string_new (NULL);
  return gn;
}

void
interp_grad_norms_free (InterpGradNorms *gn)
{
  if (gn == NULL)
    return;
  g_string_free (gn->rows, TRUE);
  g_free (gn);
}

gboolean
interp_grad_norms_due (const InterpGradNorms *gn, int64_t step)
{
  return gn != NULL && step % gn->every == 0;
}

gboolean
interp_grad_norms_wanted (const InterpParam *p)
{
  return !p->is_buffer && !p->frozen && p->grad != NULL;
}

double
interp_grad_norm (const InterpParam *p)
{
  const float *g = p->grad->data;
  double sum = 0.0;
  for (size_t i = 0; i < p->grad->numel; i++)
    sum += (double) g[i] * (double) g[i];
  return sqrt (sum);
}

void
interp_grad_norms_record (InterpGradNorms *gn, InterpNet *net, int64_t epoch, int64_t step,
                          const char *source)
{
  for (int i = 0; i < interp_net_n_params (net); i++)
    {
      const InterpParam *p = interp_net_param (net, i);
      if (!interp_grad_norms_wanted (p))
        continue;
      char norm[G_ASCII_DTOSTR_BUF_SIZE];
      double v = interp_grad_norm (p);
      /* A diverging step's gradients can be non-finite: spelt as
       * everywhere else ("nan", "inf"), not the C library's "-nan". */
      if (isfinite (v))
        g_ascii_formatd (norm, sizeof norm, "%.9g", v);
      else
        g_strlcpy (norm, interp_non_finite_name (v), sizeof norm);
      g_string_append_printf (gn->rows, "%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT ",%s,%s,%s\n",
                              epoch + 1, step, p->name, source, norm);
    }
}

const char *
interp_grad_norms_rows (const InterpGradNorms *gn)
{
  return gn->rows->str;
}

/* The epoch of one row (its first field), or -1 when it has none. */
static int64_t
row_epoch (const char *line)
{
  char *end = NULL;
  errno = 0;
  gint64 epoch = g_ascii_strtoll (line, &end, 10);
  if (errno != 0 || end == line || *end != ',' || epoch < 1)
    return -1;
  return epoch;
}

gboolean
interp_grad_norms_resume (InterpGradNorms *gn, const char *dir, int64_t epochs_done,
                          GError **error)
{
  g_string_truncate (gn->rows, 0);
  if (epochs_done <= 0)
    return TRUE;
  char *path = g_build_filename (dir, INTERP_GRAD_NORMS_FILE, NULL);
  char *text = NULL;
  gboolean ok = TRUE;
  /* No file: the earlier attempt recorded nothing (gradient-norms was off). */
  if (!g_file_get_contents (path, &text, NULL, NULL))
    {
      g_free (path);
      return TRUE;
    }
  char **lines = g_strsplit (text, "\n", -1);
  if (!g_str_equal (lines[0], "epoch,step,parameter,source,norm"))
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_FORMAT,
                   "%s:1: not a gradient-norms file (expected the header %s)", path,
                   "epoch,step,parameter,source,norm");
      ok = FALSE;
    }
  for (guint i = 1; ok && lines[i]; i++)
    {
      if (*lines[i] == '\0')
        continue;
      int64_t epoch = row_epoch (lines[i]);
      if (epoch < 0)
        {
          g_set_error (error, INTERP_ERROR, INTERP_ERROR_FORMAT,
                       "%s:%u: a row must start with its epoch (1, 2, ...)", path, i + 1);
          ok = FALSE;
        }
      /* Rows of later epochs belong to an epoch the checkpoint does not
       * hold: it is trained again and records them again. */
      else if (epoch <= epochs_done)
        g_string_append_printf (gn->rows, "%s\n", lines[i]);
    }
  if (!ok)
    g_string_truncate (gn->rows, 0);
  g_strfreev (lines);
  g_free (text);
  g_free (path);
  return ok;
}

gboolean
interp_grad_norms_write (const InterpGradNorms *gn, const char *dir, GError **error)
{
  char *path = g_build_filename (dir, INTERP_GRAD_NORMS_FILE, NULL);
  InterpAtomicFile *f = interp_atomic_file_new (path, error);
  g_free (path);
  if (f == NULL)
    return FALSE;
  interp_atomic_file_write (f, INTERP_GRAD_NORMS_HEADER, strlen (INTERP_GRAD_NORMS_HEADER));
  interp_atomic_file_write (f, gn->rows->str, gn->rows->len);
  return interp_atomic_file_commit (f, error);
}
