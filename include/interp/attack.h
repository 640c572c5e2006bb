/* interp: adversarial attack components.
 *
 * The runner evaluates an attack at every value of its level key (e.g.
 * epsilon = 1/255, 2/255, ...), on the test split, batch by batch.  Inputs
 * are in [0, 1] pixel space; the network includes its own normalisation.
 * The network is in eval mode with input gradients enabled; an attack may
 * run as many forward/backward passes as it needs.
 */
#ifndef INTERP_ATTACK_H
#define INTERP_ATTACK_H

#include <glib.h>
#include <stdint.h>
#include <interp/context.h>
#include <interp/nn.h>
#include <interp/params.h>
#include <interp/rng.h>

G_BEGIN_DECLS

typedef struct {
  uint32_t struct_size;
  const char *level_key;   /* the DOUBLE_LIST key swept by the runner, e.g. "epsilon" */
  gpointer (*create) (const InterpParams *params, InterpContext *ctx, GError **error);
  void (*destroy) (gpointer self);
  /* x: n clean images; x_adv: same shape, caller-allocated, receives the
   * adversarial images.  rng: the attack's stream for this batch. */
  gboolean (*perturb) (gpointer self, InterpNet *net, const InterpTensor *x,
                       const int32_t *labels, double level, InterpRng *rng,
                       InterpTensor *x_adv, GError **error);
} InterpAttackVTable;

G_END_DECLS

#endif
