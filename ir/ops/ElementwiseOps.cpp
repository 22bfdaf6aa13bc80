// ElementwiseOps.cpp - (not yet written) elementwise operators.
#include "ir/OpRegistry.h"
#include "ir/ops/AllOps.h"

namespace weft {

void register_elementwise_ops(OpRegistry& reg) { (void)reg; }

}  // namespace weft
