# core data layer: splits, augmentation, batching (sources and their tests).
libinterp_la_SOURCES += \
	core/data.c \
	core/data.h
