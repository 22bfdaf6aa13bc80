// MiscOps.cpp - (not yet written) misc operators.
#include "ir/OpRegistry.h"
#include "ir/ops/AllOps.h"

namespace weft {

void register_misc_ops(OpRegistry& reg) { (void)reg; }

}  // namespace weft
