// NnCpuEmit.cpp - helpers of the nn and rnn families' CPU emitters.
#include "ir/ops/NnCpuEmit.h"

#include <cmath>
#include <charconv>

#include "ir/Error.h"
#include "ir/ops/NnInternal.h"

namespace weft {

std::string cpp_ints(const std::vector<int64_t>& v) {
  std::string s = "{";
  for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + std::to_string(v[i]);
  return s + "}";
}

std::string cpp_double(double v, const std::string& op) {
  if (!std::isfinite(v)) throw CompileError(Msg() << op << ": attribute value " << v << " is not a finite number");
  char buf[64];
  // The shortest text that reads back to exactly v ("0.3", not "0.29999999999999999").
  std::string s(buf, std::to_chars(buf, buf + sizeof buf, v).ptr);
  if (s.find_first_of(".eE") == std::string::npos) s += ".0";
  return s;
}

std::string cpu_arg_as(const CpuEmitArgs& a, size_t i, DType want, const std::string& op) {
  if (a.arg_dtypes[i] == want) return a.args[i];
  return "weft_rt::cast<" + cpu_ctype(want, op) + ", " + cpu_ctype(a.arg_dtypes[i], op) + ">(" + a.args[i] + ")";
}

std::string cpu_opt_arg(const CpuEmitArgs& a, size_t i, DType want, const std::string& op) {
  return i < a.args.size() ? cpu_arg_as(a, i, want, op) : "weft_rt::absent()";
}

std::string cpu_shape_arg(const CpuEmitArgs& a, size_t i) { return i < a.args.size() ? a.args[i] : "weft_rt::absent()"; }

std::string cpu_window(const Attrs& attrs, size_t nsp, const std::string& op) {
  WindowAttrs w = window_attrs(attrs, nsp, op, Stage::Type);
  return "weft_rt::Window{" + cpp_ints(w.strides) + ", " + cpp_ints(w.pads_begin) + ", " + cpp_ints(w.pads_end) + ", " +
         cpp_ints(w.dilations) + "}";
}

}  // namespace weft
