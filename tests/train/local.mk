# tests/train: the training loop's own features (the regularizer components compiled in).

check_PROGRAMS += tests/train/test-gradient-norms
TESTS += tests/train/test-gradient-norms
tests_train_test_gradient_norms_SOURCES = tests/train/test-gradient-norms.c \
	plugins/regularizers/class-selectivity.c \
	plugins/regularizers/l2.c
tests_train_test_gradient_norms_CFLAGS = $(test_cflags)
tests_train_test_gradient_norms_LDFLAGS = $(test_ldflags)
tests_train_test_gradient_norms_LDADD = $(test_ldadd)
EXTRA_tests_train_test_gradient_norms_DEPENDENCIES = $(test_deps)
