# tests/regularizers: the regularizer plugins (unit tests compile the component in; test-module loads the built module).

check_PROGRAMS += tests/regularizers/test-class-selectivity
TESTS += tests/regularizers/test-class-selectivity
tests_regularizers_test_class_selectivity_SOURCES = tests/regularizers/test-class-selectivity.c \
	plugins/regularizers/class-selectivity.c
tests_regularizers_test_class_selectivity_CFLAGS = $(test_cflags)
tests_regularizers_test_class_selectivity_LDFLAGS = $(test_ldflags)
tests_regularizers_test_class_selectivity_LDADD = $(test_ldadd)
EXTRA_tests_regularizers_test_class_selectivity_DEPENDENCIES = $(test_deps)

check_PROGRAMS += tests/regularizers/test-l2
TESTS += tests/regularizers/test-l2
tests_regularizers_test_l2_SOURCES = tests/regularizers/test-l2.c \
	plugins/regularizers/l2.c
tests_regularizers_test_l2_CFLAGS = $(test_cflags)
tests_regularizers_test_l2_LDFLAGS = $(test_ldflags)
tests_regularizers_test_l2_LDADD = $(test_ldadd)
EXTRA_tests_regularizers_test_l2_DEPENDENCIES = $(test_deps)

check_PROGRAMS += tests/regularizers/test-l1-activation
TESTS += tests/regularizers/test-l1-activation
tests_regularizers_test_l1_activation_SOURCES = tests/regularizers/test-l1-activation.c \
	plugins/regularizers/l1-activation.c
tests_regularizers_test_l1_activation_CFLAGS = $(test_cflags)
tests_regularizers_test_l1_activation_LDFLAGS = $(test_ldflags)
tests_regularizers_test_l1_activation_LDADD = $(test_ldadd)
EXTRA_tests_regularizers_test_l1_activation_DEPENDENCIES = $(test_deps)

check_PROGRAMS += tests/regularizers/test-module
TESTS += tests/regularizers/test-module
tests_regularizers_test_module_SOURCES = tests/regularizers/test-module.c
tests_regularizers_test_module_CFLAGS = $(test_cflags)
tests_regularizers_test_module_LDFLAGS = $(test_ldflags)
tests_regularizers_test_module_LDADD = $(test_ldadd)
EXTRA_tests_regularizers_test_module_DEPENDENCIES = $(test_deps)

check_PROGRAMS += tests/regularizers/test-selectivity-training
TESTS += tests/regularizers/test-selectivity-training
tests_regularizers_test_selectivity_training_SOURCES = tests/regularizers/test-selectivity-training.c \
	plugins/regularizers/class-selectivity.c \
	plugins/metrics/class-selectivity.c
tests_regularizers_test_selectivity_training_CFLAGS = $(test_cflags)
tests_regularizers_test_selectivity_training_LDFLAGS = $(test_ldflags)
tests_regularizers_test_selectivity_training_LDADD = $(test_ldadd)
EXTRA_tests_regularizers_test_selectivity_training_DEPENDENCIES = $(test_deps)
