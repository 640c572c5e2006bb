# core/nn optimisers, schedules and safetensors checkpoints (sources and their tests).
libinterp_la_SOURCES += \
	core/nn/safetensors-private.h \
	core/nn/safetensors.c \
	core/nn/schedule.c

if HAVE_CRITERION
check_PROGRAMS += tests/test-safetensors tests/test-schedule
TESTS += tests/test-safetensors tests/test-schedule
endif
tests_test_safetensors_CFLAGS = $(AM_CFLAGS) $(CRITERION_CFLAGS)
tests_test_safetensors_LDADD = libinterp.la $(GLIB_LIBS) $(CRITERION_LIBS) -lm
tests_test_schedule_CFLAGS = $(AM_CFLAGS) $(CRITERION_CFLAGS)
tests_test_schedule_LDADD = libinterp.la $(GLIB_LIBS) $(CRITERION_LIBS) -lm
