# plugins/attacks: one module holding every attacks component.
