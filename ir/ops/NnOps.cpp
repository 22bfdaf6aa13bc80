// NnOps.cpp - (not yet written) nn operators.
#include "ir/OpRegistry.h"
#include "ir/ops/AllOps.h"

namespace weft {

void register_nn_ops(OpRegistry& reg) { (void)reg; }

}  // namespace weft
