// ShapeSliceOps.cpp - ops that cut, join or grow tensors along axes: concat, split, slice, tile, pad.
#include <climits>
#include <cstring>

#include "ir/ops/CpuEmit.h"
#include "ir/ops/ShapeCommon.h"
#include "ir/ops/ShapeGradients.h"

namespace weft::shape_ops {
namespace {

// ---- concat ----

Type concat_rel(const std::vector<ArgInfo>& args, const Attrs& attrs) {
  DType dt = expect_same_dtype(args, "concat");
  const TensorTypeNode& x0 = expect_tensor(args, 0, "concat");
  if (x0.rank() == 0) throw TypeRelationError("concat: inputs must have rank >= 1, found a scalar " + tensor_str(x0));
  size_t a = size_t(normalize_axis(attrs.get_int("axis"), x0.rank(), "concat"));
  Shape out = x0.shape;
  for (size_t i = 1; i < args.size(); ++i) {
    const TensorTypeNode& xi = expect_tensor(args, i, "concat");
    if (xi.rank() != x0.rank())
      throw TypeRelationError(Msg() << "concat: all inputs must have rank " << x0.rank() << ", argument " << i << " is "
                                    << tensor_str(xi));
    for (size_t d = 0; d < out.size(); ++d) {
      if (d == a) out[d] = out[d] + xi.shape[d];
      else out[d] = unify_dims(out[d], xi.shape[d], "concat", Msg() << "dim " << d << " of argument " << i);
    }
  }
  return tensor_type(dt, out);
}

std::vector<Tensor> concat_kernel(const std::vector<Tensor>& in, const Attrs& attrs) {
  const Tensor& x0 = in[0];
  size_t a = size_t(normalize_axis_runtime(attrs.get_int("axis"), x0.rank(), "concat"));
  std::vector<int64_t> shape = x0.shape();
  shape[a] = 0;
  for (auto& t : in) {
    for (size_t d = 0; d < shape.size(); ++d)
      if (d != a && (t.rank() != x0.rank() || t.shape()[d] != x0.shape()[d]))
        throw RuntimeError(Msg() << "concat: input shapes " << shape_str(x0.shape()) << " and " << shape_str(t.shape())
                                 << " differ outside axis " << a);
    shape[a] += t.shape()[a];
  }
  Tensor out(x0.dtype(), shape);
  int64_t outer = 1, inner = dtype_size(x0.dtype());
  for (size_t d = 0; d < shape.size(); ++d)
    if (d < a) outer *= shape[d];
    else if (d > a) inner *= shape[d];
  auto* dst = static_cast<uint8_t*>(out.raw());
  for (int64_t o = 0; o < outer; ++o)
    for (auto& t : in) {
      size_t chunk = size_t(t.shape()[a] * inner);
      if (chunk) std::memcpy(dst, static_cast<const uint8_t*>(t.raw()) + size_t(o) * chunk, chunk);
      dst += chunk;
    }
  return {out};
}

// ---- split ----

// The part sizes along the axis, as Dims: from the split operand or num_outputs equal parts
// (ceil(d / n) each, the last one smaller, as ONNX 18).
std::vector<Dim> split_sizes(const std::vector<ArgInfo>& args, const Attrs& attrs, const Dim& d) {
  int64_t n_attr = attrs.get_int("num_outputs");
  if (args.size() > 1) {
    const TensorTypeNode& st = expect_int_operand(args, 1, "split", "split");
    int64_t n = static_length(st, "split", "split");
    if (n_attr && n_attr != n)
      throw TypeRelationError(Msg() << "split: num_outputs=" << n_attr << " but the split operand has " << n << " entries");
    std::vector<int64_t> sizes;
    if (!const_ints(args, 1, &sizes)) return std::vector<Dim>(size_t(n), Dim::unknown());
    int64_t sum = 0;
    for (int64_t s : sizes) {
      if (s < 0) throw TypeRelationError(Msg() << "split: part sizes must be >= 0, found " << s);
      sum += s;
    }
    if (d.is_static() && sum != d.value())
      throw TypeRelationError(Msg() << "split: part sizes sum to " << sum << ", expected the axis size " << d.value());
    return std::vector<Dim>(static_shape(sizes));
  }
  if (n_attr < 1)
    throw TypeRelationError("split: the number of outputs must be known: give a constant split operand or num_outputs");
  Dim q = d.floordiv(Dim(n_attr));
  if (q * Dim(n_attr) == d) return std::vector<Dim>(size_t(n_attr), q);
  Dim chunk = (d + Dim(n_attr - 1)).floordiv(Dim(n_attr));
  Dim last = d - chunk * Dim(n_attr - 1);
  if (last.is_static() && last.value() < 0)
    throw TypeRelationError(Msg() << "split: an axis of size " << d.str() << " cannot be split into " << n_attr
                                  << " parts of size " << chunk.str());
  std::vector<Dim> out(size_t(n_attr - 1), chunk);
  out.push_back(last);
  return out;
}

Type split_rel(const std::vector<ArgInfo>& args, const Attrs& attrs) {
  const TensorTypeNode& x = expect_tensor(args, 0, "split");
  if (x.rank() == 0) throw TypeRelationError("split: expected a tensor of rank >= 1, found " + tensor_str(x));
  size_t a = size_t(normalize_axis(attrs.get_int("axis"), x.rank(), "split"));
  std::vector<Type> outs;
  for (const Dim& s : split_sizes(args, attrs, x.shape[a])) {
    Shape sh = x.shape;
    sh[a] = s;
    outs.push_back(tensor_type(x.dtype, sh));
  }
  return tuple_type(outs);
}

std::vector<Tensor> split_kernel(const std::vector<Tensor>& in, const Attrs& attrs) {
  const Tensor& x = in[0];
  size_t a = size_t(normalize_axis_runtime(attrs.get_int("axis"), x.rank(), "split"));
  int64_t d = x.shape()[a];
  std::vector<int64_t> sizes;
  if (in.size() > 1) {
    sizes = int_operand(in[1], "split", "split");
    int64_t sum = 0;
    for (int64_t s : sizes) sum += s < 0 ? INT64_MIN / 2 : s;
    if (sum != d) throw RuntimeError(Msg() << "split: part sizes " << shape_str(sizes) << " do not add up to the axis size " << d);
  } else {
    int64_t n = attrs.get_int("num_outputs");
    if (n < 1) throw RuntimeError("split: without a split operand num_outputs must be >= 1");
    int64_t chunk = (d + n - 1) / n;
    if (chunk * (n - 1) > d) throw RuntimeError(Msg() << "split: an axis of size " << d << " cannot be split into " << n << " parts");
    sizes.assign(size_t(n - 1), chunk);
    sizes.push_back(d - chunk * (n - 1));
  }
  int64_t outer = 1, inner = dtype_size(x.dtype());
  for (size_t k = 0; k < x.shape().size(); ++k)
    if (k < a) outer *= x.shape()[k];
    else if (k > a) inner *= x.shape()[k];
  std::vector<Tensor> outs;
  int64_t start = 0;
  for (int64_t s : sizes) {
    std::vector<int64_t> sh = x.shape();
    sh[a] = s;
    Tensor t(x.dtype(), sh);
    const auto* src = static_cast<const uint8_t*>(x.raw());
    auto* dst = static_cast<uint8_t*>(t.raw());
    for (int64_t o = 0; o < outer && s; ++o)
      std::memcpy(dst + o * s * inner, src + (o * d + start) * inner, size_t(s * inner));
    start += s;
    outs.push_back(t);
  }
  return outs;
}

// ---- slice ----

struct AxisSlice {
  int64_t start, step, count;
};

// ONNX Slice on one axis of size d: negative bounds count from the end, then clamp.
AxisSlice slice_axis(int64_t start, int64_t end, int64_t step, int64_t d) {
  if (d == 0) return {0, step, 0};
  if (start < 0) start += d;
  if (end < 0) end += d;
  if (step > 0) {
    start = std::clamp<int64_t>(start, 0, d);
    end = std::clamp<int64_t>(end, 0, d);
    return {start, step, std::max<int64_t>(0, (end - start + step - 1) / step)};
  }
  start = std::clamp<int64_t>(start, 0, d - 1);
  end = std::clamp<int64_t>(end, -1, d - 1);
  return {start, step, std::max<int64_t>(0, (start - end - step - 1) / -step)};
}

// Note on symbolic slices: with a symbolic dim d the clamping cannot be decided, so only
// forms measured from the end get a dim: the full axis (forwards or reversed) gives d; with
// step 1 and an open or negative end, bounds are taken as lying inside the axis (x[:, 1:]
// gives d-1, x[-3:] gives 3, x[1:-1] gives d-2). A non-negative end (x[:5]) usually means
// min(d, 5) and stays unknown, as does any other step.
Dim symbolic_slice(int64_t start, int64_t end, int64_t step, const Dim& d) {
  const int64_t open = INT32_MAX;
  if (step == -1 && (start == -1 || start >= open) && end <= -open) return d;
  if (step != 1) return Dim::unknown();
  if (end <= -open || start >= open) return Dim(0);
  if (end >= 0 && end < open) return Dim::unknown();
  Dim s = start <= -open ? Dim(0) : start < 0 ? d + Dim(start) : Dim(start);
  Dim e = end >= open ? d : d + Dim(end);
  return e - s;
}

struct SliceArgs {
  std::vector<int64_t> starts, ends, axes, steps;
};

SliceArgs slice_defaults(SliceArgs a, int rank, bool runtime) {
  auto bad = [&](const std::string& m) {
    if (runtime) throw RuntimeError("slice: " + m);
    throw TypeRelationError("slice: " + m);
  };
  size_t n = a.starts.size();
  if (a.ends.size() != n) bad(Msg() << "starts has " << n << " entries but ends has " << a.ends.size());
  if (a.axes.empty())
    for (size_t i = 0; i < n; ++i) a.axes.push_back(int64_t(i));
  if (a.steps.empty()) a.steps.assign(n, 1);
  if (a.axes.size() != n || a.steps.size() != n)
    bad(Msg() << "starts, ends, axes and steps must have one length, found " << n << ", " << a.ends.size() << ", "
              << a.axes.size() << ", " << a.steps.size());
  std::vector<bool> seen(size_t(rank), false);
  for (size_t i = 0; i < n; ++i) {
    if (a.axes[i] < -rank || a.axes[i] >= rank) bad(Msg() << "axis " << a.axes[i] << " is out of range for rank " << rank);
    if (a.axes[i] < 0) a.axes[i] += rank;
    if (seen[size_t(a.axes[i])]) bad(Msg() << "axis " << a.axes[i] << " is sliced twice");
    seen[size_t(a.axes[i])] = true;
    if (a.steps[i] == 0) bad("steps must not be 0");
  }
  return a;
}

Type slice_rel(const std::vector<ArgInfo>& args, const Attrs&) {
  const TensorTypeNode& x = expect_tensor(args, 0, "slice");
  const char* names[] = {"", "starts", "ends", "axes", "steps"};
  std::vector<int64_t> vals[5];
  bool known = true;
  int64_t n = -1;
  for (size_t i = 1; i < 5; ++i) {
    if (i >= 3 && !arg_present(args, i)) continue;
    const TensorTypeNode& t = expect_int_operand(args, i, "slice", names[i]);
    if (t.shape[0].is_static()) {
      if (n >= 0 && t.shape[0].value() != n)
        throw TypeRelationError(Msg() << "slice: " << names[i] << " has " << t.shape[0].value() << " entries, expected " << n);
      n = t.shape[0].value();
    }
    known = const_ints(args, i, &vals[i]) && known;
  }
  bool axes_given = arg_present(args, 3);
  if (!known) {  // only the sliced axes lose their size, if we know which they are
    std::vector<int64_t> axes;
    if (axes_given && !const_ints(args, 3, &axes)) return tensor_type(x.dtype, unknown_shape(x.shape.size()));
    if (!axes_given) {
      if (n < 0) return tensor_type(x.dtype, unknown_shape(x.shape.size()));
      for (int64_t i = 0; i < n; ++i) axes.push_back(i);
    }
    Shape out = x.shape;
    for (int a : normalize_axes(axes, x.rank(), "slice")) out[size_t(a)] = Dim::unknown();
    return tensor_type(x.dtype, out);
  }
  SliceArgs sa = slice_defaults({vals[1], vals[2], vals[3], vals[4]}, x.rank(), false);
  Shape out = x.shape;
  for (size_t i = 0; i < sa.starts.size(); ++i) {
    Dim& d = out[size_t(sa.axes[i])];
    if (d.is_static()) d = Dim(slice_axis(sa.starts[i], sa.ends[i], sa.steps[i], d.value()).count);
    else if (!d.is_unknown()) d = symbolic_slice(sa.starts[i], sa.ends[i], sa.steps[i], d);
  }
  return tensor_type(x.dtype, out);
}

std::vector<Tensor> slice_kernel(const std::vector<Tensor>& in, const Attrs&) {
  const Tensor& x = in[0];
  SliceArgs sa{int_operand(in[1], "slice", "starts"), int_operand(in[2], "slice", "ends"), {}, {}};
  if (input_present(in, 3)) sa.axes = int_operand(in[3], "slice", "axes");
  if (input_present(in, 4)) sa.steps = int_operand(in[4], "slice", "steps");
  sa = slice_defaults(sa, x.rank(), true);
  std::vector<int64_t> shape = x.shape(), strides = contiguous_strides(x.shape());
  int64_t offset = 0;
  for (size_t i = 0; i < sa.starts.size(); ++i) {
    size_t a = size_t(sa.axes[i]);
    AxisSlice s = slice_axis(sa.starts[i], sa.ends[i], sa.steps[i], shape[a]);
    shape[a] = s.count;
    if (s.count) offset += s.start * strides[a];
    strides[a] *= s.step;
  }
  return {strided_copy(x, offset, shape, strides)};
}

// ---- tile ----

Type tile_rel(const std::vector<ArgInfo>& args, const Attrs&) {
  const TensorTypeNode& x = expect_tensor(args, 0, "tile");
  const TensorTypeNode& rt = expect_int_operand(args, 1, "tile", "repeats");
  int64_t n = static_length(rt, "tile", "repeats");
  if (n != x.rank())
    throw TypeRelationError(Msg() << "tile: repeats has " << n << " entries, expected one per dim of " << tensor_str(x));
  std::vector<int64_t> reps;
  if (!const_ints(args, 1, &reps)) return tensor_type(x.dtype, unknown_shape(x.shape.size()));
  Shape out = x.shape;
  for (size_t i = 0; i < out.size(); ++i) {
    if (reps[i] < 0) throw TypeRelationError(Msg() << "tile: repeats must be >= 0, found " << reps[i]);
    out[i] = out[i] * Dim(reps[i]);
  }
  return tensor_type(x.dtype, out);
}

// tile = x viewed as [1, d0, 1, d1, ...] broadcast to [r0, d0, r1, d1, ...].
std::vector<Tensor> tile_kernel(const std::vector<Tensor>& in, const Attrs&) {
  const Tensor& x = in[0];
  std::vector<int64_t> reps = int_operand(in[1], "tile", "repeats");
  if (int(reps.size()) != x.rank())
    throw RuntimeError(Msg() << "tile: repeats has " << reps.size() << " entries, expected " << x.rank());
  std::vector<int64_t> cs = contiguous_strides(x.shape()), walk, strides, out;
  for (size_t i = 0; i < reps.size(); ++i) {
    if (reps[i] < 0) throw RuntimeError(Msg() << "tile: repeats must be >= 0, found " << reps[i]);
    walk.insert(walk.end(), {reps[i], x.shape()[i]});
    strides.insert(strides.end(), {0, cs[i]});
    out.push_back(reps[i] * x.shape()[i]);
  }
  return {strided_copy(x, 0, walk, strides).reshape(out)};
}

// ---- pad ----

void check_pad_mode(const std::string& mode) {
  if (mode != "constant" && mode != "reflect" && mode != "edge")
    throw TypeRelationError("pad: mode must be \"constant\", \"reflect\" or \"edge\", found \"" + mode + "\"");
}

Type pad_rel(const std::vector<ArgInfo>& args, const Attrs& attrs) {
  const TensorTypeNode& x = expect_tensor(args, 0, "pad");
  check_pad_mode(attrs.get_string("mode"));
  const TensorTypeNode& pt = expect_int_operand(args, 1, "pad", "pads");
  if (pt.shape[0].is_static() && pt.shape[0].value() != 2 * x.rank())
    throw TypeRelationError(Msg() << "pad: pads must have 2*rank = " << 2 * x.rank() << " entries for " << tensor_str(x)
                                  << ", found " << pt.shape[0].str());
  if (arg_present(args, 2)) {
    const TensorTypeNode& v = expect_tensor(args, 2, "pad");
    if (v.dtype != x.dtype || (v.rank() > 1) || (v.rank() == 1 && v.shape[0] != Dim(1)))
      throw TypeRelationError(Msg() << "pad: value must be a scalar " << dtype_name(x.dtype) << ", found " << tensor_str(v));
  }
  std::vector<int64_t> pads;
  if (!const_ints(args, 1, &pads)) return tensor_type(x.dtype, unknown_shape(x.shape.size()));
  Shape out = x.shape;
  for (size_t i = 0; i < out.size(); ++i) {
    out[i] = out[i] + Dim(pads[i] + pads[i + out.size()]);
    if (out[i].is_static() && out[i].value() < 0)
      throw TypeRelationError(Msg() << "pad: pads " << shape_str(pads) << " crop dim " << i << " of " << tensor_str(x)
                                    << " below zero");
  }
  return tensor_type(x.dtype, out);
}

// Source coordinate of output coordinate o along an axis of size d padded by `begin`.
int64_t pad_source(int64_t o, int64_t begin, int64_t d, char mode) {
  int64_t i = o - begin;
  if (i >= 0 && i < d) return i;
  if (mode == 'c') return -1;
  if (mode == 'e' || d == 1) return i < 0 ? 0 : d - 1;
  int64_t period = 2 * (d - 1);  // reflect, repeatedly when the pad exceeds d-1 (as numpy)
  i %= period;
  if (i < 0) i += period;
  return i < d ? i : period - i;
}

std::vector<Tensor> pad_kernel(const std::vector<Tensor>& in, const Attrs& attrs) {
  const Tensor& x = in[0];
  std::vector<int64_t> pads = int_operand(in[1], "pad", "pads");
  const size_t rank = size_t(x.rank());
  if (pads.size() != 2 * rank)
    throw RuntimeError(Msg() << "pad: pads has " << pads.size() << " entries, expected " << 2 * rank);
  char mode = attrs.get_string("mode")[0];
  std::vector<int64_t> out(rank);
  std::vector<std::vector<int64_t>> maps(rank);
  for (size_t i = 0; i < rank; ++i) {
    int64_t d = x.shape()[i];
    out[i] = d + pads[i] + pads[i + rank];
    if (out[i] < 0) throw RuntimeError(Msg() << "pad: pads " << shape_str(pads) << " crop dim " << i << " of "
                                             << shape_str(x.shape()) << " below zero");
    if (d == 0 && mode != 'c' && out[i] > 0)
      throw RuntimeError(Msg() << "pad: mode " << attrs.get_string("mode") << " cannot pad the empty dim " << i);
    for (int64_t o = 0; o < out[i]; ++o) maps[i].push_back(pad_source(o, pads[i], d, mode));
  }
  uint64_t fill = 0;
  if (input_present(in, 2)) {
    if (in[2].dtype() != x.dtype() || in[2].numel() != 1)
      throw RuntimeError(Msg() << "pad: value must be one " << dtype_name(x.dtype()) << " element");
    std::memcpy(&fill, in[2].raw(), dtype_size(x.dtype()));
  }
  return {axis_map_copy(x, out, maps, &fill)};
}

// ---- CPU emitter pieces: each op's shape function calls the runtime's <op>_shape, which its kernel calls too.

const auto cpu_axis_of = [](const CpuEmitArgs& a) { return std::to_string(cpu_axis(a.attrs->get_int("axis"), a.arg_ranks[0])); };
// A tuple of as many parts as the type has outputs; sizes from the operand or num_outputs.
const auto cpu_split_sizes = [](const CpuEmitArgs& a) {
  return a.args.size() > 1 ? "weft_rt::int_values(" + a.args[1] + ", \"split\", \"split\")"
                           : "weft_rt::split_even(" + a.args[0] + ".dim(" + cpu_axis_of(a) + "), " + std::to_string(a.result_dtypes.size()) + ")";
};
const auto cpu_slice_args = [](const CpuEmitArgs& a) {
  return a.args[1] + ", " + a.args[2] + ", " + cpu_optional_arg(a, 3) + ", " + cpu_optional_arg(a, 4) + ")";
};
const auto cpu_reps = [](const CpuEmitArgs& a) { return "weft_rt::int_values(" + a.args[1] + ", \"tile\", \"repeats\")"; };
const auto cpu_pads = [](const CpuEmitArgs& a) { return "weft_rt::int_values(" + a.args[1] + ", \"pad\", \"pads\")"; };
const auto cpu_pad_mode = [](const CpuEmitArgs& a) { return "'" + a.attrs->get_string("mode").substr(0, 1) + "'"; };

}  // namespace

void register_shape_slice_ops(OpRegistry& reg) {
  reg.add("concat")
      .gradient(vjp::concat_gradient())
      .doc("concat(xs...): the inputs joined along axis; other dims must agree")
      .inputs(1, -1)
      .attr("axis", AttrKind::Int, std::nullopt, "in [-rank, rank)")
      .pattern(OpPattern::Injective)
      .type_relation(concat_rel)
      .kernel(concat_kernel)
      .shape_cpu([](const CpuEmitArgs& a) {
        std::string shapes;
        for (const std::string& x : a.args) shapes += (shapes.empty() ? "" : ", ") + x + ".shape()";
        return cpu_shapes({"weft_rt::concat_shape({" + shapes + "}, " + cpu_axis_of(a) + ")"});
      })
      .emit_cpu([](const CpuEmitArgs& a) {
        std::string xs;
        for (const std::string& x : a.args) xs += (xs.empty() ? "" : ", ") + x;
        return "weft_rt::concat<" + cpu_ctype(a.arg_dtypes[0], "concat") + ">({" + xs + "}, " + cpu_axis_of(a) + ")";
      });
  reg.add("split")
      .gradient(vjp::split_gradient())
      .doc("split(x, split?: i64[n]): a tuple of parts along axis, sized by split or num_outputs equal parts")
      .raises_on_values("part sizes that do not add up to the axis")
      .inputs(1, 2)
      .attr("axis", AttrKind::Int, int64_t(0), "in [-rank, rank)")
      .attr("num_outputs", AttrKind::Int, int64_t(0), "without split: this many parts of ceil(d/n), the last smaller")
      .pattern(OpPattern::Injective)
      .type_relation(split_rel)
      .kernel(split_kernel)
      .shape_cpu([](const CpuEmitArgs& a) {
        return "weft_rt::split_shapes(" + a.args[0] + ".shape(), " + cpu_axis_of(a) + ", " + cpu_split_sizes(a) + ", " +
               std::to_string(a.result_dtypes.size()) + ")";
      })
      .emit_cpu([](const CpuEmitArgs& a) {
        return "weft_rt::tuple_of<" + std::to_string(a.result_dtypes.size()) + ">(weft_rt::split<" + cpu_ctype(a.arg_dtypes[0], "split") + ">(" +
               a.args[0] + ", " + cpu_axis_of(a) + ", " + cpu_split_sizes(a) + "), \"split\")";
      });
  reg.add("slice")
      .gradient(vjp::pick_gradient("slice"))
      .doc("slice(x, starts, ends, axes?, steps?: i64[n]): ONNX Slice; bounds clamp, INT64_MAX/MIN are open ends")
      .raises_on_values("a zero step or an axis out of range")
      .inputs(3, 5)
      .pattern(OpPattern::Injective)
      .type_relation(slice_rel)
      .kernel(slice_kernel)
      .shape_cpu([](const CpuEmitArgs& a) { return cpu_shapes({"weft_rt::slice_shape(" + a.args[0] + ".shape(), " + cpu_slice_args(a)}); })
      .emit_cpu([](const CpuEmitArgs& a) {
        return "weft_rt::slice<" + cpu_ctype(a.arg_dtypes[0], "slice") + ">(" + a.args[0] + ", " + cpu_slice_args(a);
      });
  reg.add("tile")
      .gradient(vjp::pick_gradient("tile"))
      .doc("tile(x, repeats: i64[rank]): x repeated repeats[i] times along dim i")
      .raises_on_values("a negative repeat count")
      .inputs(2)
      .pattern(OpPattern::Injective)
      .type_relation(tile_rel)
      .kernel(tile_kernel)
      .shape_cpu([](const CpuEmitArgs& a) { return cpu_shapes({"weft_rt::tile_shape(" + a.args[0] + ".shape(), " + cpu_reps(a) + ")"}); })
      .emit_cpu([](const CpuEmitArgs& a) {
        return "weft_rt::tile<" + cpu_ctype(a.arg_dtypes[0], "tile") + ">(" + a.args[0] + ", " + cpu_reps(a) + ")";
      });
  reg.add("pad")
      .gradient(vjp::pad_gradient())
      .doc("pad(x, pads: i64[2*rank] = [begins..., ends...], value?: scalar of x's dtype): negative pads crop")
      .raises_on_values("pads that crop past a dim")
      .inputs(2, 3)
      .attr("mode", AttrKind::String, std::string("constant"), "\"constant\" (value, default 0), \"reflect\" or \"edge\"")
      .pattern(OpPattern::Injective)
      .type_relation(pad_rel)
      .kernel(pad_kernel)
      .shape_cpu([](const CpuEmitArgs& a) {
        return cpu_shapes({"weft_rt::pad_shape(" + a.args[0] + ".shape(), " + cpu_pads(a) + ", " + cpu_pad_mode(a) + ")"});
      })
      .emit_cpu([](const CpuEmitArgs& a) {
        return "weft_rt::pad<" + cpu_ctype(a.arg_dtypes[0], "pad") + ">(" + a.args[0] + ", " + cpu_pads(a) + ", " + cpu_optional_arg(a, 2) + ", " +
               cpu_pad_mode(a) + ")";
      });
}

}  // namespace weft::shape_ops
