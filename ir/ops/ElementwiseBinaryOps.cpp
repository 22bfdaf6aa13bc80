// ElementwiseBinaryOps.cpp - broadcasting binary operators (arithmetic, comparison, logic, bits), prelu and where.
#include <cmath>

#include "ir/ops/CpuEmit.h"
#include "ir/ops/ElementwiseKernels.h"
#include "ir/ops/GradientHelpers.h"

namespace weft {
namespace {

// ---- registration helpers --------------------------------------------------------------------

// Both arguments share one dtype of kinds K; returns the broadcast shape.
Shape binary_shape(const std::vector<ArgInfo>& args, unsigned kinds, const std::string& op) {
  const TensorTypeNode& a = expect_tensor(args, 0, op);
  const TensorTypeNode& b = expect_tensor(args, 1, op);
  expect_same_dtype(args, op);
  expect_kinds(a, kinds, op, 0);
  return broadcast_shapes(a.shape, b.shape, op);
}

// Throws RuntimeError when an integer divisor tensor holds a zero.
void check_int_divisor(const Tensor& b, const std::string& op) {
  if (!is_int(b.dtype())) return;
  for (int64_t i = 0; i < b.numel(); ++i)
    if (b.as_int(i) == 0) throw RuntimeError(Msg() << op << ": integer division by zero (divisor element " << i << ")");
}

// out = f(a, b) over dtypes K, every facet from one table row (as add_unary in
// ElementwiseOps.cpp); the result has the arguments' dtype, or bool when ToBool. With
// `int_divisor`, a zero in an integer b is a RuntimeError naming the element, checked before
// the map (the scalar function would raise it without saying where).
template <unsigned K, bool ToBool, typename F>
OpDefBuilder add_binary(OpRegistry& reg, const std::string& name, const std::string& doc, ScalarRow<F> row,
                        ScalarBinder bind = no_consts, bool int_divisor = false) {
  const ScalarExprFn expr = scalar_expr_of({"a", "b"}, row.text, bind);
  return reg.add(name).doc(doc).inputs(2).pattern(OpPattern::Broadcast)
      .type_relation([name](const std::vector<ArgInfo>& args, const Attrs&) -> Type {
        Shape s = binary_shape(args, K, name);
        return tensor_type(ToBool ? DType::Bool : as_tensor(args[0].type)->dtype, s);
      })
      .kernel([name, f = row.fn, bind, int_divisor](const std::vector<Tensor>& in, const Attrs& attrs) {
        const ScalarConsts k = bind(attrs);
        if (int_divisor) check_int_divisor(in[1], name);
        Tensor out;
        dispatch_kinds<K>(in[0].dtype(), name, [&](auto tag) {
          using T = typename decltype(tag)::type;
          using C = compute_t<T>;
          if (in[1].dtype() != in[0].dtype()) throw RuntimeError(Msg() << name << ": arguments must share one dtype");
          auto g = [&](C a, C b) { return f(a, b, k); };
          if constexpr (ToBool) out = map_binary<T, bool>(in[0], in[1], DType::Bool, name, g);
          else out = map_binary<T, T>(in[0], in[1], in[0].dtype(), name, g);
        });
        return std::vector<Tensor>{out};
      })
      .scalar_expr(expr)
      .shape_cpu(cpu_shape_broadcast_of(name))
      .emit_cpu(cpu_map_emitter(name, expr));
}

// ---- gradients ---------------------------------------------------------------------------------

// The cotangents of a and b at the result's shape, from a, b, y (the result), dy and K(v) (a
// scalar of a's dtype); the facet sums each down to its argument's shape. Float a only.
struct BinaryVjp {
  Expr a, b, y, dy;
  DType dtype;
  const Attrs* attrs;
  Expr k(double v) const { return vjp::scalar(v, dtype); }
};
using BinaryDx = std::function<std::pair<Expr, Expr>(const BinaryVjp&)>;

GradientFn binary_gradient(BinaryDx dx) {
  return [dx = std::move(dx)](const GradientCall& c) {
    std::vector<Expr> out(2);
    if (!vjp::is_float_type(c.arg_types[0])) return out;
    auto [da, db] = dx(BinaryVjp{c.args[0], c.args[1], c.result, c.cotangent, vjp::elem_dtype(c.arg_types[0]), c.attrs});
    if (da) out[0] = vjp::unbroadcast_to_arg(c, da, 0);
    if (db && vjp::is_float_type(c.arg_types[1])) out[1] = vjp::unbroadcast_to_arg(c, db, 1);
    return out;
  };
}

// A table row's gradient: a facet, or the reason there is none.
struct RowGradient {
  GradientFn fn;
  const char* none = "";
};
#define WEFT_DAB(e)                                                     \
  RowGradient{binary_gradient([](const BinaryVjp& u) -> std::pair<Expr, Expr> { \
    using namespace vjp;                                                \
    [[maybe_unused]] const Expr &a = u.a, &b = u.b, &y = u.y, &dy = u.dy; \
    [[maybe_unused]] auto K = [&u](double v) { return u.k(v); };        \
    return e;                                                           \
  })}
#define WEFT_NO_GRADIENT(why) RowGradient{nullptr, why}

OpDefBuilder& set_gradient(OpDefBuilder& def, const RowGradient& g) {
  return g.fn ? def.gradient(g.fn) : def.no_gradient(g.none);
}

// ---- the tables ------------------------------------------------------------------------------

// X(name, doc, dtype kinds, expression in a, b of compute type C, gradient); result has the argument dtype.
// Integers wrap (two's complement); maximum and minimum propagate NaN, as NumPy's.
#define WEFT_ARITH_BINARY_OPS(X)                                                   \
  X(add, "a + b", Kinds::Numeric, weft_rt::wrap_add(a, b), \
    WEFT_DAB((std::pair{dy, dy}))) \
  X(sub, "a - b", Kinds::Numeric, weft_rt::wrap_sub(a, b), \
    WEFT_DAB((std::pair{dy, neg(dy)}))) \
  X(mul, "a * b", Kinds::Numeric, weft_rt::wrap_mul(a, b), \
    WEFT_DAB((std::pair{mul(dy, b), mul(dy, a)}))) \
  X(maximum, "max(a, b), NaN if either is", Kinds::Numeric, weft_rt::max_nan(a, b), \
    WEFT_DAB((std::pair{where(call("greater_equal", {a, b}), dy, K(0)), where(call("less", {a, b}), dy, K(0))}))) \
  X(minimum, "min(a, b), NaN if either is", Kinds::Numeric, weft_rt::min_nan(a, b), \
    WEFT_DAB((std::pair{where(call("less_equal", {a, b}), dy, K(0)), where(call("greater", {a, b}), dy, K(0))}))) \
  X(atan2, "angle of the point (b, a)", Kinds::Float, std::atan2(a, b), \
    WEFT_DAB((std::pair{div(mul(dy, b), add(mul(a, a), mul(b, b))), neg(div(mul(dy, a), add(mul(a, a), mul(b, b))))}))) \
  X(bitwise_and, "a & b", Kinds::Int | Kinds::Bool, a & b, \
    WEFT_NO_GRADIENT("integer or bool only")) \
  X(bitwise_or, "a | b", Kinds::Int | Kinds::Bool, a | b, \
    WEFT_NO_GRADIENT("integer or bool only")) \
  X(bitwise_xor, "a ^ b", Kinds::Int | Kinds::Bool, a ^ b, \
    WEFT_NO_GRADIENT("integer or bool only")) \
  X(logical_and, "a and b", Kinds::Bool, a && b, \
    WEFT_NO_GRADIENT("bool only")) \
  X(logical_or, "a or b", Kinds::Bool, a || b, \
    WEFT_NO_GRADIENT("bool only")) \
  X(logical_xor, "a xor b", Kinds::Bool, a != b, \
    WEFT_NO_GRADIENT("bool only"))

// Comparisons of any dtype, result bool: X(name, doc, expression).
#define WEFT_COMPARE_OPS(X)       \
  X(equal, "a == b", a == b)      \
  X(not_equal, "a != b", a != b)  \
  X(less, "a < b", a < b)         \
  X(less_equal, "a <= b", a <= b) \
  X(greater, "a > b", a > b)      \
  X(greater_equal, "a >= b", a >= b)

void register_binary_tables(OpRegistry& reg) {
#define X(name, doc, kinds, expr, grad)                                   \
  {                                                                        \
    auto def = add_binary<kinds, false>(reg, #name, doc, WEFT_BINARY(expr)); \
    set_gradient(def, grad);                                               \
  }
  WEFT_ARITH_BINARY_OPS(X)
#undef X
#define X(name, doc, expr) add_binary<Kinds::Any, true>(reg, #name, doc, WEFT_COMPARE(expr)).no_gradient("its result is bool");
  WEFT_COMPARE_OPS(X)
#undef X
}

// ---- ops with attributes or special rules ----------------------------------------------------

// d(a^b)/da = b a^(b-1), d(a^b)/db = a^b log(a); b, of any numeric dtype, is taken in a's.
std::vector<Expr> pow_gradient(const GradientCall& c) {
  using namespace vjp;
  std::vector<Expr> out(2);
  if (!is_float_type(c.arg_types[0])) return out;
  const DType d = elem_dtype(c.arg_types[0]), db_type = elem_dtype(c.arg_types[1]);
  Expr b = c.args[1];
  if (db_type != d) b = call("cast", {b}, Attrs{{"to", d}});
  Expr da = mul(c.cotangent, mul(b, call("pow", {c.args[0], sub(b, scalar(1, d))})));
  out[0] = unbroadcast_to_arg(c, da, 0);
  if (is_float(db_type)) {
    Expr db = mul(c.cotangent, mul(c.result, call("log", {c.args[0]})));
    if (db_type != d) db = call("cast", {db}, Attrs{{"to", db_type}});
    out[1] = unbroadcast_to_arg(c, db, 1);
  }
  return out;
}

void register_division(OpRegistry& reg) {
  // Integer division truncates toward zero (C, ONNX Runtime); INT_MIN / -1 wraps.
  add_binary<Kinds::Numeric, false>(reg, "div", "a / b; integers truncate toward zero and fail on a zero divisor",
                                    WEFT_BINARY(weft_rt::divide(a, b)), no_consts, true)
      .raises_on_values("an integer divisor holding a zero")
      .gradient(WEFT_DAB((std::pair{div(dy, b), neg(div(mul(dy, y), b))})).fn);

  // P: C's fmod (the dividend's sign), else Python's (the divisor's), as np.mod.
  add_binary<Kinds::Numeric, false>(reg, "mod", "remainder of a / b: sign of b (Python), or of a when fmod=1 (C fmod)",
                                    WEFT_BINARY(weft_rt::mod_of(a, b, P)),
                                    [](const Attrs& attrs) { ScalarConsts k; k.p = attrs.get_int("fmod") != 0; return k; },
                                    true)
      .raises_on_values("an integer divisor holding a zero")
      // a - b * q, q = floor(a / b) (Python's sign) or trunc(a / b) (fmod), piecewise constant.
      .gradient(binary_gradient([](const BinaryVjp& u) {
        using namespace vjp;
        Expr q = div(u.a, u.b);
        Expr whole = u.attrs->get_int("fmod") ? mul(call("sign", {q}), call("floor", {call("abs", {q})})) : call("floor", {q});
        return std::pair{u.dy, neg(mul(u.dy, whole))};
      }))
      .attr("fmod", AttrKind::Int, int64_t(0), "0: sign of the divisor; 1: sign of the dividend")
      .type_relation([](const std::vector<ArgInfo>& args, const Attrs& attrs) -> Type {
        Shape s = binary_shape(args, Kinds::Numeric, "mod");
        int64_t f = attrs.get_int("fmod");
        if (f != 0 && f != 1) throw TypeRelationError(Msg() << "mod: attribute fmod must be 0 or 1, found " << f);
        return tensor_type(as_tensor(args[0].type)->dtype, s);
      });

  // Computed in float for f16/bf16, in the base dtype for f32/f64, in f64 for an integer base
  // (then truncated back, as ONNX Runtime does); the exponent is cast to that type first. The
  // arguments' dtypes differ, so this is not a table row: its scalar expression names the
  // work type the kernel converts both tensors to.
  // The generated code widens f16/bf16 to f32 first, so its work type is the base's compute
  // type when that is a float, f64 otherwise.
  const ScalarExprFn pow_expr = [](const Attrs&, const std::vector<DType>& dtypes) {
    const DType base = dtypes.at(0);
    const std::string work = base == DType::F64 ? "double" : is_float(base) ? "float" : "double";
    return ScalarExpr{{"a", "b"}, "std::pow(" + work + "(a), " + work + "(b))"};
  };
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
      })
      .gradient(pow_gradient)
      .scalar_expr(pow_expr)
      .shape_cpu(cpu_shape_broadcast_of("pow"))
      .emit_cpu(cpu_map_emitter("pow", pow_expr));

  // P: shift left.
  add_binary<Kinds::Unsigned, false>(reg, "bit_shift", "a << b or a >> b for unsigned integers; shifts past the width give 0",
                                     WEFT_BINARY(weft_rt::shift_of(a, b, P)), [](const Attrs& attrs) {
                                       const std::string& d = attrs.get_string("direction");
                                       if (d != "left" && d != "right")
                                         throw RuntimeError("bit_shift: direction must be \"left\" or \"right\", found \"" + d + "\"");
                                       ScalarConsts k;
                                       k.p = d == "left";
                                       return k;
                                     })
      .attr("direction", AttrKind::String, std::nullopt, "\"left\" or \"right\"")
      .no_gradient("unsigned integers only")
      .type_relation([](const std::vector<ArgInfo>& args, const Attrs& attrs) -> Type {
        Shape s = binary_shape(args, Kinds::Unsigned, "bit_shift");
        const std::string& d = attrs.get_string("direction");
        if (d != "left" && d != "right")
          throw TypeRelationError(Msg() << "bit_shift: attribute direction must be \"left\" or \"right\", found \"" << d << "\"");
        return tensor_type(as_tensor(args[0].type)->dtype, s);
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

// prelu's scalar expression: a is x, b the slope.
const auto prelu_row = WEFT_BINARY(a < C(0) ? weft_rt::wrap_mul(a, b) : a);

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
          out = map_binary<T, T>(in[0], in[1], in[0].dtype(), "prelu", [](auto x, auto s) { return prelu_row.fn(x, s, {}); });
        });
        return std::vector<Tensor>{out};
      })
      .scalar_expr(scalar_expr_of({"a", "b"}, prelu_row.text, no_consts))
      .gradient(binary_gradient([](const BinaryVjp& u) {
        using namespace vjp;
        Expr negative = call("less", {u.a, u.k(0)});
        return std::pair{where(negative, mul(u.dy, u.b), u.dy), where(negative, mul(u.dy, u.a), u.k(0))};
      }))
      .shape_cpu(cpu_shape_of_arg(0))
      // A kernel of its own: it also checks that the slope broadcasts to x without growing it.
      .emit_cpu([](const CpuEmitArgs& a) {
        return "weft_rt::prelu<" + cpu_ctype(a.result_dtype, "prelu") + ">(" + a.args[0] + ", " + a.args[1] + ")";
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
      })
      .scalar_expr([](const Attrs&, const std::vector<DType>&) { return ScalarExpr{{"c", "x", "y"}, "c ? x : y"}; })
      .gradient([](const GradientCall& c) {
        using namespace vjp;
        std::vector<Expr> out(3);
        if (!is_float_type(c.arg_types[1])) return out;
        Expr zero = scalar(0, elem_dtype(c.arg_types[1]));
        out[1] = unbroadcast_to_arg(c, where(c.args[0], c.cotangent, zero), 1);
        out[2] = unbroadcast_to_arg(c, where(c.args[0], zero, c.cotangent), 2);
        return out;
      })
      .shape_cpu(cpu_shape_broadcast_of("where"))
      .emit_cpu([](const CpuEmitArgs& a) {
        return "weft_rt::where<" + cpu_ctype(a.result_dtype, "where") + ">(" + a.args[0] + ", " + a.args[1] + ", " +
               a.args[2] + ")";
      });
}

}  // namespace

void register_elementwise_binary_ops(OpRegistry& reg) {
  register_binary_tables(reg);
  register_division(reg);
  register_prelu_where(reg);
}

}  // namespace weft
