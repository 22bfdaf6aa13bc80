// AllOps.cpp - fills the registry with every op family.
#include "ir/ops/AllOps.h"

#include "ir/OpRegistry.h"

namespace weft {

void register_all_ops(OpRegistry& reg) {
  register_elementwise_ops(reg);
  register_reduction_ops(reg);
  register_nn_ops(reg);
  register_rnn_ops(reg);
  register_shape_ops(reg);
  register_misc_ops(reg);
}

}  // namespace weft
