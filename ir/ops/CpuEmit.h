// CpuEmit.h - helpers the op families use to write their CPU emitters and shape functions (OpDef::emit_cpu, shape_cpu).
#pragma once

#include <string>
#include <vector>

#include "ir/OpRegistry.h"

namespace weft {

// The C++ element type of a dtype: "float", "int64_t", "bool", "weft_rt::half" (f16),
// "weft_rt::bfloat16" (bf16). `op` names the operator in an error for a dtype without one.
std::string cpu_ctype(DType t, const std::string& op);

// Calls an operator's emitter. f16 and bf16 go through f32, as in the interpreter (whose
// compute type for both is float, each result rounded once): such arguments are widened
// with weft_rt::widen_f32, the emitter sees f32, and f16/bf16 results are narrowed back
// (weft_rt::narrow_to / narrow_each). Emitters therefore never see f16 or bf16.
std::string cpu_emit_op(const CpuEmitter& emit, CpuEmitArgs a);

// The emitter of an op with a scalar expression (OpDef::scalar_expr): weft_rt::unary or
// weft_rt::binary (NumPy broadcasting) over its arguments, the expression as the body of the
// element lambda with C defined as the first argument's element type.
CpuEmitter cpu_map_emitter(const std::string& op, ScalarExprFn expr);
// An axis attribute normalized against `rank` (the type relation has checked it).
int cpu_axis(int64_t axis, int rank);
// A C++ double literal that reads back exactly ("0.20000000000000001", "1.0", infinities).
std::string cpu_double(double v);
// "{0, 2, 1}": an int list as a braced initializer (of a std::vector<int> parameter).
std::string cpu_int_list(const std::vector<int>& v);
// Argument i as a std::optional<weft_rt::Tensor> argument: its name, or std::nullopt when absent.
std::string cpu_optional_arg(const CpuEmitArgs& a, size_t i);

// Shape functions (OpDef::shape_cpu). "weft_rt::Shapes{E0, E1}": one Shape expression per output.
std::string cpu_shapes(const std::vector<std::string>& shapes);
// The shape of argument i, for every output (elementwise ops: `x.shape()`).
std::string cpu_shape_same(const CpuEmitArgs& a, size_t i = 0);
// NumPy broadcasting of every argument's shape (binary and ternary maps).
std::string cpu_shape_broadcast(const CpuEmitArgs& a, const std::string& op);
// The two above as shape functions, for a builder chain.
CpuShapeEmitter cpu_shape_of_arg(size_t i);
CpuShapeEmitter cpu_shape_broadcast_of(const std::string& op);

}  // namespace weft
