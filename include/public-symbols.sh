#!/bin/sh
# Prints, one a line, the names of the functions and variables that the
# given public headers declare: an interp_* identifier followed by " (" (a
# function declaration) or declared extern, with comments removed first by
# the C compiler ($CC, -fpreprocessed: no macro is expanded, no file
# included; see below for clang).  interp_plugin_describe is left out: plugins define it.  libtool exports exactly these from libinterp.so; a declared
# name that the library does not define is harmless there, and
# tests/check-exports.sh checks the other direction.
set -e
# clang has no -fpreprocessed: there the #include lines are dropped and the
# header preprocessed with -dD (its own macros are kept as #define lines,
# which are filtered out below, and the headers expand none of them in a
# declaration).
if echo 'int x;' | ${CC:-cc} -w -fpreprocessed -E -x c - >/dev/null 2>&1; then
  strip () { ${CC:-cc} -w -fpreprocessed -dD -E -P -x c "$1"; }
else
  strip () { grep -v '^ *# *include' "$1" | ${CC:-cc} -w -dD -E -P -x c -; }
fi
for h in "$@"; do
  strip "$h"
done |
  grep -v '^ *#' |
  grep -oE '(\b_?interp_[a-z0-9_]+ \(|extern [^;(]*\b_?interp_[a-z0-9_]+ *(\[[^]]*\])? *;)' |
  grep -oE '\b_?interp_[a-z0-9_]+' |
  grep -vx 'interp_plugin_describe' |
  LC_ALL=C sort -u
