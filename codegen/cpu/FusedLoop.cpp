// FusedLoop.cpp - a fused group as one C++ loop nest: an element function from the ops' scalar expressions, and its loop.
#include "codegen/cpu/FusedLoop.h"

#include <algorithm>
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

// A group that starts from an out-fusable call (lower::FusedAnchor): that call's kernel with an
// epilogue (weft_rt::Epilogue, rt/Epilogue.h) that rewrites each output tile through `elem`.
// The epilogue's state is a local struct: the inputs, checked against the kernel's result and
// their data pointers kept once per call (begin), and the per-tile loop (apply), which finds
// each row's first element from its address in the result (for broadcast inputs, the tile's
// first element, FusedSpans::tile stepping the rest without a division per row).
std::string epilogue_function(const FusedKernel& k, const std::string& name, const std::string& elem) {
  const lower::FusedAnchor& a = *k.anchor;
  const size_t n = k.input_dtypes.size() - 1;  // the parameters; input n is the anchor's result
  const std::string r = ctype(k.dtype), group = "\"fused " + k.name() + "\"";
  std::string params, ins, fields, begin, bshapes;
  std::vector<size_t> broadcast;
  for (size_t i = 0; i < n; ++i) {
    const std::string in = "in" + std::to_string(i), t = ctype(k.input_dtypes[i]), ei = "e.in[" + std::to_string(i) + "]";
    params += (i ? ", " : "") + std::string("const weft_rt::Tensor& ") + in;
    ins += (i ? ", " : "") + std::string("&") + in;
    switch (k.reads[i]) {
      case FusedRead::Unread: break;
      case FusedRead::Scalar:
        fields += "    " + compute_ctype(k.input_dtypes[i]) + " s" + std::to_string(i) + "{};\n";
        begin += "      e.s" + std::to_string(i) + " = " + ei + "->data<" + t + ">()[0];\n";
        break;
      case FusedRead::Same:
        fields += "    const " + t + "* d" + std::to_string(i) + " = nullptr;\n";
        begin += "      weft_rt::fused_check_same(" + ei + "->shape(), out.shape(), " + group + ", " + std::to_string(i) + ");\n";
        begin += "      e.d" + std::to_string(i) + " = " + ei + "->data<" + t + ">();\n";
        break;
      case FusedRead::Broadcast:
        fields += "    const " + t + "* d" + std::to_string(i) + " = nullptr;\n";
        begin += "      e.d" + std::to_string(i) + " = " + ei + "->data<" + t + ">();\n";
        bshapes += (broadcast.empty() ? "" : ", ") + std::string("&") + ei + "->shape()";
        broadcast.push_back(i);
        break;
    }
  }
  const std::string b = std::to_string(broadcast.size());
  if (!broadcast.empty()) {
    fields += "    std::optional<weft_rt::FusedSpans<" + b + ">> spans;\n";
    begin += "      const std::array<const weft_rt::Shape*, " + b + "> shapes{" + bshapes + "};\n";
    begin += "      weft_rt::fused_check_broadcast<" + b + ">(out.shape(), shapes, " + group + ");\n";
    begin += "      e.spans.emplace(out.shape(), shapes);\n";
  }
  // The element's operands: `at` is the output element's index, `v` where it is stored.
  auto reads = [&](const std::string& at, const std::string& v) {
    std::string s;
    for (size_t i = 0, q = 0; i <= n; ++i) {
      std::string x = "{}";
      if (i == n) x = v + "[i]";
      else if (k.reads[i] == FusedRead::Scalar) x = "e.s" + std::to_string(i);
      else if (k.reads[i] == FusedRead::Same) x = "e.d" + std::to_string(i) + "[" + at + " + i]";
      else if (k.reads[i] == FusedRead::Broadcast) x = "b" + std::to_string(i) + "[i * st" + std::to_string(q++) + "]";
      s += (i ? ", " : "") + x;
    }
    return s;
  };
  std::string apply;
  if (broadcast.empty()) {
    apply = "      for (int64_t r = 0; r < rows; ++r) {\n        " + r + "* const w = c + r * ldc;\n        const int64_t first = w - e.base;\n" +
            "        for (int64_t i = 0; i < cols; ++i) w[i] = " + elem + "(" + reads("first", "w") + ");\n      }\n";
  } else {
    std::string strides, rows;
    for (size_t q = 0; q < broadcast.size(); ++q) {
      strides += ", auto st" + std::to_string(q);
      rows += "        const " + ctype(k.input_dtypes[broadcast[q]]) + "* const b" + std::to_string(broadcast[q]) + " = e.d" +
              std::to_string(broadcast[q]) + " + off[" + std::to_string(q) + "];\n";
    }
    apply = "      e.spans->tile(c - e.base, ldc, rows, cols, [&](const std::array<int64_t, " + b + ">& off, int64_t len, int64_t f" + strides +
            ") {\n" + rows + "        " + r + "* const v = e.base + f;\n" + "        for (int64_t i = 0; i < len; ++i) v[i] = " + elem + "(" +
            reads("f", "v") + ");\n      });\n";
  }
  std::string s = "static weft_rt::Tensor " + name + "(" + params + ") {\n";
  s += "  struct Epi {\n    const weft_rt::Tensor* in[" + std::to_string(std::max<size_t>(n, 1)) + "];\n    " + r + "* base = nullptr;\n" + fields;
  s += "    static void begin(void* p, const weft_rt::Tensor& out) {\n      Epi& e = *static_cast<Epi*>(p);\n";
  s += "      e.base = const_cast<" + r + "*>(out.data<" + r + ">());\n" + begin + "    }\n";
  s += "    static void apply(void* p, " + r + "* c, int64_t ldc, int64_t rows, int64_t cols) {\n";
  s += "      const Epi& e = *static_cast<const Epi*>(p);\n";
  s += apply + "    }\n";
  s += "  } e{{" + ins + "}};\n";
  s += "  const weft_rt::Epilogue<" + r + "> epi{&Epi::begin, &Epi::apply, &e};\n";
  CpuEmitArgs ea;
  for (size_t q = 0; q < a.params.size(); ++q) {
    ea.args.push_back("in" + std::to_string(a.params[q]));
    ea.arg_dtypes.push_back(a.arg_dtypes[q]);
    ea.arg_ranks.push_back(a.arg_ranks[q]);
  }
  ea.result_dtype = a.dtype;
  ea.result_rank = k.rank;
  ea.result_dtypes = {a.dtype};
  ea.result_ranks = {k.rank};
  ea.attrs = &a.call->attrs;
  ea.epilogue = "epi";
  if (!a.def->emit_cpu) throw CompileError(a.call->span, "operator '" + a.def->name + "' has no CPU emitter");
  s += "  return " + cpu_emit_op(a.def->emit_cpu, std::move(ea)) + ";\n}\n";
  return s;
}

std::string identifier(const std::string& name) {
  std::string s;
  for (char c : name) s += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return s.size() > 48 ? s.substr(0, 48) : s;
}

}  // namespace

std::string FusedLoops::call(const FusedKernel& k, const std::vector<std::string>& args) {
  // The text with placeholder names is the key: identical groups share one function.
  auto kernel = [&](const std::string& name, const std::string& elem) {
    return k.anchor ? epilogue_function(k, name, elem) : kernel_function(k, name, elem);
  };
  const std::string key = element_function(k, "@ELEM@") + kernel("@KERNEL@", "@ELEM@");
  auto [it, fresh] = names_.emplace(key, "weft_fused_" + identifier(k.name()) + "_" + std::to_string(names_.size()));
  if (fresh) {
    const std::string& name = it->second;
    defs_ += "// " + comment_safe(ir_comment(k.fn->body, 200)) + "\n";
    defs_ += element_function(k, name + "_elem") + kernel(name, name + "_elem") + "\n";
  }
  std::string call = it->second + "(";
  for (size_t i = 0; i < args.size(); ++i) call += (i ? ", " : "") + args[i];
  return call + ")";
}

}  // namespace weft::codegen
