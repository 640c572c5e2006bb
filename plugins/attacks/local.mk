# plugins/attacks: one module holding every attack component.
plugins_LTLIBRARIES += plugins/attacks/interp-attacks.la
plugins_attacks_interp_attacks_la_SOURCES = \
	plugins/attacks/plugin.c \
	plugins/attacks/plugin-components.h \
	plugins/attacks/attack-common.h \
	plugins/attacks/attack-common.c \
	plugins/attacks/apgd.c \
	plugins/attacks/bim.c \
	plugins/attacks/fgsm.c \
	plugins/attacks/pgd.c \
	plugins/attacks/attack-members.h \
	plugins/attacks/cw-l2.c \
	plugins/attacks/deepfool.c \
	plugins/attacks/square.c \
	plugins/attacks/auto.c
plugins_attacks_interp_attacks_la_CFLAGS = $(plugin_cflags)
plugins_attacks_interp_attacks_la_LDFLAGS = $(plugin_ldflags)
plugins_attacks_interp_attacks_la_LIBADD = $(plugin_libs)
