# core/runner: the public runner API (include/interp/runner.h): plugins, runs,
# executors and their workers, trials, evaluation, the manifest and summary.
noinst_LTLIBRARIES += core/runner/libinterp-runner.la
core_runner_libinterp_runner_la_SOURCES = \
	core/runner/run.h \
	core/runner/runner.c \
	core/runner/run.c \
	core/runner/manifest.c \
	core/runner/executor.c \
	core/runner/worker.c \
	core/runner/run-summary.c \
	core/runner/run-summary.h \
	core/runner/trial.c \
	core/runner/trial.h \
	core/runner/evaluate.c \
	core/runner/evaluate.h \
	core/runner/tracking.c \
	core/runner/tracking.h \
	core/runner/metric-names.c \
	core/runner/memory-check.c \
	core/runner/memory-check.h \
	core/runner/metric-names.h \
	core/runner/examples.c \
	core/runner/examples.h \
	core/runner/minimal-epsilon.c \
	core/runner/minimal-epsilon.h \
	core/runner/saliency-stage.h \
	core/runner/saliency-maps.c \
	core/runner/saliency-stage.c \
	core/runner/saliency-outputs.c \
	core/runner/saliency-randomisation.c \
	core/runner/saliency-check.c \
	core/runner/saliency-similarity.h \
	core/runner/saliency-similarity.c \
	core/runner/saliency-data-randomisation.c \
	core/runner/saliency-faithfulness.h \
	core/runner/saliency-faithfulness.c \
	core/runner/saliency-roar.h \
	core/runner/saliency-roar.c \
	core/runner/saliency-render.h \
	core/runner/saliency-render.c
core_runner_libinterp_runner_la_CFLAGS = $(core_cflags)
