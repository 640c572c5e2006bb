/* Softmax and softmax cross-entropy (numerically stable: every row is
 * shifted by its maximum before exponentiation; sums in double). */
#include "config.h"

#include <interp/loss.h>

#include <math.h>

double
interp_softmax_cross_entropy (const InterpTensor *logits, const int32_t *labels,
                              float label_smoothing, InterpTensor *dlogits,
                              float scale, int64_t *correct)
{
  g_return_val_if_fail (logits != NULL && logits->ndim >= 1, NAN);
  int64_t n = logits->shape[0];
  int64_t k = n > 0 ? (int64_t) (logits->numel / (size_t) n) : 0;
  g_return_val_if_fail (dlogits == NULL || dlogits->numel == logits->numel, NAN);
  if (correct)
    *correct = 0;
  if (n == 0 || k == 0)
    return 0.0;
  /* PyTorch: target q = (1 - s) * onehot + s / K;  loss = -sum_k q_k log p_k. */
  double s = label_smoothing, off = s / (double) k, on = 1.0 - s + off;
  double total = 0.0;
  for (int64_t i = 0; i < n; i++)
    {
      const float *z = logits->data + i * k;
      int32_t y = labels[i];
      g_return_val_if_fail (y >= 0 && y < k, NAN);
      int64_t arg = 0;
      for (int64_t j = 1; j < k; j++)
        if (z[j] > z[arg])
          arg = j;
      /* a NaN logit on the label is a miss (as metric:accuracy), not a hit
       * because nothing compared greater than it at index 0 */
      if (correct && arg == y && !isnan (z[y]))
        (*correct)++;
      double zmax = z[arg], sum = 0.0, sum_z = 0.0;
      for (int64_t j = 0; j < k; j++)
        {
          sum += exp ((double) z[j] - zmax);
          sum_z += (double) z[j] - zmax;
        }
      double lse = log (sum);
      /* -sum_j q_j (z_j - zmax - lse) */
      double loss = (1.0 - s) * (lse - ((double) z[y] - zmax)) + off * ((double) k * lse - sum_z);
      total += loss;
      if (dlogits)
        {
          float *d = dlogits->data + i * k;
          double f = (double) scale / (double) n;
          for (int64_t j = 0; j < k; j++)
            {
              double p = exp ((double) z[j] - zmax - lse);
              double q = j == y ? on : off;
              d[j] += (float) (f * (p - q));
            }
        }
    }
  return total / (double) n;
}

void
interp_softmax (const InterpTensor *logits, InterpTensor *probs)
{
  g_return_if_fail (logits != NULL && probs != NULL && logits->ndim >= 1);
  interp_tensor_reshape (probs, logits->ndim, logits->shape);
  int64_t n = logits->shape[0];
  if (n == 0)
    return;
  int64_t k = (int64_t) (logits->numel / (size_t) n);
  for (int64_t i = 0; i < n; i++)
    {
      const float *z = logits->data + i * k;
      float *p = probs->data + i * k;
      float zmax = z[0];
      for (int64_t j = 1; j < k; j++)
        if (z[j] > zmax)
          zmax = z[j];
      double sum = 0.0;
      for (int64_t j = 0; j < k; j++)
        sum += exp ((double) z[j] - zmax);
      for (int64_t j = 0; j < k; j++)
        p[j] = (float) (exp ((double) z[j] - zmax) / sum);
    }
}
