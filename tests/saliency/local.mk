# tests/saliency: the saliency plugins (unit tests compile the components in).

# The map methods (grad-cam, guided-grad-cam, occlusion, rise), with the attack tests'
# "left as found" fixture (attack-fixture.c reads nodes' touched flags
# through nn/net-impl.h, which needs $(OPENMP_CFLAGS)).
check_PROGRAMS += tests/saliency/test-saliency-maps
TESTS += tests/saliency/test-saliency-maps
tests_saliency_test_saliency_maps_SOURCES = tests/saliency/test-saliency-maps.c \
	tests/attacks/attack-fixture.h tests/attacks/attack-fixture.c \
	plugins/saliency/saliency-common.h plugins/saliency/saliency-common.c \
	plugins/saliency/grad-cam-map.h plugins/saliency/grad-cam-map.c \
	plugins/saliency/grad-cam.c plugins/saliency/guided-grad-cam.c \
	plugins/saliency/occlusion.c plugins/saliency/rise-mask.h plugins/saliency/rise.c
tests_saliency_test_saliency_maps_CFLAGS = $(test_cflags) $(OPENMP_CFLAGS) \
	-I$(srcdir)/plugins/saliency -I$(srcdir)/tests/attacks
tests_saliency_test_saliency_maps_LDFLAGS = $(test_ldflags)
tests_saliency_test_saliency_maps_LDADD = $(test_ldadd)
EXTRA_tests_saliency_test_saliency_maps_DEPENDENCIES = $(test_deps)
