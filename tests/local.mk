# Criterion tests of the core (params, pipeline, CLI, runner).
