# tests/attacks: the attack plugins (unit tests compile the components in, with
# plugins/attacks/attack-common.c; known answers on hand-solvable models).

# The minimal-norm and score-based attacks and the ensemble.  --wrap counts
# forward and backward passes (Square must run no backward).
check_PROGRAMS += tests/attacks/test-attacks-minimal
TESTS += tests/attacks/test-attacks-minimal
tests_attacks_test_attacks_minimal_SOURCES = tests/attacks/test-attacks-minimal.c \
	plugins/attacks/attack-common.c \
	plugins/attacks/cw-l2.c \
	plugins/attacks/deepfool.c \
	plugins/attacks/square.c \
	plugins/attacks/auto.c
tests_attacks_test_attacks_minimal_CFLAGS = $(test_cflags)
tests_attacks_test_attacks_minimal_LDFLAGS = $(test_ldflags) \
	-Wl,--wrap=interp_net_forward -Wl,--wrap=interp_net_backward
tests_attacks_test_attacks_minimal_LDADD = $(test_ldadd)
EXTRA_tests_attacks_test_attacks_minimal_DEPENDENCIES = $(test_deps)
