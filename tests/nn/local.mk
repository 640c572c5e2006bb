# tests/nn: the engine: layers, gradients, networks, losses, optimisers, schedules, safetensors, checkpoints.

check_PROGRAMS += tests/nn/test-nn-grad
TESTS += tests/nn/test-nn-grad
tests_nn_test_nn_grad_SOURCES = \
	tests/nn/grad-fixture.h \
	tests/nn/grad-fixture.c \
	tests/nn/test-nn-grad.c \
	tests/nn/test-nn-grad-pool.c \
	tests/nn/test-nn-grad-graph.c
tests_nn_test_nn_grad_CFLAGS = $(test_cflags)
tests_nn_test_nn_grad_LDFLAGS = $(test_ldflags)
tests_nn_test_nn_grad_LDADD = $(test_ldadd)
EXTRA_tests_nn_test_nn_grad_DEPENDENCIES = $(test_deps)

check_PROGRAMS += tests/nn/test-nn-net
TESTS += tests/nn/test-nn-net
tests_nn_test_nn_net_SOURCES = \
	tests/nn/net-fixture.h \
	tests/nn/net-fixture.c \
	tests/nn/test-nn-net.c \
	tests/nn/test-nn-net-pass.c \
	tests/nn/test-nn-net-params.c
tests_nn_test_nn_net_CFLAGS = $(test_cflags)
tests_nn_test_nn_net_LDFLAGS = $(test_ldflags)
tests_nn_test_nn_net_LDADD = $(test_ldadd)
EXTRA_tests_nn_test_nn_net_DEPENDENCIES = $(test_deps)

check_PROGRAMS += tests/nn/test-nn-loss
TESTS += tests/nn/test-nn-loss
tests_nn_test_nn_loss_SOURCES = tests/nn/test-nn-loss.c
tests_nn_test_nn_loss_CFLAGS = $(test_cflags)
tests_nn_test_nn_loss_LDFLAGS = $(test_ldflags)
tests_nn_test_nn_loss_LDADD = $(test_ldadd)
EXTRA_tests_nn_test_nn_loss_DEPENDENCIES = $(test_deps)

check_PROGRAMS += tests/nn/test-safetensors
TESTS += tests/nn/test-safetensors
tests_nn_test_safetensors_SOURCES = tests/nn/test-safetensors.c
tests_nn_test_safetensors_CFLAGS = $(test_cflags)
tests_nn_test_safetensors_LDFLAGS = $(test_ldflags)
tests_nn_test_safetensors_LDADD = $(test_ldadd)
EXTRA_tests_nn_test_safetensors_DEPENDENCIES = $(test_deps)

check_PROGRAMS += tests/nn/test-schedule
TESTS += tests/nn/test-schedule
tests_nn_test_schedule_SOURCES = tests/nn/test-schedule.c
tests_nn_test_schedule_CFLAGS = $(test_cflags)
tests_nn_test_schedule_LDFLAGS = $(test_ldflags)
tests_nn_test_schedule_LDADD = $(test_ldadd)
EXTRA_tests_nn_test_schedule_DEPENDENCIES = $(test_deps)

check_PROGRAMS += tests/nn/test-optim
TESTS += tests/nn/test-optim
tests_nn_test_optim_SOURCES = tests/nn/test-optim.c
tests_nn_test_optim_CFLAGS = $(test_cflags)
tests_nn_test_optim_LDFLAGS = $(test_ldflags)
tests_nn_test_optim_LDADD = $(test_ldadd)
EXTRA_tests_nn_test_optim_DEPENDENCIES = $(test_deps)

check_PROGRAMS += tests/nn/test-checkpoint
TESTS += tests/nn/test-checkpoint
tests_nn_test_checkpoint_SOURCES = \
	tests/nn/checkpoint-fixture.h \
	tests/nn/checkpoint-fixture.c \
	tests/nn/test-checkpoint.c \
	tests/nn/test-checkpoint-optim.c \
	tests/nn/test-checkpoint-torch.c
tests_nn_test_checkpoint_CFLAGS = $(test_cflags)
tests_nn_test_checkpoint_LDFLAGS = $(test_ldflags)
tests_nn_test_checkpoint_LDADD = $(test_ldadd)
EXTRA_tests_nn_test_checkpoint_DEPENDENCIES = $(test_deps)

check_PROGRAMS += tests/nn/test-nn-rules
TESTS += tests/nn/test-nn-rules
tests_nn_test_nn_rules_SOURCES = \
	tests/nn/net-fixture.h \
	tests/nn/net-fixture.c \
	tests/nn/rules-fixture.h \
	tests/nn/rules-fixture.c \
	tests/nn/test-nn-rules.c \
	tests/nn/test-nn-rules-deeplift.c \
	tests/nn/test-nn-rules-lrp.c
tests_nn_test_nn_rules_CFLAGS = $(test_cflags)
tests_nn_test_nn_rules_LDFLAGS = $(test_ldflags)
tests_nn_test_nn_rules_LDADD = $(test_ldadd)
EXTRA_tests_nn_test_nn_rules_DEPENDENCIES = $(test_deps)

# Memory: the buffer estimate by hand, sizes, a layer too large refused at build.
check_PROGRAMS += tests/nn/test-net-memory
TESTS += tests/nn/test-net-memory
tests_nn_test_net_memory_SOURCES = tests/nn/test-net-memory.c
tests_nn_test_net_memory_CFLAGS = $(test_cflags)
tests_nn_test_net_memory_LDFLAGS = $(test_ldflags)
tests_nn_test_net_memory_LDADD = $(test_ldadd)
EXTRA_tests_nn_test_net_memory_DEPENDENCIES = $(test_deps)
