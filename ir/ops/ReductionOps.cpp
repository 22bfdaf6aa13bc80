// ReductionOps.cpp - (not yet written) reduction operators.
#include "ir/OpRegistry.h"
#include "ir/ops/AllOps.h"

namespace weft {

void register_reduction_ops(OpRegistry& reg) { (void)reg; }

}  // namespace weft
