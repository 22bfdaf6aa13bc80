// AllOps.cpp - fills the registry with every op family.
#include "ir/ops/AllOps.h"

#include "ir/OpRegistry.h"
#include "ir/ops/CpuEmit.h"

namespace weft {

void register_all_ops(OpRegistry& reg) {
  register_elementwise_ops(reg);
  register_reduction_ops(reg);
  register_nn_ops(reg);
  register_rnn_ops(reg);
  register_shape_ops(reg);
  register_misc_ops(reg);
  // Facets of later stages, added to the entries above.
  register_elementwise_cpu_emitters(reg);
  register_binary_cpu_emitters(reg);
  register_reduction_cpu_emitters(reg);
  register_softmax_cpu_emitters(reg);
  register_matmul_cpu_emitters(reg);
  register_shape_cpu_emitters(reg);
  register_misc_cpu_emitters(reg);
  register_nn_cpu_emitters(reg);
}

}  // namespace weft
