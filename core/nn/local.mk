# core/nn: tensors, layers, networks and losses (sources and their tests).
libinterp_la_SOURCES += \
	core/threads.c \
	core/nn/net-impl.h \
	core/nn/net.c \
	core/nn/shape-ops.c \
	core/nn/activation.c \
	core/nn/pool.c \
	core/nn/linear.c \
	core/nn/conv2d.c \
	core/nn/batchnorm.c \
	core/nn/loss.c

nn_tests = tests/test-nn-grad tests/test-nn-net tests/test-nn-loss
check_PROGRAMS += $(nn_tests)
TESTS += $(nn_tests)
tests_test_nn_grad_CFLAGS = $(AM_CFLAGS) $(CRITERION_CFLAGS)
tests_test_nn_grad_LDADD = libinterp.la $(GLIB_LIBS) $(CRITERION_LIBS) -lm
tests_test_nn_net_CFLAGS = $(AM_CFLAGS) $(CRITERION_CFLAGS)
tests_test_nn_net_LDADD = libinterp.la $(GLIB_LIBS) $(CRITERION_LIBS) -lm
tests_test_nn_loss_CFLAGS = $(AM_CFLAGS) $(CRITERION_CFLAGS)
tests_test_nn_loss_LDADD = libinterp.la $(GLIB_LIBS) $(CRITERION_LIBS) -lm
