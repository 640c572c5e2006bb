# core/nn: tensors, layers, networks and losses (sources and their tests).
