# plugins/regularizers: one module holding every regularizers component.
plugins_LTLIBRARIES += plugins/regularizers/interp-regularizers.la
plugins_regularizers_interp_regularizers_la_SOURCES = \
	plugins/regularizers/plugin.c \
	plugins/regularizers/plugin-components.h \
	plugins/metrics/selectivity-index.h \
	plugins/regularizers/class-selectivity.c \
	plugins/regularizers/l2.c \
	plugins/regularizers/l1-activation.c
plugins_regularizers_interp_regularizers_la_CFLAGS = $(plugin_cflags)
plugins_regularizers_interp_regularizers_la_LDFLAGS = $(plugin_ldflags)
plugins_regularizers_interp_regularizers_la_LIBADD = $(plugin_libs)

# Unit tests compile the component sources in, so they reach the vtables
# directly; test-regularizer-module loads the built module itself.
check_PROGRAMS += tests/test-regularizer-class-selectivity tests/test-regularizer-l2 \
	tests/test-regularizer-l1-activation tests/test-regularizer-module
TESTS += tests/test-regularizer-class-selectivity tests/test-regularizer-l2 \
	tests/test-regularizer-l1-activation tests/test-regularizer-module
tests_test_regularizer_class_selectivity_SOURCES = \
	tests/test-regularizer-class-selectivity.c plugins/regularizers/class-selectivity.c
tests_test_regularizer_class_selectivity_CFLAGS = $(AM_CFLAGS) $(CRITERION_CFLAGS)
tests_test_regularizer_class_selectivity_LDADD = libinterp.la $(GLIB_LIBS) $(CRITERION_LIBS) -lm
tests_test_regularizer_l2_SOURCES = tests/test-regularizer-l2.c plugins/regularizers/l2.c
tests_test_regularizer_l2_CFLAGS = $(AM_CFLAGS) $(CRITERION_CFLAGS)
tests_test_regularizer_l2_LDADD = libinterp.la $(GLIB_LIBS) $(CRITERION_LIBS) -lm
tests_test_regularizer_l1_activation_SOURCES = tests/test-regularizer-l1-activation.c \
	plugins/regularizers/l1-activation.c
tests_test_regularizer_l1_activation_CFLAGS = $(AM_CFLAGS) $(CRITERION_CFLAGS)
tests_test_regularizer_l1_activation_LDADD = libinterp.la $(GLIB_LIBS) $(CRITERION_LIBS) -lm
tests_test_regularizer_module_SOURCES = tests/test-regularizer-module.c
tests_test_regularizer_module_CFLAGS = $(AM_CFLAGS) $(CRITERION_CFLAGS)
tests_test_regularizer_module_LDADD = libinterp.la $(GLIB_LIBS) $(CRITERION_LIBS)
check_PROGRAMS += tests/test-regularizer-selectivity-training
TESTS += tests/test-regularizer-selectivity-training
tests_test_regularizer_selectivity_training_SOURCES = \
	tests/test-regularizer-selectivity-training.c plugins/regularizers/class-selectivity.c \
	plugins/metrics/class-selectivity.c
tests_test_regularizer_selectivity_training_CFLAGS = $(AM_CFLAGS) $(CRITERION_CFLAGS)
tests_test_regularizer_selectivity_training_LDADD = libinterp.la $(GLIB_LIBS) $(CRITERION_LIBS) -lm
