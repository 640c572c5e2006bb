/* The MNIST-C corruptions (google-research/mnist-c, corruptions.py): shear,
 * scale, rotate, translate, stripe, zigzag, dotted-line, canny-edges.
 *
 * Besides the common properties, the geometric ones are checked on a linear
 * ramp image: bilinear interpolation reproduces a linear function exactly,
 * so wherever the inverse map reads inside the image, the output must be
 * the ramp evaluated at the mapped point. */
#include "config.h"

#include <math.h>
#include <string.h>

#include <criterion/criterion.h>

#include "plugins/corruptions/plugin-components.h"
#include "test-weather-generic.h"

static const char *const exact[] = { "quantize=false", NULL };

WEATHER_GENERIC_TESTS (shear, interp_corruption_shear, NULL)
WEATHER_ORDERING_TEST (shear, interp_corruption_shear, NULL)
WEATHER_GENERIC_TESTS (scale, interp_corruption_scale, NULL)
WEATHER_ORDERING_TEST (scale, interp_corruption_scale, NULL)
WEATHER_GENERIC_TESTS (rotate, interp_corruption_rotate, NULL)
WEATHER_ORDERING_TEST (rotate, interp_corruption_rotate, NULL)
WEATHER_GENERIC_TESTS (translate, interp_corruption_translate, NULL)
WEATHER_ORDERING_TEST (translate, interp_corruption_translate, NULL)
WEATHER_GENERIC_TESTS (stripe, interp_corruption_stripe, NULL)
WEATHER_ORDERING_TEST (stripe, interp_corruption_stripe, NULL)
WEATHER_GENERIC_TESTS (zigzag, interp_corruption_zigzag, NULL)
WEATHER_ORDERING_TEST (zigzag, interp_corruption_zigzag, NULL)
WEATHER_GENERIC_TESTS (dotted_line, interp_corruption_dotted_line, NULL)
WEATHER_ORDERING_TEST (dotted_line, interp_corruption_dotted_line, NULL)
WEATHER_GENERIC_TESTS (canny_edges, interp_corruption_canny_edges, NULL)
WEATHER_ORDERING_TEST (canny_edges, interp_corruption_canny_edges, NULL)

/* ---- the ramp --------------------------------------------------------------- */

#define RAMP_A 0.015   /* per column */
#define RAMP_B 0.010   /* per row */
#define RAMP_C 0.2     /* at (0, 0); the largest value, 0.2 + 27 (0.025) = 0.875 < 1 */

static double
ramp (double x, double y)
{
  return RAMP_A * x + RAMP_B * y + RAMP_C;
}

static InterpTensor *
ramp_image (void)
{
  InterpTensor *t = interp_tensor_new_4d (1, 1, 28, 28);
  for (int y = 0; y < 28; y++)
    for (int x = 0; x < 28; x++)
      t->data[y * 28 + x] = (float) ramp (x, y);
  return t;
}

/* Whether out equals the ramp read through the inverse map (a11 a12; a21 a22)
 * about the centre 13.5, at every pixel whose four bilinear taps are inside.
 * Tolerance 1e-5: the map is float32 (about 2e-6 pixels at 28), times the
 * ramp's gradient (< 0.03 per pixel) and a few float32 roundings of values
 * below 1 (about 1e-7 each) stay below 1e-6; 1e-5 leaves a margin of ten. */
static gboolean
matches_inverse_map (const InterpTensor *out, double a11, double a12, double a21, double a22,
                     int *n_checked)
{
  double m = 13.5;
  *n_checked = 0;
  for (int y = 0; y < 28; y++)
    for (int x = 0; x < 28; x++)
      {
        double sx = a11 * (x - m) + a12 * (y - m) + m, sy = a21 * (x - m) + a22 * (y - m) + m;
        if (sx < 0 || sy < 0 || sx > 27 || sy > 27)
          continue;
        (*n_checked)++;
        if (fabs (out->data[y * 28 + x] - ramp (sx, sy)) > 1e-5)
          return FALSE;
      }
  return TRUE;
}

/* Applies comp at `severity` to the ramp for 16 streams; each output must
 * match the +t or the -t map (build (t, a) fills the 2x2 part); both signs
 * must occur. */
static void
check_ramp (const InterpComponent *comp, int severity, double t,
            void (*build) (double t, double a[4]), gboolean signed_draw)
{
  gpointer self = weather_create (comp, exact);
  InterpTensor *x = ramp_image ();
  int seen_plus = 0, seen_minus = 0;
  for (int i = 0; i < 16; i++)
    {
      InterpTensor *out = weather_apply (comp, self, x, severity, i);
      double plus[4], minus[4];
      build (t, plus);
      build (-t, minus);
      int n = 0;
      if (matches_inverse_map (out, plus[0], plus[1], plus[2], plus[3], &n))
        seen_plus++;
      else if (signed_draw && matches_inverse_map (out, minus[0], minus[1], minus[2], minus[3], &n))
        seen_minus++;
      else
        cr_assert_fail ("%s@%d stream %d: not the ramp read through the %g map", comp->name,
                        severity, i, t);
      cr_assert_gt (n, 200, "only %d pixels map inside the image", n);
      interp_tensor_free (out);
    }
  if (signed_draw)
    cr_assert (seen_plus > 0 && seen_minus > 0, "%s: signs +%d -%d", comp->name, seen_plus,
               seen_minus);
  interp_tensor_free (x);
  weather_destroy (comp, self);
}

static void
rotation (double t, double a[4])
{
  a[0] = cos (t), a[1] = -sin (t), a[2] = sin (t), a[3] = cos (t);
}

static void
shearing (double s, double a[4])
{
  a[0] = 1, a[1] = -sin (s), a[2] = 0, a[3] = cos (s);
}

static void
scaling (double s, double a[4])
{
  a[0] = s, a[1] = 0, a[2] = 0, a[3] = s;
}

Test (rotate, ramp_read_through_the_rotation)
{
  /* Severity 2 is the released MNIST-C's 0.4 rad. */
  check_ramp (&interp_corruption_rotate, 2, 0.4, rotation, TRUE);
  check_ramp (&interp_corruption_rotate, 5, 1.0, rotation, TRUE);
}

Test (rotate, known_point_lands_where_expected)
{
  /* The output at q reads the input at R(t) (q - m) + m, so the input pixel
   * at p is shown at R(-t) (p - m) + m.  A 2x2 block (p and its right and
   * lower neighbours) is 1: with t = 0.4 the output at the rounded image of
   * p's centre must be bright (> 0.5) for one of the two signs. */
  gpointer self = weather_create (&interp_corruption_rotate, exact);
  InterpTensor *x = interp_tensor_new_4d (1, 1, 28, 28);
  int px = 20, py = 13;
  for (int dy = 0; dy < 2; dy++)
    for (int dx = 0; dx < 2; dx++)
      x->data[(py + dy) * 28 + px + dx] = 1.0f;
  double cx = px + 0.5 - 13.5, cy = py + 0.5 - 13.5;   /* the block's centre */
  InterpTensor *out = weather_apply (&interp_corruption_rotate, self, x, 2, 0);
  gboolean found = FALSE;
  for (int sign = -1; sign <= 1; sign += 2)
    {
      double t = -sign * 0.4;   /* R(-t) for the drawn t = sign 0.4 */
      double qx = cos (t) * cx - sin (t) * cy + 13.5, qy = sin (t) * cx + cos (t) * cy + 13.5;
      /* The block's centre lands between pixels: all of the 4 nearest are
       * within 1/sqrt 2 of it, inside the rotated block. */
      int ix = (int) round (qx), iy = (int) round (qy);
      if (out->data[iy * 28 + ix] > 0.5f)
        found = TRUE;
    }
  cr_assert (found, "the block did not land at its rotated place");
  interp_tensor_free (out);
  interp_tensor_free (x);
  weather_destroy (&interp_corruption_rotate, self);
}

Test (shear, ramp_read_through_the_shear)
{
  check_ramp (&interp_corruption_shear, 2, 0.4, shearing, TRUE);
  check_ramp (&interp_corruption_shear, 5, 1.0, shearing, TRUE);
}

Test (scale, ramp_read_through_the_zoom)
{
  /* Severity 3: the released MNIST-C's 1 / 0.7; no sign. */
  check_ramp (&interp_corruption_scale, 3, 1 / 0.7, scaling, FALSE);
  check_ramp (&interp_corruption_scale, 1, 1 / 0.9, scaling, FALSE);
}

Test (translate, dot_moves_by_k_pixels)
{
  gpointer self = weather_create (&interp_corruption_translate, exact);
  InterpTensor *x = interp_tensor_new_4d (1, 1, 28, 28);
  x->data[14 * 28 + 10] = 1.0f;
  for (int s = 1; s <= 5; s++)
    for (int i = 0; i < 4; i++)
      {
        InterpTensor *out = weather_apply (&interp_corruption_translate, self, x, s, i);
        int n_lit = 0, ly = -1, lx = -1;
        for (int k = 0; k < 28 * 28; k++)
          if (out->data[k] != 0.0f)
            n_lit++, ly = k / 28, lx = k % 28;
        cr_assert_eq (n_lit, 1, "severity %d: %d pixels lit", s, n_lit);
        cr_assert_eq (out->data[ly * 28 + lx], 1.0f);
        /* Severity s shifts by s pixels at 28x28 along both axes. */
        cr_assert_eq (abs (ly - 14), s, "severity %d: row %d", s, ly);
        cr_assert_eq (abs (lx - 10), s, "severity %d: column %d", s, lx);
        interp_tensor_free (out);
      }
  interp_tensor_free (x);
  weather_destroy (&interp_corruption_translate, self);
}

Test (stripe, inverts_exactly_the_stated_columns)
{
  gpointer self = weather_create (&interp_corruption_stripe, exact);
  /* 28x28: 3 5 7 9 11 columns per side; 32x32: round (n 32 / 28). */
  static const int per_side_28[5] = { 3, 5, 7, 9, 11 }, per_side_32[5] = { 3, 6, 8, 10, 13 };
  for (int s = 1; s <= 5; s++)
    for (int sz = 0; sz < 2; sz++)
      {
        int side = sz == 0 ? 28 : 32, channels = sz == 0 ? 1 : 3;
        int n = sz == 0 ? per_side_28[s - 1] : per_side_32[s - 1];
        InterpTensor *x = weather_clean_image (channels, side, s);
        InterpTensor *out = weather_apply (&interp_corruption_stripe, self, x, s, 0);
        for (size_t k = 0; k < x->numel; k++)
          {
            int col = k % side;
            float want = (col < n || col >= side - n) ? 1.0f - x->data[k] : x->data[k];
            cr_assert_eq (out->data[k], want, "severity %d, %dx%d, column %d", s, side, side,
                          col);
          }
        interp_tensor_free (x);
        interp_tensor_free (out);
      }
  weather_destroy (&interp_corruption_stripe, self);
}

Test (stripe, release_is_columns_0_to_6_and_21_to_27)
{
  gpointer self = weather_create (&interp_corruption_stripe, exact);
  InterpTensor *x = interp_tensor_new_4d (1, 1, 28, 28);
  InterpTensor *out = weather_apply (&interp_corruption_stripe, self, x, 3, 0);
  for (int col = 0; col < 28; col++)
    cr_assert_eq (out->data[5 * 28 + col], (col <= 6 || col >= 21) ? 1.0f : 0.0f, "column %d",
                  col);
  interp_tensor_free (x);
  interp_tensor_free (out);
  weather_destroy (&interp_corruption_stripe, self);
}

Test (dotted_line, dashes_leave_alternate_column_pairs_untouched)
{
  gpointer self = weather_create (&interp_corruption_dotted_line, exact);
  InterpTensor *x = interp_tensor_new_4d (1, 1, 28, 28);
  for (int i = 0; i < 8; i++)
    {
      InterpTensor *out = weather_apply (&interp_corruption_dotted_line, self, x, 3, i);
      int lit = 0;
      for (int k = 0; k < 28 * 28; k++)
        {
          int col = k % 28;
          /* Off dashes: columns 0-1, 4-5, ...; the line stops before column 27. */
          if ((col / 2) % 2 == 0 || col == 27)
            cr_assert_eq (out->data[k], 0.0f, "stream %d: column %d lit", i, col);
          lit += out->data[k] > 0;
        }
      /* 6 on dashes of 2 columns (2-3, ..., 22-23, 26), at least one pixel each. */
      cr_assert_geq (lit, 13, "stream %d: %d pixels lit", i, lit);
      interp_tensor_free (out);
    }
  interp_tensor_free (x);
  weather_destroy (&interp_corruption_dotted_line, self);
}

Test (zigzag, line_spans_columns_2_to_25)
{
  /* The run starts at column 2 and ends within half a pixel of column 25
   * (its last point is offset by at most b sin theta = 2 sin (atan (5/23))
   * = 0.43 pixels): columns 0, 1, 26 and 27 stay black. */
  gpointer self = weather_create (&interp_corruption_zigzag, exact);
  InterpTensor *x = interp_tensor_new_4d (1, 1, 28, 28);
  for (int i = 0; i < 8; i++)
    {
      InterpTensor *out = weather_apply (&interp_corruption_zigzag, self, x, 3, i);
      int lit_cols = 0;
      for (int col = 0; col < 28; col++)
        {
          gboolean lit = FALSE;
          for (int row = 0; row < 28; row++)
            lit |= out->data[row * 28 + col] > 0;
          if (col < 2 || col > 25)
            cr_assert_not (lit, "stream %d: column %d lit", i, col);
          lit_cols += lit;
        }
      cr_assert_geq (lit_cols, 20, "stream %d: only %d columns lit", i, lit_cols);
      interp_tensor_free (out);
    }
  interp_tensor_free (x);
  weather_destroy (&interp_corruption_zigzag, self);
}

Test (canny_edges, step_image_edges_only_at_the_step)
{
  /* Columns 0-13 black, 14-27 white: the only edge is between columns 13
   * and 14.  Severity 5 is the full edge map (values 0 or 1). */
  gpointer self = weather_create (&interp_corruption_canny_edges, exact);
  InterpTensor *x = interp_tensor_new_4d (1, 1, 28, 28);
  for (int k = 0; k < 28 * 28; k++)
    x->data[k] = (k % 28) >= 14 ? 1.0f : 0.0f;
  InterpTensor *out = weather_apply (&interp_corruption_canny_edges, self, x, 5, 0);
  int rows_with_edge = 0;
  for (int row = 0; row < 28; row++)
    {
      gboolean any = FALSE;
      for (int col = 0; col < 28; col++)
        {
          float v = out->data[row * 28 + col];
          cr_assert (v == 0.0f || v == 1.0f, "value %g", v);
          if (v == 1.0f)
            {
              cr_assert (col >= 12 && col <= 15, "edge at row %d column %d", row, col);
              any = TRUE;
            }
        }
      rows_with_edge += any;
    }
  /* skimage's canny ignores the outermost pixels; every other row has it. */
  cr_assert_geq (rows_with_edge, 26, "%d rows with an edge", rows_with_edge);

  /* Severity 1 blends 0.2 of the edge map in: exactly 0.8 x + 0.2 edges. */
  InterpTensor *mild = weather_apply (&interp_corruption_canny_edges, self, x, 1, 0);
  for (int k = 0; k < 28 * 28; k++)
    cr_assert_float_eq (mild->data[k], 0.8f * x->data[k] + 0.2f * out->data[k], 1e-6);
  interp_tensor_free (mild);
  interp_tensor_free (out);
  interp_tensor_free (x);
  weather_destroy (&interp_corruption_canny_edges, self);
}
