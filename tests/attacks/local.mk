# tests/attacks: the attack plugins (unit tests compile the components in, with
# plugins/attacks/attack-common.c; known answers on hand-solvable models).
