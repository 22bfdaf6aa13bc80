// NmsConverter.cpp - ONNX NonMaxSuppression: IoU matrices in score order, then a greedy loop (an IR tail-recursive function).
#include "importers/onnx/ConvertSupport.h"
#include "importers/onnx/GraphBuilder.h"
#include "importers/onnx/converters/ConverterHelpers.h"
#include "importers/onnx/converters/Converters.h"
#include "ir/Parser.h"

namespace weft::onnx_import {
namespace {

// Note on the method: every (batch, class) pair is handled at once. Boxes are sorted by
// the class's scores (descending, stable), and `over[b, c, j, k]` says that sorted boxes
// j and k overlap by more than iou_threshold (ONNX Runtime's test: positive
// intersection, areas and union, IoU strictly above). The greedy pass then walks j = 0..n-1
// as a tail-recursive function: box j is kept when it passes the score threshold, no kept
// box overlaps it, and its class has kept fewer than max_output_boxes_per_class.
// The kept mask's nonzero coordinates, in row-major order, are (batch, class, rank), the
// order ONNX lists them in; the rank maps back to the box index through the sort.
const char* kGreedyName = "onnx_nms_greedy";
const char* kGreedy = R"(
def @onnx_nms_greedy(%over: bool[?, ?, ?, ?], %cand: bool[?, ?, ?], %j: i64[], %n: i64[], %limit: i64[],
                     %kept: bool[?, ?, ?], %count: i64[?, ?]) -> bool[?, ?, ?] {
  if (greater_equal(%j, %n)) {
    %kept
  } else {
    let %hits = cast(logical_and(gather(%over, %j, axis=2), %kept), to=i64);
    let %free = equal(reduce_max(%hits, axes=[2], keepdims=false), 0i64);
    let %take = logical_and(logical_and(gather(%cand, %j, axis=2), %free), less(%count, %limit));
    let %at = equal(range(0i64, %n, 1i64), %j);
    let %kept_next = logical_or(%kept, logical_and(unsqueeze(%take, axes=[2]), %at));
    @onnx_nms_greedy(%over, %cand, add(%j, 1i64), %n, %limit, %kept_next, add(%count, cast(%take, to=i64)))
  }
}
)";

void ensure_greedy(Module& m) {
  if (m.function(kGreedyName)) return;
  Module parsed = parse_module(kGreedy, "<onnx NonMaxSuppression loop>");
  m.add_function(kGreedyName, parsed.function(kGreedyName));
}

std::vector<Expr> convert_nms(NodeContext& ctx) {
  if (ctx.input_rank(0) != 3 || ctx.input_rank(1) != 3) ctx.fail("boxes must be [B, n, 4] and scores [B, C, n]");
  const DType dt = ctx.input_dtype(0);
  const bool center = ctx.attr_int("center_point_box", 0) != 0;
  auto op = [&](const std::string& name, std::vector<Expr> args, Attrs a = {}) { return ctx.op(name, std::move(args), a); };
  auto c = [&](double v) { return scalar_const(ctx, dt, v); };
  Expr scores = ctx.input(1);

  // Boxes in each class's score order: [B, C, n, 4].
  Expr sorted = op("sort", {scores}, {{"axis", int64_t(2)}, {"descending", true}});
  Expr sorted_scores = tuple_field(ctx, sorted, 0), order = tuple_field(ctx, sorted, 1);
  Expr bcn4 = op("concat", {op("shape", {scores}), ctx.i64_vector({4})}, {{"axis", int64_t(0)}});
  Expr boxes = op("expand", {op("unsqueeze", {ctx.input(0)}, {{"axes", Ints{1}}}), bcn4});
  Expr at = op("expand", {op("unsqueeze", {order}, {{"axes", Ints{3}}}), bcn4});
  boxes = op("gather_elements", {boxes, at}, {{"axis", int64_t(2)}});
  auto coord = [&](int64_t i) { return op("gather", {boxes, ctx.i64_scalar(i)}, {{"axis", int64_t(3)}}); };
  Expr y1, x1, y2, x2;
  if (center) {
    Expr half_w = op("div", {coord(2), c(2)}), half_h = op("div", {coord(3), c(2)});
    x1 = op("sub", {coord(0), half_w}), x2 = op("add", {coord(0), half_w});
    y1 = op("sub", {coord(1), half_h}), y2 = op("add", {coord(1), half_h});
  } else {
    y1 = op("minimum", {coord(0), coord(2)}), y2 = op("maximum", {coord(0), coord(2)});
    x1 = op("minimum", {coord(1), coord(3)}), x2 = op("maximum", {coord(1), coord(3)});
  }
  // Pairwise [B, C, n, n]: row j against column k.
  auto rows = [&](const Expr& e) { return op("unsqueeze", {e}, {{"axes", Ints{3}}}); };
  auto cols = [&](const Expr& e) { return op("unsqueeze", {e}, {{"axes", Ints{2}}}); };
  auto overlap = [&](const Expr& lo, const Expr& hi) {
    Expr len = op("sub", {op("minimum", {rows(hi), cols(hi)}), op("maximum", {rows(lo), cols(lo)})});
    return op("maximum", {len, c(0)});
  };
  Expr inter = op("mul", {overlap(x1, x2), overlap(y1, y2)});
  Expr area = op("mul", {op("sub", {x2, x1}), op("sub", {y2, y1})});
  Expr uni = op("sub", {op("add", {rows(area), cols(area)}), inter});
  Expr threshold = ctx.has_input(3) ? scalar_input(ctx, 3, dt, "iou_threshold") : c(0);
  auto positive = [&](const Expr& e) { return op("greater", {e, c(0)}); };
  auto both = [&](const Expr& a, const Expr& b) { return op("logical_and", {a, b}); };
  Expr over = both(both(positive(inter), positive(uni)), both(positive(rows(area)), positive(cols(area))));
  over = both(over, op("greater", {op("div", {inter, uni}), threshold}));

  Expr cand = ctx.has_input(4) ? op("greater", {sorted_scores, scalar_input(ctx, 4, dt, "score_threshold")})
                               : op("expand", {ctx.constant(Tensor::scalar<bool>(true)), op("shape", {scores})});
  Expr limit = ctx.has_input(2) ? scalar_input(ctx, 2, DType::I64, "max_output_boxes_per_class") : ctx.i64_scalar(0);
  Expr n = op("reshape", {op("shape", {scores}, {{"start", int64_t(2)}}), ctx.i64_vector({})});
  Expr none = op("expand", {ctx.constant(Tensor::scalar<bool>(false)), op("shape", {scores})});
  Expr zero_counts = op("expand", {ctx.i64_scalar(0), op("shape", {scores}, {{"end", int64_t(2)}})});
  ensure_greedy(ctx.graph().module());
  Expr kept = call_global(ctx, kGreedyName, {over, cand, ctx.i64_scalar(0), n, limit, none, zero_counts},
                          tensor_type(DType::Bool, Shape(3, Dim::unknown())));

  Expr where = op("transpose", {op("non_zero", {kept})});  // [K, 3]: batch, class, rank
  Expr box = op("unsqueeze", {op("gather_nd", {order, where})}, {{"axes", Ints{1}}});
  Expr batch_class = op("slice", {where, ctx.i64_vector({0}), ctx.i64_vector({2}), ctx.i64_vector({1})});
  return {op("concat", {batch_class, box}, {{"axis", int64_t(1)}})};
}

}  // namespace

void register_nms_converters(ConverterTable& table) { table.add("NonMaxSuppression", convert_nms); }

}  // namespace weft::onnx_import
