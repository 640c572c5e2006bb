# core/nn: tensors' layers, networks, losses, optimisers, schedules, safetensors checkpoints.
noinst_LTLIBRARIES += core/nn/libinterp-nn.la
core_nn_libinterp_nn_la_SOURCES = \
	core/nn/net-memory.c \
	core/nn/net-memory.h \
	core/nn/net-impl.h \
	core/nn/net.c \
	core/nn/net-pass.c \
	core/nn/net-params.c \
	core/nn/net-state.c \
	core/nn/backward-rules.c \
	core/nn/lrp-rules.c \
	core/nn/perturbation.c \
	core/nn/shape-ops.c \
	core/nn/activation.c \
	core/nn/pool.c \
	core/nn/linear.c \
	core/nn/conv2d.c \
	core/nn/batchnorm.c \
	core/nn/loss.c \
	core/nn/safetensors-private.h \
	core/nn/safetensors-header.c \
	core/nn/safetensors.c \
	core/nn/checkpoint.c \
	core/nn/schedule.c \
	core/nn/optim-private.h \
	core/nn/optim.c \
	core/nn/optim-state.c
core_nn_libinterp_nn_la_CFLAGS = $(core_cflags)
