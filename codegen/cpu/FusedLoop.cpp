// FusedLoop.cpp - a fused group as one C++ loop nest: an element function from the ops' scalar expressions, and its loop.
#include "codegen/cpu/FusedLoop.h"

#include <cctype>

#include "codegen/IrComment.h"
#include "ir/Error.h"
#include "ir/ops/CpuEmit.h"

namespace weft::codegen {

namespace {

using lower::FusedKernel;
using lower::FusedRead;

std::string ctype(DType d) { return cpu_ctype(d, ""); }
// What a scalar expression computes in (OpRegistry.h): float for f16/bf16, the element type otherwise.
std::string compute_ctype(DType d) { return d == DType::F16 || d == DType::BF16 ? "float" : ctype(d); }

// One element of the result from one element of each input (a0, a1, ...): each op's value
// stored in its own dtype (t0, t1, ...) as the interpreter's kernels store theirs.
std::string element_function(const FusedKernel& k, const std::string& name) {
  std::string params;
  for (size_t i = 0; i < k.input_dtypes.size(); ++i) params += (i ? ", " : "") + compute_ctype(k.input_dtypes[i]) + " a" + std::to_string(i);
  std::string s = "static inline " + ctype(k.dtype) + " " + name + "(" + params + ") {\n";
  for (size_t j = 0; j < k.ops.size(); ++j) {
    const lower::FusedOp& op = k.ops[j];
    const ScalarExpr e = op.def->scalar_expr(op.call->attrs, op.arg_dtypes);
    if (e.params.size() != op.args.size())
      throw CompileError(op.call->span, "operator '" + op.def->name + "': its scalar expression takes " + std::to_string(e.params.size()) +
                                            " elements, the call gives " + std::to_string(op.args.size()));
    std::string lambda_params, args;
    for (size_t q = 0; q < op.args.size(); ++q) {
      lambda_params += (q ? ", " : "") + compute_ctype(op.arg_dtypes[q]) + " " + e.params[q];
      const int a = op.args[q];
      args += (q ? ", " : "") + (a < 0 ? "a" + std::to_string(-a - 1) : "t" + std::to_string(a));
    }
    const std::string r = ctype(op.dtype);
    s += "  const " + r + " t" + std::to_string(j) + " = [](" + lambda_params + ") { using C [[maybe_unused]] = " +
         compute_ctype(op.arg_dtypes[0]) + "; return " + r + "(" + e.text + "); }(" + args + ");  // " + op.def->name + "\n";
  }
  return s + "  return t" + std::to_string(k.ops.size() - 1) + ";\n}\n";
}

// The kernel: the result's shape once, then one loop nest calling `elem` per element.
std::string kernel_function(const FusedKernel& k, const std::string& name, const std::string& elem) {
  const size_t n = k.input_dtypes.size();
  const std::string r = ctype(k.dtype);
  std::string params, shapes, bshapes, checks, data;
  std::vector<size_t> broadcast;
  for (size_t i = 0; i < n; ++i) {
    const std::string in = "in" + std::to_string(i), t = ctype(k.input_dtypes[i]);
    params += (i ? ", " : "") + std::string("const weft_rt::Tensor& ") + in;
    shapes += (i ? ", " : "") + std::string("&") + in + ".shape()";
    if (k.reads[i] == FusedRead::Scalar) {
      data += "  const " + compute_ctype(k.input_dtypes[i]) + " s" + std::to_string(i) + " = " + in + ".data<" + t + ">()[0];\n";
      continue;
    }
    data += "  const " + t + "* const d" + std::to_string(i) + " = " + in + ".data<" + t + ">();\n";
    if (k.reads[i] == FusedRead::Same) checks += "  weft_rt::fused_check_same(" + in + ".shape(), shape, kGroup, " + std::to_string(i) + ");\n";
    if (k.reads[i] == FusedRead::Broadcast) {
      bshapes += (broadcast.empty() ? "" : ", ") + std::string("&") + in + ".shape()";
      broadcast.push_back(i);
    }
  }
  std::string s = "static weft_rt::Tensor " + name + "(" + params + ") {\n";
  s += "  static constexpr const char* kGroup = \"fused " + k.name() + "\";\n";
  s += "  const weft_rt::Shape shape = weft_rt::fused_shape<" + std::to_string(n) + ">({" + shapes + "}, kGroup);\n";
  s += checks + data;
  s += "  weft_rt::Tensor out = weft_rt::Tensor::empty<" + r + ">(shape);\n";
  s += "  " + r + "* const o = out.data<" + r + ">();\n";
  std::string reads;  // the element's operands, in the loop
  if (broadcast.empty()) {
    for (size_t i = 0; i < n; ++i)
      reads += (i ? ", " : "") + (k.reads[i] == FusedRead::Scalar ? "s" + std::to_string(i) : "d" + std::to_string(i) + "[i]");
    s += "  weft_rt::parallel_elements(out.size(), [&](int64_t lo, int64_t hi) {\n";
    s += "    for (int64_t i = lo; i < hi; ++i) o[i] = " + elem + "(" + reads + ");\n";
    s += "  });\n";
    return s + "  return out;\n}\n";
  }
  const std::string b = std::to_string(broadcast.size());
  std::string strides, rows;
  for (size_t q = 0; q < broadcast.size(); ++q) {
    strides += ", auto st" + std::to_string(q);
    rows += "    const " + ctype(k.input_dtypes[broadcast[q]]) + "* const b" + std::to_string(broadcast[q]) + " = d" +
            std::to_string(broadcast[q]) + " + off[" + std::to_string(q) + "];\n";
  }
  for (size_t i = 0, q = 0; i < n; ++i) {
    std::string v = "s" + std::to_string(i);
    if (k.reads[i] == FusedRead::Same) v = "d" + std::to_string(i) + "[first + i]";
    if (k.reads[i] == FusedRead::Broadcast) v = "b" + std::to_string(i) + "[i * st" + std::to_string(q++) + "]";
    reads += (i ? ", " : "") + v;
  }
  s += "  weft_rt::fused_rows<" + b + ">(shape, {" + bshapes + "}, [&](const std::array<int64_t, " + b +
       ">& off, int64_t len, int64_t first" + strides + ") {\n";
  s += rows + "    " + r + "* const w = o + first;\n";
  s += "    for (int64_t i = 0; i < len; ++i) w[i] = " + elem + "(" + reads + ");\n";
  s += "  });\n";
  return s + "  return out;\n}\n";
}

std::string identifier(const std::string& name) {
  std::string s;
  for (char c : name) s += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return s.size() > 48 ? s.substr(0, 48) : s;
}

}  // namespace

std::string FusedLoops::call(const FusedKernel& k, const std::vector<std::string>& args) {
  // The text with placeholder names is the key: identical groups share one function.
  const std::string key = element_function(k, "@ELEM@") + kernel_function(k, "@KERNEL@", "@ELEM@");
  auto [it, fresh] = names_.emplace(key, "weft_fused_" + identifier(k.name()) + "_" + std::to_string(names_.size()));
  if (fresh) {
    const std::string& name = it->second;
    defs_ += "// " + comment_safe(ir_comment(k.fn->body, 200)) + "\n";
    defs_ += element_function(k, name + "_elem") + kernel_function(k, name, name + "_elem") + "\n";
  }
  std::string call = it->second + "(";
  for (size_t i = 0; i < args.size(); ++i) call += (i ? ", " : "") + args[i];
  return call + ")";
}

}  // namespace weft::codegen
