# statistics and hypotheses (sources and tests).
