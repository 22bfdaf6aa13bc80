// MiscResize.cpp - ONNX Resize (opsets 11-18): nearest, n-linear and n-cubic over every axis.
#include <cmath>
#include <cstring>

#include "ir/ops/CpuEmit.h"
#include "ir/ops/ResizeGradient.h"
#include "ir/ops/ShapeCommon.h"

namespace weft::shape_ops {
namespace {

// Note on the resize kernel: each axis maps output coordinate o to a source coordinate
// x(o) by coordinate_transformation_mode. Nearest rounds x and copies elements (any dtype,
// by element size). Linear and cubic are separable: each axis becomes a list of (source
// index, weight) per output coordinate, applied one axis after another on an f64 copy;
// neighbours past the edge are clamped (ONNX's edge padding), so exclude_outside only
// matters for cubic. Output coordinates outside the roi of tf_crop_and_resize get
// extrapolation_value. Not supported: antialias, axes, keep_aspect_ratio_policy (opset 18).

const char* const kModes[] = {"nearest", "linear", "cubic"};
const char* const kTransforms[] = {"half_pixel", "pytorch_half_pixel", "align_corners", "asymmetric",
                                   "tf_half_pixel_for_nn", "tf_crop_and_resize"};
const char* const kNearest[] = {"round_prefer_floor", "round_prefer_ceil", "floor", "ceil"};

template <size_t N>
void check_choice(const std::string& v, const char* const (&choices)[N], const char* attr) {
  std::string list;
  for (const char* c : choices) {
    if (v == c) return;
    list += (list.empty() ? "\"" : ", \"") + std::string(c) + "\"";
  }
  throw TypeRelationError(Msg() << "resize: " << attr << " must be one of " << list << ", found \"" << v << "\"");
}

double source_coord(int64_t o, int64_t in, int64_t out, double scale, const std::string& ctm, double roi_s, double roi_e) {
  const double x = double(o);
  if (ctm == "half_pixel") return (x + 0.5) / scale - 0.5;
  if (ctm == "pytorch_half_pixel") return out > 1 ? (x + 0.5) / scale - 0.5 : 0.0;
  if (ctm == "align_corners") return out == 1 ? 0.0 : x * double(in - 1) / double(out - 1);
  if (ctm == "asymmetric") return x / scale;
  if (ctm == "tf_half_pixel_for_nn") return (x + 0.5) / scale;
  // tf_crop_and_resize
  if (out == 1) return 0.5 * (roi_s + roi_e) * double(in - 1);
  return roi_s * double(in - 1) + x * (roi_e - roi_s) * double(in - 1) / double(out - 1);
}

int64_t round_nearest(double x, const std::string& mode) {
  double f = std::floor(x);
  if (mode == "floor") return int64_t(f);
  if (mode == "ceil") return int64_t(std::ceil(x));
  if (x - f == 0.5) return int64_t(mode == "round_prefer_ceil" ? f + 1 : f);
  return int64_t(std::round(x));
}

void cubic_coeffs(double r, double A, double c[4]) {
  double s = 1 - r;
  c[0] = ((A * (r + 1) - 5 * A) * (r + 1) + 8 * A) * (r + 1) - 4 * A;
  c[1] = ((A + 2) * r - (A + 3)) * r * r + 1;
  c[2] = ((A + 2) * s - (A + 3)) * s * s + 1;
  c[3] = ((A * (s + 1) - 5 * A) * (s + 1) + 8 * A) * (s + 1) - 4 * A;
}

struct Tap {
  int64_t index;
  double weight;
};

struct ResizePlan {
  std::vector<int64_t> out_shape;
  std::vector<double> scales;
  std::vector<double> roi;  // [starts..., ends...], or empty
};

ResizePlan resize_plan(const std::vector<Tensor>& in) {
  const Tensor& x = in[0];
  const size_t r = size_t(x.rank());
  ResizePlan p;
  bool has_scales = input_present(in, 2), has_sizes = input_present(in, 3);
  if (has_scales == has_sizes) throw RuntimeError("resize: give exactly one of scales and sizes (the other zero-size)");
  if (input_present(in, 1)) {
    if (size_t(in[1].numel()) != 2 * r) throw RuntimeError(Msg() << "resize: roi must hold 2*rank = " << 2 * r << " values");
    for (int64_t i = 0; i < in[1].numel(); ++i) p.roi.push_back(in[1].as_double(i));
  }
  if (has_scales) {
    if (size_t(in[2].numel()) != r) throw RuntimeError(Msg() << "resize: scales must hold rank = " << r << " values");
    for (size_t i = 0; i < r; ++i) {
      double s = in[2].as_double(int64_t(i));
      if (!(s > 0)) throw RuntimeError(Msg() << "resize: scales must be > 0, found " << s);
      p.scales.push_back(s);
      p.out_shape.push_back(int64_t(std::floor(double(x.shape()[i]) * s)));
    }
  } else {
    p.out_shape = int_operand(in[3], "resize", "sizes");
    if (p.out_shape.size() != r) throw RuntimeError(Msg() << "resize: sizes must hold rank = " << r << " values");
    for (size_t i = 0; i < r; ++i) {
      if (p.out_shape[i] < 0) throw RuntimeError(Msg() << "resize: sizes must be >= 0, found " << p.out_shape[i]);
      p.scales.push_back(x.shape()[i] ? double(p.out_shape[i]) / double(x.shape()[i]) : 1.0);
    }
  }
  for (size_t i = 0; i < r; ++i)
    if (x.shape()[i] == 0 && p.out_shape[i] > 0) throw RuntimeError(Msg() << "resize: cannot resize the empty dim " << i);
  return p;
}

// Interpolates axis a of `cur` (f64) with taps[o] per output coordinate o; `outside[o]`
// rows get `extra`.
Tensor apply_axis(const Tensor& cur, size_t a, const std::vector<std::vector<Tap>>& taps, const std::vector<bool>& outside,
                  double extra) {
  std::vector<int64_t> shape = cur.shape();
  const int64_t d = shape[a];
  shape[a] = int64_t(taps.size());
  Tensor out(DType::F64, shape);
  int64_t outer = 1, inner = 1;
  for (size_t k = 0; k < shape.size(); ++k)
    if (k < a) outer *= shape[k];
    else if (k > a) inner *= shape[k];
  const double* s = cur.data<double>();
  double* dst = out.data<double>();
  for (int64_t o = 0; o < outer; ++o)
    for (size_t j = 0; j < taps.size(); ++j) {
      double* row = dst + (o * int64_t(taps.size()) + int64_t(j)) * inner;
      if (outside[j]) {
        std::fill(row, row + inner, extra);
        continue;
      }
      for (const Tap& t : taps[j]) {
        const double* srow = s + (o * d + t.index) * inner;
        for (int64_t i = 0; i < inner; ++i) row[i] += t.weight * srow[i];
      }
    }
  return out;
}

std::vector<Tensor> resize_kernel(const std::vector<Tensor>& in, const Attrs& attrs) {
  const Tensor& x = in[0];
  ResizePlan p = resize_plan(in);
  const std::string &mode = attrs.get_string("mode"), &ctm = attrs.get_string("coordinate_transformation_mode");
  const bool crop = ctm == "tf_crop_and_resize";
  if (crop && p.roi.empty()) throw RuntimeError("resize: tf_crop_and_resize needs roi");
  const double extra = attrs.get_float("extrapolation_value");
  const size_t r = size_t(x.rank());
  auto coord = [&](size_t a, int64_t o) {
    return source_coord(o, x.shape()[a], p.out_shape[a], p.scales[a], ctm, crop ? p.roi[a] : 0.0, crop ? p.roi[a + r] : 1.0);
  };
  auto is_outside = [&](size_t a, double c) { return crop && (c < 0 || c > double(x.shape()[a] - 1)); };
  if (mode == "nearest") {
    std::vector<std::vector<int64_t>> maps(r);
    for (size_t a = 0; a < r; ++a)
      for (int64_t o = 0; o < p.out_shape[a]; ++o) {
        double c = coord(a, o);
        int64_t i = std::clamp<int64_t>(round_nearest(c, attrs.get_string("nearest_mode")), 0, x.shape()[a] - 1);
        maps[a].push_back(is_outside(a, c) ? -1 : i);
      }
    Tensor fill = Tensor::scalar<double>(extra).cast(x.dtype());
    return {axis_map_copy(x, p.out_shape, maps, fill.raw())};
  }
  const bool cubic = mode == "cubic", exclude = attrs.get_int("exclude_outside") != 0;
  const double A = attrs.get_float("cubic_coeff_a");
  Tensor cur = x.cast(DType::F64);
  for (size_t a = 0; a < r; ++a) {
    const int64_t d = x.shape()[a];
    std::vector<std::vector<Tap>> taps(size_t(p.out_shape[a]));
    std::vector<bool> outside(taps.size());
    for (int64_t o = 0; o < p.out_shape[a]; ++o) {
      double c = coord(a, o), f = std::floor(c), ratio = c - f;
      outside[size_t(o)] = is_outside(a, c);
      auto& t = taps[size_t(o)];
      if (!cubic) {
        t = {{int64_t(f), 1 - ratio}, {int64_t(f) + 1, ratio}};
      } else {
        double w[4];
        cubic_coeffs(ratio, A, w);
        for (int k = 0; k < 4; ++k) t.push_back({int64_t(f) - 1 + k, w[k]});
      }
      double total = 0;
      for (Tap& tap : t) {
        if (exclude && (tap.index < 0 || tap.index >= d)) tap.weight = 0;
        tap.index = std::clamp<int64_t>(tap.index, 0, d - 1);
        total += tap.weight;
      }
      if (exclude && total != 0)
        for (Tap& tap : t) tap.weight /= total;
    }
    cur = apply_axis(cur, a, taps, outside, extra);
  }
  return {cur.cast(x.dtype())};
}

Type resize_rel(const std::vector<ArgInfo>& args, const Attrs& attrs) {
  const TensorTypeNode& x = expect_tensor(args, 0, "resize");
  const std::string& mode = attrs.get_string("mode");
  check_choice(mode, kModes, "mode");
  check_choice(attrs.get_string("coordinate_transformation_mode"), kTransforms, "coordinate_transformation_mode");
  check_choice(attrs.get_string("nearest_mode"), kNearest, "nearest_mode");
  if (mode != "nearest" && !is_float(x.dtype))
    throw TypeRelationError(Msg() << "resize: mode \"" << mode << "\" needs a floating-point input, found " << tensor_str(x));
  if (x.rank() == 0) throw TypeRelationError("resize: expected a tensor of rank >= 1, found " + tensor_str(x));
  bool has_scales = arg_present(args, 2), has_sizes = arg_present(args, 3);
  if (has_scales == has_sizes)
    throw TypeRelationError(Msg() << "resize: expected exactly one of scales and sizes (the absent one zero-size), found "
                                  << (has_scales ? "both" : "neither"));
  auto check_len = [&](size_t i, int64_t want, const char* what) -> const TensorTypeNode& {
    const TensorTypeNode& t = expect_tensor(args, i, "resize");
    if (t.rank() != 1 || (t.shape[0].is_static() && t.shape[0].value() != want))
      throw TypeRelationError(Msg() << "resize: " << what << " must be 1-D with " << want << " values, found " << tensor_str(t));
    return t;
  };
  if (arg_present(args, 1)) check_len(1, 2 * x.rank(), "roi");
  if (attrs.get_string("coordinate_transformation_mode") == "tf_crop_and_resize" && !arg_present(args, 1))
    throw TypeRelationError("resize: coordinate_transformation_mode tf_crop_and_resize needs roi");
  Shape out = unknown_shape(x.shape.size());
  if (has_sizes) {
    expect_int_operand(args, 3, "resize", "sizes");
    check_len(3, x.rank(), "sizes");
    std::vector<int64_t> sizes;
    if (const_ints(args, 3, &sizes)) out = static_shape(sizes);
  } else {
    if (!is_float(check_len(2, x.rank(), "scales").dtype))
      throw TypeRelationError("resize: scales must be floating-point, found " + type_str(args[2].type));
    if (const Tensor* s = args[2].value)
      for (size_t i = 0; i < out.size(); ++i) {
        double f = s->as_double(int64_t(i));
        const Dim& d = x.shape[i];
        if (!(f > 0)) throw TypeRelationError(Msg() << "resize: scales must be > 0, found " << f);
        if (d.is_static()) out[i] = Dim(int64_t(std::floor(double(d.value()) * f)));
        else if (f == std::floor(f)) out[i] = d * Dim(int64_t(f));
      }
  }
  return tensor_type(x.dtype, out);
}

}  // namespace

void register_misc_resize_ops(OpRegistry& reg) {
  reg.add("resize")
      .gradient(vjp::resize_gradient())
      .doc("resize(x, roi?, scales?: f32[rank], sizes?: i64[rank]): ONNX Resize; an absent operand is a zero-size tensor")
      .raises_on_values("scales or sizes that are not positive or do not fit x")
      .inputs(1, 4)
      .attr("mode", AttrKind::String, std::string("nearest"), "\"nearest\", \"linear\" (n-linear) or \"cubic\"")
      .attr("coordinate_transformation_mode", AttrKind::String, std::string("half_pixel"),
            "half_pixel, pytorch_half_pixel, align_corners, asymmetric, tf_half_pixel_for_nn or tf_crop_and_resize")
      .attr("nearest_mode", AttrKind::String, std::string("round_prefer_floor"),
            "round_prefer_floor, round_prefer_ceil, floor or ceil")
      .attr("cubic_coeff_a", AttrKind::Float, -0.75, "the cubic kernel's a")
      .attr("exclude_outside", AttrKind::Int, int64_t(0), "1: taps past the edge get weight 0 (renormalized)")
      .attr("extrapolation_value", AttrKind::Float, 0.0, "tf_crop_and_resize: the value outside the input")
      .pattern(OpPattern::Injective)
      .type_relation(resize_rel)
      .kernel(resize_kernel)
      // The string attributes become the runtime's enums here (the type relation checked them).
      .shape_cpu([](const CpuEmitArgs& a) {
        return cpu_shapes({"weft_rt::resize_shape(" + a.args[0] + ", " + cpu_optional_arg(a, 1) + ", " + cpu_optional_arg(a, 2) + ", " +
                           cpu_optional_arg(a, 3) + ")"});
      })
      .emit_cpu([](const CpuEmitArgs& a) {
        const Attrs& at = *a.attrs;
        auto pick = [](const std::string& v, const char* const* names, const char* const* enums, size_t n) {
          for (size_t i = 0; i < n; ++i)
            if (v == names[i]) return std::string(enums[i]);
          throw CompileError("resize: unexpected attribute value \"" + v + "\"");
        };
        const char* const modes[] = {"Nearest", "Linear", "Cubic"};
        const char* const coords[] = {"HalfPixel", "PytorchHalfPixel", "AlignCorners", "Asymmetric", "TfHalfPixelForNn", "TfCropAndResize"};
        const char* const rounds[] = {"PreferFloor", "PreferCeil", "Floor", "Ceil"};
        const std::string attrs = "weft_rt::ResizeAttrs{weft_rt::ResizeMode::" + pick(at.get_string("mode"), kModes, modes, 3) +
                                  ", weft_rt::ResizeCoord::" + pick(at.get_string("coordinate_transformation_mode"), kTransforms, coords, 6) +
                                  ", weft_rt::ResizeRound::" + pick(at.get_string("nearest_mode"), kNearest, rounds, 4) + ", " +
                                  cpu_double(at.get_float("cubic_coeff_a")) + ", " + (at.get_int("exclude_outside") ? "true" : "false") +
                                  ", " + cpu_double(at.get_float("extrapolation_value")) + "}";
        return "weft_rt::resize<" + cpu_ctype(a.arg_dtypes[0], "resize") + ">(" + a.args[0] + ", " + cpu_optional_arg(a, 1) + ", " +
               cpu_optional_arg(a, 2) + ", " + cpu_optional_arg(a, 3) + ", " + attrs + ")";
      });
}

}  // namespace weft::shape_ops
