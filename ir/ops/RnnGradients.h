// RnnGradients.h - the gradient facets of the recurrent cells (lstm_cell, gru_cell, rnn_cell).
#pragma once

#include "ir/OpRegistry.h"

namespace weft::vjp {

// A cell's vector-Jacobian product, written out from its torch definition (the gates are
// recomputed from the arguments): `gates` 4 (lstm, i f g o), 3 (gru, r z n) or 1 (rnn).
GradientFn cell_gradient(int gates);

}  // namespace weft::vjp
