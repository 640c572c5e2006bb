# plugins/metrics: one module holding every metrics component.
