// AllOps.h - the list of operator families; each family file registers its ops.
#pragma once

namespace weft {

class OpRegistry;

// One function per family file under ir/ops/. Adding a family = one line here and in AllOps.cpp.
void register_elementwise_ops(OpRegistry& reg);   // ElementwiseOps.cpp: unary/binary math, compare, logic, where, cast
void register_reduction_ops(OpRegistry& reg);     // ReductionOps.cpp: reduce_*, arg*, softmax, cumsum
void register_nn_ops(OpRegistry& reg);            // NnOps.cpp: matmul, gemm, conv, pooling, normalization
void register_rnn_ops(OpRegistry& reg);           // RnnOps.cpp: lstm, gru, rnn and their cells
void register_shape_ops(OpRegistry& reg);         // ShapeOps.cpp: reshape, transpose, concat, slice, gather, pad, ...
void register_misc_ops(OpRegistry& reg);          // MiscOps.cpp: topk, sort, one_hot, range, resize

void register_all_ops(OpRegistry& reg);

}  // namespace weft
