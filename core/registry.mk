# plugin registry and loader (sources, test plugins and tests).
