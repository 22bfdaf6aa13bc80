// TrainingConverters.cpp - the ai.onnx.preview.training optimizers (Adagrad, Adam, Momentum) as elementwise updates.
#include "importers/onnx/converters/ConverterHelpers.h"
#include "importers/onnx/converters/Converters.h"

namespace weft::onnx_import {
namespace {

const char* const kTrainingDomain = "ai.onnx.preview.training";

// Each optimizer takes R (learning rate), T (update count), then `groups` runs of n
// tensors (X..., G..., then its state), and returns the new X... then the new state runs.
struct Update {
  NodeContext& ctx;
  DType dt;
  size_t n;
  Expr c(double v) { return scalar_const(ctx, dt, v); }
  Expr add(const Expr& a, const Expr& b) { return ctx.op("add", {a, b}); }
  Expr sub(const Expr& a, const Expr& b) { return ctx.op("sub", {a, b}); }
  Expr mul(const Expr& a, const Expr& b) { return ctx.op("mul", {a, b}); }
  Expr div(const Expr& a, const Expr& b) { return ctx.op("div", {a, b}); }
  Expr arg(size_t group, size_t i) { return ctx.input(2 + group * n + i); }
  Expr t() { return ctx.op("cast", {ctx.input(1)}, {{"to", dt}}); }
  Expr regularized(size_t i) { return add(mul(c(ctx.attr_float("norm_coefficient", 0.0)), arg(0, i)), arg(1, i)); }
};

Update start(NodeContext& ctx, size_t groups) {
  if (ctx.num_inputs() < 2 || (ctx.num_inputs() - 2) % groups != 0)
    ctx.fail(Msg() << "expects R, T and " << groups << " runs of tensors, found " << ctx.num_inputs() << " inputs");
  return Update{ctx, ctx.input_dtype(2), (ctx.num_inputs() - 2) / groups};
}

std::vector<Expr> convert_adagrad(NodeContext& ctx) {
  Update u = start(ctx, 3);
  Expr r = u.div(ctx.input(0), u.add(u.c(1), u.mul(u.t(), u.c(ctx.attr_float("decay_factor", 0.0)))));
  Expr eps = u.c(ctx.attr_float("epsilon", 1e-6));
  std::vector<Expr> xs, hs;
  for (size_t i = 0; i < u.n; ++i) {
    Expr g = u.regularized(i);
    Expr h = u.add(u.arg(2, i), u.mul(g, g));
    xs.push_back(u.sub(u.arg(0, i), u.div(u.mul(r, g), u.add(ctx.op("sqrt", {h}), eps))));
    hs.push_back(h);
  }
  xs.insert(xs.end(), hs.begin(), hs.end());
  return xs;
}

// Adam: bias-corrected rate r * sqrt(1 - beta^t) / (1 - alpha^t) once t > 0.
std::vector<Expr> convert_adam(NodeContext& ctx) {
  Update u = start(ctx, 4);
  const double alpha = ctx.attr_float("alpha", 0.9), beta = ctx.attr_float("beta", 0.999);
  Expr t = u.t();
  Expr corrected = u.div(u.mul(ctx.input(0), ctx.op("sqrt", {u.sub(u.c(1), ctx.op("pow", {u.c(beta), t}))})),
                         u.sub(u.c(1), ctx.op("pow", {u.c(alpha), t})));
  Expr r = ctx.op("where", {ctx.op("greater", {t, u.c(0)}), corrected, ctx.input(0)});
  Expr eps = u.c(ctx.attr_float("epsilon", 1e-6)), post = u.c(1 - ctx.attr_float("norm_coefficient_post", 0.0));
  std::vector<Expr> xs, vs, hs;
  for (size_t i = 0; i < u.n; ++i) {
    Expr g = u.regularized(i);
    Expr v = u.add(u.mul(u.c(alpha), u.arg(2, i)), u.mul(u.c(1 - alpha), g));
    Expr h = u.add(u.mul(u.c(beta), u.arg(3, i)), u.mul(u.c(1 - beta), u.mul(g, g)));
    Expr x = u.sub(u.arg(0, i), u.mul(r, u.div(v, u.add(ctx.op("sqrt", {h}), eps))));
    xs.push_back(u.mul(post, x));
    vs.push_back(v);
    hs.push_back(h);
  }
  xs.insert(xs.end(), vs.begin(), vs.end());
  xs.insert(xs.end(), hs.begin(), hs.end());
  return xs;
}

// Momentum: standard or Nesterov; the gradient's coefficient is 1 on the first update.
std::vector<Expr> convert_momentum(NodeContext& ctx) {
  Update u = start(ctx, 3);
  std::string mode = ctx.attr_string("mode");
  if (mode != "standard" && mode != "nesterov") ctx.fail("attribute mode='" + mode + "' is not supported");
  const double alpha = ctx.attr_float("alpha");
  Expr beta = ctx.op("where", {ctx.op("greater", {u.t(), u.c(0)}), u.c(ctx.attr_float("beta")), u.c(1)});
  std::vector<Expr> xs, vs;
  for (size_t i = 0; i < u.n; ++i) {
    Expr g = u.regularized(i);
    Expr v = u.add(u.mul(u.c(alpha), u.arg(2, i)), u.mul(beta, g));
    Expr step = mode == "standard" ? v : u.add(g, u.mul(u.c(alpha), v));
    xs.push_back(u.sub(u.arg(0, i), u.mul(ctx.input(0), step)));
    vs.push_back(v);
  }
  xs.insert(xs.end(), vs.begin(), vs.end());
  return xs;
}

}  // namespace

void register_training_converters(ConverterTable& table) {
  table.add("Adagrad", convert_adagrad, kTrainingDomain);
  table.add("Adam", convert_adam, kTrainingDomain);
  table.add("Momentum", convert_momentum, kTrainingDomain);
}

}  // namespace weft::onnx_import
