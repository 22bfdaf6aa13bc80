// ShapeOps.cpp - (not yet written) shape operators.
#include "ir/OpRegistry.h"
#include "ir/ops/AllOps.h"

namespace weft {

void register_shape_ops(OpRegistry& reg) { (void)reg; }

}  // namespace weft
