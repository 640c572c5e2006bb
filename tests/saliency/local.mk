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

# The modified-backward methods (guided-backprop, deconvnet, deeplift, lrp),
# compiled in and called through their vtables.
check_PROGRAMS += tests/saliency/test-saliency-rules
TESTS += tests/saliency/test-saliency-rules
tests_saliency_test_saliency_rules_SOURCES = tests/saliency/test-saliency-rules.c \
	plugins/saliency/saliency-common.c \
	plugins/saliency/path-common.c \
	plugins/saliency/rule-methods.c \
	plugins/saliency/guided-backprop.c \
	plugins/saliency/deconvnet.c \
	plugins/saliency/deeplift.c \
	plugins/saliency/lrp.c
tests_saliency_test_saliency_rules_CFLAGS = $(test_cflags)
tests_saliency_test_saliency_rules_LDFLAGS = $(test_ldflags)
tests_saliency_test_saliency_rules_LDADD = $(test_ldadd)
EXTRA_tests_saliency_test_saliency_rules_DEPENDENCIES = $(test_deps)

# The map methods (grad-cam, guided-grad-cam, occlusion, rise), compiled in
# so the tests reach Grad-CAM's coarse map, the upsampling and RISE's masks;
# the module is loaded too, for what describe() says.
maps_test_sources = $(saliency_fixture_sources) \
	tests/saliency/maps-helpers.h tests/saliency/maps-helpers.c \
	plugins/saliency/saliency-common.h plugins/saliency/saliency-common.c \
	plugins/saliency/grad-cam-map.h plugins/saliency/grad-cam-map.c \
	plugins/saliency/grad-cam.c plugins/saliency/guided-grad-cam.c \
	plugins/saliency/occlusion.c plugins/saliency/rise-mask.h plugins/saliency/rise.c

check_PROGRAMS += tests/saliency/test-saliency-cam
TESTS += tests/saliency/test-saliency-cam
tests_saliency_test_saliency_cam_SOURCES = tests/saliency/test-saliency-cam.c \
	$(maps_test_sources)
tests_saliency_test_saliency_cam_CFLAGS = $(test_cflags) $(OPENMP_CFLAGS) \
	-I$(srcdir)/plugins/saliency
tests_saliency_test_saliency_cam_LDFLAGS = $(test_ldflags)
tests_saliency_test_saliency_cam_LDADD = $(test_ldadd)
EXTRA_tests_saliency_test_saliency_cam_DEPENDENCIES = $(test_deps) \
	plugins/saliency/interp-saliency.la

check_PROGRAMS += tests/saliency/test-saliency-perturb
TESTS += tests/saliency/test-saliency-perturb
tests_saliency_test_saliency_perturb_SOURCES = tests/saliency/test-saliency-perturb.c \
	$(maps_test_sources)
tests_saliency_test_saliency_perturb_CFLAGS = $(test_cflags) $(OPENMP_CFLAGS) \
	-I$(srcdir)/plugins/saliency
tests_saliency_test_saliency_perturb_LDFLAGS = $(test_ldflags)
tests_saliency_test_saliency_perturb_LDADD = $(test_ldadd)
EXTRA_tests_saliency_test_saliency_perturb_DEPENDENCIES = $(test_deps) \
	plugins/saliency/interp-saliency.la
