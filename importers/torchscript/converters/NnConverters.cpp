// NnConverters.cpp - linear algebra, convolution, normalization, pooling, softmax, embedding.
#include "importers/torchscript/NodeContext.h"

namespace weft::ts {

namespace {

using V = std::vector<TsVal>;
using Ints = std::vector<int64_t>;

Ints twice(const Ints& v) {
  Ints r = v;
  r.insert(r.end(), v.begin(), v.end());
  return r;
}

// An int list argument for `n` spatial dims (a single value is repeated).
Ints spatial(NodeContext& c, size_t i, size_t n, int64_t def) {
  Ints v = c.num_inputs() > i && c.has(i) ? c.ints_arg(i) : Ints{};
  if (v.empty()) v.assign(n, def);
  if (v.size() == 1 && n > 1) v.assign(n, v[0]);
  return v;
}

TExpr linear(NodeContext& c, TExpr x, TExpr w, std::optional<TExpr> b) {
  TExpr wt = c.op("transpose", {w}, Attrs{{"perm", Ints{1, 0}}});
  TExpr y = c.op("matmul", {x, wt});
  return b ? c.op("add", {y, *b}) : y;
}

V conv(NodeContext& c, bool transposed_overload) {
  TExpr x = c.tensor(0), w = c.tensor(1);
  size_t n = size_t(x.rank() - 2);
  Ints stride = spatial(c, 3, n, 1), dil = spatial(c, 5, n, 1), pad;
  if (c.in(4).kind == Kind::String) {
    if (c.str_arg(4) != "valid") c.fail("padding='same' is not supported");
    pad.assign(n, 0);
  } else {
    pad = spatial(c, 4, n, 0);
  }
  int64_t groups = c.int_arg(transposed_overload ? 8 : 6);
  if (transposed_overload && c.bool_arg(6)) c.fail("transposed convolution is not supported");
  std::vector<TExpr> args{x, w};
  if (c.has(2)) args.push_back(c.tensor(2));
  return {c.out(c.op("conv", args, Attrs{{"strides", stride}, {"pads", twice(pad)}, {"dilations", dil}, {"groups", groups}}))};
}

TExpr ones_like_channels(NodeContext& c, const TExpr& x, int64_t n, double v) {
  return c.op("expand", {c.scalar(v, x.dtype()), c.i64s({n})});
}

V batch_norm(NodeContext& c) {
  TExpr x = c.tensor(0);
  TExpr mean = c.tensor(3), var = c.tensor(4);
  const Dim& ch = mean.tensor()->shape[0];
  if (!ch.is_static()) c.fail("batch_norm with statistics of unknown size");
  TExpr w = c.has(1) ? c.tensor(1) : ones_like_channels(c, x, ch.value(), 1);
  TExpr b = c.has(2) ? c.tensor(2) : ones_like_channels(c, x, ch.value(), 0);
  return {c.out(c.op("batch_norm", {x, w, b, mean, var}, Attrs{{"epsilon", c.float_arg(7)}}))};
}

V layer_norm(NodeContext& c) {
  TExpr x = c.tensor(0);
  Ints shape = c.ints_arg(1);
  TExpr w = c.has(2) ? c.tensor(2) : c.op("expand", {c.scalar(1, x.dtype()), c.i64s(shape)});
  std::vector<TExpr> args{x, w};
  if (c.has(3)) args.push_back(c.tensor(3));
  return {c.out(c.op("layer_norm", args, Attrs{{"axis", -int64_t(shape.size())}, {"epsilon", c.float_arg(4)}}))};
}

V group_norm(NodeContext& c) {
  TExpr x = c.tensor(0);
  int64_t g = c.int_arg(1);
  const Dim& ch = x.tensor()->shape[1];
  if (!ch.is_static()) c.fail("group_norm needs a static channel count");
  TExpr w = c.has(2) ? c.tensor(2) : ones_like_channels(c, x, ch.value(), 1);
  TExpr b = c.has(3) ? c.tensor(3) : ones_like_channels(c, x, ch.value(), 0);
  return {c.out(c.op("group_norm", {x, w, b}, Attrs{{"num_groups", g}, {"epsilon", c.float_arg(4)}}))};
}

// instance_norm(input, weight?, bias?, running_mean?, running_var?, use_input_stats,
// momentum, eps, cudnn_enabled): statistics of each (n, c) plane, or, without
// use_input_stats, the running ones (then it is batch_norm).
V instance_norm(NodeContext& c) {
  TExpr x = c.tensor(0);
  if (x.rank() < 3) c.fail("instance_norm expects [N, C, spatial...]");
  const Dim& ch = x.tensor()->shape[1];
  if (!ch.is_static()) c.fail("instance_norm needs a static channel count");
  TExpr w = c.has(1) ? c.tensor(1) : ones_like_channels(c, x, ch.value(), 1);
  TExpr b = c.has(2) ? c.tensor(2) : ones_like_channels(c, x, ch.value(), 0);
  double eps = c.float_arg(7);
  if (c.bool_arg(5)) return {c.out(c.op("instance_norm", {x, w, b}, Attrs{{"epsilon", eps}}))};
  if (!c.has(3) || !c.has(4)) c.fail("use_input_stats=False needs running_mean and running_var");
  return {c.out(c.op("batch_norm", {x, w, b, c.tensor(3), c.tensor(4)}, Attrs{{"epsilon", eps}}))};
}

V max_pool(NodeContext& c) {
  TExpr x = c.tensor(0);
  size_t n = size_t(x.rank() - 2);
  Ints k = spatial(c, 1, n, 1);
  Ints s = c.has(2) && !c.ints_arg(2).empty() ? spatial(c, 2, n, 1) : k;
  Ints p = spatial(c, 3, n, 0), d = spatial(c, 4, n, 1);
  bool ceil = c.num_inputs() > 5 && c.bool_arg(5);
  return {c.out(c.op("max_pool", {x}, Attrs{{"kernel_shape", k}, {"strides", s}, {"pads", twice(p)}, {"dilations", d}, {"ceil_mode", ceil}}))};
}

V avg_pool(NodeContext& c) {
  TExpr x = c.tensor(0);
  size_t n = size_t(x.rank() - 2);
  Ints k = spatial(c, 1, n, 1);
  Ints s = c.has(2) && !c.ints_arg(2).empty() ? spatial(c, 2, n, 1) : k;
  Ints p = spatial(c, 3, n, 0);
  bool ceil = c.num_inputs() > 4 && c.bool_arg(4);
  bool include = c.num_inputs() > 5 ? c.bool_arg(5) : true;
  if (c.num_inputs() > 6 && c.has(6)) c.fail("avg_pool with divisor_override is not supported");
  return {c.out(c.op("avg_pool", {x}, Attrs{{"kernel_shape", k}, {"strides", s}, {"pads", twice(p)}, {"ceil_mode", ceil}, {"count_include_pad", include}}))};
}

V adaptive_avg_pool(NodeContext& c) {
  TExpr x = c.tensor(0);
  size_t n = size_t(x.rank() - 2);
  Ints out = spatial(c, 1, n, 1);
  bool global = true;
  for (auto o : out) global = global && o == 1;
  if (global) return {c.out(c.op("global_avg_pool", {x}))};
  Ints k;
  for (size_t i = 0; i < n; ++i) {
    const Dim& d = x.tensor()->shape[2 + i];
    if (!d.is_static() || d.value() % out[i] != 0) c.fail("adaptive pooling to a size that does not divide the input's");
    k.push_back(d.value() / out[i]);
  }
  return {c.out(c.op("avg_pool", {x}, Attrs{{"kernel_shape", k}, {"strides", k}}))};
}

Converter softmax(const std::string& op) {
  return [op](NodeContext& c) {
    TExpr x = c.tensor(0);
    if (c.num_inputs() > 2 && c.in(2).kind == Kind::Int) x = c.cast(x, torch_dtype(c, c.int_arg(2)));
    if (!is_float(x.dtype())) x = c.cast(x, DType::F32);
    return V{c.out(c.op(op, {x}, Attrs{{"axis", c.axis(c.int_arg(1), x.rank())}}))};
  };
}

V matmul(NodeContext& c) {
  DType dt = c.result_dtype({0, 1});
  return {c.out(c.op("matmul", {c.cast(c.tensor(0), dt), c.cast(c.tensor(1), dt)}))};
}

V addmm(NodeContext& c) {
  double beta = c.num_inputs() > 3 ? c.float_arg(3) : 1, alpha = c.num_inputs() > 4 ? c.float_arg(4) : 1;
  return {c.out(c.op("gemm", {c.tensor(1), c.tensor(2), c.tensor(0)}, Attrs{{"alpha", alpha}, {"beta", beta}}))};
}

// beta * self + alpha * bmm(batch1, batch2); beta == 0 ignores self (torch does not
// propagate its NaNs then).
V baddbmm(NodeContext& c) {
  double beta = c.has(3) ? c.float_arg(3) : 1, alpha = c.has(4) ? c.float_arg(4) : 1;
  DType dt = c.result_dtype({0, 1, 2});
  TExpr p = c.op("matmul", {c.cast(c.tensor(1), dt), c.cast(c.tensor(2), dt)});
  if (alpha != 1) p = c.op("mul", {p, c.scalar(alpha, dt)});
  if (beta == 0) return {c.out(p)};
  TExpr s = c.cast(c.tensor(0), dt);
  if (beta != 1) s = c.op("mul", {s, c.scalar(beta, dt)});
  return {c.out(c.op("add", {s, p}))};
}

V embedding(NodeContext& c) { return {c.out(c.op("gather", {c.tensor(0), c.cast(c.tensor(1), DType::I64)}, Attrs{{"axis", int64_t(0)}}))}; }

// Cells: torch's (input, hx..., w_ih, w_hh, b_ih?, b_hh?) as weft's *_cell ops.
Converter cell(const std::string& op, bool two_states) {
  return [op, two_states](NodeContext& c) {
    std::vector<TExpr> args{c.tensor(0)};
    size_t w = 2;
    if (two_states) {
      auto hx = c.list_items(1);
      args.push_back(hx.at(0).v);
      args.push_back(hx.at(1).v);
    } else {
      args.push_back(c.tensor(1));
    }
    args.push_back(c.tensor(w));
    args.push_back(c.tensor(w + 1));
    if (c.has(w + 2)) args.push_back(c.tensor(w + 2));
    if (c.has(w + 3)) args.push_back(c.tensor(w + 3));
    Attrs attrs;
    if (op == "rnn_cell") attrs.set("nonlinearity", std::string(c.schema().find("relu") != std::string::npos ? "relu" : "tanh"));
    TExpr r = c.op(op, args, attrs);
    if (!two_states) return V{c.out(r)};
    return V{TsVal::tensor(c.ir().tuple_get(c.block(), r, 0)), TsVal::tensor(c.ir().tuple_get(c.block(), r, 1))};
  };
}

}  // namespace

void register_rnn_converters(ConverterTable& t);

void register_nn_converters(ConverterTable& t) {
  t.add("aten::linear", [](NodeContext& c) {
    std::optional<TExpr> b;
    if (c.has(2)) b = c.tensor(2);
    return V{c.out(linear(c, c.tensor(0), c.tensor(1), b))};
  });
  t.add("aten::matmul", matmul);
  t.add("aten::mm", matmul);
  t.add("aten::bmm", matmul);
  t.add("aten::addmm", addmm);
  t.add("aten::baddbmm", baddbmm);
  for (auto n : {"aten::conv1d", "aten::conv2d", "aten::conv3d"}) t.add(n, [](NodeContext& c) { return conv(c, false); });
  t.add("aten::_convolution", [](NodeContext& c) { return conv(c, true); });
  t.add("aten::convolution", [](NodeContext& c) { return conv(c, true); });
  t.add("aten::batch_norm", batch_norm);
  t.add("aten::layer_norm", layer_norm);
  t.add("aten::group_norm", group_norm);
  t.add("aten::instance_norm", instance_norm);
  for (auto n : {"aten::max_pool1d", "aten::max_pool2d", "aten::max_pool3d"}) t.add(n, max_pool);
  for (auto n : {"aten::avg_pool1d", "aten::avg_pool2d", "aten::avg_pool3d"}) t.add(n, avg_pool);
  for (auto n : {"aten::adaptive_avg_pool1d", "aten::adaptive_avg_pool2d", "aten::adaptive_avg_pool3d"}) t.add(n, adaptive_avg_pool);
  t.add("aten::softmax", softmax("softmax"));
  t.add("aten::log_softmax", softmax("log_softmax"));
  t.add("aten::embedding", embedding);
  t.add("aten::lstm_cell", cell("lstm_cell", true));
  t.add("aten::gru_cell", cell("gru_cell", false));
  t.add("aten::rnn_tanh_cell", cell("rnn_cell", false));
  t.add("aten::rnn_relu_cell", cell("rnn_cell", false));
  register_rnn_converters(t);
}

}  // namespace weft::ts
