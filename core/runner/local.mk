# core/runner: runs a pipeline: the run folder, trials, training, evaluation, summary.
noinst_LTLIBRARIES += core/runner/libinterp-runner.la
core_runner_libinterp_runner_la_SOURCES = \
	core/runner/run.c \
	core/runner/run.h \
	core/runner/run-summary.c \
	core/runner/run-summary.h \
	core/runner/trial.c \
	core/runner/trial.h \
	core/runner/train.c \
	core/runner/train.h \
	core/runner/evaluate.c \
	core/runner/evaluate.h
core_runner_libinterp_runner_la_CFLAGS = $(core_cflags)
