# tests of plugins
