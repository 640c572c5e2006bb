# Tests of the tree itself (shell scripts; they run first).
TESTS += tests/check-layers.sh tests/check-exports.sh
EXTRA_DIST += tests/check-layers.sh tests/check-exports.sh
