# plugins/pruners: one module holding every pruners component.
