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
