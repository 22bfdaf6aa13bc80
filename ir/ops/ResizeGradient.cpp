// ResizeGradient.cpp - the gradient facet of resize: a gather (nearest) or per-axis interpolation matrices.
#include "ir/ops/ResizeGradient.h"

#include <algorithm>
#include <climits>

#include "ir/ops/GradientHelpers.h"

namespace weft::vjp {
namespace {

bool present(const GradientCall& c, size_t i) {
  if (i >= c.args.size()) return false;
  const TensorTypeNode* t = as_tensor(c.arg_types[i]);
  return t && t->has_rank() && !(t->rank() == 1 && t->shape[0].is_static() && t->shape[0].value() == 0);
}

std::vector<int64_t> static_shape(const Type& t) {
  std::vector<int64_t> dims;
  for (const Dim& d : tensor_of(t).shape) {
    if (!d.is_static()) throw CompileError(Msg() << "the gradient of resize needs static shapes, found " << type_str(t));
    dims.push_back(d.value());
  }
  return dims;
}

Expr absent(DType d) { return make_constant(Tensor(d, {0})); }

// Axis a's interpolation matrix, transposed: [n, m], row j the output along axis a of the
// input's j-th basis vector along it (m, the output size, is read only when sizes are given).
Expr basis_response(const GradientCall& c, size_t a, int64_t n, int64_t m, DType d) {
  const size_t rank = static_shape(c.arg_types[0]).size();
  // Each basis vector 4 times along the new axis, read back at 4j+1: a coordinate mode that
  // shifts that axis (tf_half_pixel_for_nn reads x + 0.5) then still only meets copies of the
  // same vector, within a cubic kernel's reach.
  std::vector<int64_t> shape(rank + 1, 1);
  shape[0] = 4 * n, shape[a + 1] = n;
  Tensor eye64(DType::F64, shape);
  for (int64_t row = 0; row < 4 * n; ++row) eye64.data<double>()[row * n + row / 4] = 1;
  const Tensor eye = eye64.cast(d);
  Attrs attrs = *c.attrs;
  attrs.set("extrapolation_value", 0.0);  // outside the crop the output is constant: no derivative
  std::vector<Expr> args{make_constant(eye)};
  // roi: the basis axis and the other (size 1) axes span [0, 1]; axis a keeps the call's.
  if (present(c, 1)) {
    const DType rd = elem_dtype(c.arg_types[1]);
    auto part = [&](int64_t at) { return call("slice", {c.args[1], ints({at}), ints({at + 1}), ints({0})}); };
    std::vector<Expr> starts, ends;
    for (size_t i = 0; i <= rank; ++i) {
      starts.push_back(i == a + 1 ? part(int64_t(a)) : call("reshape", {scalar(0, rd), ints({1})}));
      ends.push_back(i == a + 1 ? part(int64_t(rank + a)) : call("reshape", {scalar(1, rd), ints({1})}));
    }
    starts.insert(starts.end(), ends.begin(), ends.end());
    args.push_back(call("concat", starts, Attrs{{"axis", int64_t(0)}}));
  } else {
    args.push_back(absent(d));
  }
  if (present(c, 2)) {
    std::vector<Expr> scales;
    for (size_t i = 0; i <= rank; ++i)
      scales.push_back(i == a + 1 ? call("slice", {c.args[2], ints({int64_t(a)}), ints({int64_t(a) + 1}), ints({0})})
                                  : call("reshape", {scalar(1, elem_dtype(c.arg_types[2])), ints({1})}));
    args.push_back(call("concat", scales, Attrs{{"axis", int64_t(0)}}));
  } else {
    std::vector<int64_t> sizes(rank + 1, 1);
    sizes[0] = 4 * n, sizes[a + 1] = m;
    args.push_back(make_constant(Tensor(DType::F32, {0})));
    args.push_back(ints(sizes));
  }
  Expr rows = call("slice", {call("resize", args, attrs), ints({1}), ints({INT64_MAX}), ints({0}), ints({4})});
  return call("reshape", {rows, ints({n, -1})});
}

}  // namespace

GradientFn resize_gradient() {
  return [](const GradientCall& c) {
    std::vector<Expr> out(c.args.size());
    if (!is_float_type(c.arg_types[0])) return out;
    const std::vector<int64_t> in = static_shape(c.arg_types[0]);
    const TensorTypeNode& rt = tensor_of(c.result_type);
    const DType d = elem_dtype(c.arg_types[0]);
    const int64_t rank = int64_t(in.size());
    if (std::count(in.begin(), in.end(), 0) > 0) {  // nothing to spread back
      out[0] = zeros_like(c.args[0], c.arg_types[0]);
      return out;
    }
    if (c.attrs->get_string("mode") == "nearest") {
      // Each output copies one input element (or, outside tf_crop_and_resize's crop, the
      // extrapolation value, marked -1 here and given no cotangent).
      Expr n = call("size", {c.args[0]});
      Expr iota = call("cast", {call("reshape", {call("range", {scalar(0, DType::I64), n, scalar(1, DType::I64)}), ints(in)})},
                       Attrs{{"to", DType::F64}});
      std::vector<Expr> args = c.args;
      args[0] = iota;
      if (present(c, 1) && elem_dtype(c.arg_types[1]) != DType::F64) args[1] = call("cast", {args[1]}, Attrs{{"to", DType::F64}});
      Attrs attrs = *c.attrs;
      attrs.set("extrapolation_value", -1.0);
      Expr from = call("cast", {call("resize", args, attrs)}, Attrs{{"to", DType::I64}});
      Expr outside = call("less", {from, scalar(0, DType::I64)});
      Expr index = call("reshape", {where(outside, scalar(0, DType::I64), from), ints({-1})});
      Expr dy = call("reshape", {where(outside, scalar(0, d), c.cotangent), ints({-1})});
      Expr zeros = call("expand", {scalar(0, d), call("reshape", {n, ints({1})})});
      Attrs scatter{{"axis", int64_t(0)}, {"reduction", std::string("add")}};
      out[0] = call("reshape", {call("scatter_elements", {zeros, index, dy}, scatter), ints(in)});
      return out;
    }
    Expr g = c.cotangent;
    for (int64_t a = 0; a < rank; ++a) {
      // dy's axis a (size m) to the end, times the matrix's transpose [m, n], back in place.
      std::vector<int64_t> perm;
      for (int64_t i = 0; i < rank; ++i)
        if (i != a) perm.push_back(i);
      perm.push_back(a);
      std::vector<int64_t> back(static_cast<size_t>(rank));
      for (int64_t i = 0; i < rank; ++i) back[size_t(perm[size_t(i)])] = i;
      const Dim& m = rt.shape[size_t(a)];
      if (present(c, 3) && !m.is_static())
        throw CompileError(Msg() << "the gradient of resize needs static output sizes, found " << type_str(c.result_type));
      Expr mat = basis_response(c, size_t(a), in[size_t(a)], m.is_static() ? m.value() : -1, d);
      Expr moved = call("transpose", {g}, Attrs{{"perm", perm}});
      Expr applied = call("matmul", {moved, call("transpose", {mat}, Attrs{{"perm", std::vector<int64_t>{1, 0}}})});
      g = call("transpose", {applied}, Attrs{{"perm", back}});
    }
    out[0] = g;
    return out;
  };
}

}  // namespace weft::vjp
