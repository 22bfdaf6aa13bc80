// ResizeConverters.cpp - aten::upsample_* (F.interpolate) onto the registry's `resize` op.
#include "importers/torchscript/NodeContext.h"

namespace weft::ts {

namespace {

// How torch maps an output coordinate back to the input, in `resize`'s terms. torch's
// source index is scale * (dst + 0.5) - 0.5 (clamped at 0) for linear/cubic without
// align_corners, floor(dst * scale) for nearest and floor((dst + 0.5) * scale) for
// nearest-exact, where scale is in/out for a given size and 1/factor for a given factor:
// exactly resize's half_pixel, asymmetric + floor and tf_half_pixel_for_nn + floor, since
// resize's scale is out/in for sizes and the factor for scales (neighbours past the edge are
// clamped by both).
struct Flavor {
  std::string mode;       // resize's mode
  bool exact = false;     // nearest-exact
  bool has_align = false; // the schema has an align_corners argument
};

Attrs resize_attrs(const Flavor& f, bool align_corners) {
  Attrs a{{"mode", f.mode}};
  if (f.mode == "nearest") {
    a.set("coordinate_transformation_mode", std::string(f.exact ? "tf_half_pixel_for_nn" : "asymmetric"));
    a.set("nearest_mode", std::string("floor"));
  } else {
    a.set("coordinate_transformation_mode", std::string(align_corners ? "align_corners" : "half_pixel"));
    a.set("cubic_coeff_a", -0.75);  // torch's bicubic
  }
  return a;
}

// The leading (batch, channel) dims of x as i64[2], then the `spatial` sizes: resize's sizes.
TExpr full_sizes(NodeContext& c, const TExpr& x, TExpr spatial) {
  TExpr lead = c.op("shape", {x}, Attrs{{"start", int64_t(0)}, {"end", int64_t(2)}});
  return c.op("concat", {lead, spatial}, Attrs{{"axis", int64_t(0)}});
}

// `sizes` (i64[rank]) or `scales` (f32[rank]) given.
TsVal emit(NodeContext& c, const TExpr& x, const Flavor& f, bool align, std::optional<TExpr> sizes, std::optional<TExpr> scales) {
  TExpr none_f = IrBuilder::constant(Tensor(DType::F32, {0}));
  TExpr none_i = IrBuilder::constant(Tensor(DType::I64, {0}));
  if (!is_float(x.dtype()) && f.mode != "nearest") c.fail("linear/cubic upsampling of a non-float tensor");
  return c.out(c.op("resize", {x, none_f, scales.value_or(none_f), sizes.value_or(none_i)}, resize_attrs(f, align)));
}

// f32[2 + spatial]: 1, 1, then the factors: constants when the list is static, else read at
// run time (scripted F.interpolate builds the list in a loop).
TExpr scale_factors(NodeContext& c, size_t at, size_t spatial) {
  const TsVal& l = c.in(at);
  TExpr lead = IrBuilder::constant(Tensor::from_vector<float>({1.0f, 1.0f}, {2}));
  if (l.kind == Kind::List && !l.is_static) {
    TExpr v = c.cast(c.ir().list_concat(c.block(), l.v, 0, true, c.span()), DType::F32);
    return c.op("concat", {lead, v}, Attrs{{"axis", int64_t(0)}});
  }
  std::vector<TExpr> parts{lead};
  for (auto& e : c.list_items(at)) {
    if (!e.is_tensor_like()) c.fail("scale_factors must be numbers");
    parts.push_back(c.op("reshape", {c.cast(e.v, DType::F32), c.i64s({1})}));
  }
  if (parts.size() != spatial + 1) c.fail(Msg() << "expected " << spatial << " scale factors, found " << parts.size() - 1);
  return c.op("concat", parts, Attrs{{"axis", int64_t(0)}});  // IrBuilder::op folds it when every factor is known
}

void check_rank(NodeContext& c, const TExpr& x, size_t spatial) {
  if (x.rank() != int(spatial) + 2) c.fail(Msg() << "expected a tensor of rank " << spatial + 2 << ", found rank " << x.rank());
}

// The .vec overloads F.interpolate calls: (input, output_size?, [align_corners,] scale_factors?).
Converter upsample_vec(Flavor f, size_t spatial) {
  return [f, spatial](NodeContext& c) {
    TExpr x = c.tensor(0);
    check_rank(c, x, spatial);
    bool align = f.has_align && c.bool_arg(2);
    size_t scales_at = f.has_align ? 3 : 2;
    if (c.has(1)) return std::vector<TsVal>{emit(c, x, f, align, full_sizes(c, x, c.int_list_tensor(1)), std::nullopt)};
    if (!c.has(scales_at)) c.fail("neither output_size nor scale_factors is given");
    return std::vector<TsVal>{emit(c, x, f, align, std::nullopt, scale_factors(c, scales_at, spatial))};
  };
}

// The plain overloads: (input, output_size, [align_corners,] scales...?). A given scale
// changes torch's coordinate mapping away from in/out; only the size form is supported.
Converter upsample_sized(Flavor f, size_t spatial) {
  return [f, spatial](NodeContext& c) {
    TExpr x = c.tensor(0);
    check_rank(c, x, spatial);
    bool align = f.has_align && c.bool_arg(2);
    for (size_t i = f.has_align ? 3 : 2; i < c.num_inputs(); ++i)
      if (c.has(i)) c.fail("upsampling with explicit scales next to output_size is not supported");
    return std::vector<TsVal>{emit(c, x, f, align, full_sizes(c, x, c.int_list_tensor(1)), std::nullopt)};
  };
}

}  // namespace

void register_grid_sample_converters(ConverterTable& t);

void register_resize_converters(ConverterTable& t) {
  register_grid_sample_converters(t);  // the other resampler
  struct Entry { const char* name; Flavor f; size_t spatial; };
  const Entry entries[] = {
      {"aten::upsample_nearest1d", {"nearest", false, false}, 1},
      {"aten::upsample_nearest2d", {"nearest", false, false}, 2},
      {"aten::upsample_nearest3d", {"nearest", false, false}, 3},
      {"aten::_upsample_nearest_exact1d", {"nearest", true, false}, 1},
      {"aten::_upsample_nearest_exact2d", {"nearest", true, false}, 2},
      {"aten::_upsample_nearest_exact3d", {"nearest", true, false}, 3},
      {"aten::upsample_linear1d", {"linear", false, true}, 1},
      {"aten::upsample_bilinear2d", {"linear", false, true}, 2},
      {"aten::upsample_trilinear3d", {"linear", false, true}, 3},
      {"aten::upsample_bicubic2d", {"cubic", false, true}, 2},
  };
  for (const Entry& e : entries) {
    t.add(e.name, upsample_sized(e.f, e.spatial));
    t.add(std::string(e.name) + ".vec", upsample_vec(e.f, e.spatial));
  }
}

}  // namespace weft::ts
