# tests/saliency (the "rules" methods): guided-backprop, deconvnet, deeplift, lrp, compiled in.

check_PROGRAMS += tests/saliency/test-saliency-rules
TESTS += tests/saliency/test-saliency-rules
tests_saliency_test_saliency_rules_SOURCES = tests/saliency/test-saliency-rules.c \
	plugins/saliency/saliency-common.c \
	plugins/saliency/saliency-reference.c \
	plugins/saliency/rule-methods.c \
	plugins/saliency/guided-backprop.c \
	plugins/saliency/deconvnet.c \
	plugins/saliency/deeplift.c \
	plugins/saliency/lrp.c
tests_saliency_test_saliency_rules_CFLAGS = $(test_cflags)
tests_saliency_test_saliency_rules_LDFLAGS = $(test_ldflags)
tests_saliency_test_saliency_rules_LDADD = $(test_ldadd)
EXTRA_tests_saliency_test_saliency_rules_DEPENDENCIES = $(test_deps)
