# bench: `make bench` times training and inference of the small CNN and
# ResNet-20 against PyTorch.  Not part of `make` or `make check`.
EXTRA_PROGRAMS += bench/interp-bench
bench_interp_bench_SOURCES = \
	bench/bench.h \
	bench/bench.c \
	bench/bench-cases.c \
	bench/bench-reference.c \
	plugins/models/models-private.h \
	plugins/models/builder.c \
	plugins/models/mlp.c \
	plugins/models/cnn.c \
	plugins/models/resnet.c
bench_interp_bench_CFLAGS = $(AM_CFLAGS) $(JSON_CFLAGS) $(BLAS_CFLAGS)
# It builds models without the registry, so it links the core like the tests.
bench_interp_bench_LDFLAGS = $(test_ldflags)
bench_interp_bench_LDADD = $(core_external_libs)
EXTRA_bench_interp_bench_DEPENDENCIES = $(test_deps)
EXTRA_DIST += bench/pytorch_reference.py bench/README.md
CLEANFILES += bench/interp-bench$(EXEEXT) bench/results.json

# BENCH_FLAGS=--quick for a functional run; PYTHON3_SYSTEM= to skip PyTorch.
BENCH_FLAGS =
.PHONY: bench
bench: bench/interp-bench$(EXEEXT)
	$(AM_V_at)$(MKDIR_P) bench
	$(builddir)/bench/interp-bench --threads 2 --json bench/results.json \
	  --python '$(PYTHON3_SYSTEM)' --reference '$(srcdir)/bench/pytorch_reference.py' \
	  $(BENCH_FLAGS)
