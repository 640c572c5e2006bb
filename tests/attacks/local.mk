# tests/attacks: the attack plugins (unit tests compile the components in, with
# plugins/attacks/attack-common.c; known answers on hand-solvable models).

# The gradient attacks (fgsm, bim, pgd, apgd) and attack-common.c, with the
# shared fixture (attack-fixture.{h,c}: hand-solvable nets, a trained conv
# net, the "left as found" check) that the other attack tests reuse.
# (attack-fixture.c reads nodes' touched flags through nn/net-impl.h, which
# needs $(OPENMP_CFLAGS).)
attack_fixture_sources = tests/attacks/attack-fixture.h tests/attacks/attack-fixture.c \
	plugins/attacks/attack-common.h plugins/attacks/attack-common.c

check_PROGRAMS += tests/attacks/test-attacks-gradient
TESTS += tests/attacks/test-attacks-gradient
tests_attacks_test_attacks_gradient_SOURCES = tests/attacks/test-attacks-gradient.c \
	tests/attacks/test-attacks-common.c \
	$(attack_fixture_sources) \
	plugins/attacks/apgd.c \
	plugins/attacks/bim.c \
	plugins/attacks/fgsm.c \
	plugins/attacks/pgd.c
tests_attacks_test_attacks_gradient_CFLAGS = $(test_cflags) $(OPENMP_CFLAGS) -I$(srcdir)/plugins/attacks
tests_attacks_test_attacks_gradient_LDFLAGS = $(test_ldflags)
tests_attacks_test_attacks_gradient_LDADD = $(test_ldadd)
EXTRA_tests_attacks_test_attacks_gradient_DEPENDENCIES = $(test_deps)

# The minimal-norm and score-based attacks and the ensemble (auto runs the
# others, so both programs compile them all in).  The ensemble program is
# linked with --wrap to count forward and backward passes (Square must run
# no backward).
minimal_test_sources = $(attack_fixture_sources) \
	tests/attacks/minimal-helpers.h tests/attacks/minimal-helpers.c \
	plugins/attacks/attack-members.h \
	plugins/attacks/apgd.c \
	plugins/attacks/cw-l2.c \
	plugins/attacks/deepfool.c \
	plugins/attacks/square.c \
	plugins/attacks/auto.c

check_PROGRAMS += tests/attacks/test-attacks-minimal
TESTS += tests/attacks/test-attacks-minimal
tests_attacks_test_attacks_minimal_SOURCES = tests/attacks/test-attacks-minimal.c \
	$(minimal_test_sources)
tests_attacks_test_attacks_minimal_CFLAGS = $(test_cflags) $(OPENMP_CFLAGS) -I$(srcdir)/plugins/attacks
tests_attacks_test_attacks_minimal_LDFLAGS = $(test_ldflags)
tests_attacks_test_attacks_minimal_LDADD = $(test_ldadd)
EXTRA_tests_attacks_test_attacks_minimal_DEPENDENCIES = $(test_deps)

check_PROGRAMS += tests/attacks/test-attacks-ensemble
TESTS += tests/attacks/test-attacks-ensemble
tests_attacks_test_attacks_ensemble_SOURCES = tests/attacks/test-attacks-ensemble.c \
	$(minimal_test_sources)
tests_attacks_test_attacks_ensemble_CFLAGS = $(test_cflags) $(OPENMP_CFLAGS) -I$(srcdir)/plugins/attacks
tests_attacks_test_attacks_ensemble_LDFLAGS = $(test_ldflags) \
	-Wl,--wrap=interp_net_forward -Wl,--wrap=interp_net_backward
tests_attacks_test_attacks_ensemble_LDADD = $(test_ldadd)
EXTRA_tests_attacks_test_attacks_ensemble_DEPENDENCIES = $(test_deps)
