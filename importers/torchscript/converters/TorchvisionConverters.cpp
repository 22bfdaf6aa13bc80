// TorchvisionConverters.cpp - torchvision's C++ operators (nms, roi_align) as weft ops and an IR loop.
#include "importers/torchscript/NodeContext.h"
#include "importers/torchscript/converters/LoweringEmitter.h"
#include "ir/Parser.h"
#include "ir/RoiAlign.h"

namespace weft::ts {

namespace {

using V = std::vector<TsVal>;

// Note on the method: torchvision::nms(boxes [N, 4] as x1 y1 x2 y2, scores [N], iou_threshold)
// keeps, in decreasing score order, each box that no kept box overlaps by IoU above the
// threshold, and returns the kept boxes' indices in that order. Boxes are sorted by score,
// `over[j, k]` says sorted boxes j and k overlap by more than the threshold (torchvision's
// IoU: inter / (area_j + area_k - inter), no +1, a NaN IoU suppresses nothing), and the
// greedy pass walks j = 0..N-1 as a tail-recursive function.
const char* kGreedyName = "torchvision_nms_greedy";
const char* kGreedy = R"(
def @torchvision_nms_greedy(%over: bool[?, ?], %j: i64[], %n: i64[], %kept: bool[?]) -> bool[?] {
  if (greater_equal(%j, %n)) {
    %kept
  } else {
    let %hits = cast(logical_and(gather(%over, %j, axis=0), %kept), to=i64);
    let %free = equal(reduce_max(%hits, axes=[0], keepdims=false), 0i64);
    let %at = equal(range(0i64, %n, 1i64), %j);
    @torchvision_nms_greedy(%over, add(%j, 1i64), %n, logical_or(%kept, logical_and(%free, %at)))
  }
}
)";

V nms(NodeContext& c) {
  TExpr boxes = c.tensor(0), scores = c.tensor(1);
  if (boxes.rank() != 2 || scores.rank() != 1) c.fail("boxes must be [N, 4] and scores [N]");
  const DType dt = boxes.dtype();
  Module& m = c.ir().module();
  if (!m.function(kGreedyName)) m.add_function(kGreedyName, parse_module(kGreedy, "<torchvision::nms loop>").function(kGreedyName));

  TExpr sorted = c.op("sort", {c.cast(scores, dt)}, Attrs{{"axis", int64_t(0)}, {"descending", true}});
  TExpr order = c.ir().tuple_get(c.block(), sorted, 1);
  TExpr b = c.op("gather", {boxes, order}, Attrs{{"axis", int64_t(0)}});
  auto coord = [&](int64_t i) { return c.op("gather", {b, c.i64(i)}, Attrs{{"axis", int64_t(1)}}); };  // [N]
  TExpr x1 = coord(0), y1 = coord(1), x2 = coord(2), y2 = coord(3);
  auto rows = [&](const TExpr& e) { return c.op("unsqueeze", {e}, Attrs{{"axes", std::vector<int64_t>{1}}}); };
  auto cols = [&](const TExpr& e) { return c.op("unsqueeze", {e}, Attrs{{"axes", std::vector<int64_t>{0}}}); };
  TExpr zero = c.scalar(0, dt);
  auto overlap = [&](const TExpr& lo, const TExpr& hi) {
    TExpr len = c.op("sub", {c.op("minimum", {rows(hi), cols(hi)}), c.op("maximum", {rows(lo), cols(lo)})});
    return c.op("maximum", {len, zero});
  };
  TExpr inter = c.op("mul", {overlap(x1, x2), overlap(y1, y2)});
  TExpr area = c.op("mul", {c.op("sub", {x2, x1}), c.op("sub", {y2, y1})});
  TExpr iou = c.op("div", {inter, c.op("sub", {c.op("add", {rows(area), cols(area)}), inter})});
  TExpr over = c.op("greater", {iou, c.cast(c.tensor(2), dt)});

  TExpr n = c.dim_size(scores, 0);
  TExpr none = c.op("expand", {IrBuilder::constant(Tensor::scalar<bool>(false)), c.op("shape", {scores})});
  Type kept_t = tensor_type(DType::Bool, Shape(1, Dim::unknown()));
  TExpr kept = c.block().bind({make_call(make_global_var(kGreedyName, c.span()), {over.e, c.i64(0).e, n.e, none.e}, c.span()), kept_t}, "kept");
  TExpr at = c.op("reshape", {c.op("non_zero", {kept}), c.i64s({-1})});
  return {c.out(c.op("gather", {order, at}, Attrs{{"axis", int64_t(0)}}))};
}

// roi_align(input, rois [K, 5] as batch x1 y1 x2 y2, spatial_scale, pooled_height,
// pooled_width, sampling_ratio, aligned), lowered through ir/RoiAlign.h as ONNX's RoiAlign is.
V roi_align(NodeContext& c) {
  TExpr x = c.tensor(0), rois = c.tensor(1);
  if (x.rank() != 4 || rois.rank() != 2) c.fail("input must be [N, C, H, W] and rois [K, 5]");
  roi_align::Options o;
  o.spatial_scale = c.float_arg(2);
  o.out_h = c.int_arg(3);
  o.out_w = c.int_arg(4);
  o.sampling_ratio = c.int_arg(5);
  if (o.sampling_ratio <= 0) c.fail("sampling_ratio <= 0 (adaptive per ROI) is not supported");
  o.half_pixel = c.bool_arg(6);
  rois = c.cast(rois, x.dtype());
  TExpr boxes = c.op("slice", {rois, c.i64s({1}), c.i64s({5}), c.i64s({1})});
  TExpr batch = c.cast(c.op("gather", {rois, c.i64(0)}, Attrs{{"axis", int64_t(1)}}), DType::I64);
  LoweringEmitter em{c};
  return {c.out(roi_align::emit(x, boxes, batch, x.dtype(), o, em))};
}

}  // namespace

void register_torchvision_converters(ConverterTable& t) {
  t.add("torchvision::nms", nms);
  t.add("torchvision::roi_align", roi_align);
}

}  // namespace weft::ts
