# tests/report: report.html (report-fixture also makes the run folder that check-browser opens).

check_PROGRAMS += tests/report/test-report
TESTS += tests/report/test-report
tests_report_test_report_SOURCES = tests/report/test-report.c \
	tests/report/report-fixture.c \
	tests/report/report-fixture.h
tests_report_test_report_CFLAGS = $(test_cflags)
tests_report_test_report_LDFLAGS = $(test_ldflags)
tests_report_test_report_LDADD = $(test_ldadd)
EXTRA_tests_report_test_report_DEPENDENCIES = $(test_deps)

check_PROGRAMS += tests/report/test-plot
TESTS += tests/report/test-plot
tests_report_test_plot_SOURCES = tests/report/test-plot.c
tests_report_test_plot_CFLAGS = $(test_cflags) $(CAIRO_CFLAGS)
tests_report_test_plot_LDFLAGS = $(test_ldflags)
tests_report_test_plot_LDADD = $(test_ldadd)
EXTRA_tests_report_test_plot_DEPENDENCIES = $(test_deps)

check_PROGRAMS += tests/report/test-robustness
TESTS += tests/report/test-robustness
tests_report_test_robustness_SOURCES = tests/report/test-robustness.c \
	tests/report/report-fixture.c \
	tests/report/report-fixture.h
tests_report_test_robustness_CFLAGS = $(test_cflags)
tests_report_test_robustness_LDFLAGS = $(test_ldflags)
tests_report_test_robustness_LDADD = $(test_ldadd)
EXTRA_tests_report_test_robustness_DEPENDENCIES = $(test_deps)

# Makes a fixture run folder and its report; used by check-browser.
check_PROGRAMS += tests/report/report-fixture
tests_report_report_fixture_SOURCES = tests/report/report-fixture.c tests/report/report-fixture.h
tests_report_report_fixture_CFLAGS = $(AM_CFLAGS) $(JSON_CFLAGS) -DREPORT_FIXTURE_MAIN
tests_report_report_fixture_LDFLAGS = $(test_ldflags)
tests_report_report_fixture_LDADD = $(core_external_libs)
EXTRA_tests_report_report_fixture_DEPENDENCIES = $(test_deps)

EXTRA_DIST += tests/browser/check-report.mjs

# Opens a generated report in headless Chromium (not part of `make check`:
# it needs a browser and npm).  See docs/report.md.
REPORT_BROWSER_DIR = $(abs_top_builddir)/tests/browser-report
check-browser: tests/report/report-fixture$(EXEEXT)
	rm -rf $(REPORT_BROWSER_DIR)/run
	$(MKDIR_P) $(REPORT_BROWSER_DIR)
	./tests/report/report-fixture$(EXEEXT) $(REPORT_BROWSER_DIR)/run
	@if test ! -d $(REPORT_BROWSER_DIR)/node_modules/playwright-core; then \
	  echo "installing playwright-core into $(REPORT_BROWSER_DIR)"; \
	  (cd $(REPORT_BROWSER_DIR) && echo '{"private": true}' > package.json && \
	   npm install --no-audit --no-fund playwright-core) || exit 1; \
	fi
	REPORT_NODE_MODULES=$(REPORT_BROWSER_DIR)/node_modules \
	  node $(abs_top_srcdir)/tests/browser/check-report.mjs $(REPORT_BROWSER_DIR)/run/report.html
.PHONY: check-browser

# The attack sections (minimal epsilon, adversarial examples, per-layer under
# perturbations) on the fixture run.
check_PROGRAMS += tests/report/test-attacks-report
TESTS += tests/report/test-attacks-report
tests_report_test_attacks_report_SOURCES = tests/report/test-attacks-report.c \
	tests/report/report-fixture.c \
	tests/report/report-fixture.h
tests_report_test_attacks_report_CFLAGS = $(test_cflags) $(CAIRO_CFLAGS)
tests_report_test_attacks_report_LDFLAGS = $(test_ldflags)
tests_report_test_attacks_report_LDADD = $(test_ldadd)
EXTRA_tests_report_test_attacks_report_DEPENDENCIES = $(test_deps)

# The saliency PNGs (core/runner/saliency-render.c) and the report's saliency
# sections on a fixture run with the saliency stage's rows.
check_PROGRAMS += tests/report/test-saliency-render
TESTS += tests/report/test-saliency-render
tests_report_test_saliency_render_SOURCES = tests/report/test-saliency-render.c
tests_report_test_saliency_render_CFLAGS = $(test_cflags)
tests_report_test_saliency_render_LDFLAGS = $(test_ldflags)
tests_report_test_saliency_render_LDADD = $(test_ldadd)
EXTRA_tests_report_test_saliency_render_DEPENDENCIES = $(test_deps)

check_PROGRAMS += tests/report/test-saliency-report
TESTS += tests/report/test-saliency-report
tests_report_test_saliency_report_SOURCES = tests/report/test-saliency-report.c \
	tests/report/saliency-report-fixture.c \
	tests/report/saliency-report-fixture.h \
	tests/report/report-fixture.c \
	tests/report/report-fixture.h
tests_report_test_saliency_report_CFLAGS = $(test_cflags) $(CAIRO_CFLAGS)
tests_report_test_saliency_report_LDFLAGS = $(test_ldflags)
tests_report_test_saliency_report_LDADD = $(test_ldadd)
EXTRA_tests_report_test_saliency_report_DEPENDENCIES = $(test_deps)

# "Over training" (trials/ID/epochs.json of track-epochs) on the fixture sweep.
check_PROGRAMS += tests/report/test-tracking-report
TESTS += tests/report/test-tracking-report
tests_report_test_tracking_report_SOURCES = tests/report/test-tracking-report.c \
	tests/report/report-fixture.c \
	tests/report/report-fixture.h
tests_report_test_tracking_report_CFLAGS = $(test_cflags) $(CAIRO_CFLAGS)
tests_report_test_tracking_report_LDFLAGS = $(test_ldflags)
tests_report_test_tracking_report_LDADD = $(test_ldadd)
EXTRA_tests_report_test_tracking_report_DEPENDENCIES = $(test_deps)
