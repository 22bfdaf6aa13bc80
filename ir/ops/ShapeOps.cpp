// ShapeOps.cpp - views and layout changes: reshape, flatten, (un)squeeze, transpose, expand,
// shape, size, depth_to_space, space_to_depth; registers the rest of the shape family.
#include <climits>
#include <cstring>
#include <set>

#include "ir/ops/AllOps.h"
#include "ir/ops/CpuEmit.h"
#include "ir/ops/ShapeCommon.h"
#include "ir/ops/ShapeGradients.h"

namespace weft {
using namespace shape_ops;
namespace {

[[noreturn]] void fail(bool runtime, const std::string& msg) {
  if (runtime) throw RuntimeError(msg);
  throw TypeRelationError(msg);
}

// Note on reshape's -1: the inferred dim is numel(x) / product(other target dims). With
// symbolic dims, equal factors on both sides are cancelled first ([b, 3, 4] into [b, -1]
// gives 12); what is left is divided only by a static divisor, else the dim is unknown.
Shape reshape_dims(const Shape& in, DType dt, const std::vector<int64_t>& target, bool allowzero, bool runtime) {
  auto what = [&]() -> std::string {
    std::string t = "[";
    for (size_t i = 0; i < target.size(); ++i) t += (i ? ", " : "") + std::to_string(target[i]);
    Dim n = dim_product(in, 0, in.size());
    return Msg() << "reshape: cannot reshape " << dtype_name(dt) << shape_str(in) << " (" << n.str() << " elements) into "
                 << t << "]: ";
  };
  Shape out(target.size());
  int infer = -1;
  bool has_zero = false;
  for (size_t i = 0; i < target.size(); ++i) {
    int64_t t = target[i];
    if (t == -1) {
      if (infer >= 0) fail(runtime, Msg() << what() << "at most one -1 is allowed");
      infer = int(i);
    } else if (t == 0 && !allowzero) {
      if (i >= in.size()) fail(runtime, Msg() << what() << "0 at position " << i << " copies a dim the input does not have");
      out[i] = in[i];
    } else if (t < 0) {
      fail(runtime, Msg() << what() << t << " is not a valid size");
    } else {
      has_zero = has_zero || t == 0;
      out[i] = Dim(t);
    }
  }
  if (infer >= 0 && has_zero) fail(runtime, Msg() << what() << "-1 cannot be inferred when allowzero makes a 0 a size");
  Dim total = dim_product(in, 0, in.size());
  if (infer < 0) {
    Dim got = dim_product(out, 0, out.size());
    if (total.is_static() && got.is_static() && total.value() != got.value())
      fail(runtime, Msg() << what() << "the element counts differ");
    return out;
  }
  // Cancel equal factors, then divide what remains.
  std::vector<Dim> num(in.begin(), in.end());
  Dim den(1);
  for (size_t i = 0; i < out.size(); ++i) {
    if (int(i) == infer) continue;
    auto it = std::find(num.begin(), num.end(), out[i]);
    if (!out[i].is_static() && !out[i].is_unknown() && it != num.end()) num.erase(it);
    else den = den * out[i];
  }
  Dim rest = dim_product(num, 0, num.size());
  if (den.is_static()) {
    int64_t k = den.value();
    if (k == 0) fail(runtime, Msg() << what() << "-1 cannot be inferred next to a 0 size");
    if (rest.is_static() && rest.value() % k != 0) fail(runtime, Msg() << what() << "the element count is not divisible");
    out[size_t(infer)] = rest.floordiv(Dim(k));
  } else {
    out[size_t(infer)] = Dim::unknown();
  }
  return out;
}

std::vector<int64_t> concrete(const Shape& s) {
  std::vector<int64_t> out;
  for (const Dim& d : s) out.push_back(d.value());
  return out;
}

Type reshape_rel(const std::vector<ArgInfo>& args, const Attrs& attrs) {
  const TensorTypeNode& x = expect_tensor(args, 0, "reshape");
  const TensorTypeNode& st = expect_int_operand(args, 1, "reshape", "the shape");
  int64_t n = static_length(st, "reshape", "the shape");
  std::vector<int64_t> target;
  if (!const_ints(args, 1, &target)) return tensor_type(x.dtype, unknown_shape(size_t(n)));
  return tensor_type(x.dtype, reshape_dims(x.shape, x.dtype, target, attrs.get_bool("allowzero"), false));
}

std::vector<Tensor> reshape_kernel(const std::vector<Tensor>& in, const Attrs& attrs) {
  std::vector<int64_t> target = int_operand(in[1], "reshape", "the shape");
  Shape s = reshape_dims(static_shape(in[0].shape()), in[0].dtype(), target, attrs.get_bool("allowzero"), true);
  return {in[0].reshape(concrete(s))};
}

int flatten_axis(int64_t axis, int rank, bool runtime) {
  if (axis < -rank || axis > rank) fail(runtime, Msg() << "flatten: axis " << axis << " is out of range for rank " << rank
                                                       << " (expected " << -rank << " <= axis <= " << rank << ")");
  return int(axis < 0 ? axis + rank : axis);
}

Type flatten_rel(const std::vector<ArgInfo>& args, const Attrs& attrs) {
  const TensorTypeNode& x = expect_tensor(args, 0, "flatten");
  size_t a = size_t(flatten_axis(attrs.get_int("axis"), x.rank(), false));
  return tensor_type(x.dtype, {dim_product(x.shape, 0, a), dim_product(x.shape, a, x.shape.size())});
}

std::vector<Tensor> flatten_kernel(const std::vector<Tensor>& in, const Attrs& attrs) {
  const auto& s = in[0].shape();
  size_t a = size_t(flatten_axis(attrs.get_int("axis"), in[0].rank(), true));
  int64_t outer = 1, inner = 1;
  for (size_t i = 0; i < s.size(); ++i) (i < a ? outer : inner) *= s[i];
  return {in[0].reshape({outer, inner})};
}

// The dims squeeze removes: the given axes, or every dim of static size 1.
std::vector<bool> squeeze_mask(const Shape& s, const std::vector<int64_t>& axes, DType dt) {
  std::vector<bool> drop(s.size(), false);
  if (axes.empty()) {
    for (size_t i = 0; i < s.size(); ++i) {
      if (!s[i].is_static())
        throw TypeRelationError(Msg() << "squeeze: axes=[] needs static dims to know which are 1, found " << dtype_name(dt)
                                      << shape_str(s) << "; give the axes");
      drop[i] = s[i].value() == 1;
    }
    return drop;
  }
  for (int a : normalize_axes(axes, int(s.size()), "squeeze")) {
    if (s[size_t(a)].is_static() && s[size_t(a)].value() != 1)
      throw TypeRelationError(Msg() << "squeeze: dim " << a << " of " << dtype_name(dt) << shape_str(s)
                                    << " must be 1 to squeeze it, found " << s[size_t(a)].str());
    drop[size_t(a)] = true;
  }
  return drop;
}

Type squeeze_rel(const std::vector<ArgInfo>& args, const Attrs& attrs) {
  const TensorTypeNode& x = expect_tensor(args, 0, "squeeze");
  std::vector<bool> drop = squeeze_mask(x.shape, attrs.get_ints("axes"), x.dtype);
  Shape out;
  for (size_t i = 0; i < x.shape.size(); ++i)
    if (!drop[i]) out.push_back(x.shape[i]);
  return tensor_type(x.dtype, out);
}

std::vector<Tensor> squeeze_kernel(const std::vector<Tensor>& in, const Attrs& attrs) {
  const auto& s = in[0].shape();
  std::vector<bool> drop;
  try {
    drop = squeeze_mask(static_shape(s), attrs.get_ints("axes"), in[0].dtype());
  } catch (const TypeRelationError& e) {
    throw RuntimeError(e.what());
  }
  std::vector<int64_t> out;
  for (size_t i = 0; i < s.size(); ++i)
    if (!drop[i]) out.push_back(s[i]);
  return {in[0].reshape(out)};
}

template <typename D>
std::vector<D> unsqueeze_dims(const std::vector<D>& s, const std::vector<int64_t>& axes) {
  int rank = int(s.size() + axes.size());
  std::vector<int> ax = normalize_axes(axes, rank, "unsqueeze");
  std::vector<bool> is_new(size_t(rank), false);
  for (int a : ax) is_new[size_t(a)] = true;
  std::vector<D> out;
  size_t j = 0;
  for (int i = 0; i < rank; ++i) out.push_back(is_new[size_t(i)] ? D(1) : s[j++]);
  return out;
}

Type unsqueeze_rel(const std::vector<ArgInfo>& args, const Attrs& attrs) {
  const TensorTypeNode& x = expect_tensor(args, 0, "unsqueeze");
  if (attrs.get_ints("axes").empty()) throw TypeRelationError("unsqueeze: axes must not be empty");
  return tensor_type(x.dtype, unsqueeze_dims(x.shape, attrs.get_ints("axes")));
}

std::vector<Tensor> unsqueeze_kernel(const std::vector<Tensor>& in, const Attrs& attrs) {
  try {
    return {in[0].reshape(unsqueeze_dims(in[0].shape(), attrs.get_ints("axes")))};
  } catch (const TypeRelationError& e) {
    throw RuntimeError(e.what());
  }
}

std::vector<int> transpose_perm(const std::vector<int64_t>& perm, int rank) {
  std::vector<int> p;
  if (perm.empty()) {
    for (int i = rank - 1; i >= 0; --i) p.push_back(i);
    return p;
  }
  if (int(perm.size()) != rank)
    throw TypeRelationError(Msg() << "transpose: perm has " << perm.size() << " entries, expected the rank " << rank);
  p = normalize_axes(perm, rank, "transpose");
  return p;
}

Type transpose_rel(const std::vector<ArgInfo>& args, const Attrs& attrs) {
  const TensorTypeNode& x = expect_tensor(args, 0, "transpose");
  Shape out;
  for (int p : transpose_perm(attrs.get_ints("perm"), x.rank())) out.push_back(x.shape[size_t(p)]);
  return tensor_type(x.dtype, out);
}

std::vector<Tensor> transpose_kernel(const std::vector<Tensor>& in, const Attrs& attrs) {
  std::vector<int> p;
  try {
    p = transpose_perm(attrs.get_ints("perm"), in[0].rank());
  } catch (const TypeRelationError& e) {
    throw RuntimeError(e.what());
  }
  std::vector<int64_t> cs = contiguous_strides(in[0].shape()), shape, strides;
  for (int k : p) {
    shape.push_back(in[0].shape()[size_t(k)]);
    strides.push_back(cs[size_t(k)]);
  }
  return {strided_copy(in[0], 0, shape, strides)};
}

Type expand_rel(const std::vector<ArgInfo>& args, const Attrs&) {
  const TensorTypeNode& x = expect_tensor(args, 0, "expand");
  const TensorTypeNode& st = expect_int_operand(args, 1, "expand", "the shape");
  int64_t n = static_length(st, "expand", "the shape");
  std::vector<int64_t> target;
  if (const_ints(args, 1, &target)) return tensor_type(x.dtype, broadcast_shapes(x.shape, static_shape(target), "expand"));
  // Unknown target: a static dim of x other than 1 survives; the rest is unknown.
  size_t rank = std::max(x.shape.size(), size_t(n));
  Shape out = unknown_shape(rank);
  for (size_t i = 0; i < x.shape.size(); ++i) {
    const Dim& d = x.shape[i];
    size_t o = rank - x.shape.size() + i;
    if (o < rank - size_t(n) || (d.is_static() && d.value() != 1)) out[o] = d;
  }
  return tensor_type(x.dtype, out);
}

std::vector<Tensor> expand_kernel(const std::vector<Tensor>& in, const Attrs&) {
  std::vector<int64_t> out = broadcast_shapes(in[0].shape(), int_operand(in[1], "expand", "the shape"), "expand");
  return {strided_copy(in[0], 0, out, broadcast_strides(in[0].shape(), out))};
}

std::pair<int64_t, int64_t> shape_range(const Attrs& attrs, int64_t rank) {
  auto clampi = [&](int64_t v) {
    if (v < 0) v = std::max<int64_t>(v + rank, 0);
    return std::min(v, rank);
  };
  int64_t s = clampi(attrs.get_int("start")), e = clampi(attrs.get_int("end"));
  return {s, std::max(s, e)};
}

Type shape_rel(const std::vector<ArgInfo>& args, const Attrs& attrs) {
  const TensorTypeNode& x = expect_tensor(args, 0, "shape");
  auto [s, e] = shape_range(attrs, x.rank());
  return tensor_type(DType::I64, {Dim(e - s)});
}

std::vector<Tensor> shape_kernel(const std::vector<Tensor>& in, const Attrs& attrs) {
  auto [s, e] = shape_range(attrs, in[0].rank());
  std::vector<int64_t> v(in[0].shape().begin() + s, in[0].shape().begin() + e);
  return {Tensor::from_vector(v, {e - s})};
}

// depth_to_space / space_to_depth: a reshape, a 6-d transpose and a reshape, done as one
// strided copy. The output is walked as [N, C', H, b, W, b] (depth_to_space) or
// [N, b, b, C, H', W'] (space_to_depth); the strides say where each element comes from.
struct BlockPlan {
  std::vector<int64_t> out_shape, walk_shape, strides;
};

BlockPlan block_plan(const std::vector<int64_t>& s, int64_t b, bool d2s, bool crd, const std::string& op) {
  if (s.size() != 4) throw RuntimeError(Msg() << op << ": expected a 4-D input, found " << shape_str(s));
  int64_t n = s[0], c = s[1], h = s[2], w = s[3];
  BlockPlan p;
  if (d2s) {
    if (c % (b * b)) throw RuntimeError(Msg() << op << ": channels " << c << " are not divisible by blocksize^2 = " << b * b);
    int64_t c2 = c / (b * b);
    p.out_shape = {n, c2, h * b, w * b};
    p.walk_shape = {n, c2, h, b, w, b};
    int64_t hw = h * w;
    // DCR views x as [N, b1, b2, C', H, W]; CRD as [N, C', b1, b2, H, W].
    int64_t sb1 = crd ? b * hw : b * c2 * hw, sb2 = crd ? hw : c2 * hw, sc = crd ? b * b * hw : hw;
    p.strides = {c * hw, sc, w, sb1, 1, sb2};
  } else {
    if (h % b || w % b)
      throw RuntimeError(Msg() << op << ": height " << h << " and width " << w << " must be divisible by blocksize " << b);
    int64_t h2 = h / b, w2 = w / b;
    p.out_shape = {n, c * b * b, h2, w2};
    p.walk_shape = {n, b, b, c, h2, w2};
    // x viewed as [N, C, H', b1, W', b2].
    p.strides = {c * h * w, w, 1, h * w, b * w, b};
  }
  return p;
}

Type block_rel(const std::vector<ArgInfo>& args, const Attrs& attrs, bool d2s) {
  const char* op = d2s ? "depth_to_space" : "space_to_depth";
  const TensorTypeNode& x = expect_tensor(args, 0, op);
  if (x.rank() != 4) throw TypeRelationError(Msg() << op << ": expected a 4-D input [N, C, H, W], found " << tensor_str(x));
  int64_t b = attrs.get_int("blocksize");
  if (b < 1) throw TypeRelationError(Msg() << op << ": blocksize must be >= 1, found " << b);
  if (d2s) {
    const std::string& mode = attrs.get_string("mode");
    if (mode != "DCR" && mode != "CRD")
      throw TypeRelationError(Msg() << op << ": mode must be \"DCR\" or \"CRD\", found \"" << mode << "\"");
  }
  Shape s = x.shape;
  auto check_div = [&](size_t i, int64_t k) {
    if (s[i].is_static() && s[i].value() % k)
      throw TypeRelationError(Msg() << op << ": dim " << i << " of " << tensor_str(x) << " must be divisible by " << k);
  };
  if (d2s) {
    check_div(1, b * b);
    return tensor_type(x.dtype, {s[0], s[1].floordiv(Dim(b * b)), s[2] * Dim(b), s[3] * Dim(b)});
  }
  check_div(2, b);
  check_div(3, b);
  return tensor_type(x.dtype, {s[0], s[1] * Dim(b * b), s[2].floordiv(Dim(b)), s[3].floordiv(Dim(b))});
}

std::vector<Tensor> block_kernel(const std::vector<Tensor>& in, const Attrs& attrs, bool d2s) {
  bool crd = d2s && attrs.get_string("mode") == "CRD";
  BlockPlan p = block_plan(in[0].shape(), attrs.get_int("blocksize"), d2s, crd,
                           d2s ? "depth_to_space" : "space_to_depth");
  return {strided_copy(in[0], 0, p.walk_shape, p.strides).reshape(p.out_shape)};
}

// ---- CPU emitter pieces ----------------------------------------------------------------------
// Ranks are static, so axes, perms and shape bounds are normalized here; dims and the values
// of shape operands are read at run time (weft_rt::int_values checks their dtype). Each op's
// shape function calls the runtime's <op>_shape, which its kernel calls too.

const auto cpu_elem = [](const CpuEmitArgs& a, const char* op) { return cpu_ctype(a.arg_dtypes[0], op); };
// "weft_rt::Shapes{weft_rt::<fn>(x.shape()<rest>)}": the one result's dims from x's.
const auto cpu_shape_of_x = [](const CpuEmitArgs& a, const std::string& fn, const std::string& rest) {
  return cpu_shapes({"weft_rt::" + fn + "(" + a.args[0] + ".shape()" + rest + ")"});
};
// The operands of reshape and expand: the target shape's values, and allowzero.
const auto cpu_target = [](const CpuEmitArgs& a, const char* op) {
  return "weft_rt::int_values(" + a.args[1] + ", \"" + op + "\", \"the shape\")";
};
const auto cpu_allowzero = [](const CpuEmitArgs& a) { return std::string(a.attrs->get_bool("allowzero") ? "true" : "false"); };
const auto cpu_flat_axis = [](const CpuEmitArgs& a) { return std::to_string(flatten_axis(a.attrs->get_int("axis"), a.arg_ranks[0], false)); };
const auto cpu_squeeze_axes = [](const CpuEmitArgs& a) { return cpu_int_list(normalize_axes(a.attrs->get_ints("axes"), a.arg_ranks[0], "squeeze")); };
const auto cpu_unsqueeze_axes = [](const CpuEmitArgs& a) {
  return cpu_int_list(normalize_axes(a.attrs->get_ints("axes"), a.result_rank, "unsqueeze"));
};
const auto cpu_perm = [](const CpuEmitArgs& a) { return transpose_perm(a.attrs->get_ints("perm"), a.arg_ranks[0]); };
const auto cpu_range = [](const CpuEmitArgs& a) {
  auto [s, e] = shape_range(*a.attrs, a.arg_ranks[0]);
  return std::to_string(s) + ", " + std::to_string(e);
};
const auto cpu_block = [](const CpuEmitArgs& a, bool d2s) {
  return ", " + std::to_string(a.attrs->get_int("blocksize")) + ", " + (d2s ? "true" : "false");
};

}  // namespace

void register_shape_ops(OpRegistry& reg) {
  reg.add("reshape")
      .gradient(vjp::restore_shape_gradient())
      .doc("reshape(x, shape: i64[n]): x's elements in shape; 0 copies x's dim (unless allowzero), -1 is inferred")
      .raises_on_values("a target shape that does not fit x")
      .inputs(2)
      .attr("allowzero", AttrKind::Bool, false, "a 0 in shape is a size 0, not a copy of x's dim")
      .pattern(OpPattern::Injective)
      .type_relation(reshape_rel)
      .kernel(reshape_kernel)
      .shape_cpu([](const CpuEmitArgs& a) { return cpu_shape_of_x(a, "reshape_shape", ", " + cpu_target(a, "reshape") + ", " + cpu_allowzero(a)); })
      .emit_cpu([](const CpuEmitArgs& a) { return "weft_rt::reshape(" + a.args[0] + ", " + cpu_target(a, "reshape") + ", " + cpu_allowzero(a) + ")"; })
      // weft_rt::reshape returns x's buffer with new dims
      .view_of(0);
  reg.add("flatten")
      .gradient(vjp::restore_shape_gradient())
      .doc("flatten(x): 2-D [prod(dims before axis), prod(dims from axis)]")
      .inputs(1)
      .attr("axis", AttrKind::Int, int64_t(1), "in [-rank, rank]")
      .pattern(OpPattern::Injective)
      .type_relation(flatten_rel)
      .kernel(flatten_kernel)
      .shape_cpu([](const CpuEmitArgs& a) { return cpu_shape_of_x(a, "flatten_shape", ", " + cpu_flat_axis(a)); })
      .emit_cpu([](const CpuEmitArgs& a) { return "weft_rt::flatten(" + a.args[0] + ", " + cpu_flat_axis(a) + ")"; })
      // weft_rt::flatten returns x's buffer with new dims
      .view_of(0);
  reg.add("squeeze")
      .gradient(vjp::restore_shape_gradient())
      .doc("squeeze(x): x without the size-1 dims in axes (axes=[]: every statically size-1 dim)")
      .inputs(1)
      .attr("axes", AttrKind::Ints, std::vector<int64_t>{}, "dims to remove; each must be 1")
      .pattern(OpPattern::Injective)
      .type_relation(squeeze_rel)
      .kernel(squeeze_kernel)
      .shape_cpu([](const CpuEmitArgs& a) { return cpu_shape_of_x(a, "squeeze_shape", ", " + cpu_squeeze_axes(a)); })
      .emit_cpu([](const CpuEmitArgs& a) { return "weft_rt::squeeze(" + a.args[0] + ", " + cpu_squeeze_axes(a) + ")"; })
      // weft_rt::squeeze returns x's buffer with new dims
      .view_of(0);
  reg.add("unsqueeze")
      .gradient(vjp::restore_shape_gradient())
      .doc("unsqueeze(x): x with size-1 dims inserted at axes (positions in the result)")
      .inputs(1)
      .attr("axes", AttrKind::Ints, std::nullopt, "positions of the new dims, in [-out_rank, out_rank)")
      .pattern(OpPattern::Injective)
      .type_relation(unsqueeze_rel)
      .kernel(unsqueeze_kernel)
      .shape_cpu([](const CpuEmitArgs& a) { return cpu_shape_of_x(a, "unsqueeze_shape", ", " + cpu_unsqueeze_axes(a)); })
      .emit_cpu([](const CpuEmitArgs& a) { return "weft_rt::unsqueeze(" + a.args[0] + ", " + cpu_unsqueeze_axes(a) + ")"; })
      // weft_rt::unsqueeze returns x's buffer with new dims
      .view_of(0);
  reg.add("transpose")
      .gradient(vjp::transpose_gradient())
      .doc("transpose(x): out dim k is x dim perm[k]")
      .inputs(1)
      .attr("perm", AttrKind::Ints, std::vector<int64_t>{}, "a permutation of the dims; [] reverses them")
      .pattern(OpPattern::Injective)
      .type_relation(transpose_rel)
      .kernel(transpose_kernel)
      .shape_cpu([](const CpuEmitArgs& a) { return cpu_shape_of_x(a, "transpose_shape", ", " + cpu_int_list(cpu_perm(a))); })
      .emit_cpu([](const CpuEmitArgs& a) {
        std::vector<int> p = cpu_perm(a);
        bool identity = true;
        for (size_t i = 0; i < p.size(); ++i) identity = identity && p[i] == int(i);
        if (identity) return a.args[0];  // shares the buffer
        return "weft_rt::transpose<" + cpu_elem(a, "transpose") + ">(" + a.args[0] + ", " + cpu_int_list(p) + ")";
      })
      // the identity permutation is x itself
      .view_of(0);
  reg.add("expand")
      .gradient(vjp::expand_gradient())
      .doc("expand(x, shape: i64[n]): x broadcast with shape (bidirectionally, as ONNX Expand)")
      .raises_on_values("a shape x does not broadcast to")
      .inputs(2)
      .pattern(OpPattern::Broadcast)
      .no_scalar_expr("its second argument is the target shape, not an operand with elements to map")
      .type_relation(expand_rel)
      .kernel(expand_kernel)
      .shape_cpu([](const CpuEmitArgs& a) { return cpu_shape_of_x(a, "expand_shape", ", " + cpu_target(a, "expand")); })
      .emit_cpu([](const CpuEmitArgs& a) { return "weft_rt::expand<" + cpu_elem(a, "expand") + ">(" + a.args[0] + ", " + cpu_target(a, "expand") + ")"; });
  reg.add("shape")
      .no_gradient("its result is integer dims")
      .doc("shape(x): x's dims [start, end) as i64[n] (negative bounds count from the rank, clamped)")
      .inputs(1)
      .attr("start", AttrKind::Int, int64_t(0), "first dim")
      .attr("end", AttrKind::Int, int64_t(INT64_MAX), "one past the last dim; the default means the rank")
      .pattern(OpPattern::Opaque)
      .type_relation(shape_rel)
      .kernel(shape_kernel)
      .shape_cpu([](const CpuEmitArgs& a) { return cpu_shapes({"weft_rt::shape_of_shape(" + cpu_range(a) + ")"}); })
      .emit_cpu([](const CpuEmitArgs& a) { return "weft_rt::shape_of(" + a.args[0] + ", " + cpu_range(a) + ")"; });
  reg.add("size")
      .no_gradient("its result is an integer count")
      .doc("size(x): the number of elements of x, an i64 scalar")
      .inputs(1)
      .pattern(OpPattern::Opaque)
      .type_relation([](const std::vector<ArgInfo>& args, const Attrs&) {
        expect_tensor(args, 0, "size");
        return scalar_type(DType::I64);
      })
      .kernel([](const std::vector<Tensor>& in, const Attrs&) {
        return std::vector<Tensor>{Tensor::scalar<int64_t>(in[0].numel())};
      })
      .shape_cpu([](const CpuEmitArgs&) { return cpu_shapes({"weft_rt::size_of_shape()"}); })
      .emit_cpu([](const CpuEmitArgs& a) { return "weft_rt::size_of(" + a.args[0] + ")"; });
  reg.add("depth_to_space")
      .gradient(vjp::pick_gradient("depth_to_space"))
      .doc("depth_to_space(x: [N, C, H, W]): [N, C/b^2, H*b, W*b], channel blocks moved into space")
      .inputs(1)
      .attr("blocksize", AttrKind::Int, std::nullopt, "b")
      .attr("mode", AttrKind::String, std::string("DCR"), "\"DCR\" (depth-column-row) or \"CRD\" (column-row-depth)")
      .pattern(OpPattern::Injective)
      .type_relation([](const std::vector<ArgInfo>& a, const Attrs& at) { return block_rel(a, at, true); })
      .kernel([](const std::vector<Tensor>& in, const Attrs& at) { return block_kernel(in, at, true); })
      .shape_cpu([](const CpuEmitArgs& a) { return cpu_shape_of_x(a, "block_rearrange_shape", cpu_block(a, true)); })
      .emit_cpu([](const CpuEmitArgs& a) {
        return "weft_rt::block_rearrange<" + cpu_elem(a, "depth_to_space") + ">(" + a.args[0] + cpu_block(a, true) + ", " +
               (a.attrs->get_string("mode") == "CRD" ? "true" : "false") + ")";
      });
  reg.add("space_to_depth")
      .gradient(vjp::pick_gradient("space_to_depth"))
      .doc("space_to_depth(x: [N, C, H, W]): [N, C*b^2, H/b, W/b], b*b spatial blocks moved into channels")
      .inputs(1)
      .attr("blocksize", AttrKind::Int, std::nullopt, "b")
      .pattern(OpPattern::Injective)
      .type_relation([](const std::vector<ArgInfo>& a, const Attrs& at) { return block_rel(a, at, false); })
      .kernel([](const std::vector<Tensor>& in, const Attrs& at) { return block_kernel(in, at, false); })
      .shape_cpu([](const CpuEmitArgs& a) { return cpu_shape_of_x(a, "block_rearrange_shape", cpu_block(a, false)); })
      .emit_cpu([](const CpuEmitArgs& a) {
        return "weft_rt::block_rearrange<" + cpu_elem(a, "space_to_depth") + ">(" + a.args[0] + cpu_block(a, false) + ", false)";
      });
  register_shape_slice_ops(reg);
  register_shape_gather_ops(reg);
}

}  // namespace weft
