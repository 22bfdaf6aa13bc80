// RnnConverters.cpp - ONNX LSTM, GRU and RNN to weft's ONNX-style recurrent ops, batch-first layout by transposes.
#include "importers/onnx/converters/ConverterHelpers.h"
#include "importers/onnx/converters/Converters.h"

namespace weft::onnx_import {
namespace {

struct RnnOp {
  const char* onnx;
  const char* weft;
  size_t inputs;   // X, W, R, B, sequence_lens, initial_h [, initial_c, P]
  size_t outputs;  // Y, Y_h [, Y_c]
};
constexpr RnnOp kRnn[] = {{"LSTM", "lstm", 8, 3}, {"GRU", "gru", 6, 2}, {"RNN", "rnn", 6, 2}};
constexpr size_t kSeqLens = 4, kInitialH = 5, kInitialC = 6;

Expr swap01(NodeContext& ctx, const Expr& x, int rank) {
  Ints perm;
  for (int i = 0; i < rank; ++i) perm.push_back(i == 0 ? 1 : i == 1 ? 0 : i);
  return ctx.op("transpose", {x}, {{"perm", perm}});
}

Converter rnn(const RnnOp& spec) {
  return [spec](NodeContext& ctx) -> std::vector<Expr> {
    const DType dt = ctx.input_dtype(0);
    const bool batch_first = ctx.opset() >= 14 && ctx.attr_int("layout", 0) == 1;
    int64_t hidden = ctx.attr_int("hidden_size", -1);
    if (hidden < 0) {
      auto r = static_dims(ctx, 2);
      if (!r || r->size() != 3) ctx.fail("hidden_size is absent and R's shape is not known");
      hidden = (*r)[2];
    }
    Attrs attrs{{"hidden_size", hidden},
                {"direction", ctx.attr_string("direction", "forward")},
                {"activations", ctx.attr_strings("activations", std::vector<std::string>{})},
                {"activation_alpha", ctx.attr_floats("activation_alpha", std::vector<double>{})},
                {"activation_beta", ctx.attr_floats("activation_beta", std::vector<double>{})},
                {"clip", ctx.attr_float("clip", 0.0)}};
    if (std::string(spec.onnx) == "LSTM") attrs.set("input_forget", ctx.attr_int("input_forget", 0));
    if (std::string(spec.onnx) == "GRU") attrs.set("linear_before_reset", ctx.attr_int("linear_before_reset", 0));

    // Present inputs in weft's order; an absent one before the last present is a zero-size tensor.
    size_t last = 0;
    for (size_t i = 0; i < spec.inputs; ++i)
      if (ctx.has_input(i)) last = i;
    std::vector<Expr> args;
    for (size_t i = 0; i <= last; ++i) {
      if (!ctx.has_input(i)) {
        args.push_back(ctx.constant(Tensor(i == kSeqLens ? DType::I32 : dt, {0})));
        continue;
      }
      Expr in = ctx.input(i);
      if (batch_first && i == 0) in = swap01(ctx, in, 3);
      if (batch_first && (i == kInitialH || i == kInitialC)) in = swap01(ctx, in, 3);
      args.push_back(in);
    }
    Expr all = ctx.op(spec.weft, args, attrs);
    std::vector<Expr> out;
    for (size_t i = 0; i < spec.outputs; ++i) {
      Expr o = tuple_field(ctx, all, int(i));
      if (batch_first) o = i == 0 ? ctx.op("transpose", {o}, {{"perm", Ints{2, 0, 1, 3}}}) : swap01(ctx, o, 3);
      out.push_back(o);
    }
    return out;
  };
}

}  // namespace

void register_rnn_converters(ConverterTable& table) {
  for (const RnnOp& r : kRnn) table.add(r.onnx, rnn(r));
}

}  // namespace weft::onnx_import
