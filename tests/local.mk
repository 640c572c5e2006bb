# Tests of the tree itself (shell scripts; they run first).
TESTS += tests/check-layers.sh tests/check-exports.sh
EXTRA_DIST += tests/check-layers.sh tests/check-exports.sh

# `make check-valgrind`: a chosen subset of the suite under memcheck (the
# whole suite would take hours at valgrind's speed), each program through
# tests/valgrind-run.sh, which fails it on any memcheck error or definite
# leak in any of its processes (Criterion runs every test in a child).  Not
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
check-valgrind:
	@command -v valgrind >/dev/null || { echo "check-valgrind: valgrind is not installed"; exit 1; }
	$(MAKE) $(AM_MAKEFLAGS) check TESTS="$(VALGRIND_TESTS)" \
	  LOG_COMPILER="$(SHELL) $(abs_top_srcdir)/tests/valgrind-run.sh"
.PHONY: check-valgrind
EXTRA_DIST += tests/valgrind.supp tests/valgrind-run.sh
