/* Learning-rate schedules; the formulas are documented in <interp/optim.h>. */
#include "config.h"

#include <math.h>

#include <interp/error.h>
#include <interp/optim.h>

double
interp_schedule_lr (const InterpSchedule *s, int64_t step)
{
  g_return_val_if_fail (s != NULL, 0.0);
  if (step < 0)
    step = 0;
  if (s->warmup_steps > 0 && step < s->warmup_steps)
    return s->base_lr * (double) (step + 1) / (double) s->warmup_steps;

  int64_t u = step - MAX (s->warmup_steps, 0);
  switch (s->kind)
    {
    case INTERP_SCHEDULE_CONSTANT:
      return s->base_lr;
    case INTERP_SCHEDULE_STEP:
      g_return_val_if_fail (s->step_size >= 1, s->base_lr);
      return s->base_lr * pow (s->gamma, (double) (u / s->step_size));
    case INTERP_SCHEDULE_COSINE:
      {
        int64_t T = s->total_steps - MAX (s->warmup_steps, 0);
        if (u >= T)
          return s->min_lr;
        return s->min_lr
               + (s->base_lr - s->min_lr) * (1.0 + cos (G_PI * (double) u / (double) T)) / 2.0;
      }
    }
  g_return_val_if_reached (s->base_lr);
}

gboolean
interp_schedule_check (const InterpSchedule *s, GError **error)
{
  g_return_val_if_fail (s != NULL, FALSE);
  const char *bad = NULL;
  if (!(s->base_lr > 0 && isfinite (s->base_lr)))
    bad = "base_lr must be a positive finite number";
  else if (s->warmup_steps < 0)
    bad = "warmup_steps must be >= 0";
  else if (s->kind == INTERP_SCHEDULE_STEP && s->step_size < 1)
    bad = "step_size must be >= 1";
  else if (s->kind == INTERP_SCHEDULE_STEP && !(s->gamma > 0 && isfinite (s->gamma)))
    bad = "gamma must be a positive finite number";
  else if (s->kind == INTERP_SCHEDULE_COSINE && s->total_steps <= s->warmup_steps)
    bad = "total_steps must exceed warmup_steps";
  else if (s->kind == INTERP_SCHEDULE_COSINE && !(s->min_lr >= 0 && s->min_lr <= s->base_lr))
    bad = "min_lr must lie in [0, base_lr]";
  else if ((int) s->kind < 0 || s->kind > INTERP_SCHEDULE_COSINE)
    bad = "unknown schedule kind";
  if (bad)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_OUT_OF_RANGE,
                   "learning-rate schedule: %s", bad);
      return FALSE;
    }
  return TRUE;
}
