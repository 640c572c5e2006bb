# bench: `make bench` times training and inference of the small CNN and
# ResNet-20 against PyTorch.  Not part of `make` or `make check`.
EXTRA_PROGRAMS += bench/interp-bench
bench_interp_bench_SOURCES = \
	bench/bench.h \
	bench/bench.c \
	bench/bench-cases.c \
	bench/bench-machine.c \
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
# PGD-10 against PyTorch: pgd.c and attack-common.c, the dataset loader and
# the model plugins compiled in, so nothing is dlopen'ed.
EXTRA_PROGRAMS += bench/interp-bench-attacks
bench_interp_bench_attacks_SOURCES = \
	bench/bench.h \
	bench/bench-attacks.h \
	bench/bench-attacks.c \
	bench/bench-attacks-data.c \
	bench/bench-cases.c \
	bench/bench-machine.c \
	bench/bench-reference.c \
	plugins/attacks/attack-common.h \
	plugins/attacks/attack-common.c \
	plugins/attacks/pgd.c \
	plugins/datasets/datasets.h \
	plugins/datasets/store.c \
	plugins/datasets/idx.c \
	plugins/models/models-private.h \
	plugins/models/builder.c \
	plugins/models/mlp.c \
	plugins/models/cnn.c \
	plugins/models/resnet.c
bench_interp_bench_attacks_CFLAGS = $(AM_CFLAGS) $(JSON_CFLAGS) $(BLAS_CFLAGS) $(ZLIB_CFLAGS)
bench_interp_bench_attacks_LDFLAGS = $(test_ldflags)
bench_interp_bench_attacks_LDADD = $(core_external_libs) $(ZLIB_LIBS)
EXTRA_bench_interp_bench_attacks_DEPENDENCIES = $(test_deps)
# Integrated gradients and SmoothGrad against PyTorch autograd: the saliency
# plugin's methods compiled in, on the attacks bench's trained weights.
EXTRA_PROGRAMS += bench/interp-bench-saliency
bench_interp_bench_saliency_SOURCES = \
	bench/bench.h \
	bench/bench-attacks.h \
	bench/bench-saliency.h \
	bench/bench-saliency.c \
	bench/bench-saliency-data.c \
	bench/bench-attacks-data.c \
	bench/bench-cases.c \
	bench/bench-machine.c \
	bench/bench-reference.c \
	plugins/saliency/plugin-components.h \
	plugins/saliency/saliency-common.h \
	plugins/saliency/saliency-common.c \
	plugins/saliency/gradient.c \
	plugins/saliency/path-common.h \
	plugins/saliency/path-common.c \
	plugins/saliency/integrated-gradients.c \
	plugins/saliency/noise-tunnel.c \
	plugins/datasets/datasets.h \
	plugins/datasets/store.c \
	plugins/datasets/idx.c \
	plugins/models/models-private.h \
	plugins/models/builder.c \
	plugins/models/mlp.c \
	plugins/models/cnn.c \
	plugins/models/resnet.c
bench_interp_bench_saliency_CFLAGS = $(AM_CFLAGS) $(JSON_CFLAGS) $(BLAS_CFLAGS) $(ZLIB_CFLAGS)
bench_interp_bench_saliency_LDFLAGS = $(test_ldflags)
bench_interp_bench_saliency_LDADD = $(core_external_libs) $(ZLIB_LIBS)
EXTRA_bench_interp_bench_saliency_DEPENDENCIES = $(test_deps)
EXTRA_DIST += bench/pytorch_reference.py bench/corruptions_reference.py \
	bench/attacks_reference.py bench/saliency_reference.py bench/README.md
CLEANFILES += bench/interp-bench$(EXEEXT) bench/interp-bench-corruptions$(EXEEXT) \
	bench/interp-bench-attacks$(EXEEXT) bench/interp-bench-saliency$(EXEEXT) \
	bench/results.json bench/corruptions.json bench/attacks.json bench/saliency.json
# Trained weights are kept between runs (training takes a minute).
DISTCLEANFILES += bench/weights/*.safetensors

# BENCH_FLAGS=--quick for a functional run; PYTHON3_SYSTEM= to skip PyTorch.
BENCH_FLAGS =
# BENCH_CORRUPTION_FLAGS=--quick, or --only gaussian-noise,fog
BENCH_CORRUPTION_FLAGS = $(BENCH_FLAGS)
# BENCH_ATTACK_FLAGS=--quick, or e.g. --iters 9
BENCH_ATTACK_FLAGS = $(BENCH_FLAGS)
# BENCH_SALIENCY_FLAGS=--quick, or e.g. --batch 4
BENCH_SALIENCY_FLAGS = $(BENCH_FLAGS)
.PHONY: bench
bench: bench/interp-bench$(EXEEXT) bench/interp-bench-corruptions$(EXEEXT) \
	  bench/interp-bench-attacks$(EXEEXT) bench/interp-bench-saliency$(EXEEXT) \
	  plugins/corruptions/interp-corruptions.la
	$(AM_V_at)$(MKDIR_P) bench
	$(builddir)/bench/interp-bench --threads 2 --json bench/results.json \
	  --python '$(PYTHON3_SYSTEM)' --reference '$(srcdir)/bench/pytorch_reference.py' \
	  $(BENCH_FLAGS)
	$(builddir)/bench/interp-bench-corruptions --threads 2 --json bench/corruptions.json \
	  --plugins $(builddir)/plugins/corruptions/.libs \
	  --python '$(PYTHON3_SYSTEM)' --reference '$(srcdir)/bench/corruptions_reference.py' \
	  $(BENCH_CORRUPTION_FLAGS)
	$(builddir)/bench/interp-bench-attacks --threads 2 --json bench/attacks.json \
	  --weights-dir bench/weights \
	  --python '$(PYTHON3_SYSTEM)' --reference '$(srcdir)/bench/attacks_reference.py' \
	  $(BENCH_ATTACK_FLAGS)
	$(builddir)/bench/interp-bench-saliency --threads 2 --json bench/saliency.json \
	  --weights-dir bench/weights \
	  --python '$(PYTHON3_SYSTEM)' --reference '$(srcdir)/bench/saliency_reference.py' \
	  $(BENCH_SALIENCY_FLAGS)
