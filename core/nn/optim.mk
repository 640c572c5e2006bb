# core/nn optimisers, schedules and safetensors checkpoints (sources and their tests).
libinterp_la_SOURCES += \
	core/nn/safetensors-private.h \
	core/nn/safetensors.c \
	core/nn/checkpoint.c \
	core/nn/schedule.c \
	core/nn/optim.c

if HAVE_CRITERION
optim_tests = tests/test-safetensors tests/test-schedule tests/test-optim tests/test-checkpoint
check_PROGRAMS += $(optim_tests)
TESTS += $(optim_tests)
endif
tests_test_safetensors_CFLAGS = $(AM_CFLAGS) $(CRITERION_CFLAGS)
tests_test_safetensors_LDADD = libinterp.la $(GLIB_LIBS) $(CRITERION_LIBS) -lm
tests_test_schedule_CFLAGS = $(AM_CFLAGS) $(CRITERION_CFLAGS)
tests_test_schedule_LDADD = libinterp.la $(GLIB_LIBS) $(CRITERION_LIBS) -lm
tests_test_optim_CFLAGS = $(AM_CFLAGS) $(CRITERION_CFLAGS)
tests_test_optim_LDADD = libinterp.la $(GLIB_LIBS) $(CRITERION_LIBS) -lm
tests_test_checkpoint_CFLAGS = $(AM_CFLAGS) $(CRITERION_CFLAGS)
tests_test_checkpoint_LDADD = libinterp.la $(GLIB_LIBS) $(CRITERION_LIBS) -lm
