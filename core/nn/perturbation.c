/* Norms of perturbations (attack.h). */
#include "config.h"

#include <math.h>
#include <interp/attack.h>

double
interp_perturbation_norm (InterpNorm norm, const float *a, const float *b, size_t numel)
{
  double acc = 0.0;
  for (size_t i = 0; i < numel; i++)
    {
      double d = (double) a[i] - (double) b[i];
      if (norm == INTERP_NORM_LINF)
        acc = fmax (acc, fabs (d));
      else
        acc += d * d;
    }
  return norm == INTERP_NORM_LINF ? acc : sqrt (acc);
}
