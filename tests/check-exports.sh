#!/bin/sh
# Checks that libinterp.so exports exactly what include/interp/ declares:
# every defined dynamic symbol is one the public headers declare
# (include/public-symbols.sh), and every declared function is defined.
# Run from the build folder.
src=${INTERP_TEST_SRCDIR:-$(dirname "$0")/..}
build=${INTERP_TEST_BUILDDIR:-.}
lib=$build/.libs/libinterp.so
[ -f "$lib" ] || { echo "$lib: not built"; exit 1; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
sh "$src/include/public-symbols.sh" "$src"/include/interp/*.h "$build"/include/interp/version.h \
  > "$tmp/declared"
nm -D --defined-only "$lib" | awk '{ print $NF }' | grep -v '^_init$\|^_fini$' | LC_ALL=C sort -u \
  > "$tmp/exported"
status=0
extra=$(LC_ALL=C comm -13 "$tmp/declared" "$tmp/exported")
if [ -n "$extra" ]; then
  echo "exported but not declared in include/interp/:"; echo "$extra" | sed 's/^/  /'; status=1
fi
missing=$(LC_ALL=C comm -23 "$tmp/declared" "$tmp/exported")
if [ -n "$missing" ]; then
  echo "declared in include/interp/ but not defined by libinterp.so:"; echo "$missing" | sed 's/^/  /'; status=1
fi
[ $status = 0 ] && echo "1 passed, 0 failed: libinterp.so exports $(wc -l < "$tmp/exported") symbols, all declared"
exit $status
