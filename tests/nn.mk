# tests of the nn engine
