/* Learning-rate schedules against tables of hand-computed values. */
#include "config.h"

#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include <interp/error.h>
#include <interp/optim.h>

static void
assert_table (const InterpSchedule *s, const double *want, int n)
{
  for (int i = 0; i < n; i++)
    {
      double lr = interp_schedule_lr (s, i);
      cr_assert (fabs (lr - want[i]) <= 1e-12 * fabs (want[i]) + 1e-15,
                 "step %d: lr %.17g, want %.17g", i, lr, want[i]);
    }
}

Test (schedule, constant)
{
  InterpSchedule s = { .kind = INTERP_SCHEDULE_CONSTANT, .base_lr = 0.05 };
  const double want[] = { 0.05, 0.05, 0.05, 0.05 };
  assert_table (&s, want, 4);
  cr_assert_eq (interp_schedule_lr (&s, 1000000), 0.05);
}

Test (schedule, step_decay)
{
  InterpSchedule s = { .kind = INTERP_SCHEDULE_STEP, .base_lr = 0.1, .step_size = 3,
                       .gamma = 0.5 };
  const double want[] = { 0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025, 0.025, 0.0125 };
  assert_table (&s, want, 10);
}

Test (schedule, cosine_reaches_min_and_stays)
{
  InterpSchedule s = { .kind = INTERP_SCHEDULE_COSINE, .base_lr = 1.0, .total_steps = 4,
                       .min_lr = 0.0 };
  /* (1 + cos(pi u / 4)) / 2 for u = 0..4, then min_lr. */
  const double want[] = { 1.0, 0.85355339059327373, 0.5, 0.14644660940672627, 0.0, 0.0 };
  assert_table (&s, want, 6);

  s.min_lr = 0.2;
  const double want2[] = { 1.0, 0.2 + 0.8 * 0.85355339059327373, 0.6,
                           0.2 + 0.8 * 0.14644660940672627, 0.2, 0.2 };
  assert_table (&s, want2, 6);
}

Test (schedule, warmup_then_cosine)
{
  InterpSchedule s = { .kind = INTERP_SCHEDULE_COSINE, .base_lr = 0.4, .warmup_steps = 4,
                       .total_steps = 6, .min_lr = 0.0 };
  /* Warm-up 0.1, 0.2, 0.3, 0.4; then cosine over T = 2 steps. */
  const double want[] = { 0.1, 0.2, 0.30000000000000004, 0.4, 0.4, 0.2, 0.0, 0.0 };
  assert_table (&s, want, 8);
}

Test (schedule, warmup_then_step)
{
  InterpSchedule s = { .kind = INTERP_SCHEDULE_STEP, .base_lr = 1.0, .warmup_steps = 2,
                       .step_size = 2, .gamma = 0.1 };
  const double want[] = { 0.5, 1.0, 1.0, 1.0, 0.1, 0.1, 0.01 };
  assert_table (&s, want, 7);
}

Test (schedule, warmup_then_constant)
{
  InterpSchedule s = { .kind = INTERP_SCHEDULE_CONSTANT, .base_lr = 0.3, .warmup_steps = 3 };
  const double want[] = { 0.1, 0.2, 0.3, 0.3 };
  assert_table (&s, want, 4);
}

Test (schedule, check_names_the_bad_field)
{
  struct {
    InterpSchedule s;
    const char *field;
  } cases[] = {
    { { .kind = INTERP_SCHEDULE_CONSTANT, .base_lr = 0 }, "base_lr" },
    { { .kind = INTERP_SCHEDULE_CONSTANT, .base_lr = NAN }, "base_lr" },
    { { .kind = INTERP_SCHEDULE_CONSTANT, .base_lr = 1, .warmup_steps = -1 }, "warmup_steps" },
    { { .kind = INTERP_SCHEDULE_STEP, .base_lr = 1, .step_size = 0, .gamma = 0.1 }, "step_size" },
    { { .kind = INTERP_SCHEDULE_STEP, .base_lr = 1, .step_size = 1, .gamma = 0 }, "gamma" },
    { { .kind = INTERP_SCHEDULE_COSINE, .base_lr = 1, .total_steps = 5, .warmup_steps = 5 },
      "total_steps" },
    { { .kind = INTERP_SCHEDULE_COSINE, .base_lr = 1, .total_steps = 5, .min_lr = 2 },
      "min_lr" },
  };
  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      GError *error = NULL;
      cr_assert_not (interp_schedule_check (&cases[i].s, &error), "case %zu", i);
      cr_assert_eq (error->code, INTERP_ERROR_OUT_OF_RANGE);
      cr_assert_not_null (strstr (error->message, cases[i].field), "%s", error->message);
      g_error_free (error);
    }
  InterpSchedule ok = { .kind = INTERP_SCHEDULE_COSINE, .base_lr = 0.1, .warmup_steps = 2,
                        .total_steps = 10, .min_lr = 0.0 };
  cr_assert (interp_schedule_check (&ok, NULL));
}
