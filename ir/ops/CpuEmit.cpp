// CpuEmit.cpp - helpers for the op families' CPU emitters.
#include "ir/ops/CpuEmit.h"

#include <cmath>
#include <cstdio>

#include "ir/Error.h"

namespace weft {

std::string cpu_ctype(DType t, const std::string& op) {
  switch (t) {
    case DType::F32: return "float";
    case DType::F64: return "double";
    case DType::I8: return "int8_t";
    case DType::I16: return "int16_t";
    case DType::I32: return "int32_t";
    case DType::I64: return "int64_t";
    case DType::U8: return "uint8_t";
    case DType::U16: return "uint16_t";
    case DType::U32: return "uint32_t";
    case DType::U64: return "uint64_t";
    case DType::Bool: return "bool";
    case DType::F16: return "weft_rt::half";
    case DType::BF16: return "weft_rt::bfloat16";
  }
  throw CompileError(Msg() << "CPU code generation: dtype " << dtype_name(t) << " is not supported yet"
                           << (op.empty() ? "" : " (in " + op + ")"));
}

std::string cpu_emit_op(const CpuEmitter& emit, CpuEmitArgs a) {
  auto is16 = [](DType t) { return t == DType::F16 || t == DType::BF16; };
  // Each f16/bf16 argument is widened once, into a local of an immediately invoked lambda
  // (an emitter may name an argument several times).
  std::string widen;
  for (size_t i = 0; i < a.args.size(); ++i)
    if (is16(a.arg_dtypes[i])) {
      const std::string local = "w16_arg" + std::to_string(i) + "_";
      widen += "const weft_rt::Tensor " + local + " = weft_rt::widen_f32(" + a.args[i] + "); ";
      a.args[i] = local;
      a.arg_dtypes[i] = DType::F32;
    }
  std::string narrow;  // the result dtypes, when one of them is f16/bf16
  bool narrows = false;
  for (DType& t : a.result_dtypes) {
    narrow += std::string(narrow.empty() ? "" : ", ") + "weft_rt::dl_dtype<" + cpu_ctype(t, "") + ">()";
    if (is16(t)) t = DType::F32, narrows = true;
  }
  if (widen.empty() && !narrows) return emit(a);
  if (!a.result_dtypes.empty()) a.result_dtype = a.result_dtypes[0];
  std::string expr = emit(a);
  if (narrows) expr = "weft_rt::narrow_each(" + expr + ", {" + narrow + "})";
  return widen.empty() ? expr : "[&] { " + widen + "return " + expr + "; }()";
}

CpuEmitter cpu_map_emitter(const std::string& op, ScalarExprFn expr) {
  return [op, expr](const CpuEmitArgs& a) {
    const ScalarExpr e = expr(*a.attrs, a.arg_dtypes);
    WEFT_ASSERT(e.params.size() == a.args.size() && (a.args.size() == 1 || a.args.size() == 2),
                "operator '" << op << "': a scalar expression over " << e.params.size() << " elements, called with "
                             << a.args.size() << " arguments");
    const std::string r = cpu_ctype(a.result_dtype, op);
    std::vector<std::string> t;
    for (DType d : a.arg_dtypes) t.push_back(cpu_ctype(d, op));
    const std::string body = "{ using C [[maybe_unused]] = " + t[0] + "; return " + r + "(" + e.text + "); }";
    if (a.args.size() == 1)
      return "weft_rt::unary<" + r + ", " + t[0] + ">(" + a.args[0] + ", [](" + t[0] + " " + e.params[0] + ") " + body + ")";
    return "weft_rt::binary<" + r + ", " + t[0] + ", " + t[1] + ">(" + a.args[0] + ", " + a.args[1] + ", [](" + t[0] + " " +
           e.params[0] + ", " + t[1] + " " + e.params[1] + ") " + body + ", \"" + op + "\")";
  };
}

int cpu_axis(int64_t axis, int rank) { return int(axis < 0 ? axis + rank : axis); }

std::string cpu_double(double v) {
  if (std::isnan(v)) return "std::numeric_limits<double>::quiet_NaN()";
  if (std::isinf(v)) return v > 0 ? "std::numeric_limits<double>::infinity()" : "-std::numeric_limits<double>::infinity()";
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  std::string s = buf;
  if (s.find_first_of(".e") == std::string::npos) s += ".0";
  return s;
}

std::string cpu_int_list(const std::vector<int>& v) {
  std::string s = "{";
  for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + std::to_string(v[i]);
  return s + "}";
}

std::string cpu_shapes(const std::vector<std::string>& shapes) {
  std::string s = "weft_rt::Shapes{";
  for (size_t i = 0; i < shapes.size(); ++i) s += (i ? ", " : "") + shapes[i];
  return s + "}";
}

std::string cpu_shape_same(const CpuEmitArgs& a, size_t i) {
  return cpu_shapes(std::vector<std::string>(a.result_ranks.size(), a.args[i] + ".shape()"));
}

std::string cpu_shape_broadcast(const CpuEmitArgs& a, const std::string& op) {
  std::string s = a.args[0] + ".shape()";
  for (size_t i = 1; i < a.args.size(); ++i) s = "weft_rt::broadcast_shape(" + s + ", " + a.args[i] + ".shape(), \"" + op + "\")";
  return cpu_shapes({s});
}

CpuShapeEmitter cpu_shape_of_arg(size_t i) {
  return [i](const CpuEmitArgs& a) { return cpu_shape_same(a, i); };
}

CpuShapeEmitter cpu_shape_broadcast_of(const std::string& op) {
  return [op](const CpuEmitArgs& a) { return cpu_shape_broadcast(a, op); };
}

std::string cpu_optional_arg(const CpuEmitArgs& a, size_t i) { return i < a.args.size() ? a.args[i] : "std::nullopt"; }

}  // namespace weft
