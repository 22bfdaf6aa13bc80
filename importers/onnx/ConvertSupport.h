// ConvertSupport.h - small building blocks shared by the control-flow and sequence converters.
#pragma once

#include <string>
#include <vector>

#include "importers/onnx/NodeContext.h"

namespace weft::onnx_import {

// A name hint for values a node binds: its first output's name, else its op type.
std::string output_hint(const NodeContext& ctx);

// Fails unless the node has between min and max inputs (max < 0: no limit).
void expect_inputs(const NodeContext& ctx, size_t min, int max);

// Input i as a scalar of `dtype`: an input of one element with rank 0 or 1 (ONNX allows
// both for trip counts, conditions and positions); i32 is widened when `dtype` is i64.
Expr scalar_input(NodeContext& ctx, size_t i, DType dtype, const std::string& what);

// Ctor(args...) with the module's constructor.
Expr construct(NodeContext& ctx, const std::string& ctor, std::vector<Expr> args);
// A call of global function `fn`, bound; `type` is the result type when known. With
// `annotate` the variable carries it: helpers typed with `?` dims then keep the static
// dims the call site knows.
Expr call_global(NodeContext& ctx, const std::string& fn, std::vector<Expr> args, Type type = nullptr, bool annotate = false);

// T of List[T] (or Option[T]); null when `t` is not known to be one.
Type elem_type(const Type& t, const std::string& adt);

// `e` itself when its known type is `target`, else `e` bound to a variable annotated with
// `target` (wider: some dims `?`). ONNX sequences and branches may mix shapes that the
// IR's List[T] and if need to agree; the annotation makes inference take the wider type.
Expr widen(NodeContext& ctx, const Expr& e, const Type& target);

// The size of dim `axis` of input i: a constant when the type says it, else shape + gather.
Expr dim_size(NodeContext& ctx, size_t i, int axis);

// An axis in [-rank, rank) (or [-rank-1, rank] with `one_more`), made non-negative.
int normalize_axis(const NodeContext& ctx, int64_t axis, int rank, bool one_more, const std::string& what);

}  // namespace weft::onnx_import
