#!/bin/sh
# Checks that no file of core/ includes a header of a higher layer.  The
# layers, lowest first (docs/architecture.md):
#   base util image host nn data train plugin pipeline stats report runner
# A file in core/LAYER/ may include "L/..." only for L at or below LAYER;
# core/cli/ (interp-run) includes no core header at all: it is a client of
# the public API in include/interp/.  Exit status 1 lists every violation.
# Run from anywhere: sh tests/check-layers.sh [SRCDIR]
src=${1:-${INTERP_TEST_SRCDIR:-$(dirname "$0")/..}}
layers="base util image host nn data train plugin pipeline stats report runner"
rank () {
  i=0
  for l in $layers; do
    if [ "$l" = "$1" ]; then echo $i; return; fi
    i=$((i + 1))
  done
  echo -1
}
status=0
for file in $(cd "$src" && find core -name '*.[ch]' | LC_ALL=C sort); do
  layer=$(echo "$file" | cut -d/ -f2)
  own=$(rank "$layer")
  if [ "$layer" != cli ] && [ "$own" -lt 0 ]; then
    echo "$file: not in a layer folder ($layers)"; status=1; continue
  fi
  for inc in $(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$src/$file"); do
    [ "$inc" = config.h ] && continue
    case $inc in
      */*) target=$(echo "$inc" | cut -d/ -f1) ;;
      *) target=$layer ;;   # a header next to the file
    esac
    if [ "$layer" = cli ]; then
      echo "$file: includes \"$inc\": interp-run may use only <interp/...>"; status=1; continue
    fi
    t=$(rank "$target")
    if [ "$t" -lt 0 ] || [ "$t" -gt "$own" ]; then
      echo "$file: includes \"$inc\" from a higher layer ($target above $layer)"; status=1
    fi
  done
done
[ $status = 0 ] && echo "1 passed, 0 failed: core/ includes downward only"
exit $status
