# tests/fuzz: libFuzzer harnesses, one per input format (docs/fuzzing.md).
# They exist only in a `configure CC=clang --enable-fuzz` build and are made
# by `make fuzz` (EXTRA_PROGRAMS: `make` and `make check` leave them alone).
# Like the tests, they link the whole core statically and export it, so the
# dataset and pipeline harnesses can load the build tree's plugins.

fuzz_names = npy idx idx-gz cifar png jpeg safetensors pipeline hypothesis report
fuzz_programs = tests/fuzz/fuzz-npy \
	tests/fuzz/fuzz-idx \
	tests/fuzz/fuzz-idx-gz \
	tests/fuzz/fuzz-cifar \
	tests/fuzz/fuzz-png \
	tests/fuzz/fuzz-jpeg \
	tests/fuzz/fuzz-safetensors \
	tests/fuzz/fuzz-pipeline \
	tests/fuzz/fuzz-hypothesis \
	tests/fuzz/fuzz-report
EXTRA_PROGRAMS += $(fuzz_programs)
CLEANFILES += $(fuzz_programs)

fuzz_cflags = $(AM_CFLAGS) $(JSON_CFLAGS) $(FUZZ_CFLAGS) -DFUZZ_BUILDDIR=\"$(abs_top_builddir)\"
fuzz_ldflags = $(test_ldflags) $(FUZZ_CFLAGS)
fuzz_ldadd = $(core_external_libs)
fuzz_util = tests/fuzz/fuzz-util.c tests/fuzz/fuzz-util.h

tests_fuzz_fuzz_npy_SOURCES = tests/fuzz/fuzz-npy.c $(fuzz_util)
tests_fuzz_fuzz_npy_CFLAGS = $(fuzz_cflags)
tests_fuzz_fuzz_npy_LDFLAGS = $(fuzz_ldflags)
tests_fuzz_fuzz_npy_LDADD = $(fuzz_ldadd)
EXTRA_tests_fuzz_fuzz_npy_DEPENDENCIES = $(test_deps)

tests_fuzz_fuzz_idx_SOURCES = tests/fuzz/fuzz-idx.c $(fuzz_util)
tests_fuzz_fuzz_idx_CFLAGS = $(fuzz_cflags)
tests_fuzz_fuzz_idx_LDFLAGS = $(fuzz_ldflags)
tests_fuzz_fuzz_idx_LDADD = $(fuzz_ldadd)
EXTRA_tests_fuzz_fuzz_idx_DEPENDENCIES = $(test_deps)

tests_fuzz_fuzz_idx_gz_SOURCES = tests/fuzz/fuzz-idx.c $(fuzz_util)
tests_fuzz_fuzz_idx_gz_CFLAGS = $(fuzz_cflags) -DFUZZ_IDX_GZ
tests_fuzz_fuzz_idx_gz_LDFLAGS = $(fuzz_ldflags)
tests_fuzz_fuzz_idx_gz_LDADD = $(fuzz_ldadd)
EXTRA_tests_fuzz_fuzz_idx_gz_DEPENDENCIES = $(test_deps)

tests_fuzz_fuzz_cifar_SOURCES = tests/fuzz/fuzz-cifar.c $(fuzz_util)
tests_fuzz_fuzz_cifar_CFLAGS = $(fuzz_cflags)
tests_fuzz_fuzz_cifar_LDFLAGS = $(fuzz_ldflags)
tests_fuzz_fuzz_cifar_LDADD = $(fuzz_ldadd)
EXTRA_tests_fuzz_fuzz_cifar_DEPENDENCIES = $(test_deps)

tests_fuzz_fuzz_png_SOURCES = tests/fuzz/fuzz-png.c $(fuzz_util)
tests_fuzz_fuzz_png_CFLAGS = $(fuzz_cflags)
tests_fuzz_fuzz_png_LDFLAGS = $(fuzz_ldflags)
tests_fuzz_fuzz_png_LDADD = $(fuzz_ldadd)
EXTRA_tests_fuzz_fuzz_png_DEPENDENCIES = $(test_deps)

tests_fuzz_fuzz_jpeg_SOURCES = tests/fuzz/fuzz-jpeg.c $(fuzz_util)
tests_fuzz_fuzz_jpeg_CFLAGS = $(fuzz_cflags)
tests_fuzz_fuzz_jpeg_LDFLAGS = $(fuzz_ldflags)
tests_fuzz_fuzz_jpeg_LDADD = $(fuzz_ldadd)
EXTRA_tests_fuzz_fuzz_jpeg_DEPENDENCIES = $(test_deps)

tests_fuzz_fuzz_safetensors_SOURCES = tests/fuzz/fuzz-safetensors.c $(fuzz_util)
tests_fuzz_fuzz_safetensors_CFLAGS = $(fuzz_cflags)
tests_fuzz_fuzz_safetensors_LDFLAGS = $(fuzz_ldflags)
tests_fuzz_fuzz_safetensors_LDADD = $(fuzz_ldadd)
EXTRA_tests_fuzz_fuzz_safetensors_DEPENDENCIES = $(test_deps)

tests_fuzz_fuzz_pipeline_SOURCES = tests/fuzz/fuzz-pipeline.c $(fuzz_util)
tests_fuzz_fuzz_pipeline_CFLAGS = $(fuzz_cflags)
tests_fuzz_fuzz_pipeline_LDFLAGS = $(fuzz_ldflags)
tests_fuzz_fuzz_pipeline_LDADD = $(fuzz_ldadd)
EXTRA_tests_fuzz_fuzz_pipeline_DEPENDENCIES = $(test_deps)

tests_fuzz_fuzz_hypothesis_SOURCES = tests/fuzz/fuzz-hypothesis.c $(fuzz_util)
tests_fuzz_fuzz_hypothesis_CFLAGS = $(fuzz_cflags)
tests_fuzz_fuzz_hypothesis_LDFLAGS = $(fuzz_ldflags)
tests_fuzz_fuzz_hypothesis_LDADD = $(fuzz_ldadd)
EXTRA_tests_fuzz_fuzz_hypothesis_DEPENDENCIES = $(test_deps)

tests_fuzz_fuzz_report_SOURCES = tests/fuzz/fuzz-report.c $(fuzz_util) \
	tests/report/report-fixture.c tests/report/report-fixture.h
tests_fuzz_fuzz_report_CFLAGS = $(fuzz_cflags)
tests_fuzz_fuzz_report_LDFLAGS = $(fuzz_ldflags)
tests_fuzz_fuzz_report_LDADD = $(fuzz_ldadd)
EXTRA_tests_fuzz_fuzz_report_DEPENDENCIES = $(test_deps)

EXTRA_DIST += tests/fuzz/corpus tests/fuzz/make-corpus.py tests/fuzz/make-jpeg-seeds.c

# `make fuzz FUZZ_SECONDS=N`: every harness for N seconds on a copy of its
# seed corpus (tests/fuzz/corpus/NAME, copied to tests/fuzz/work/NAME so the
# tree's seeds stay as they are); a crash, leak, sanitizer report, timeout
# or out-of-memory fails the target, leaving the input in
# tests/fuzz/artifacts/ and the log in tests/fuzz/logs/NAME.log.
# `make fuzz FUZZ_NAMES="npy png"` runs only those.
FUZZ_SECONDS = 30
FUZZ_NAMES = $(fuzz_names)
FUZZ_FLAGS =
fuzz_env = \
	LD_LIBRARY_PATH='$(abs_top_builddir)/.libs'$${LD_LIBRARY_PATH:+:$$LD_LIBRARY_PATH} \
	INTERP_NO_SYSTEM_PLUGINS=1 INTERP_THREADS=1 OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 \
	LSAN_OPTIONS="suppressions=$(abs_top_srcdir)/tests/lsan.supp:$${LSAN_OPTIONS:-}" \
	ASAN_OPTIONS="$${ASAN_OPTIONS:-}"
if ENABLE_FUZZ
# `all` (the plugins the harnesses load) is made in the recipe, after the
# harnesses: as a prerequisite, `make -j fuzz` built the same objects in two
# make processes at once and corrupted them.
fuzz: $(FUZZ_NAMES:%=tests/fuzz/fuzz-%$(EXEEXT))
	@$(MAKE) $(AM_MAKEFLAGS) all
	@mkdir -p tests/fuzz/artifacts tests/fuzz/logs; failed=""; \
	for n in $(FUZZ_NAMES); do \
	  rm -rf tests/fuzz/work/$$n && mkdir -p tests/fuzz/work/$$n && \
	  cp $(srcdir)/tests/fuzz/corpus/$$n/* tests/fuzz/work/$$n/ && chmod u+w tests/fuzz/work/$$n/*; \
	  echo "  FUZZ     $$n ($(FUZZ_SECONDS) s)"; \
	  if $(fuzz_env) ./tests/fuzz/fuzz-$$n$(EXEEXT) -max_total_time=$(FUZZ_SECONDS) \
	       -rss_limit_mb=2048 -timeout=30 -print_final_stats=1 \
	       -artifact_prefix=tests/fuzz/artifacts/$$n- $(FUZZ_FLAGS) \
	       tests/fuzz/work/$$n > tests/fuzz/logs/$$n.log 2>&1; then \
	    grep -E '^stat::number_of_executed_units|^stat::average_exec_per_sec' \
	      tests/fuzz/logs/$$n.log | sed 's/^/           /'; \
	  else \
	    echo "FAIL: fuzz-$$n (tests/fuzz/logs/$$n.log):"; tail -40 tests/fuzz/logs/$$n.log; \
	    failed="$$failed $$n"; \
	  fi; \
	done; \
	if test -n "$$failed"; then echo "make fuzz: failed:$$failed"; exit 1; fi
else
fuzz:
	@echo "make fuzz: this build has no fuzz harnesses; configure with" >&2; \
	echo "  CC=clang ./configure --enable-fuzz --enable-asan --enable-ubsan" >&2; exit 1
endif
clean-local: clean-fuzz
clean-fuzz:
	rm -rf tests/fuzz/work tests/fuzz/artifacts tests/fuzz/logs
.PHONY: fuzz clean-fuzz
