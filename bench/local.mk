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
EXTRA_PROGRAMS += bench/interp-bench-corruptions
bench_interp_bench_corruptions_SOURCES = bench/bench-corruptions.c
bench_interp_bench_corruptions_CFLAGS = $(AM_CFLAGS) $(JSON_CFLAGS) $(OPENMP_CFLAGS)
bench_interp_bench_corruptions_LDFLAGS = $(test_ldflags)
bench_interp_bench_corruptions_LDADD = $(core_external_libs)
EXTRA_bench_interp_bench_corruptions_DEPENDENCIES = $(test_deps)
EXTRA_DIST += bench/pytorch_reference.py bench/corruptions_reference.py bench/README.md
CLEANFILES += bench/interp-bench$(EXEEXT) bench/interp-bench-corruptions$(EXEEXT) \
	bench/results.json bench/corruptions.json

# BENCH_FLAGS=--quick for a functional run; PYTHON3_SYSTEM= to skip PyTorch.
BENCH_FLAGS =
# BENCH_CORRUPTION_FLAGS=--quick, or --only gaussian-noise,fog
BENCH_CORRUPTION_FLAGS = $(BENCH_FLAGS)
.PHONY: bench
bench: bench/interp-bench$(EXEEXT) bench/interp-bench-corruptions$(EXEEXT) \
	  plugins/corruptions/interp-corruptions.la
	$(AM_V_at)$(MKDIR_P) bench
	$(builddir)/bench/interp-bench --threads 2 --json bench/results.json \
	  --python '$(PYTHON3_SYSTEM)' --reference '$(srcdir)/bench/pytorch_reference.py' \
	  $(BENCH_FLAGS)
	$(builddir)/bench/interp-bench-corruptions --threads 2 --json bench/corruptions.json \
	  --plugins $(builddir)/plugins/corruptions/.libs \
	  --python '$(PYTHON3_SYSTEM)' --reference '$(srcdir)/bench/corruptions_reference.py' \
	  $(BENCH_CORRUPTION_FLAGS)
