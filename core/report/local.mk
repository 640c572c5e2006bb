# core/report: report.html and its plots.
noinst_LTLIBRARIES += core/report/libinterp-report.la
core_report_libinterp_report_la_SOURCES = \
	core/report/report.c \
	core/report/report.h \
	core/report/plot.c \
	core/report/plot.h
core_report_libinterp_report_la_CFLAGS = $(core_cflags)
