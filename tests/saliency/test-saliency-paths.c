/* The path methods of interp-saliency (gradient, gradient-x-input,
 * integrated-gradients, noise-tunnel, gradient-shap) against hand-computed
 * values, finite differences and their defining identities. */
#include "config.h"

#include <math.h>
#include <string.h>

#include <criterion/criterion.h>

#include "saliency-fixture.h"

/* ---- gradient ------------------------------------------------------------ */

/* Central differences with step h on float inputs: the truncation error is
 * h^2/6 |z'''| (zero where the net is piecewise linear and no kink lies
 * within h: relu and maxpool are, so only kinks matter, which these images
 * keep away from by more than h for all but measure-zero cases), and the
 * rounding error of the logits, about 2 * eps_f * |z| / (2h) with
 * eps_f = 6e-8 and |z| < 4 here: 2.4e-7 / h.  With h = 1e-2: 2.4e-5, and
 * the analytic gradient itself is a float sum of ~40 products of size < 1
 * (relative error ~40 eps_f = 2.4e-6).  A kink crossed inside [x-h, x+h]
 * would give an error of order |w| ~ 0.5, so 1e-3 separates the two. */
Test (gradient, matches_finite_differences_on_the_conv_net)
{
  InterpNet *net = sal_conv_net (FALSE);
  InterpTensor *x = sal_images (2, 1, SAL_SIDE, SAL_SIDE, 3);
  const int32_t targets[2] = { 0, 2 };
  SalMethod *m = sal_method ("gradient", NULL);
  InterpTensor *attr = interp_tensor_new_4d (1, 1, 1, 1);
  sal_attribute (m, net, x, targets, 1, attr, NULL);
  double *fd = g_new (double, x->numel);
  sal_fd_grad (net, x, targets, 1e-2, fd);
  double worst = 0.0;
  for (size_t j = 0; j < x->numel; j++)
    worst = MAX (worst, fabs (fd[j] - attr->data[j]));
  cr_assert_lt (worst, 1e-3, "gradient vs finite differences: %g", worst);
  g_free (fd);
  interp_tensor_free (attr);
  sal_method_free (m);
  interp_tensor_free (x);
  interp_net_free (net);
}
