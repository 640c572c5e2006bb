# share/interp: example pipelines, the out-of-tree plugin template, the man page.
dist_pipelines_DATA += \
	share/interp/pipelines/quickstart.ini \
	share/interp/pipelines/smoke.ini \
	share/interp/pipelines/selectivity.ini \
	share/interp/pipelines/selectivity-resnet20-cifar10.ini \
	share/interp/pipelines/selectivity-diagnostics.ini \
	share/interp/pipelines/corruptions.ini \
	share/interp/pipelines/robustness.ini \
	share/interp/pipelines/robustness-cifar10.ini \
	share/interp/pipelines/saliency.ini \
	share/interp/pipelines/resnet20-cifar10.ini
dist_template_DATA += \
	share/interp/plugin-template/mean-logit.c \
	share/interp/plugin-template/Makefile \
	share/interp/plugin-template/README.md
dist_man1_MANS = share/man/interp-run.1

# Builds the plugin template against the INSTALLED tree (headers, interp.pc,
# libinterp) and runs it through the installed interp-run.
installcheck-local:
	rm -rf installcheck-template && mkdir installcheck-template
	cp $(DESTDIR)$(templatedir)/* installcheck-template/
	chmod -R u+w installcheck-template
	PKG_CONFIG_PATH='$(DESTDIR)$(libdir)/pkgconfig' \
	  $(MAKE) -C installcheck-template INTERP_RUN='$(DESTDIR)$(bindir)/interp-run' check
	'$(DESTDIR)$(bindir)/interp-run' --plugin-path installcheck-template --list-plugins \
	  | grep -q 'mean-logit'
	'$(DESTDIR)$(bindir)/interp-run' --plugin-path installcheck-template \
	  '$(DESTDIR)$(pipelinesdir)/smoke.ini' --output installcheck-template/run \
	  --set metric:confidence.plugin=mean-logit -q
	grep -q 'mean-true-logit' installcheck-template/run/summary.csv
	rm -rf installcheck-template

clean-local: clean-local-share
clean-local-share:
	rm -rf installcheck-template
.PHONY: clean-local-share
