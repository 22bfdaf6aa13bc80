// RnnGradients.h - the gradient facets of the recurrent cells (lstm_cell, gru_cell, rnn_cell) and layers (lstm, gru, rnn).
#pragma once

#include "ir/OpRegistry.h"

namespace weft::vjp {

// A cell's vector-Jacobian product, written out from its torch definition (the gates are
// recomputed from the arguments): `gates` 4 (lstm, i f g o), 3 (gru, r z n) or 1 (rnn).
GradientFn cell_gradient(int gates);
// The layers (ONNX semantics), written out step by step on a GradientTape: a static sequence
// length and batch are needed. Their facets return fields of one shared tuple.
GradientFn lstm_layer_gradient();
GradientFn gru_layer_gradient();
GradientFn rnn_layer_gradient();

}  // namespace weft::vjp
