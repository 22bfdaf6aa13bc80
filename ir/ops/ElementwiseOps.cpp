// ElementwiseOps.cpp - unary elementwise operators (math, activations, predicates), clip and cast.
#include <cmath>
#include <limits>
#include <regex>

#include "ir/ops/AllOps.h"
#include "ir/ops/CpuEmit.h"
#include "ir/ops/ElementwiseKernels.h"
#include "ir/ops/GradientHelpers.h"

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

ScalarExprFn scalar_expr_of(std::vector<std::string> params, std::string text, ScalarBinder bind) {
  return [params = std::move(params), text = std::move(text), bind](const Attrs& attrs, const std::vector<DType>&) {
    const ScalarConsts k = bind(attrs);
    // Whole identifiers only: A, B, P and Q are the row's constants, every other name stays.
    static const std::regex a_re("\\bA\\b"), b_re("\\bB\\b"), p_re("\\bP\\b"), q_re("\\bQ\\b");
    std::string t = std::regex_replace(text, a_re, "C(" + cpu_double(k.a) + ")");
    t = std::regex_replace(t, b_re, "C(" + cpu_double(k.b) + ")");
    t = std::regex_replace(t, p_re, k.p ? "true" : "false");
    t = std::regex_replace(t, q_re, k.q ? "true" : "false");
    return ScalarExpr{params, t};
  };
}

namespace {

// ---- registration helpers --------------------------------------------------------------------
//
// Each returns the op's builder with every facet set: the type relation, the interpreter's
// kernel and the scalar expression from one table row, the CPU emitter printing that
// expression, and the shape function (the argument's shape); a caller adds attributes and
// overrides a facet where its op needs more (gelu's attribute check).

// Same-type unary op over dtypes K: out[i] = f(in[i]).
template <unsigned K, typename F>
OpDefBuilder add_unary(OpRegistry& reg, const std::string& name, const std::string& doc, ScalarRow<F> row,
                       ScalarBinder bind = no_consts) {
  const ScalarExprFn expr = scalar_expr_of({"x"}, row.text, bind);
  return reg.add(name).doc(doc).inputs(1).pattern(OpPattern::Elementwise)
      .type_relation([name](const std::vector<ArgInfo>& args, const Attrs&) -> Type {
        expect_tensor_of(args, 0, K, name);
        return args[0].type;
      })
      .kernel([name, f = row.fn, bind](const std::vector<Tensor>& in, const Attrs& attrs) {
        const ScalarConsts k = bind(attrs);
        Tensor out(in[0].dtype(), in[0].shape());
        dispatch_kinds<K>(in[0].dtype(), name, [&](auto tag) {
          using T = typename decltype(tag)::type;
          map_unary<T, T>(in[0], out, [&](compute_t<T> x) { return f(x, k); });
        });
        return std::vector<Tensor>{out};
      })
      .scalar_expr(expr)
      .shape_cpu(cpu_shape_of_arg(0))
      .emit_cpu(cpu_map_emitter(name, expr));
}

// A unary op from dtypes K to bool: out[i] = f(in[i]).
template <unsigned K, typename F>
OpDefBuilder add_predicate(OpRegistry& reg, const std::string& name, const std::string& doc, ScalarRow<F> row,
                           ScalarBinder bind = no_consts) {
  const ScalarExprFn expr = scalar_expr_of({"x"}, row.text, bind);
  return reg.add(name).doc(doc).inputs(1).pattern(OpPattern::Elementwise)
      .type_relation([name](const std::vector<ArgInfo>& args, const Attrs&) -> Type {
        const TensorTypeNode& t = expect_tensor_of(args, 0, K, name);
        return tensor_type(DType::Bool, t.shape);
      })
      .kernel([name, f = row.fn, bind](const std::vector<Tensor>& in, const Attrs& attrs) {
        const ScalarConsts k = bind(attrs);
        Tensor out(DType::Bool, in[0].shape());
        dispatch_kinds<K>(in[0].dtype(), name, [&](auto tag) {
          using T = typename decltype(tag)::type;
          map_unary<T, bool>(in[0], out, [&](compute_t<T> x) { return f(x, k); });
        });
        return std::vector<Tensor>{out};
      })
      .scalar_expr(expr)
      .shape_cpu(cpu_shape_of_arg(0))
      .no_gradient("its result is bool: nothing flows back")
      .emit_cpu(cpu_map_emitter(name, expr));
}

// A float unary op with up to two float attributes, bound to A and B.
struct ParamSpec { const char* name; double value; };

// ---- the tables ------------------------------------------------------------------------------

// Each row ends with its derivative: WEFT_DX(dx), dx the IR expression of the argument's
// cotangent in terms of x, y (the result), dy (its cotangent), K(v) (a scalar of x's dtype),
// F("op", e) (a unary call), u.a / u.b (the row's attributes A, B) and u.zeros().
#define WEFT_DX(e)                                                  \
  [](const vjp::UnaryVjp& u) -> Expr {                              \
    using namespace vjp;                                            \
    [[maybe_unused]] const Expr &x = u.x, &y = u.y, &dy = u.dy;     \
    [[maybe_unused]] auto K = [&u](double v) { return u.k(v); };    \
    [[maybe_unused]] auto F = [&u](const char* op, Expr a) { return u.f(op, std::move(a)); }; \
    return e;                                                       \
  }

// Float-only math, same type out: X(name, doc, expression in x of compute type C, derivative).
#define WEFT_FLOAT_UNARY_OPS(X)                                            \
  X(exp, "e^x", std::exp(x), \
    WEFT_DX(mul(dy, y)))  \
  X(log, "natural logarithm", std::log(x), \
    WEFT_DX(div(dy, x)))  \
  X(sqrt, "square root", std::sqrt(x), \
    WEFT_DX(div(dy, mul(K(2), y))))  \
  X(rsqrt, "1 / sqrt(x)", C(1) / std::sqrt(x), \
    WEFT_DX(mul(dy, mul(K(-0.5), mul(y, mul(y, y))))))  \
  X(reciprocal, "1 / x", C(1) / x, \
    WEFT_DX(neg(mul(dy, mul(y, y)))))  \
  X(sin, "sine", std::sin(x), \
    WEFT_DX(mul(dy, F("cos", x))))  \
  X(cos, "cosine", std::cos(x), \
    WEFT_DX(neg(mul(dy, F("sin", x)))))  \
  X(tan, "tangent", std::tan(x), \
    WEFT_DX(mul(dy, add(K(1), mul(y, y)))))  \
  X(asin, "arcsine", std::asin(x), \
    WEFT_DX(div(dy, F("sqrt", sub(K(1), mul(x, x))))))  \
  X(acos, "arccosine", std::acos(x), \
    WEFT_DX(neg(div(dy, F("sqrt", sub(K(1), mul(x, x)))))))  \
  X(atan, "arctangent", std::atan(x), \
    WEFT_DX(div(dy, add(K(1), mul(x, x)))))  \
  X(sinh, "hyperbolic sine", std::sinh(x), \
    WEFT_DX(mul(dy, F("cosh", x))))  \
  X(cosh, "hyperbolic cosine", std::cosh(x), \
    WEFT_DX(mul(dy, F("sinh", x))))  \
  X(tanh, "hyperbolic tangent", std::tanh(x), \
    WEFT_DX(mul(dy, sub(K(1), mul(y, y)))))  \
  X(asinh, "inverse hyperbolic sine", std::asinh(x), \
    WEFT_DX(div(dy, F("sqrt", add(mul(x, x), K(1))))))  \
  X(acosh, "inverse hyperbolic cosine", std::acosh(x), \
    WEFT_DX(div(dy, F("sqrt", sub(mul(x, x), K(1))))))  \
  X(atanh, "inverse hyperbolic tangent", std::atanh(x), \
    WEFT_DX(div(dy, sub(K(1), mul(x, x)))))  \
  X(sigmoid, "1 / (1 + e^-x)", weft_rt::sigmoid(x), \
    WEFT_DX(mul(dy, mul(y, sub(K(1), y)))))  \
  X(erf, "Gauss error function", std::erf(x), \
    WEFT_DX(mul(dy, mul(K(1.1283791670955126), F("exp", neg(mul(x, x)))))))  \
  X(floor, "largest integer <= x", std::floor(x), \
    WEFT_DX(u.zeros()))  \
  X(ceil, "smallest integer >= x", std::ceil(x), \
    WEFT_DX(u.zeros()))  \
  X(round, "nearest integer, halves to even", std::nearbyint(x), \
    WEFT_DX(u.zeros()))  \
  X(softplus, "log(1 + e^x)", weft_rt::softplus(x), \
    WEFT_DX(mul(dy, F("sigmoid", x))))  \
  X(softsign, "x / (1 + |x|)", x / (C(1) + std::fabs(x)), \
    WEFT_DX(div(dy, mul(add(K(1), F("abs", x)), add(K(1), F("abs", x))))))  \
  X(silu, "x * sigmoid(x)", x * weft_rt::sigmoid(x), \
    WEFT_DX(mul(dy, mul(F("sigmoid", x), add(K(1), mul(x, sub(K(1), F("sigmoid", x))))))))  \
  X(mish, "x * tanh(softplus(x))", x * std::tanh(weft_rt::softplus(x)), \
    WEFT_DX(mul(dy, add(F("tanh", F("softplus", x)), mul(x, mul(sub(K(1), mul(F("tanh", F("softplus", x)), F("tanh", F("softplus", x)))), F("sigmoid", x)))))))  \
  X(hard_swish, "x * max(0, min(1, x/6 + 1/2))", x * weft_rt::clamp01(x / C(6) + C(0.5)), \
    WEFT_DX(mul(dy, where(call("less", {x, K(-3)}), K(0), where(call("greater", {x, K(3)}), K(1), add(div(x, K(3)), K(0.5)))))))

// Numeric (float and integer), same type out; integers wrap.
#define WEFT_NUMERIC_UNARY_OPS(X)                                          \
  X(neg, "-x", weft_rt::wrap_neg(x), \
    WEFT_DX(neg(dy)))  \
  X(abs, "|x|", weft_rt::abs_of(x), \
    WEFT_DX(mul(dy, F("sign", x))))  \
  X(sign, "-1, 0 or 1 by the sign of x (NaN stays)", weft_rt::sign_of(x), \
    WEFT_DX(u.zeros()))  \
  X(relu, "max(x, 0) (NaN stays)", weft_rt::relu(x), \
    WEFT_DX(where(call("greater", {x, K(0)}), dy, K(0))))

// Float ops with attributes, bound to A and B: X(name, doc, {attr A, default}, {attr B, default} or {}, expression).
#define WEFT_PARAM_UNARY_OPS(X)                                                                       \
  X(hard_sigmoid, "max(0, min(1, alpha*x + beta))", ({"alpha", 0.2}), ({"beta", 0.5}),                \
    weft_rt::clamp01(A * x + B),                                                                      \
    WEFT_DX(where(call("logical_and", {call("greater", {y, K(0)}), call("less", {y, K(1)})}), mul(dy, K(u.a)), K(0))))  \
  X(leaky_relu, "x if x >= 0 else alpha*x", ({"alpha", 0.01}), ({}), x < C(0) ? A * x : x, \
    WEFT_DX(where(call("less", {x, K(0)}), mul(dy, K(u.a)), dy)))  \
  X(elu, "x if x > 0 else alpha*(e^x - 1)", ({"alpha", 1.0}), ({}), x > C(0) ? x : A * std::expm1(x), \
    WEFT_DX(where(call("greater", {x, K(0)}), dy, mul(dy, add(y, K(u.a))))))  \
  X(selu, "gamma*x if x > 0 else gamma*alpha*(e^x - 1)", ({"alpha", 1.67326319217681884765625}),      \
    ({"gamma", 1.05070102214813232421875}), x > C(0) ? B * x : B * A * std::expm1(x),  \
    WEFT_DX(where(call("greater", {x, K(0)}), mul(dy, K(u.b)), mul(dy, add(y, K(u.a * u.b))))))                 \
  X(celu, "x if x > 0 else alpha*(e^(x/alpha) - 1)", ({"alpha", 1.0}), ({}),                          \
    x > C(0) ? x : A * std::expm1(x / A),  \
    WEFT_DX(where(call("greater", {x, K(0)}), dy, mul(dy, F("exp", div(x, K(u.a)))))))                                                             \
  X(thresholded_relu, "x if x > alpha else 0", ({"alpha", 1.0}), ({}), x > A ? x : C(0), \
    WEFT_DX(where(call("greater", {x, K(u.a)}), dy, K(0))))

// The binder of a row with float attributes pa (bound to A) and pb (B; no name: none).
ScalarBinder bind_params(ParamSpec pa, ParamSpec pb) {
  return [pa, pb](const Attrs& attrs) {
    ScalarConsts k;
    if (pa.name) k.a = attrs.get_float(pa.name);
    if (pb.name) k.b = attrs.get_float(pb.name);
    return k;
  };
}

std::pair<double, double> no_params(const Attrs&) { return {0, 0}; }

void register_unary_tables(OpRegistry& reg) {
#define X(name, doc, expr, dx) add_unary<Kinds::Float>(reg, #name, doc, WEFT_UNARY(expr)).gradient(vjp::unary_gradient(dx, no_params));
  WEFT_FLOAT_UNARY_OPS(X)
#undef X
#define X(name, doc, expr, dx) add_unary<Kinds::Numeric>(reg, #name, doc, WEFT_UNARY(expr)).gradient(vjp::unary_gradient(dx, no_params));
  WEFT_NUMERIC_UNARY_OPS(X)
#undef X
#define X(op, doc, pa, pb, expr, dx)                                                                 \
  {                                                                                                  \
    const ParamSpec spec_a = ParamSpec pa, spec_b = ParamSpec pb;                                    \
    auto def = add_unary<Kinds::Float>(reg, #op, doc, WEFT_UNARY(expr), bind_params(spec_a, spec_b)); \
    def.gradient(vjp::unary_gradient(dx, [bind = bind_params(spec_a, spec_b)](const Attrs& attrs) {    \
      const ScalarConsts k = bind(attrs);                                                            \
      return std::pair{k.a, k.b};                                                                    \
    }));                                                                                             \
    for (const ParamSpec& p : {spec_a, spec_b})                                                      \
      if (p.name) def.attr(p.name, AttrKind::Float, p.value);                                        \
  }
  WEFT_PARAM_UNARY_OPS(X)
#undef X
}

bool gelu_tanh(const Attrs& attrs, bool at_type_time) {
  const std::string& s = attrs.get_string("approximate");
  if (s == "none" || s == "tanh") return s == "tanh";
  std::string msg = Msg() << "gelu: attribute approximate must be \"none\" or \"tanh\", found \"" << s << "\"";
  if (at_type_time) throw TypeRelationError(msg);
  throw RuntimeError(msg);
}

// d gelu / dx: Phi(x) + x phi(x) exactly; with the tanh approximation
// y = x/2 (1 + t), t = tanh(c (x + 0.044715 x^3)): (1 + t)/2 + x/2 (1 - t^2) c (1 + 3 * 0.044715 x^2).
Expr gelu_gradient(const GradientCall& c) {
  using namespace vjp;
  const Expr &x = c.args[0], &dy = c.cotangent;
  const DType d = elem_dtype(c.arg_types[0]);
  auto K = [d](double v) { return scalar(v, d); };
  if (gelu_tanh(*c.attrs, false)) {
    const double k = 0.7978845608028654, a = 0.044715;
    Expr t = call("tanh", {mul(K(k), add(x, mul(K(a), mul(x, mul(x, x)))))});
    Expr inner = mul(mul(K(0.5), x), mul(sub(K(1), mul(t, t)), mul(K(k), add(K(1), mul(K(3 * a), mul(x, x))))));
    return mul(dy, add(mul(K(0.5), add(K(1), t)), inner));
  }
  Expr cdf = mul(K(0.5), add(K(1), call("erf", {mul(x, K(0.7071067811865476))})));
  Expr pdf = mul(K(0.3989422804014327), call("exp", {mul(K(-0.5), mul(x, x))}));
  return mul(dy, add(cdf, mul(x, pdf)));
}

void register_special_unary(OpRegistry& reg) {
  // P: the tanh approximation.
  add_unary<Kinds::Float>(reg, "gelu", "x * Phi(x), Phi the normal CDF (or its tanh approximation)",
                          WEFT_UNARY(weft_rt::gelu(x, P)),
                          [](const Attrs& attrs) { ScalarConsts k; k.p = gelu_tanh(attrs, false); return k; })
      .attr("approximate", AttrKind::String, std::string("none"), "\"none\" (exact, erf) or \"tanh\"")
      .gradient(vjp::first_arg_only(gelu_gradient))
      .type_relation([](const std::vector<ArgInfo>& args, const Attrs& attrs) -> Type {
        expect_tensor_of(args, 0, Kinds::Float, "gelu");
        gelu_tanh(attrs, true);
        return args[0].type;
      });

  add_predicate<Kinds::Float>(reg, "is_nan", "x is NaN", WEFT_PREDICATE(std::isnan(x)));
  // P, Q: report +inf, -inf.
  add_predicate<Kinds::Float>(reg, "is_inf", "x is an infinity (of the signs selected)",
                              WEFT_PREDICATE(std::isinf(x) && (x > C(0) ? P : Q)), [](const Attrs& attrs) {
                                ScalarConsts k;
                                k.p = attrs.get_bool("detect_positive"), k.q = attrs.get_bool("detect_negative");
                                return k;
                              })
      .attr("detect_positive", AttrKind::Bool, true, "report +inf")
      .attr("detect_negative", AttrKind::Bool, true, "report -inf");

  add_unary<Kinds::Bool>(reg, "logical_not", "not x", WEFT_UNARY(!x)).no_gradient("bool in and out");
  add_unary<Kinds::Int>(reg, "bitwise_not", "~x", WEFT_UNARY(~x)).no_gradient("integers in and out");
  add_unary<Kinds::Any>(reg, "identity", "x itself", WEFT_UNARY(x))
      .type_relation([](const std::vector<ArgInfo>& args, const Attrs&) -> Type {
        expect_tensor(args, 0, "identity");
        return args[0].type;
      })
      // The result shares x's buffer (tensors are immutable), in the interpreter and the generated code.
      .kernel([](const std::vector<Tensor>& in, const Attrs&) { return std::vector<Tensor>{in[0]}; })
      .view_of(0)
      .gradient(vjp::first_arg_only([](const GradientCall& c) { return c.cotangent; }))
      .emit_cpu([](const CpuEmitArgs& a) { return a.args[0]; });
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

// x's cotangent where x lies within its bounds (bounds included, as torch.clamp); the bounds
// take the rest, summed, where they are given (a bound with no elements is none).
std::vector<Expr> clip_gradient(const GradientCall& c) {
  using namespace vjp;
  std::vector<Expr> out(c.args.size());
  if (!is_float_type(c.arg_types[0])) return out;
  const Expr &x = c.args[0], &dy = c.cotangent;
  const DType d = elem_dtype(c.arg_types[0]);
  Expr zero = scalar(0, d);
  Expr inside;
  std::vector<Expr> outside(c.args.size());
  for (size_t i = 1; i < c.args.size(); ++i) {
    const Shape& s = tensor_of(c.arg_types[i]).shape;
    bool empty = false;
    for (const Dim& dim : s) empty = empty || (dim.is_static() && dim.value() == 0);
    if (empty) continue;
    WEFT_ASSERT(s.size() <= 1, "clip: a bound of rank " << s.size());
    Expr b = s.empty() ? c.args[i] : call("reshape", {c.args[i], ints({})});
    outside[i] = call(i == 1 ? "less" : "greater", {x, b});
    Expr ok = call(i == 1 ? "greater_equal" : "less_equal", {x, b});
    inside = inside ? call("logical_and", {inside, ok}) : ok;
  }
  out[0] = inside ? where(inside, dy, zero) : dy;
  for (size_t i = 1; i < c.args.size(); ++i)
    if (outside[i]) {
      Expr part = call("reduce_sum", {where(outside[i], dy, zero)}, Attrs{{"keepdims", false}});
      out[i] = call("reshape", {part, shape_of(c.args[i], tensor_of(c.arg_types[i]).shape)});
    }
  return out;
}

void register_clip_cast(OpRegistry& reg) {
  reg.add("clip").doc("min(max(x, lo), hi); a missing or empty bound is no bound (NaN stays)").inputs(1, 3)
      .pattern(OpPattern::Elementwise)
      .no_scalar_expr("its bounds are optional tensors, empty for no bound: not one element per argument")
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
      })
      .gradient(clip_gradient)
      .shape_cpu(cpu_shape_of_arg(0))
      .emit_cpu([](const CpuEmitArgs& a) {
        return "weft_rt::clip<" + cpu_ctype(a.arg_dtypes[0], "clip") + ">(" + a.args[0] + ", " + cpu_optional_arg(a, 1) +
               ", " + cpu_optional_arg(a, 2) + ")";
      });

  reg.add("cast").doc("converts to dtype `to` (NumPy rules: floats truncate toward zero, bool is x != 0)").inputs(1)
      .attr("to", AttrKind::DType, std::nullopt, "the result dtype")
      .pattern(OpPattern::Elementwise)
      .no_scalar_expr("its conversions are Tensor::cast's and weft_rt::convert's, not yet one scalar function")
      .type_relation([](const std::vector<ArgInfo>& args, const Attrs& attrs) -> Type {
        return tensor_type(attrs.get_dtype("to"), expect_tensor(args, 0, "cast").shape);
      })
      .kernel([](const std::vector<Tensor>& in, const Attrs& attrs) {
        DType to = attrs.get_dtype("to");
        return std::vector<Tensor>{in[0].dtype() == to ? in[0] : in[0].cast(to)};
      })
      // Between floats the cotangent is cast back; to or from an integer nothing flows.
      .gradient([](const GradientCall& c) {
        if (!vjp::is_float_type(c.arg_types[0]) || !vjp::is_float_type(c.result_type)) return std::vector<Expr>{nullptr};
        Attrs to;
        to.set("to", vjp::elem_dtype(c.arg_types[0]));
        return std::vector<Expr>{vjp::call("cast", {c.cotangent}, to)};
      })
      .shape_cpu(cpu_shape_of_arg(0))
      .emit_cpu([](const CpuEmitArgs& a) {
        return "weft_rt::cast<" + cpu_ctype(a.result_dtype, "cast") + ", " + cpu_ctype(a.arg_dtypes[0], "cast") + ">(" +
               a.args[0] + ")";
      });
}

}  // namespace

void register_elementwise_unary_ops(OpRegistry& reg) {
  register_unary_tables(reg);
  register_special_unary(reg);
  register_clip_cast(reg);
}

}  // namespace weft
