# plugins/tasks: one module holding every tasks component.
