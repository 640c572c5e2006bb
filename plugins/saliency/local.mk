# plugins/saliency: one module holding every saliency component.
