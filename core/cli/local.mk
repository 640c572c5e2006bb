# interp-run (joined to the build once the runner lands)
