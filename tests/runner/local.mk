# tests/runner: the public runner API; probes.la, a test-only plugin that exercises the
# runner's metric, corruption and attack paths (used by tests/cli).
check_LTLIBRARIES += tests/runner/probes.la
tests_runner_probes_la_SOURCES = tests/runner/probes.c
tests_runner_probes_la_CFLAGS = $(plugin_cflags)
tests_runner_probes_la_LDFLAGS = $(AM_LDFLAGS) -module -avoid-version -no-undefined \
	-shared -rpath /nowhere -export-symbols-regex '^interp_plugin_describe$$'
tests_runner_probes_la_LIBADD = $(plugin_libs)

# The public runner API, linked like an outside program: libinterp.so only.
check_PROGRAMS += tests/runner/test-runner
TESTS += tests/runner/test-runner
tests_runner_test_runner_SOURCES = tests/runner/test-runner.c
tests_runner_test_runner_CFLAGS = $(AM_CFLAGS) $(CRITERION_CFLAGS) $(JSON_CFLAGS)
tests_runner_test_runner_LDADD = libinterp.la $(JSON_LIBS) $(GLIB_LIBS) $(CRITERION_LIBS) -lm

# Non-finite checkpoints and parameters are divergences, not results (public API).
check_PROGRAMS += tests/runner/test-non-finite
TESTS += tests/runner/test-non-finite
tests_runner_test_non_finite_SOURCES = tests/runner/test-non-finite.c
tests_runner_test_non_finite_CFLAGS = $(AM_CFLAGS) $(CRITERION_CFLAGS)
tests_runner_test_non_finite_LDADD = libinterp.la $(GLIB_LIBS) $(CRITERION_LIBS) -lm

# Example images of the evaluation and the report options checked before a run
# (public API, with probes.la's corruptions).
check_PROGRAMS += tests/runner/test-examples
TESTS += tests/runner/test-examples
tests_runner_test_examples_SOURCES = tests/runner/test-examples.c
tests_runner_test_examples_CFLAGS = $(AM_CFLAGS) $(CRITERION_CFLAGS)
tests_runner_test_examples_LDADD = libinterp.la $(GLIB_LIBS) $(CRITERION_LIBS) -lm
EXTRA_tests_runner_test_examples_DEPENDENCIES = tests/runner/probes.la

check_PROGRAMS += tests/runner/test-corruption-determinism
TESTS += tests/runner/test-corruption-determinism
tests_runner_test_corruption_determinism_SOURCES = tests/runner/test-corruption-determinism.c
tests_runner_test_corruption_determinism_CFLAGS = $(AM_CFLAGS) $(CRITERION_CFLAGS)
tests_runner_test_corruption_determinism_LDADD = libinterp.la $(GLIB_LIBS) $(CRITERION_LIBS) -lm
EXTRA_tests_runner_test_corruption_determinism_DEPENDENCIES = \
	plugins/corruptions/interp-corruptions.la plugins/datasets/interp-datasets.la \
	plugins/models/interp-models.la plugins/metrics/interp-metrics.la

# The minimal-epsilon search and the attack examples' amplification, on probe
# attacks with known thresholds (internal functions: the core linked statically).
check_PROGRAMS += tests/runner/test-minimal-epsilon
TESTS += tests/runner/test-minimal-epsilon
tests_runner_test_minimal_epsilon_SOURCES = tests/runner/test-minimal-epsilon.c
tests_runner_test_minimal_epsilon_CFLAGS = $(test_cflags)
tests_runner_test_minimal_epsilon_LDFLAGS = $(test_ldflags)
tests_runner_test_minimal_epsilon_LDADD = $(test_ldadd)
EXTRA_tests_runner_test_minimal_epsilon_DEPENDENCIES = $(test_deps)

# Attacks in a whole run: minimal-epsilon rows and values, attack examples,
# the report's attack and per-layer sections, thread-count determinism.
check_PROGRAMS += tests/runner/test-attack-eval
TESTS += tests/runner/test-attack-eval
tests_runner_test_attack_eval_SOURCES = tests/runner/test-attack-eval.c
tests_runner_test_attack_eval_CFLAGS = $(AM_CFLAGS) $(CRITERION_CFLAGS) $(JSON_CFLAGS)
tests_runner_test_attack_eval_LDADD = libinterp.la $(JSON_LIBS) $(GLIB_LIBS) $(CRITERION_LIBS) -lm
EXTRA_tests_runner_test_attack_eval_DEPENDENCIES = tests/runner/probes.la

# The saliency stage's model-parameter randomisation and list-key checks
# (internal functions), with the built saliency plugin's gradient method.
check_PROGRAMS += tests/runner/test-saliency-randomisation
TESTS += tests/runner/test-saliency-randomisation
tests_runner_test_saliency_randomisation_SOURCES = tests/runner/test-saliency-randomisation.c
tests_runner_test_saliency_randomisation_CFLAGS = $(test_cflags)
tests_runner_test_saliency_randomisation_LDFLAGS = $(test_ldflags)
tests_runner_test_saliency_randomisation_LDADD = $(test_ldadd)
EXTRA_tests_runner_test_saliency_randomisation_DEPENDENCIES = $(test_deps) \
	plugins/saliency/interp-saliency.la

# The data randomisation check across fabricated trial folders, and the
# summary reading its rows (internal functions).
check_PROGRAMS += tests/runner/test-saliency-data-randomisation
TESTS += tests/runner/test-saliency-data-randomisation
tests_runner_test_saliency_data_randomisation_SOURCES = \
	tests/runner/test-saliency-data-randomisation.c
tests_runner_test_saliency_data_randomisation_CFLAGS = $(test_cflags)
tests_runner_test_saliency_data_randomisation_LDFLAGS = $(test_ldflags)
tests_runner_test_saliency_data_randomisation_LDADD = $(test_ldadd)
EXTRA_tests_runner_test_saliency_data_randomisation_DEPENDENCIES = $(test_deps)
# Deletion / insertion, infidelity and max-sensitivity against hand-computed
# values (internal functions: the core linked statically; the gradient method
# from the build tree).
check_PROGRAMS += tests/runner/test-saliency-faithfulness
TESTS += tests/runner/test-saliency-faithfulness
tests_runner_test_saliency_faithfulness_SOURCES = tests/runner/test-saliency-faithfulness.c
tests_runner_test_saliency_faithfulness_CFLAGS = $(test_cflags)
tests_runner_test_saliency_faithfulness_LDFLAGS = $(test_ldflags)
tests_runner_test_saliency_faithfulness_LDADD = $(test_ldadd)
EXTRA_tests_runner_test_saliency_faithfulness_DEPENDENCIES = $(test_deps) \
	plugins/saliency/interp-saliency.la

# ROAR / KAR: counts, rankings and masks by hand, and a tiny retraining on the
# synthetic dataset with the mlp and the gradient method.
check_PROGRAMS += tests/runner/test-saliency-roar
TESTS += tests/runner/test-saliency-roar
tests_runner_test_saliency_roar_SOURCES = tests/runner/test-saliency-roar.c
tests_runner_test_saliency_roar_CFLAGS = $(test_cflags)
tests_runner_test_saliency_roar_LDFLAGS = $(test_ldflags)
tests_runner_test_saliency_roar_LDADD = $(test_ldadd)
EXTRA_tests_runner_test_saliency_roar_DEPENDENCIES = $(test_deps) \
	plugins/saliency/interp-saliency.la plugins/datasets/interp-datasets.la \
	plugins/models/interp-models.la

# [metric:*] prefix: two instances of one plugin report apart (public API).
check_PROGRAMS += tests/runner/test-metric-prefix
TESTS += tests/runner/test-metric-prefix
tests_runner_test_metric_prefix_SOURCES = tests/runner/test-metric-prefix.c
tests_runner_test_metric_prefix_CFLAGS = $(AM_CFLAGS) $(CRITERION_CFLAGS)
tests_runner_test_metric_prefix_LDADD = libinterp.la $(GLIB_LIBS) $(CRITERION_LIBS) -lm

# Skipping hypotheses: the others unchanged, a small sweep runs only when skipped (public API).
check_PROGRAMS += tests/runner/test-skip-hypotheses
TESTS += tests/runner/test-skip-hypotheses
tests_runner_test_skip_hypotheses_SOURCES = tests/runner/test-skip-hypotheses.c
tests_runner_test_skip_hypotheses_CFLAGS = $(AM_CFLAGS) $(CRITERION_CFLAGS) $(JSON_CFLAGS)
tests_runner_test_skip_hypotheses_LDADD = libinterp.la $(JSON_LIBS) $(GLIB_LIBS) $(CRITERION_LIBS) -lm
