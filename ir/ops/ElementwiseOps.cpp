// ElementwiseOps.cpp - unary elementwise operators (math, activations, predicates), clip and cast.
#include <cmath>
#include <limits>

#include "ir/ops/AllOps.h"
#include "ir/ops/ElementwiseKernels.h"

namespace weft {

unsigned kind_of(DType d) {
  unsigned k = 0;
  dispatch_dtype(d, [&](auto tag) { k = kind_of<typename decltype(tag)::type>(); });
  return k;
}

std::string kinds_name(unsigned kinds) {
  switch (kinds) {
    case Kinds::Float: return "a floating-point";
    case Kinds::Signed: return "a signed integer";
    case Kinds::Unsigned: return "an unsigned integer";
    case Kinds::Bool: return "a bool";
    case Kinds::Int: return "an integer";
    case Kinds::Int | Kinds::Bool: return "an integer or bool";
    case Kinds::Float | Kinds::Signed: return "a floating-point or signed integer";
    case Kinds::Numeric: return "a numeric (float or integer)";
    case Kinds::Any: return "a";
  }
  return "a suitable";
}

void expect_kinds(const TensorTypeNode& t, unsigned kinds, const std::string& op, size_t i) {
  if (!(kind_of(t.dtype) & kinds))
    throw TypeRelationError(Msg() << op << ": argument " << i << " must be " << kinds_name(kinds) << " tensor, found "
                                  << dtype_name(t.dtype));
}

const TensorTypeNode& expect_tensor_of(const std::vector<ArgInfo>& args, size_t i, unsigned kinds, const std::string& op) {
  const TensorTypeNode& t = expect_tensor(args, i, op);
  expect_kinds(t, kinds, op, i);
  return t;
}

void register_elementwise_ops(OpRegistry& reg) {
  register_elementwise_unary_ops(reg);
  register_elementwise_binary_ops(reg);
}

namespace {

// ---- scalar functions shared by several table rows ----------------------------------------

template <typename C>
C neg_of(C x) {
  if constexpr (std::is_integral_v<C>) return C(wrap_t<C>(0) - wrap_t<C>(x));
  else return -x;
}
template <typename C>
C abs_of(C x) {
  if constexpr (std::is_unsigned_v<C>) return x;
  else if constexpr (std::is_integral_v<C>) return x < 0 ? neg_of(x) : x;
  else return std::fabs(x);
}
template <typename C>
C sign_of(C x) {
  if constexpr (std::is_unsigned_v<C>) return C(x != 0);
  else if constexpr (std::is_integral_v<C>) return C((C(0) < x) - (x < C(0)));
  else return std::isnan(x) ? x : C((C(0) < x) - (x < C(0)));
}
template <typename C>
C relu_of(C x) {
  if constexpr (std::is_unsigned_v<C>) return x;
  else return x < C(0) ? C(0) : x;
}
template <typename C>
C clamp01(C x) {  // NaN passes through
  return x < C(0) ? C(0) : x > C(1) ? C(1) : x;
}
template <typename C>
C sigmoid_of(C x) {
  if (x >= C(0)) return C(1) / (C(1) + std::exp(-x));
  C e = std::exp(x);
  return e / (C(1) + e);
}
template <typename C>
C softplus_of(C x) {  // log(1 + e^x) without overflow
  return x > C(0) ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x));
}

// ---- registration helpers --------------------------------------------------------------------

// Same-type unary op over dtypes K: out[i] = f(in[i]).
template <unsigned K, typename F>
void add_unary(OpRegistry& reg, const std::string& name, const std::string& doc, F f) {
  reg.add(name).doc(doc).inputs(1).pattern(OpPattern::Elementwise)
      .type_relation([name](const std::vector<ArgInfo>& args, const Attrs&) -> Type {
        expect_tensor_of(args, 0, K, name);
        return args[0].type;
      })
      .kernel([name, f](const std::vector<Tensor>& in, const Attrs&) {
        Tensor out(in[0].dtype(), in[0].shape());
        dispatch_kinds<K>(in[0].dtype(), name, [&](auto tag) {
          using T = typename decltype(tag)::type;
          map_unary<T, T>(in[0], out, f);
        });
        return std::vector<Tensor>{out};
      });
}

// A float unary op with up to two float attributes: out[i] = f(in[i], a, b).
struct ParamSpec { const char* name; double value; };
template <typename F>
void add_param_unary(OpRegistry& reg, const std::string& name, const std::string& doc, ParamSpec pa, ParamSpec pb, F f) {
  auto def = reg.add(name);
  def.doc(doc).inputs(1).pattern(OpPattern::Elementwise);
  for (const ParamSpec& p : {pa, pb})
    if (p.name) def.attr(p.name, AttrKind::Float, p.value);
  def.type_relation([name](const std::vector<ArgInfo>& args, const Attrs&) -> Type {
       expect_tensor_of(args, 0, Kinds::Float, name);
       return args[0].type;
     })
      .kernel([name, pa, pb, f](const std::vector<Tensor>& in, const Attrs& attrs) {
        const double a = pa.name ? attrs.get_float(pa.name) : 0.0, b = pb.name ? attrs.get_float(pb.name) : 0.0;
        Tensor out(in[0].dtype(), in[0].shape());
        dispatch_kinds<Kinds::Float>(in[0].dtype(), name, [&](auto tag) {
          using T = typename decltype(tag)::type;
          using C = compute_t<T>;
          map_unary<T, T>(in[0], out, [f, ca = C(a), cb = C(b)](C x) { return f(x, ca, cb); });
        });
        return std::vector<Tensor>{out};
      });
}

// A unary op from dtypes K to bool: out[i] = f(in[i], attrs...).
template <unsigned K, typename F>
void add_predicate(OpRegistry& reg, const std::string& name, const std::string& doc, F f) {
  reg.add(name).doc(doc).inputs(1).pattern(OpPattern::Elementwise)
      .type_relation([name](const std::vector<ArgInfo>& args, const Attrs&) -> Type {
        const TensorTypeNode& t = expect_tensor_of(args, 0, K, name);
        return tensor_type(DType::Bool, t.shape);
      })
      .kernel([name, f](const std::vector<Tensor>& in, const Attrs&) {
        Tensor out(DType::Bool, in[0].shape());
        dispatch_kinds<K>(in[0].dtype(), name, [&](auto tag) {
          using T = typename decltype(tag)::type;
          map_unary<T, bool>(in[0], out, f);
        });
        return std::vector<Tensor>{out};
      });
}

// ---- the tables ------------------------------------------------------------------------------

// Float-only math, same type out: X(name, doc, expression in x of compute type C).
#define WEFT_FLOAT_UNARY_OPS(X)                                   \
  X(exp, "e^x", std::exp(x))                                      \
  X(log, "natural logarithm", std::log(x))                        \
  X(sqrt, "square root", std::sqrt(x))                            \
  X(rsqrt, "1 / sqrt(x)", C(1) / std::sqrt(x))                    \
  X(reciprocal, "1 / x", C(1) / x)                                \
  X(sin, "sine", std::sin(x))                                     \
  X(cos, "cosine", std::cos(x))                                   \
  X(tan, "tangent", std::tan(x))                                  \
  X(asin, "arcsine", std::asin(x))                                \
  X(acos, "arccosine", std::acos(x))                              \
  X(atan, "arctangent", std::atan(x))                             \
  X(sinh, "hyperbolic sine", std::sinh(x))                        \
  X(cosh, "hyperbolic cosine", std::cosh(x))                      \
  X(tanh, "hyperbolic tangent", std::tanh(x))                     \
  X(asinh, "inverse hyperbolic sine", std::asinh(x))              \
  X(acosh, "inverse hyperbolic cosine", std::acosh(x))            \
  X(atanh, "inverse hyperbolic tangent", std::atanh(x))           \
  X(sigmoid, "1 / (1 + e^-x)", sigmoid_of(x))                     \
  X(erf, "Gauss error function", std::erf(x))                     \
  X(floor, "largest integer <= x", std::floor(x))                 \
  X(ceil, "smallest integer >= x", std::ceil(x))                  \
  X(round, "nearest integer, halves to even", std::nearbyint(x))  \
  X(softplus, "log(1 + e^x)", softplus_of(x))                     \
  X(softsign, "x / (1 + |x|)", x / (C(1) + std::fabs(x)))         \
  X(silu, "x * sigmoid(x)", x * sigmoid_of(x))                    \
  X(mish, "x * tanh(softplus(x))", x * std::tanh(softplus_of(x))) \
  X(hard_swish, "x * max(0, min(1, x/6 + 1/2))", x * clamp01(x / C(6) + C(0.5)))

// Numeric (float and integer), same type out; integers wrap.
#define WEFT_NUMERIC_UNARY_OPS(X)                                \
  X(neg, "-x", neg_of(x))                                        \
  X(abs, "|x|", abs_of(x))                                       \
  X(sign, "-1, 0 or 1 by the sign of x (NaN stays)", sign_of(x)) \
  X(relu, "max(x, 0) (NaN stays)", relu_of(x))

// Float ops with attributes: X(name, doc, {attr a, default}, {attr b, default} or {}, expression in x, a, b).
#define WEFT_PARAM_UNARY_OPS(X)                                                                       \
  X(hard_sigmoid, "max(0, min(1, alpha*x + beta))", ({"alpha", 0.2}), ({"beta", 0.5}),                \
    clamp01(a * x + b))                                                                               \
  X(leaky_relu, "x if x >= 0 else alpha*x", ({"alpha", 0.01}), ({}), x < C(0) ? a * x : x)            \
  X(elu, "x if x > 0 else alpha*(e^x - 1)", ({"alpha", 1.0}), ({}), x > C(0) ? x : a * std::expm1(x)) \
  X(selu, "gamma*x if x > 0 else gamma*alpha*(e^x - 1)", ({"alpha", 1.67326319217681884765625}),      \
    ({"gamma", 1.05070102214813232421875}), x > C(0) ? b * x : b * a * std::expm1(x))                 \
  X(celu, "x if x > 0 else alpha*(e^(x/alpha) - 1)", ({"alpha", 1.0}), ({}),                          \
    x > C(0) ? x : a * std::expm1(x / a))                                                             \
  X(thresholded_relu, "x if x > alpha else 0", ({"alpha", 1.0}), ({}), x > a ? x : C(0))

void register_unary_tables(OpRegistry& reg) {
#define X(name, doc, expr) \
  add_unary<Kinds::Float>(reg, #name, doc, [](auto x) { using C [[maybe_unused]] = decltype(x); return C(expr); });
  WEFT_FLOAT_UNARY_OPS(X)
#undef X
#define X(name, doc, expr) \
  add_unary<Kinds::Numeric>(reg, #name, doc, [](auto x) { using C [[maybe_unused]] = decltype(x); return C(expr); });
  WEFT_NUMERIC_UNARY_OPS(X)
#undef X
#define X(name, doc, pa, pb, expr)                                                          \
  add_param_unary(reg, #name, doc, ParamSpec pa, ParamSpec pb, [](auto x, auto a, auto b) { \
    using C [[maybe_unused]] = decltype(x);                                                 \
    (void)a, (void)b;                                                                       \
    return C(expr);                                                                         \
  });
  WEFT_PARAM_UNARY_OPS(X)
#undef X
}

template <typename C>
C gelu_of(C x, bool tanh_approx) {
  if (tanh_approx) {
    const C k = C(0.7978845608028654);  // sqrt(2/pi)
    return C(0.5) * x * (C(1) + std::tanh(k * (x + C(0.044715) * x * x * x)));
  }
  return C(0.5) * x * (C(1) + std::erf(x * C(0.7071067811865476)));
}

bool gelu_tanh(const Attrs& attrs, bool at_type_time) {
  const std::string& s = attrs.get_string("approximate");
  if (s == "none" || s == "tanh") return s == "tanh";
  std::string msg = Msg() << "gelu: attribute approximate must be \"none\" or \"tanh\", found \"" << s << "\"";
  if (at_type_time) throw TypeRelationError(msg);
  throw RuntimeError(msg);
}

void register_special_unary(OpRegistry& reg) {
  reg.add("gelu").doc("x * Phi(x), Phi the normal CDF (or its tanh approximation)").inputs(1)
      .attr("approximate", AttrKind::String, std::string("none"), "\"none\" (exact, erf) or \"tanh\"")
      .pattern(OpPattern::Elementwise)
      .type_relation([](const std::vector<ArgInfo>& args, const Attrs& attrs) -> Type {
        expect_tensor_of(args, 0, Kinds::Float, "gelu");
        gelu_tanh(attrs, true);
        return args[0].type;
      })
      .kernel([](const std::vector<Tensor>& in, const Attrs& attrs) {
        const bool approx = gelu_tanh(attrs, false);
        Tensor out(in[0].dtype(), in[0].shape());
        dispatch_kinds<Kinds::Float>(in[0].dtype(), "gelu", [&](auto tag) {
          using T = typename decltype(tag)::type;
          map_unary<T, T>(in[0], out, [approx](compute_t<T> x) { return gelu_of(x, approx); });
        });
        return std::vector<Tensor>{out};
      });

  add_predicate<Kinds::Float>(reg, "is_nan", "x is NaN", [](auto x) { return std::isnan(x); });
  reg.add("is_inf").doc("x is an infinity (of the signs selected)").inputs(1).pattern(OpPattern::Elementwise)
      .attr("detect_positive", AttrKind::Bool, true, "report +inf")
      .attr("detect_negative", AttrKind::Bool, true, "report -inf")
      .type_relation([](const std::vector<ArgInfo>& args, const Attrs&) -> Type {
        return tensor_type(DType::Bool, expect_tensor_of(args, 0, Kinds::Float, "is_inf").shape);
      })
      .kernel([](const std::vector<Tensor>& in, const Attrs& attrs) {
        const bool pos = attrs.get_bool("detect_positive"), neg = attrs.get_bool("detect_negative");
        Tensor out(DType::Bool, in[0].shape());
        dispatch_kinds<Kinds::Float>(in[0].dtype(), "is_inf", [&](auto tag) {
          using T = typename decltype(tag)::type;
          map_unary<T, bool>(in[0], out, [pos, neg](auto x) { return std::isinf(x) && (x > 0 ? pos : neg); });
        });
        return std::vector<Tensor>{out};
      });

  add_unary<Kinds::Bool>(reg, "logical_not", "not x", [](bool x) { return !x; });
  add_unary<Kinds::Int>(reg, "bitwise_not", "~x", [](auto x) { return decltype(x)(~x); });
  reg.add("identity").doc("x itself").inputs(1).pattern(OpPattern::Elementwise)
      .type_relation([](const std::vector<ArgInfo>& args, const Attrs&) -> Type {
        expect_tensor(args, 0, "identity");
        return args[0].type;
      })
      .kernel([](const std::vector<Tensor>& in, const Attrs&) { return std::vector<Tensor>{in[0]}; });
}

// ---- clip and cast ---------------------------------------------------------------------------

// clip's bounds: a scalar tensor of x's dtype, or one with no elements for "no bound".
void check_clip_bound(const std::vector<ArgInfo>& args, size_t i, DType x) {
  const TensorTypeNode& t = expect_tensor(args, i, "clip");
  if (t.dtype != x)
    throw TypeRelationError(Msg() << "clip: bound " << i << " must have the dtype of x, " << dtype_name(x) << ", found "
                                  << dtype_name(t.dtype));
  int64_t n = 1;
  for (const Dim& d : t.shape) n = d.is_static() ? n * d.value() : n;
  if (n > 1)
    throw TypeRelationError(Msg() << "clip: bound " << i << " must be a scalar (or empty for no bound), found shape "
                                  << shape_str(t.shape));
}

void register_clip_cast(OpRegistry& reg) {
  reg.add("clip").doc("min(max(x, lo), hi); a missing or empty bound is no bound (NaN stays)").inputs(1, 3)
      .pattern(OpPattern::Elementwise)
      .type_relation([](const std::vector<ArgInfo>& args, const Attrs&) -> Type {
        const TensorTypeNode& x = expect_tensor_of(args, 0, Kinds::Numeric, "clip");
        for (size_t i = 1; i < args.size(); ++i) check_clip_bound(args, i, x.dtype);
        return args[0].type;
      })
      .kernel([](const std::vector<Tensor>& in, const Attrs&) {
        Tensor out(in[0].dtype(), in[0].shape());
        for (size_t i = 1; i < in.size(); ++i)
          if (in[i].numel() > 1 || in[i].dtype() != in[0].dtype())
            throw RuntimeError(Msg() << "clip: bound " << i << " must be a scalar of " << dtype_name(in[0].dtype())
                                     << ", found " << in[i].str(4));
        dispatch_kinds<Kinds::Numeric>(in[0].dtype(), "clip", [&](auto tag) {
          using T = typename decltype(tag)::type;
          using C = compute_t<T>;
          auto bound = [&](size_t i, C none) { return i < in.size() && in[i].numel() ? C(in[i].data<T>()[0]) : none; };
          const C lo = bound(1, std::numeric_limits<C>::lowest()), hi = bound(2, std::numeric_limits<C>::max());
          const bool has_lo = in.size() > 1 && in[1].numel(), has_hi = in.size() > 2 && in[2].numel();
          map_unary<T, T>(in[0], out, [=](C x) {
            if (has_lo && x < lo) x = lo;
            if (has_hi && x > hi) x = hi;
            return x;
          });
        });
        return std::vector<Tensor>{out};
      });

  reg.add("cast").doc("converts to dtype `to` (NumPy rules: floats truncate toward zero, bool is x != 0)").inputs(1)
      .attr("to", AttrKind::DType, std::nullopt, "the result dtype")
      .pattern(OpPattern::Elementwise)
      .type_relation([](const std::vector<ArgInfo>& args, const Attrs& attrs) -> Type {
        return tensor_type(attrs.get_dtype("to"), expect_tensor(args, 0, "cast").shape);
      })
      .kernel([](const std::vector<Tensor>& in, const Attrs& attrs) {
        DType to = attrs.get_dtype("to");
        return std::vector<Tensor>{in[0].dtype() == to ? in[0] : in[0].cast(to)};
      });
}

}  // namespace

void register_elementwise_unary_ops(OpRegistry& reg) {
  register_unary_tables(reg);
  register_special_unary(reg);
  register_clip_cast(reg);
}

}  // namespace weft

// ---- CPU emitters (codegen) ------------------------------------------------------------------
#include "ir/ops/CpuEmit.h"

namespace weft {

void register_elementwise_cpu_emitters(OpRegistry& reg) {
  // Each body matches the reference kernel above (NaN, integer wrapping included); C is
  // the element type, as in the tables. Every result has its (first) argument's shape.
  const auto same = [](const CpuEmitArgs& a) { return cpu_shape_same(a); };
  const std::pair<const char*, const char*> unary[] = {
      {"neg", "weft_rt::wrap_neg(x)"},
      {"abs", "weft_rt::abs_of(x)"},
      {"sign", "weft_rt::sign_of(x)"},
      {"relu", "weft_rt::relu(x)"},
      {"exp", "std::exp(x)"},
      {"log", "std::log(x)"},
      {"sqrt", "std::sqrt(x)"},
      {"rsqrt", "C(1) / std::sqrt(x)"},
      {"reciprocal", "C(1) / x"},
      {"sin", "std::sin(x)"},
      {"cos", "std::cos(x)"},
      {"tan", "std::tan(x)"},
      {"asin", "std::asin(x)"},
      {"acos", "std::acos(x)"},
      {"atan", "std::atan(x)"},
      {"sinh", "std::sinh(x)"},
      {"cosh", "std::cosh(x)"},
      {"tanh", "std::tanh(x)"},
      {"asinh", "std::asinh(x)"},
      {"acosh", "std::acosh(x)"},
      {"atanh", "std::atanh(x)"},
      {"sigmoid", "weft_rt::sigmoid(x)"},
      {"erf", "std::erf(x)"},
      {"floor", "std::floor(x)"},
      {"ceil", "std::ceil(x)"},
      {"round", "std::nearbyint(x)"},
      {"softplus", "weft_rt::softplus(x)"},
      {"softsign", "x / (C(1) + std::fabs(x))"},
      {"silu", "x * weft_rt::sigmoid(x)"},
      {"mish", "x * std::tanh(weft_rt::softplus(x))"},
      {"hard_swish", "x * weft_rt::clamp01(x / C(6) + C(0.5))"},
      {"is_nan", "std::isnan(x)"},
      {"logical_not", "!x"},
      {"bitwise_not", "~x"},
  };
  for (auto& [name, body] : unary) {
    std::string op = name, b = body;
    reg.extend(op).shape_cpu(same).emit_cpu([op, b](const CpuEmitArgs& a) {
      return cpu_unary(a, op, "[&] { using C [[maybe_unused]] = decltype(x); return " + b + "; }()");
    });
  }
  // Ops with float attributes: the body sees them as A and B, of the element type.
  const std::tuple<const char*, const char*, const char*, const char*> param[] = {
      {"hard_sigmoid", "alpha", "beta", "weft_rt::clamp01(A * x + B)"},
      {"leaky_relu", "alpha", nullptr, "x < C(0) ? A * x : x"},
      {"elu", "alpha", nullptr, "x > C(0) ? x : A * std::expm1(x)"},
      {"selu", "alpha", "gamma", "x > C(0) ? B * x : B * A * std::expm1(x)"},
      {"celu", "alpha", nullptr, "x > C(0) ? x : A * std::expm1(x / A)"},
      {"thresholded_relu", "alpha", nullptr, "x > A ? x : C(0)"},
  };
  for (auto& [name, pa, pb, body] : param) {
    std::string op = name, b = body, attr_a = pa, attr_b = pb ? pb : "";
    reg.extend(op).shape_cpu(same).emit_cpu([op, b, attr_a, attr_b](const CpuEmitArgs& a) {
      std::string lets = "using C = decltype(x); const C A = C(" + cpu_double(a.attrs->get_float(attr_a)) + ");";
      if (!attr_b.empty()) lets += " const C B = C(" + cpu_double(a.attrs->get_float(attr_b)) + ");";
      return cpu_unary(a, op, "[&] { " + lets + " return " + b + "; }()");
    });
  }
  reg.extend("gelu").shape_cpu(same).emit_cpu([](const CpuEmitArgs& a) {
    return cpu_unary(a, "gelu", std::string("weft_rt::gelu(x, ") + (gelu_tanh(*a.attrs, true) ? "true" : "false") + ")");
  });
  reg.extend("is_inf").shape_cpu(same).emit_cpu([](const CpuEmitArgs& a) {
    const std::string pos = a.attrs->get_bool("detect_positive") ? "true" : "false",
                      neg = a.attrs->get_bool("detect_negative") ? "true" : "false";
    return cpu_unary(a, "is_inf", "std::isinf(x) && (x > 0 ? " + pos + " : " + neg + ")");
  });
  // The result shares x's buffer: tensors are immutable.
  reg.extend("identity").shape_cpu(same).emit_cpu([](const CpuEmitArgs& a) { return a.args[0]; });
  reg.extend("clip").shape_cpu(same).emit_cpu([](const CpuEmitArgs& a) {
    return "weft_rt::clip<" + cpu_ctype(a.arg_dtypes[0], "clip") + ">(" + a.args[0] + ", " + cpu_optional_arg(a, 1) + ", " +
           cpu_optional_arg(a, 2) + ")";
  });
  reg.extend("cast").shape_cpu(same).emit_cpu([](const CpuEmitArgs& a) {
    return "weft_rt::cast<" + cpu_ctype(a.result_dtype, "cast") + ", " + cpu_ctype(a.arg_dtypes[0], "cast") + ">(" + a.args[0] + ")";
  });
}

}  // namespace weft
