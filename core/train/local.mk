# core/train: the [train] group, the training loop with its trainer and hooks
# (include/interp/trainer.h), the supervised trainer, checkpoints and resume.
noinst_LTLIBRARIES += core/train/libinterp-train.la
core_train_libinterp_train_la_SOURCES = \
	core/train/train-config.c \
	core/train/train-config.h \
	core/train/train.h \
	core/train/loop.c \
	core/train/train-state.c \
	core/train/train-state.h \
	core/train/gradient-norms.c \
	core/train/gradient-norms.h \
	core/train/supervised.c \
	core/train/supervised.h
core_train_libinterp_train_la_CFLAGS = $(core_cflags)
