# share/interp: example pipelines and the out-of-tree plugin template.
