/* The class selectivity index of one unit, shared by metric:class-selectivity
 * and regularizer:class-selectivity so both use one definition.
 *
 * Leavitt & Morcos (ICLR 2021), after Morcos et al. (2018): with mu_k the
 * unit's mean activation over samples of class k,
 *   SI = (mu_max - mu_-max) / (mu_max + mu_-max + eps),
 * mu_max = max_k mu_k, mu_-max = mean of mu_k over the other classes.  Only
 * classes with present[k] take part (a class with no samples has no mean).
 * A unit whose class means are all zero gets SI = 0 from the formula itself.
 * Header-only: included by two plugin modules. */
#ifndef INTERP_PLUGINS_SELECTIVITY_INDEX_H
#define INTERP_PLUGINS_SELECTIVITY_INDEX_H

#include <glib.h>
#include <interp/interp.h>

/* Default eps of the index, as in the selectivity index of Leavitt & Morcos,
 * "Selectivity considered harmful", ICLR 2021. */
#define INTERP_SELECTIVITY_EPS 1e-7

/* SI of a unit with class means mu[0..K), over the classes with present[k]
 * (at least two).  *kmax receives the first class attaining mu_max.  When
 * d_max / d_other are non-NULL they receive dSI/d(mu_kmax) and dSI/d(mu_k)
 * for every other present class k (all equal: mu_-max is their mean).  Ties
 * for the maximum give the whole mu_max derivative to the first argmax (a
 * subgradient). */
static inline double
interp_selectivity_index (const double *mu, const gboolean *present, int K, double eps,
                          int *kmax, double *d_max, double *d_other)
{
  int best = -1, n_present = 0;
  double total = 0.0;
  for (int k = 0; k < K; k++)
    if (present[k])
      {
        if (best < 0 || mu[k] > mu[best])
          best = k;
        total += mu[k];
        n_present++;
      }
  g_assert (n_present >= 2);
  double mu_max = mu[best];
  double mu_rest = (total - mu_max) / (n_present - 1);
  double a = mu_max - mu_rest, b = mu_max + mu_rest + eps;
  *kmax = best;
  /* d(a/b)/d(mu_max) = (b - a)/b^2, d(a/b)/d(mu_rest) = -(b + a)/b^2. */
  if (d_max != NULL)
    *d_max = (2.0 * mu_rest + eps) / (b * b);
  if (d_other != NULL)
    *d_other = -(2.0 * mu_max + eps) / (b * b) / (n_present - 1);
  return a / b;
}

/* What the metric and the regulariser both resolve at create(): the class
 * count (the dataset's, else the width of the network's output) and the
 * nodes matched by the `layers` key.  NULL with error when there are fewer
 * than 2 classes or the glob matches nothing.  Free with g_array_unref. */
static inline GArray *
interp_selectivity_match_layers (const InterpParams *params, InterpNet *net,
                                 const InterpDataInfo *data, int *n_classes, GError **error)
{
  const char *where = interp_params_where (params);
  const char *glob = interp_params_get_string (params, "layers");
  *n_classes = data != NULL ? data->n_classes
               : (int) interp_net_node_units (net, interp_net_output_node (net));
  if (*n_classes < 2)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_INVALID_ARGUMENT,
                   "%s: class selectivity needs at least 2 classes, the data has %d",
                   where, *n_classes);
      return NULL;
    }
  GArray *match = interp_net_match (net, glob);
  if (match->len == 0)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_NOT_FOUND,
                   "%s: key 'layers': no node matches '%s'", where, glob);
      g_array_unref (match);
      return NULL;
    }
  return match;
}

#endif
