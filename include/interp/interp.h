/* interp: the umbrella header.  A plugin author includes only this. */
#ifndef INTERP_H
#define INTERP_H

#include <interp/version.h>
#include <interp/error.h>
#include <interp/tensor.h>
#include <interp/rng.h>
#include <interp/threads.h>
#include <interp/image.h>
#include <interp/nn.h>
#include <interp/loss.h>
#include <interp/optim.h>
#include <interp/checkpoint.h>
#include <interp/params.h>
#include <interp/context.h>
#include <interp/results.h>
#include <interp/plugin.h>
#include <interp/dataset.h>
#include <interp/model.h>
#include <interp/regularizer.h>
#include <interp/attack.h>
#include <interp/corruption.h>
#include <interp/metric.h>
#include <interp/saliency.h>
#include <interp/pruner.h>
#include <interp/task.h>
#include <interp/report.h>
#include <interp/progress.h>
#include <interp/trainer.h>

#endif
