# Criterion tests of the core (registry, params, pipeline, CLI).
