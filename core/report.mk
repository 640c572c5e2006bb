# The run report (report.html) and its plots.
libinterp_la_SOURCES += \
	core/report.c \
	core/report.h \
	core/report-plot.c \
	core/report-plot.h

check_PROGRAMS += tests/test-report
TESTS += tests/test-report
tests_test_report_SOURCES = tests/test-report.c tests/report-fixture.c tests/report-fixture.h
tests_test_report_CFLAGS = $(AM_CFLAGS) $(CRITERION_CFLAGS) $(JSON_CFLAGS)
tests_test_report_LDADD = libinterp.la $(GLIB_LIBS) $(JSON_LIBS) $(CRITERION_LIBS) -lm

# Makes a fixture run folder and its report; used by check-browser.
check_PROGRAMS += tests/report-fixture
tests_report_fixture_SOURCES = tests/report-fixture.c tests/report-fixture.h
tests_report_fixture_CFLAGS = $(AM_CFLAGS) $(JSON_CFLAGS) -DREPORT_FIXTURE_MAIN
tests_report_fixture_LDADD = libinterp.la $(GLIB_LIBS) $(JSON_LIBS) -lm

EXTRA_DIST += tests/browser/check-report.mjs

# Opens a generated report in headless Chromium (not part of `make check`:
# it needs a browser and npm).  See docs/report.md.
REPORT_BROWSER_DIR = $(abs_top_builddir)/tests/browser-report
check-browser: tests/report-fixture$(EXEEXT)
	rm -rf $(REPORT_BROWSER_DIR)/run
	$(MKDIR_P) $(REPORT_BROWSER_DIR)
	./tests/report-fixture$(EXEEXT) $(REPORT_BROWSER_DIR)/run
	@if test ! -d $(REPORT_BROWSER_DIR)/node_modules/playwright-core; then \
	  echo "installing playwright-core into $(REPORT_BROWSER_DIR)"; \
	  (cd $(REPORT_BROWSER_DIR) && echo '{"private": true}' > package.json && \
	   npm install --no-audit --no-fund playwright-core) || exit 1; \
	fi
	REPORT_NODE_MODULES=$(REPORT_BROWSER_DIR)/node_modules \
	  node $(abs_top_srcdir)/tests/browser/check-report.mjs $(REPORT_BROWSER_DIR)/run/report.html
.PHONY: check-browser
