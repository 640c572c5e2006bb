# Tests of the tree itself (shell scripts; they run first).
TESTS += tests/check-layers.sh tests/check-exports.sh
EXTRA_DIST += tests/check-layers.sh tests/check-exports.sh

# `make check-valgrind`: a chosen subset of the suite under memcheck (the
# whole suite would take hours at valgrind's speed).  Criterion runs each
# test in a child process, which --trace-children follows; a memcheck error
# or a definite leak makes that child exit 99, which fails its test.  Not
# part of `make check`; CI runs it.
VALGRIND_TESTS = \
	tests/util/test-util \
	tests/util/test-rng \
	tests/pipeline/test-pipeline \
	tests/stats/test-hypothesis \
	tests/nn/test-nn-net \
	tests/nn/test-checkpoint \
	tests/nn/test-net-memory \
	tests/train/test-gradient-norms \
	tests/report/test-tracking-report \
	tests/report/test-report
VALGRIND_FLAGS = -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
	--trace-children=yes --suppressions=$(abs_top_srcdir)/tests/valgrind.supp
check-valgrind:
	@command -v valgrind >/dev/null || { echo "check-valgrind: valgrind is not installed"; exit 1; }
	$(MAKE) $(AM_MAKEFLAGS) check TESTS="$(VALGRIND_TESTS)" \
	  LOG_COMPILER=valgrind AM_LOG_FLAGS="$(VALGRIND_FLAGS)"
.PHONY: check-valgrind
EXTRA_DIST += tests/valgrind.supp
