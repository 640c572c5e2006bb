# interp-run
