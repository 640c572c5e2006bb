#!/bin/sh
# `make check-valgrind`'s LOG_COMPILER: runs one test program under memcheck.
# Criterion runs each test in a child process whose exit status its parent
# does not pass on when valgrind reports at the child's exit, so the status
# alone would miss a leak: every process writes its own log, and any log
# with a non-zero error count (memcheck errors and definite leaks) fails the
# test, with the log shown.  Python (the PyTorch reference some tests spawn
# where python3-torch is installed, as in CI) is another program: not traced
# (--trace-children-skip).
logs=$(mktemp -d "${TMPDIR:-/tmp}/interp-valgrind-XXXXXX") || exit 99
valgrind --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
  --trace-children=yes --trace-children-skip='*python3*' \
  --suppressions="$INTERP_TEST_SRCDIR/tests/valgrind.supp" \
  --log-file="$logs/vg.%p.log" "$@"
status=$?
# A forked child that execs python3 (skipped above) leaves a log of the
# header alone: nothing of ours ran in it after the fork.  Any other log
# without a clean summary fails.
for f in $(grep -L "ERROR SUMMARY: 0 errors" "$logs"/vg.*.log 2>/dev/null); do
  if ! grep -q "ERROR SUMMARY" "$f" \
     && ! grep -v -E '^==[0-9]+== (Memcheck, a memory|Copyright|Using Valgrind|Command:|Parent PID:|$)' "$f" \
          | grep -q .; then
    continue
  fi
  echo "--- memcheck: $f"; cat "$f"
  status=99
done
rm -rf "$logs"
exit $status
