/* The blur kernels of the corruption generators: make_cifar_c.py's disk()
 * for defocus blur (hendrycks/robustness, ImageNet-C/create_c) and the line
 * ImageMagick's MotionBlurImage draws (ImageMagick MagickCore/effect.c),
 * which the generator calls through Wand. */
#include "config.h"

#include <interp/image.h>

#include <math.h>

float *
interp_disk_kernel (double radius, double alias_blur, int *side)
{
  g_return_val_if_fail (radius > 0 && alias_blur > 0 && side != NULL, NULL);
  /* disk(): L = arange(-8, 9) when radius <= 8, else arange(-radius,
   * radius + 1), with a (3, 3) GaussianBlur, (5, 5) beyond 8. */
  const int half = radius <= 8 ? 8 : (int) ceil (radius);
  const int n = 2 * half + 1, ksize = radius <= 8 ? 3 : 5;
  InterpImage *mask = interp_image_new (1, n, n), *out = interp_image_new (1, n, n);
  double count = 0;
  for (int y = -half; y <= half; y++)
    for (int x = -half; x <= half; x++)
      if ((double) (x * x + y * y) <= radius * radius)
        {
          mask->data[(y + half) * n + x + half] = 1.0f;
          count++;
        }
  for (int i = 0; i < n * n; i++)
    mask->data[i] = (float) (mask->data[i] / count);
  /* cv2.GaussianBlur(ksize, sigmaX = alias_blur): the separable kernel of
   * cv2.getGaussianKernel, exp(-(i - (ksize-1)/2)^2 / (2 sigma^2))
   * normalised, which is scipy's taps of radius ksize / 2; the border is
   * OpenCV's default, reflect-101. */
  float taps[5], k2[25];
  interp_gaussian_taps (alias_blur, ksize / 2, taps);
  for (int i = 0; i < ksize; i++)
    for (int j = 0; j < ksize; j++)
      k2[i * ksize + j] = taps[i] * taps[j];
  interp_image_filter2d (mask, k2, ksize, ksize, INTERP_BORDER_REFLECT_101, out);
  float *kernel = g_steal_pointer (&out->data);
  interp_image_free (mask);
  interp_image_free (out);
  *side = n;
  return kernel;
}

float *
interp_motion_kernel (int radius, double sigma, double angle_degrees, int *side)
{
  g_return_val_if_fail (radius >= 1 && sigma > 0 && side != NULL, NULL);
  /* ImageMagick: width = GetOptimalKernelWidth1D (radius, sigma) =
   * 2 radius + 1 taps, tap i weighted exp(-i^2 / (2 sigma^2)) and
   * normalised, read at the offset (ceil (i cos a - 0.5), ceil (i sin a -
   * 0.5)) from the pixel, i = 0 .. 2 radius.  The taps reach 2 radius
   * pixels out on one side, so the centred kernel is 4 radius + 1 wide. */
  const int width = 2 * radius + 1, n = 2 * (width - 1) + 1, c = width - 1;
  const double a = angle_degrees * G_PI / 180.0;
  double *w = g_new (double, width), sum = 0.0;
  for (int i = 0; i < width; i++)
    {
      w[i] = exp (-(double) i * i / (2.0 * sigma * sigma));
      sum += w[i];
    }
  float *kernel = g_new0 (float, (gsize) n * n);
  for (int i = 0; i < width; i++)
    {
      int dx = (int) ceil ((double) i * cos (a) - 0.5);
      int dy = (int) ceil ((double) i * sin (a) - 0.5);
      /* Applied as a correlation, tap (c + dy, c + dx) reads pixel
       * (y + dy, x + dx), as ImageMagick reads it.  Two taps may round to
       * the same pixel: their weights add. */
      kernel[(c + dy) * n + (c + dx)] += (float) (w[i] / sum);
    }
  g_free (w);
  *side = n;
  return kernel;
}
