# plugins/regularizers: one module holding every regularizers component.
