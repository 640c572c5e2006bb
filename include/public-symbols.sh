#!/bin/sh
# Prints, one a line, the names of the functions and variables that the
# given public headers declare: an interp_* identifier followed by " (" (a
# function declaration) or declared extern, with comments removed first by
# the C compiler ($CC, -fpreprocessed: no macro is expanded, no file
# included).  interp_plugin_describe is left out: plugins define it.  libtool exports exactly these from libinterp.so; a declared
# name that the library does not define is harmless there, and
# tests/check-exports.sh checks the other direction.
set -e
for h in "$@"; do
  ${CC:-cc} -w -fpreprocessed -dD -E -P -x c "$h"
done |
  grep -v '^ *#' |
  grep -oE '(\b_?interp_[a-z0-9_]+ \(|extern [^;(]*\b_?interp_[a-z0-9_]+ *(\[[^]]*\])? *;)' |
  grep -oE '\b_?interp_[a-z0-9_]+' |
  grep -vx 'interp_plugin_describe' |
  LC_ALL=C sort -u
