// RnnConverters.cpp - aten::lstm / aten::gru (stacked, bidirectional) as weft's ONNX-style lstm/gru ops.
#include "importers/torchscript/NodeContext.h"

namespace weft::ts {

namespace {

using V = std::vector<TsVal>;

// Rows of a torch gate-stacked weight reordered into ONNX's gate order (folds on constants).
TExpr reorder(NodeContext& c, const TExpr& w, int64_t h, const std::vector<int>& order) {
  std::vector<TExpr> parts;
  for (int g : order) parts.push_back(c.op("slice", {w, c.i64s({g * h}), c.i64s({(g + 1) * h}), c.i64s({0})}));
  return c.op("concat", parts, Attrs{{"axis", int64_t(0)}});
}

TExpr stack0(NodeContext& c, std::vector<TExpr> xs) {
  for (auto& x : xs) x = c.op("unsqueeze", {x}, Attrs{{"axes", std::vector<int64_t>{0}}});
  return xs.size() == 1 ? xs[0] : c.op("concat", xs, Attrs{{"axis", int64_t(0)}});
}

// lstm(input, hx[h0, c0], params, has_biases, layers, dropout, train, bidirectional, batch_first)
// gru(input, hx, params, has_biases, layers, dropout, train, bidirectional, batch_first)
Converter rnn(bool is_lstm) {
  return [is_lstm](NodeContext& c) {
    TExpr x = c.tensor(0);
    std::vector<TExpr> h0s;
    if (is_lstm) {
      for (auto& e : c.list_items(1)) h0s.push_back(e.v);
    } else {
      h0s.push_back(c.tensor(1));
    }
    auto params = c.list_items(2);
    bool bias = c.bool_arg(3), bidir = c.bool_arg(7), batch_first = c.bool_arg(8);
    int64_t layers = c.int_arg(4), dirs = bidir ? 2 : 1;
    size_t per = bias ? 4 : 2;
    if (params.size() != per * size_t(layers * dirs)) c.fail("unexpected number of RNN weights");
    const Dim& hd = params[1].v.tensor()->shape[1];
    int64_t h = hd.value();
    std::vector<int> order = is_lstm ? std::vector<int>{0, 3, 1, 2} : std::vector<int>{1, 0, 2};
    if (batch_first) x = c.op("transpose", {x}, Attrs{{"perm", std::vector<int64_t>{1, 0, 2}}});
    std::vector<TExpr> hn, cn;
    for (int64_t l = 0; l < layers; ++l) {
      std::vector<TExpr> ws, rs, bs;
      for (int64_t d = 0; d < dirs; ++d) {
        size_t at = per * size_t(l * dirs + d);
        ws.push_back(reorder(c, params[at].v, h, order));
        rs.push_back(reorder(c, params[at + 1].v, h, order));
        if (bias) bs.push_back(c.op("concat", {reorder(c, params[at + 2].v, h, order), reorder(c, params[at + 3].v, h, order)}, Attrs{{"axis", int64_t(0)}}));
      }
      auto state = [&](const TExpr& s) {
        return c.op("slice", {s, c.i64s({l * dirs}), c.i64s({(l + 1) * dirs}), c.i64s({0})});
      };
      std::vector<TExpr> args{x, stack0(c, ws), stack0(c, rs)};
      args.push_back(bias ? stack0(c, bs) : IrBuilder::constant(Tensor(x.dtype(), {dirs, 0})));
      args.push_back(IrBuilder::constant(Tensor(DType::I64, {0})));  // no seq_lens
      args.push_back(state(h0s[0]));
      if (is_lstm) args.push_back(state(h0s[1]));
      Attrs attrs{{"hidden_size", h}, {"direction", std::string(bidir ? "bidirectional" : "forward")}};
      if (!is_lstm) attrs.set("linear_before_reset", int64_t(1));
      TExpr r = c.op(is_lstm ? "lstm" : "gru", args, attrs);
      TExpr y = c.ir().tuple_get(c.block(), r, 0);  // [seq, dirs, batch, H]
      hn.push_back(c.ir().tuple_get(c.block(), r, 1));
      if (is_lstm) cn.push_back(c.ir().tuple_get(c.block(), r, 2));
      y = c.op("transpose", {y}, Attrs{{"perm", std::vector<int64_t>{0, 2, 1, 3}}});
      x = c.op("reshape", {y, c.i64s({0, 0, dirs * h})});
    }
    if (batch_first) x = c.op("transpose", {x}, Attrs{{"perm", std::vector<int64_t>{1, 0, 2}}});
    auto cat = [&](std::vector<TExpr> v) { return v.size() == 1 ? v[0] : c.op("concat", v, Attrs{{"axis", int64_t(0)}}); };
    V out{TsVal::tensor(x), TsVal::tensor(cat(hn))};
    if (is_lstm) out.push_back(TsVal::tensor(cat(cn)));
    return out;
  };
}

}  // namespace

void register_rnn_converters(ConverterTable& t) {
  t.add("aten::lstm", rnn(true));
  t.add("aten::gru", rnn(false));
}

}  // namespace weft::ts
