/* tests/corruptions: the properties every corruption gets, as Criterion
 * tests in the including file's suite. */
#ifndef INTERP_TESTS_WEATHER_GENERIC_H
#define INTERP_TESTS_WEATHER_GENERIC_H

#include "test-weather-support.h"

/* Output range, determinism and accepted/refused sizes, at 1x28x28 and
 * 3x32x32 (range also at 3x64x64 and 3x224x224), for `comp` created from `pairs`. */
#define WEATHER_GENERIC_TESTS(suite, comp, pairs)                                  \
  Test (suite, values_in_unit_interval)                                            \
  {                                                                                \
    gpointer self = weather_create (&(comp), (pairs));                             \
    weather_check_range (&(comp), self, 1, 28);                                    \
    weather_check_range (&(comp), self, 3, 32);                                    \
    weather_destroy (&(comp), self);                                               \
  }                                                                                \
  Test (suite, same_stream_same_bytes)                                             \
  {                                                                                \
    gpointer self = weather_create (&(comp), (pairs));                             \
    weather_check_deterministic (&(comp), self, 1, 28);                            \
    weather_check_deterministic (&(comp), self, 3, 32);                            \
    weather_destroy (&(comp), self);                                               \
  }                                                                                \
  Test (suite, larger_sizes_in_unit_interval)                                      \
  {                                                                                \
    gpointer self = weather_create (&(comp), (pairs));                             \
    weather_check_range_n (&(comp), self, 64, 2);                                  \
    weather_check_range_n (&(comp), self, 224, 1);                                 \
    weather_destroy (&(comp), self);                                               \
  }                                                                                \
  Test (suite, sizes_accepted_and_refused)                                         \
  {                                                                                \
    gpointer self = weather_create (&(comp), (pairs));                             \
    weather_check_sizes (&(comp), self);                                           \
    weather_destroy (&(comp), self);                                               \
  }

/* Mean |change| non-decreasing in severity at both shapes. */
#define WEATHER_ORDERING_TEST(suite, comp, pairs)                                  \
  Test (suite, severity_ordered)                                                   \
  {                                                                                \
    gpointer self = weather_create (&(comp), (pairs));                             \
    weather_check_ordering (&(comp), self, 1, 28);                                 \
    weather_check_ordering (&(comp), self, 3, 32);                                 \
    weather_destroy (&(comp), self);                                               \
  }

#endif
