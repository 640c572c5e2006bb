# core/report: report.html and its plots (report-private.h says which file does what).
noinst_LTLIBRARIES += core/report/libinterp-report.la
core_report_libinterp_report_la_SOURCES = \
	core/report/report.c \
	core/report/report.h \
	core/report/report-private.h \
	core/report/report-util.c \
	core/report/report-model.c \
	core/report/report-figures.c \
	core/report/sections-results.c \
	core/report/sections-corruptions.c \
	core/report/sections-attacks.c \
	core/report/sections-perturbed-layers.c \
	core/report/sections-saliency.c \
	core/report/sections-faithfulness.c \
	core/report/robustness.c \
	core/report/sections-outputs.c \
	core/report/sections-training.c \
	core/report/sections-tracking.c \
	core/report/sections-gradient-norms.c \
	core/report/sections-plugins.c \
	core/report/sections-run.c \
	core/report/html.c \
	core/report/fragment.c \
	core/report/plot.c \
	core/report/plot.h \
	core/report/plot-private.h \
	core/report/plot-primitives.c \
	core/report/plot-draw.c
core_report_libinterp_report_la_CFLAGS = $(core_cflags)
