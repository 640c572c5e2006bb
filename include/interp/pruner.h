/* interp: pruner components (which weights to remove).
 *
 * A pruner removes weights by setting the 0/1 masks of the network's
 * parameters (interp_net_set_mask in nn.h): a masked entry is zeroed at
 * once, after every optimiser step and in every gradient, so a pruned net
 * trains and evaluates as the smaller network it now is.  The runner drives
 * the schedule (lottery-ticket style rounds: train, prune a fraction of the
 * remaining weights, rewind, train again); a pruner only decides, for one
 * round, which of the weights still alive to remove:
 *   magnitude  the smallest |w|, over all layers at once or per layer,
 *              optionally sparing the first convolution and the last linear
 *              layer;
 *   random     uniformly chosen weights: the baseline magnitude must beat.
 * Pipelines name the pruner in a [pruner] group.
 *
 * Contract of prune(): of the weights whose mask is 1 (or that have no mask
 * yet), remove `fraction` of them, rounded down per the pruner's own unit
 * (the whole net or each layer), and never revive a removed weight: masks
 * only lose ones.  Buffers (running statistics) are never masked.  Random
 * choices come from `rng` only, so a pruned net is a function of the
 * pipeline seed.
 */
#ifndef INTERP_PRUNER_H
#define INTERP_PRUNER_H

#include <glib.h>
#include <stdint.h>
#include <interp/context.h>
#include <interp/nn.h>
#include <interp/params.h>
#include <interp/rng.h>

G_BEGIN_DECLS

typedef struct {
  uint32_t struct_size;
  /* net: the network to be pruned, for resolving parameter globs once
   * (an empty match is an error naming the glob). */
  gpointer (*create) (const InterpParams *params, InterpNet *net, InterpContext *ctx,
                      GError **error);
  void (*destroy) (gpointer self);
  /* One round: fraction in (0, 1) of the remaining weights; rng: the
   * pruner's stream for this round. */
  gboolean (*prune) (gpointer self, InterpNet *net, double fraction, InterpRng *rng,
                     GError **error);
} InterpPrunerVTable;

G_END_DECLS

#endif
