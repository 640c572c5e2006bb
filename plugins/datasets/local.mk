# plugins/datasets: one module holding every datasets component.
