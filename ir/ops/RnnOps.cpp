// RnnOps.cpp - (not yet written) rnn operators.
#include "ir/OpRegistry.h"
#include "ir/ops/AllOps.h"

namespace weft {

void register_rnn_ops(OpRegistry& reg) { (void)reg; }

}  // namespace weft
