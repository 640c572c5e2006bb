# plugins/models: one module holding every models component.
