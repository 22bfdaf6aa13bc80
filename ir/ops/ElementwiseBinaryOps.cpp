// ElementwiseBinaryOps.cpp - broadcasting binary operators (arithmetic, comparison, logic, bits), prelu and where.
#include <cmath>

#include "ir/ops/ElementwiseKernels.h"

namespace weft {
namespace {

// ---- scalar functions ------------------------------------------------------------------------

// Integers wrap (two's complement) instead of overflowing; floats are plain.
template <typename C> C add_of(C a, C b) {
  if constexpr (std::is_integral_v<C>) return C(wrap_t<C>(a) + wrap_t<C>(b));
  else return a + b;
}
template <typename C> C sub_of(C a, C b) {
  if constexpr (std::is_integral_v<C>) return C(wrap_t<C>(a) - wrap_t<C>(b));
  else return a - b;
}
template <typename C> C mul_of(C a, C b) {
  if constexpr (std::is_integral_v<C>) return C(wrap_t<C>(a) * wrap_t<C>(b));
  else return a * b;
}
// NaN propagates, as in NumPy's maximum/minimum.
template <typename C> C max_of(C a, C b) {
  if constexpr (std::is_floating_point_v<C>)
    if (std::isnan(a) || std::isnan(b)) return std::isnan(a) ? a : b;
  return a < b ? b : a;
}
template <typename C> C min_of(C a, C b) {
  if constexpr (std::is_floating_point_v<C>)
    if (std::isnan(a) || std::isnan(b)) return std::isnan(a) ? a : b;
  return b < a ? b : a;
}
// Integer division truncates toward zero (C, ONNX Runtime); callers reject zero divisors first.
template <typename C> C div_of(C a, C b) {
  if constexpr (std::is_signed_v<C> && std::is_integral_v<C>)
    if (b == C(-1)) return C(wrap_t<C>(0) - wrap_t<C>(a));  // INT_MIN / -1 wraps
  return C(a / b);
}
// fmod: C's remainder (sign of the dividend); else Python's (sign of the divisor), as np.mod.
template <typename C> C mod_of(C a, C b, bool c_fmod) {
  if constexpr (std::is_floating_point_v<C>) {
    C r = std::fmod(a, b);
    if (c_fmod || b == C(0)) return r;
    if (r != C(0)) return (r < C(0)) != (b < C(0)) ? r + b : r;
    return std::copysign(C(0), b);
  } else if constexpr (std::is_signed_v<C>) {
    if (b == C(-1)) return C(0);
    C r = C(a % b);
    return !c_fmod && r != C(0) && ((r < C(0)) != (b < C(0))) ? C(r + b) : r;
  } else {
    return C(a % b);
  }
}
template <typename C> C shift_of(C a, C b, bool left) {
  if (b >= C(sizeof(C) * 8)) return C(0);
  return left ? C(wrap_t<C>(a) << b) : C(a >> b);
}

// ---- registration helpers --------------------------------------------------------------------

// Both arguments share one dtype of kinds K; returns the broadcast shape.
Shape binary_shape(const std::vector<ArgInfo>& args, unsigned kinds, const std::string& op) {
  const TensorTypeNode& a = expect_tensor(args, 0, op);
  const TensorTypeNode& b = expect_tensor(args, 1, op);
  expect_same_dtype(args, op);
  expect_kinds(a, kinds, op, 0);
  return broadcast_shapes(a.shape, b.shape, op);
}

// out = f(a, b) over dtypes K; the result has the arguments' dtype, or bool when ToBool.
template <unsigned K, bool ToBool, typename F>
void add_binary(OpRegistry& reg, const std::string& name, const std::string& doc, F f) {
  reg.add(name).doc(doc).inputs(2).pattern(OpPattern::Broadcast)
      .type_relation([name](const std::vector<ArgInfo>& args, const Attrs&) -> Type {
        Shape s = binary_shape(args, K, name);
        return tensor_type(ToBool ? DType::Bool : as_tensor(args[0].type)->dtype, s);
      })
      .kernel([name, f](const std::vector<Tensor>& in, const Attrs&) {
        Tensor out;
        dispatch_kinds<K>(in[0].dtype(), name, [&](auto tag) {
          using T = typename decltype(tag)::type;
          if (in[1].dtype() != in[0].dtype()) throw RuntimeError(Msg() << name << ": arguments must share one dtype");
          if constexpr (ToBool) out = map_binary<T, bool>(in[0], in[1], DType::Bool, name, f);
          else out = map_binary<T, T>(in[0], in[1], in[0].dtype(), name, f);
        });
        return std::vector<Tensor>{out};
      });
}

// Throws RuntimeError when an integer divisor tensor holds a zero.
void check_int_divisor(const Tensor& b, const std::string& op) {
  if (!is_int(b.dtype())) return;
  for (int64_t i = 0; i < b.numel(); ++i)
    if (b.as_int(i) == 0) throw RuntimeError(Msg() << op << ": integer division by zero (divisor element " << i << ")");
}

// ---- the tables ------------------------------------------------------------------------------

// X(name, doc, dtype kinds, expression in a, b of compute type C); result has the argument dtype.
#define WEFT_ARITH_BINARY_OPS(X)                                          \
  X(add, "a + b", Kinds::Numeric, add_of(a, b))                           \
  X(sub, "a - b", Kinds::Numeric, sub_of(a, b))                           \
  X(mul, "a * b", Kinds::Numeric, mul_of(a, b))                           \
  X(maximum, "max(a, b), NaN if either is", Kinds::Numeric, max_of(a, b)) \
  X(minimum, "min(a, b), NaN if either is", Kinds::Numeric, min_of(a, b)) \
  X(atan2, "angle of the point (b, a)", Kinds::Float, std::atan2(a, b))   \
  X(bitwise_and, "a & b", Kinds::Int | Kinds::Bool, a & b)                \
  X(bitwise_or, "a | b", Kinds::Int | Kinds::Bool, a | b)                 \
  X(bitwise_xor, "a ^ b", Kinds::Int | Kinds::Bool, a ^ b)                \
  X(logical_and, "a and b", Kinds::Bool, a && b)                          \
  X(logical_or, "a or b", Kinds::Bool, a || b)                            \
  X(logical_xor, "a xor b", Kinds::Bool, a != b)

// Comparisons of any dtype, result bool: X(name, doc, expression).
#define WEFT_COMPARE_OPS(X)       \
  X(equal, "a == b", a == b)      \
  X(not_equal, "a != b", a != b)  \
  X(less, "a < b", a < b)         \
  X(less_equal, "a <= b", a <= b) \
  X(greater, "a > b", a > b)      \
  X(greater_equal, "a >= b", a >= b)

void register_binary_tables(OpRegistry& reg) {
#define X(name, doc, kinds, expr) \
  add_binary<kinds, false>(reg, #name, doc, [](auto a, auto b) { return decltype(a)(expr); });
  WEFT_ARITH_BINARY_OPS(X)
#undef X
#define X(name, doc, expr) add_binary<Kinds::Any, true>(reg, #name, doc, [](auto a, auto b) { return bool(expr); });
  WEFT_COMPARE_OPS(X)
#undef X
}

// ---- ops with attributes or special rules ----------------------------------------------------

void register_division(OpRegistry& reg) {
  reg.add("div").doc("a / b; integers truncate toward zero and fail on a zero divisor").inputs(2)
      .pattern(OpPattern::Broadcast)
      .type_relation([](const std::vector<ArgInfo>& args, const Attrs&) -> Type {
        Shape s = binary_shape(args, Kinds::Numeric, "div");
        return tensor_type(as_tensor(args[0].type)->dtype, s);
      })
      .kernel([](const std::vector<Tensor>& in, const Attrs&) {
        check_int_divisor(in[1], "div");
        Tensor out;
        dispatch_kinds<Kinds::Numeric>(in[0].dtype(), "div", [&](auto tag) {
          using T = typename decltype(tag)::type;
          out = map_binary<T, T>(in[0], in[1], in[0].dtype(), "div", [](auto a, auto b) { return div_of(a, b); });
        });
        return std::vector<Tensor>{out};
      });

  reg.add("mod").doc("remainder of a / b: sign of b (Python), or of a when fmod=1 (C fmod)").inputs(2)
      .attr("fmod", AttrKind::Int, int64_t(0), "0: sign of the divisor; 1: sign of the dividend")
      .pattern(OpPattern::Broadcast)
      .type_relation([](const std::vector<ArgInfo>& args, const Attrs& attrs) -> Type {
        Shape s = binary_shape(args, Kinds::Numeric, "mod");
        int64_t f = attrs.get_int("fmod");
        if (f != 0 && f != 1) throw TypeRelationError(Msg() << "mod: attribute fmod must be 0 or 1, found " << f);
        return tensor_type(as_tensor(args[0].type)->dtype, s);
      })
      .kernel([](const std::vector<Tensor>& in, const Attrs& attrs) {
        const bool c_fmod = attrs.get_int("fmod") != 0;
        check_int_divisor(in[1], "mod");
        Tensor out;
        dispatch_kinds<Kinds::Numeric>(in[0].dtype(), "mod", [&](auto tag) {
          using T = typename decltype(tag)::type;
          out = map_binary<T, T>(in[0], in[1], in[0].dtype(), "mod", [c_fmod](auto a, auto b) { return mod_of(a, b, c_fmod); });
        });
        return std::vector<Tensor>{out};
      });

  // Computed in float for f16/bf16, in the base dtype for f32/f64, in f64 for an integer base
  // (then truncated back, as ONNX Runtime does); the exponent is cast to that type first.
  reg.add("pow").doc("a ^ b, result of a's dtype; b of any numeric dtype").inputs(2).pattern(OpPattern::Broadcast)
      .type_relation([](const std::vector<ArgInfo>& args, const Attrs&) -> Type {
        const TensorTypeNode& a = expect_tensor_of(args, 0, Kinds::Numeric, "pow");
        const TensorTypeNode& b = expect_tensor_of(args, 1, Kinds::Numeric, "pow");
        return tensor_type(a.dtype, broadcast_shapes(a.shape, b.shape, "pow"));
      })
      .kernel([](const std::vector<Tensor>& in, const Attrs&) {
        const DType base = in[0].dtype();
        const DType work = base == DType::F32 || base == DType::F64 ? base : is_float(base) ? DType::F32 : DType::F64;
        Tensor a = base == work ? in[0] : in[0].cast(work), b = in[1].dtype() == work ? in[1] : in[1].cast(work);
        Tensor out;
        dispatch_kinds<Kinds::Float>(work, "pow", [&](auto tag) {
          using T = typename decltype(tag)::type;
          out = map_binary<T, T>(a, b, work, "pow", [](auto x, auto y) { return std::pow(x, y); });
        });
        return std::vector<Tensor>{work == base ? out : out.cast(base)};
      });

  reg.add("bit_shift").doc("a << b or a >> b for unsigned integers; shifts past the width give 0").inputs(2)
      .attr("direction", AttrKind::String, std::nullopt, "\"left\" or \"right\"")
      .pattern(OpPattern::Broadcast)
      .type_relation([](const std::vector<ArgInfo>& args, const Attrs& attrs) -> Type {
        Shape s = binary_shape(args, Kinds::Unsigned, "bit_shift");
        const std::string& d = attrs.get_string("direction");
        if (d != "left" && d != "right")
          throw TypeRelationError(Msg() << "bit_shift: attribute direction must be \"left\" or \"right\", found \"" << d << "\"");
        return tensor_type(as_tensor(args[0].type)->dtype, s);
      })
      .kernel([](const std::vector<Tensor>& in, const Attrs& attrs) {
        const std::string& d = attrs.get_string("direction");
        if (d != "left" && d != "right") throw RuntimeError("bit_shift: direction must be \"left\" or \"right\", found \"" + d + "\"");
        const bool left = d == "left";
        Tensor out;
        dispatch_kinds<Kinds::Unsigned>(in[0].dtype(), "bit_shift", [&](auto tag) {
          using T = typename decltype(tag)::type;
          out = map_binary<T, T>(in[0], in[1], in[0].dtype(), "bit_shift", [left](auto a, auto b) { return shift_of(a, b, left); });
        });
        return std::vector<Tensor>{out};
      });
}

// ---- prelu and where -------------------------------------------------------------------------

// slope must broadcast to x without growing it (unidirectional broadcasting).
void check_prelu_slope(const Shape& x, const Shape& s) {
  bool ok = s.size() <= x.size();
  for (size_t i = 0; ok && i < s.size(); ++i) {
    const Dim& sd = s[s.size() - 1 - i];
    const Dim& xd = x[x.size() - 1 - i];
    ok = sd == xd || !sd.is_static() || !xd.is_static() || sd.value() == 1;
  }
  if (!ok)
    throw TypeRelationError(Msg() << "prelu: slope of shape " << shape_str(s) << " must broadcast to x's shape "
                                  << shape_str(x));
}

void register_prelu_where(OpRegistry& reg) {
  reg.add("prelu").doc("x if x >= 0 else slope * x, slope broadcast to x").inputs(2).pattern(OpPattern::Broadcast)
      .type_relation([](const std::vector<ArgInfo>& args, const Attrs&) -> Type {
        const TensorTypeNode& x = expect_tensor(args, 0, "prelu");
        const TensorTypeNode& slope = expect_tensor(args, 1, "prelu");
        expect_same_dtype(args, "prelu");
        expect_kinds(x, Kinds::Float | Kinds::Signed, "prelu", 0);
        check_prelu_slope(x.shape, slope.shape);
        return args[0].type;
      })
      .kernel([](const std::vector<Tensor>& in, const Attrs&) {
        if (broadcast_shapes(in[0].shape(), in[1].shape(), "prelu") != in[0].shape())
          throw RuntimeError(Msg() << "prelu: slope of shape " << shape_str(in[1].shape()) << " must broadcast to x's shape "
                                   << shape_str(in[0].shape()));
        Tensor out;
        dispatch_kinds<Kinds::Float | Kinds::Signed>(in[0].dtype(), "prelu", [&](auto tag) {
          using T = typename decltype(tag)::type;
          out = map_binary<T, T>(in[0], in[1], in[0].dtype(), "prelu",
                                 [](auto x, auto s) { return x < decltype(x)(0) ? mul_of(x, s) : x; });
        });
        return std::vector<Tensor>{out};
      });

  reg.add("where").doc("x where cond else y, all three broadcast").inputs(3).pattern(OpPattern::Broadcast)
      .type_relation([](const std::vector<ArgInfo>& args, const Attrs&) -> Type {
        const TensorTypeNode& c = expect_tensor_of(args, 0, Kinds::Bool, "where");
        const TensorTypeNode& x = expect_tensor(args, 1, "where");
        const TensorTypeNode& y = expect_tensor(args, 2, "where");
        if (x.dtype != y.dtype)
          throw TypeRelationError(Msg() << "where: x and y must share one dtype, argument 1 is " << dtype_name(x.dtype)
                                        << " and argument 2 is " << dtype_name(y.dtype));
        return tensor_type(x.dtype, broadcast_shapes(broadcast_shapes(c.shape, x.shape, "where"), y.shape, "where"));
      })
      .kernel([](const std::vector<Tensor>& in, const Attrs&) {
        const Tensor &c = in[0], &x = in[1], &y = in[2];
        if (c.dtype() != DType::Bool || x.dtype() != y.dtype())
          throw RuntimeError("where: expected a bool condition and x, y of one dtype");
        std::vector<int64_t> shape = broadcast_shapes(broadcast_shapes(c.shape(), x.shape(), "where"), y.shape(), "where");
        Tensor out(x.dtype(), shape);
        std::vector<std::vector<int64_t>> strides = {broadcast_strides(c.shape(), shape), broadcast_strides(x.shape(), shape),
                                                     broadcast_strides(y.shape(), shape)};
        dispatch_kinds<Kinds::Any>(x.dtype(), "where", [&](auto tag) {
          using T = typename decltype(tag)::type;
          const bool* pc = c.data<bool>();
          const T *px = x.data<T>(), *py = y.data<T>();
          T* po = out.data<T>();
          const int64_t dc = shape.empty() ? 0 : strides[0].back(), dx = shape.empty() ? 0 : strides[1].back(),
                        dy = shape.empty() ? 0 : strides[2].back();
          for_each_broadcast_row(shape, strides, [&](int64_t o, const std::vector<int64_t>& off, int64_t len) {
            for (int64_t i = 0; i < len; ++i)
              po[o + i] = pc[off[0] + i * dc] ? px[off[1] + i * dx] : py[off[2] + i * dy];
          });
        });
        return std::vector<Tensor>{out};
      });
}

}  // namespace

void register_elementwise_binary_ops(OpRegistry& reg) {
  register_binary_tables(reg);
  register_division(reg);
  register_prelu_where(reg);
}

}  // namespace weft

// ---- CPU emitters (codegen) ------------------------------------------------------------------
#include "ir/ops/CpuEmit.h"

namespace weft {

void register_binary_cpu_emitters(OpRegistry& reg) {
  // Each body matches the reference kernel above (NaN, integer wrapping included). The
  // result has the arguments' broadcast shape (prelu: x's, which the slope broadcasts to).
  const std::pair<const char*, const char*> binary[] = {
      {"add", "weft_rt::wrap_add(a, b)"},     {"sub", "weft_rt::wrap_sub(a, b)"},     {"mul", "weft_rt::wrap_mul(a, b)"},
      {"div", "weft_rt::divide(a, b)"},       {"maximum", "weft_rt::max_nan(a, b)"},  {"minimum", "weft_rt::min_nan(a, b)"},
      {"equal", "a == b"},                    {"not_equal", "a != b"},                {"less", "a < b"},
      {"less_equal", "a <= b"},               {"greater", "a > b"},                   {"greater_equal", "a >= b"},
      {"atan2", "std::atan2(a, b)"},          {"bitwise_and", "a & b"},               {"bitwise_or", "a | b"},
      {"bitwise_xor", "a ^ b"},               {"logical_and", "a && b"},              {"logical_or", "a || b"},
      {"logical_xor", "a != b"},
  };
  for (auto& [name, body] : binary) {
    std::string op = name, b = body;
    reg.extend(op).shape_cpu([op](const CpuEmitArgs& a) { return cpu_shape_broadcast(a, op); }).emit_cpu([op, b](const CpuEmitArgs& a) {
      return cpu_binary(a, op, b);
    });
  }
  reg.extend("mod").shape_cpu([](const CpuEmitArgs& a) { return cpu_shape_broadcast(a, "mod"); }).emit_cpu([](const CpuEmitArgs& a) {
    return cpu_binary(a, "mod", std::string("weft_rt::mod_of(a, b, ") + (a.attrs->get_int("fmod") ? "true" : "false") + ")");
  });
  reg.extend("bit_shift").shape_cpu([](const CpuEmitArgs& a) { return cpu_shape_broadcast(a, "bit_shift"); }).emit_cpu([](const CpuEmitArgs& a) {
    const std::string left = a.attrs->get_string("direction") == "left" ? "true" : "false";
    return cpu_binary(a, "bit_shift", "weft_rt::shift_of(a, b, " + left + ")");
  });
  // As the reference kernel: computed in the base's dtype when it is f32/f64, else in f64
  // (then truncated back); the exponent is converted to that type first.
  reg.extend("pow").shape_cpu([](const CpuEmitArgs& a) { return cpu_shape_broadcast(a, "pow"); }).emit_cpu([](const CpuEmitArgs& a) {
    const DType base = a.arg_dtypes[0];
    const std::string work = cpu_ctype(base == DType::F32 || base == DType::F64 ? base : DType::F64, "pow");
    return cpu_binary(a, "pow", "std::pow(" + work + "(a), " + work + "(b))");
  });
  reg.extend("prelu").shape_cpu([](const CpuEmitArgs& a) { return cpu_shape_same(a); }).emit_cpu([](const CpuEmitArgs& a) {
    return "weft_rt::prelu<" + cpu_ctype(a.result_dtype, "prelu") + ">(" + a.args[0] + ", " + a.args[1] + ")";
  });
  reg.extend("where").shape_cpu([](const CpuEmitArgs& a) { return cpu_shape_broadcast(a, "where"); }).emit_cpu([](const CpuEmitArgs& a) {
    return "weft_rt::where<" + cpu_ctype(a.result_dtype, "where") + ">(" + a.args[0] + ", " + a.args[1] + ", " + a.args[2] + ")";
  });
}

}  // namespace weft
