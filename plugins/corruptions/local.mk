# plugins/corruptions: one module holding every corruptions component.
