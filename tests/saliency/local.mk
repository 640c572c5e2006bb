# tests/saliency: the saliency plugin.  The methods are loaded from the built
# module through the registry (saliency-fixture.c), as the runner does, so
# wrappers (noise-tunnel) resolve their inner method the same way.
# (saliency-fixture.c reads nodes' touched flags through nn/net-impl.h, which
# needs $(OPENMP_CFLAGS).)
saliency_fixture_sources = tests/saliency/saliency-fixture.h tests/saliency/saliency-fixture.c

check_PROGRAMS += tests/saliency/test-saliency-paths
TESTS += tests/saliency/test-saliency-paths
# (path-common.c is compiled in too: its quadrature rules are tested directly.)
tests_saliency_test_saliency_paths_SOURCES = tests/saliency/test-saliency-paths.c \
	$(saliency_fixture_sources) \
	plugins/saliency/path-common.h plugins/saliency/path-common.c
tests_saliency_test_saliency_paths_CFLAGS = $(test_cflags) $(OPENMP_CFLAGS) \
	-I$(srcdir)/plugins/saliency
tests_saliency_test_saliency_paths_LDFLAGS = $(test_ldflags)
tests_saliency_test_saliency_paths_LDADD = $(test_ldadd)
EXTRA_tests_saliency_test_saliency_paths_DEPENDENCIES = $(test_deps) \
	plugins/saliency/interp-saliency.la
