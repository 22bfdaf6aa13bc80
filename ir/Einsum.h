// Einsum.h - an einsum equation as standard ops (diagonal masks, transpose, unsqueeze, mul, reduce_sum), shared by the importers.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "ir/Attrs.h"
#include "ir/DType.h"

namespace weft::einsum {

// Note on the method: every operand is brought to one axis order over all labels
// (output labels first, then the summed ones), with size-1 dims for labels it lacks;
// the product of all operands then broadcasts, and summing the trailing axes gives the
// output. A label repeated within one operand (a diagonal) is first reduced by masking
// with equal(i, j) and summing one of the two axes. This materializes the full product,
// fine for the small contractions einsum is used for in practice (attention scores in
// MaxViT); a matmul rewrite of two-operand contractions is an optimization for later.
// ONNX's Einsum and TorchScript's aten::einsum both lower through this one plan.

struct Operand {
  int rank = 0;                                // the operand's rank as given
  std::vector<std::pair<int, int>> diagonals;  // axes (p < q) to merge, in order, each on the axes left by the one before
  std::vector<int64_t> perm;                   // transpose after the diagonals; empty when already in order
  std::vector<int64_t> unsqueeze;              // size-1 axes for the labels this operand lacks
};

struct Plan {
  std::vector<Operand> operands;
  std::vector<int64_t> summed;  // axes of the product summed away; empty: the product is the result
};

// Plans `equation` (numpy/ONNX/torch syntax: letters of either case, `...`, optional `->`,
// spaces ignored) for operands of the given ranks. Returns an empty string and fills
// `plan`, or the reason the equation does not fit the operands.
std::string make_plan(const std::string& equation, const std::vector<int>& ranks, Plan& plan);

// Emits `plan` on `inputs` (of element type `dt`) through an importer's emitter `em`, which
// provides E op(name, args, attrs), E i64_vector(ints) and E i64_scalar(int).
template <class E, class Emitter>
E emit(const Plan& plan, const std::vector<E>& inputs, DType dt, Emitter& em) {
  E product;
  bool first = true;
  for (size_t i = 0; i < inputs.size(); ++i) {
    const Operand& o = plan.operands[i];
    E x = inputs[i];
    int rank = o.rank;  // x's rank as the diagonals shrink it
    for (auto [p, q] : o.diagonals) {
      auto positions = [&](int axis) {
        E n = em.op("reshape", {em.op("shape", {x}, Attrs{{"start", int64_t(axis)}, {"end", int64_t(axis + 1)}}), em.i64_vector({})}, Attrs{});
        std::vector<int64_t> shape(size_t(rank), 1);
        shape[size_t(axis)] = -1;
        return em.op("reshape", {em.op("range", {em.i64_scalar(0), n, em.i64_scalar(1)}, Attrs{}), em.i64_vector(shape)}, Attrs{});
      };
      E mask = em.op("cast", {em.op("equal", {positions(p), positions(q)}, Attrs{})}, Attrs{{"to", dt}});
      x = em.op("reduce_sum", {em.op("mul", {x, mask}, Attrs{})}, Attrs{{"axes", std::vector<int64_t>{q}}, {"keepdims", false}});
      --rank;
    }
    if (!o.perm.empty()) x = em.op("transpose", {x}, Attrs{{"perm", o.perm}});
    if (!o.unsqueeze.empty()) x = em.op("unsqueeze", {x}, Attrs{{"axes", o.unsqueeze}});
    product = first ? x : em.op("mul", {product, x}, Attrs{});
    first = false;
  }
  if (plan.summed.empty()) return em.op("identity", {product}, Attrs{});
  return em.op("reduce_sum", {product}, Attrs{{"axes", plan.summed}, {"keepdims", false}});
}

}  // namespace weft::einsum
