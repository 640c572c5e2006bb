/* core/image basics: views, copies, clipping, 8-bit quantisation and the
 * border rules. */
#include "config.h"

#include "image-test.h"

#include <interp/tensor.h>

Test (basics, new_is_zero_and_numel_counts_floats)
{
  InterpImage *img = interp_image_new (3, 2, 5);
  cr_assert_eq (interp_image_numel (img), 30);
  for (size_t i = 0; i < 30; i++)
    cr_assert_eq (img->data[i], 0.0f);
  interp_image_free (img);
  interp_image_free (NULL);
}

Test (basics, view_borrows_one_sample_of_a_tensor)
{
  InterpTensor *t = interp_tensor_new_4d (2, 3, 2, 2);
  for (size_t i = 0; i < t->numel; i++)
    t->data[i] = (float) i;
  InterpImage v = interp_image_view (t, 1);
  cr_assert (v.channels == 3 && v.height == 2 && v.width == 2);
  cr_assert_eq (v.data, t->data + 12, "sample 1 starts after 3 * 2 * 2 floats");
  cr_assert_eq (at (&v, 2, 1, 0), 22.0f);
  v.data[0] = -1.0f;
  cr_assert_eq (t->data[12], -1.0f, "a view writes through to the tensor");
  interp_tensor_free (t);
}

Test (basics, copy_and_same_shape)
{
  const float v[] = { 1, 2, 3, 4, 5, 6 };
  InterpImage *a = image_from (1, 2, 3, v), *b = interp_image_new (1, 2, 3);
  InterpImage *c = interp_image_new (1, 3, 2);
  cr_assert (interp_image_same_shape (a, b));
  cr_assert_not (interp_image_same_shape (a, c), "2x3 and 3x2 differ");
  interp_image_copy (a, b);
  assert_image_near (b, v, 0.0);
  interp_image_free (a);
  interp_image_free (b);
  interp_image_free (c);
}

Test (basics, clip_bounds_to_unit_interval)
{
  const float v[] = { -0.5f, 0.0f, 0.25f, 1.0f, 1.5f };
  const float want[] = { 0.0f, 0.0f, 0.25f, 1.0f, 1.0f };
  InterpImage *img = image_from (1, 1, 5, v);
  interp_image_clip (img);
  assert_image_near (img, want, 0.0);
  interp_image_free (img);
}

Test (basics, quantize_truncates_as_np_uint8)
{
  /* np.uint8(255 * x): 0.999 / 255 -> 0, 1.999 / 255 -> 1, 0.5 -> 127
   * (127.5 truncated), exact levels stay, out-of-range clipped first. */
  const float v[] = { 0.999f / 255, 1.999f / 255, 0.5f, 1.0f / 255, 200.0f / 255,
                      1.0f, 1.5f, -0.2f };
#define L(k) ((float) ((k) / 255.0))
  const float want[] = { 0, L (1), L (127), L (1), L (200), 1, 1, 0 };
#undef L
  InterpImage *img = image_from (1, 1, 8, v);
  interp_image_quantize_u8 (img);
  assert_image_near (img, want, 0.0);
  interp_image_quantize_u8 (img);
  assert_image_near (img, want, 0.0);   /* idempotent: no level lost on a second pass */
  interp_image_free (img);
}

Test (basics, quantize_keeps_every_level)
{
  InterpImage *img = interp_image_new (1, 1, 256);
  for (int k = 0; k < 256; k++)
    img->data[k] = (float) (k / 255.0);
  interp_image_quantize_u8 (img);
  for (int k = 0; k < 256; k++)
    cr_assert_eq (img->data[k], (float) (k / 255.0), "level %d moved", k);
  interp_image_free (img);
}

Test (basics, border_indices_for_n_4)
{
  /* i = -2 .. 5 for n = 4, from the diagrams of the header. */
  const int64_t r101[] = { 2, 1, 0, 1, 2, 3, 2, 1 };
  const int64_t refl[] = { 1, 0, 0, 1, 2, 3, 3, 2 };
  const int64_t near[] = { 0, 0, 0, 1, 2, 3, 3, 3 };
  const int64_t cons[] = { -1, -1, 0, 1, 2, 3, -1, -1 };
  for (int64_t i = -2; i <= 5; i++)
    {
      cr_assert_eq (interp_border_index (i, 4, INTERP_BORDER_REFLECT_101), r101[i + 2], "101 %ld", (long) i);
      cr_assert_eq (interp_border_index (i, 4, INTERP_BORDER_REFLECT), refl[i + 2], "reflect %ld", (long) i);
      cr_assert_eq (interp_border_index (i, 4, INTERP_BORDER_NEAREST), near[i + 2], "nearest %ld", (long) i);
      cr_assert_eq (interp_border_index (i, 4, INTERP_BORDER_CONSTANT), cons[i + 2], "constant %ld", (long) i);
    }
}

Test (basics, border_indices_far_out_and_size_one)
{
  /* Reflections are periodic: 2n - 2 = 6 for reflect-101, 2n = 8 for reflect. */
  cr_assert_eq (interp_border_index (6, 4, INTERP_BORDER_REFLECT_101), 0);
  cr_assert_eq (interp_border_index (-7, 4, INTERP_BORDER_REFLECT_101), 1);
  cr_assert_eq (interp_border_index (-9, 4, INTERP_BORDER_REFLECT), 0);
  cr_assert_eq (interp_border_index (12, 4, INTERP_BORDER_REFLECT), 3);
  cr_assert_eq (interp_border_index (-100, 4, INTERP_BORDER_NEAREST), 0);
  for (int b = INTERP_BORDER_REFLECT_101; b <= INTERP_BORDER_NEAREST; b++)
    for (int64_t i = -3; i <= 3; i++)
      cr_assert_eq (interp_border_index (i, 1, b), 0, "n = 1 always reads pixel 0");
}
