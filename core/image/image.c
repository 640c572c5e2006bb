/* InterpImage basics: allocation, views, copies, clipping, 8-bit
 * quantisation and the border rules every sampling operation shares. */
#include "config.h"

#include <interp/image.h>

#include <math.h>
#include <string.h>

InterpImage *
interp_image_new (int64_t channels, int64_t height, int64_t width)
{
  g_return_val_if_fail (channels >= 1 && height >= 1 && width >= 1, NULL);
  InterpImage *img = g_new0 (InterpImage, 1);
  img->channels = channels;
  img->height = height;
  img->width = width;
  img->data = g_new0 (float, (gsize) (channels * height * width));
  return img;
}

void
interp_image_free (InterpImage *img)
{
  if (img == NULL)
    return;
  g_free (img->data);
  g_free (img);
}

InterpImage
interp_image_view (const InterpTensor *t, int64_t index)
{
  InterpImage v = { 0, 0, 0, NULL };
  g_return_val_if_fail (t != NULL && t->ndim == 4, v);
  g_return_val_if_fail (index >= 0 && index < t->shape[0], v);
  v.channels = t->shape[1];
  v.height = t->shape[2];
  v.width = t->shape[3];
  v.data = t->data + (size_t) index * (size_t) (v.channels * v.height * v.width);
  return v;
}

size_t
interp_image_numel (const InterpImage *img)
{
  return (size_t) img->channels * (size_t) img->height * (size_t) img->width;
}

gboolean
interp_image_same_shape (const InterpImage *a, const InterpImage *b)
{
  return a->channels == b->channels && a->height == b->height && a->width == b->width;
}

void
interp_image_copy (const InterpImage *src, InterpImage *dst)
{
  g_return_if_fail (interp_image_same_shape (src, dst));
  if (src->data != dst->data)
    memcpy (dst->data, src->data, interp_image_numel (src) * sizeof (float));
}

void
interp_image_clip (InterpImage *img)
{
  const size_t n = interp_image_numel (img);
  for (size_t i = 0; i < n; i++)
    img->data[i] = CLAMP (img->data[i], 0.0f, 1.0f);
}

void
interp_image_quantize_u8 (InterpImage *img)
{
  /* np.uint8(255 * x) truncates towards zero; x is already in [0, 1] so
   * floor and truncation agree.  An exact 8-bit level k stored as the float
   * k / 255 may sit up to half an ulp below it (2^-25 relative), i.e. up to
   * 255 * 2^-25 ~ 7.6e-6 below k after the product: the 1e-4 slack keeps
   * such a value at k (so quantising twice changes nothing) while 0.999 / 255
   * still truncates to 0. */
  const size_t n = interp_image_numel (img);
  for (size_t i = 0; i < n; i++)
    {
      double v = CLAMP ((double) img->data[i], 0.0, 1.0);
      double k = floor (v * 255.0 + 1e-4);
      img->data[i] = (float) (k / 255.0);
    }
}

int64_t
interp_border_index (int64_t i, int64_t n, InterpBorder border)
{
  if (i >= 0 && i < n)
    return i;
  switch (border)
    {
    case INTERP_BORDER_CONSTANT:
      return -1;
    case INTERP_BORDER_NEAREST:
      return i < 0 ? 0 : n - 1;
    case INTERP_BORDER_REFLECT:
      {
        /* Period 2n: 0..n-1 then n-1..0 (edge pixel repeated). */
        int64_t p = 2 * n, r = i % p;
        if (r < 0)
          r += p;
        return r < n ? r : p - 1 - r;
      }
    case INTERP_BORDER_REFLECT_101:
    default:
      {
        /* Period 2n - 2: 0..n-1 then n-2..1 (edge pixel not repeated). */
        if (n == 1)
          return 0;
        int64_t p = 2 * n - 2, r = i % p;
        if (r < 0)
          r += p;
        return r < n ? r : p - r;
      }
    }
}
