#!/bin/sh
# `make check-valgrind`'s LOG_COMPILER: runs one test program under memcheck.
# Criterion runs each test in a child process whose exit status its parent
# does not pass on when valgrind reports at the child's exit, so the status
# alone would miss a leak: every process writes its own log, and any log
# with a non-zero error count (memcheck errors and definite leaks) fails the
# test, with the log shown.
logs=$(mktemp -d "${TMPDIR:-/tmp}/interp-valgrind-XXXXXX") || exit 99
valgrind --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
  --trace-children=yes --suppressions="$INTERP_TEST_SRCDIR/tests/valgrind.supp" \
  --log-file="$logs/vg.%p.log" "$@"
status=$?
bad=$(grep -L "ERROR SUMMARY: 0 errors" "$logs"/vg.*.log 2>/dev/null)
if [ -n "$bad" ]; then
  for f in $bad; do echo "--- memcheck: $f"; cat "$f"; done
  status=99
fi
rm -rf "$logs"
exit $status
