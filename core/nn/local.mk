# core/nn: layers, networks, losses, optimisers and checkpoints.
