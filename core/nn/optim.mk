# core/nn optimisers, schedules and safetensors checkpoints (sources and their tests).
