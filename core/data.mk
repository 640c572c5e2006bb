# core data layer: splits, augmentation, batching (sources and their tests).
