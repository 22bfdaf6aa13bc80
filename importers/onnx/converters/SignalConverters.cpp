// SignalConverters.cpp - ONNX DFT, STFT, MelWeightMatrix and the window functions, composed from ranges, matmuls and trig.
#include <cmath>

#include "importers/onnx/OnnxTensors.h"
#include "importers/onnx/converters/ConverterHelpers.h"
#include "importers/onnx/converters/Converters.h"

namespace weft::onnx_import {
namespace {

// Note on the DFT: along the last axis, X[k] = sum_t x[t] e^(-+2 pi i t k / n) is two
// real matmuls with n x K cosine and sine matrices built from ranges at run time (so n
// may be unknown until then; with static dims they fold). The angle uses (t * k) mod n
// in f64 so large n loses no accuracy. Complex values are [..., 2] (real, imaginary)
// as in ONNX.

Expr f64_const(NodeContext& ctx, double v) { return scalar_const(ctx, DType::F64, v); }
Expr to_f64(NodeContext& ctx, const Expr& x) { return ctx.op("cast", {x}, {{"to", DType::F64}}); }

// An integer input as an i64 scalar.
Expr i64_scalar_input(NodeContext& ctx, size_t i) { return ctx.op("reshape", {as_i64(ctx, i), ctx.i64_vector({})}); }

// Dim `axis` (may be negative) of x as an i64 scalar.
Expr dim_of(NodeContext& ctx, const Expr& x, int64_t axis) {
  Attrs a{{"start", axis}};
  if (axis != -1) a.set("end", axis + 1);
  return ctx.op("reshape", {ctx.op("shape", {x}, a), ctx.i64_vector({})});
}

struct Complex {
  Expr re, im;  // im null for a real signal
};

// The DFT of re + i im ([..., n]) along the last axis: K = n, or n / 2 + 1 when onesided.
Complex dft_last_axis(NodeContext& ctx, const Complex& x, const Expr& n, bool inverse, bool onesided, DType dt) {
  Expr one = ctx.i64_scalar(1);
  Expr bins = onesided ? ctx.op("add", {ctx.op("div", {n, ctx.i64_scalar(2)}), one}) : n;
  Expr t = ctx.op("unsqueeze", {ctx.op("range", {ctx.i64_scalar(0), n, one})}, {{"axes", Ints{1}}});
  Expr k = ctx.op("unsqueeze", {ctx.op("range", {ctx.i64_scalar(0), bins, one})}, {{"axes", Ints{0}}});
  Expr turns = ctx.op("mod", {ctx.op("mul", {t, k}), n});
  Expr angle = ctx.op("div", {ctx.op("mul", {to_f64(ctx, turns), f64_const(ctx, 2 * M_PI)}), to_f64(ctx, n)});
  Expr cos = ctx.op("cast", {ctx.op("cos", {angle})}, {{"to", dt}});
  Expr sin = ctx.op("cast", {ctx.op("sin", {angle})}, {{"to", dt}});
  Expr rc = ctx.op("matmul", {x.re, cos}), rs = ctx.op("matmul", {x.re, sin});
  Complex y;
  if (!x.im) {
    y = {rc, inverse ? rs : ctx.op("neg", {rs})};
  } else {
    Expr ic = ctx.op("matmul", {x.im, cos}), is = ctx.op("matmul", {x.im, sin});
    y = inverse ? Complex{ctx.op("sub", {rc, is}), ctx.op("add", {ic, rs})}
                : Complex{ctx.op("add", {rc, is}), ctx.op("sub", {ic, rs})};
  }
  if (inverse) {
    Expr scale = ctx.op("cast", {n}, {{"to", dt}});
    y = {ctx.op("div", {y.re, scale}), ctx.op("div", {y.im, scale})};
  }
  return y;
}

// [..., 1 or 2] to its real and imaginary parts; the last dim must be static.
Complex split_complex(NodeContext& ctx, const Expr& x, size_t input) {
  const TensorTypeNode* t = as_ranked(ctx.input_type(input));
  if (!t || t->rank() < 2 || !t->shape.back().is_static() || t->shape.back().value() < 1 || t->shape.back().value() > 2)
    ctx.fail("the signal's last dim must be 1 (real) or 2 (complex) and known at import time");
  Complex c{ctx.op("gather", {x, ctx.i64_scalar(0)}, {{"axis", int64_t(-1)}}), nullptr};
  if (t->shape.back().value() == 2) c.im = ctx.op("gather", {x, ctx.i64_scalar(1)}, {{"axis", int64_t(-1)}});
  return c;
}

Expr join_complex(NodeContext& ctx, const Complex& c) {
  Attrs last{{"axes", Ints{-1}}};
  return ctx.op("concat", {ctx.op("unsqueeze", {c.re}, last), ctx.op("unsqueeze", {c.im}, last)}, {{"axis", int64_t(-1)}});
}

std::vector<Expr> convert_dft(NodeContext& ctx) {
  const int rank = ctx.input_rank(0);
  const DType dt = ctx.input_dtype(0);
  const bool inverse = attr_bool(ctx, "inverse", false), onesided = attr_bool(ctx, "onesided", false);
  if (inverse && onesided) ctx.fail("inverse with onesided=1 is not supported");
  const int axis = positive_axis(ctx, ctx.attr_int("axis", 1), rank - 1);  // among the signal's dims
  Complex x = split_complex(ctx, ctx.input(0), 0);
  if (ctx.has_input(1)) {  // dft_length: truncate or zero-pad the axis to it
    auto len = const_int(ctx, 1);
    if (!len) ctx.fail("dft_length given at run time is not supported");
    auto fit = [&](const Expr& part) {
      Expr cut = ctx.op("slice", {part, ctx.i64_vector({0}), ctx.i64_vector({*len}), ctx.i64_vector({axis})});
      Ints pads(size_t(2 * (rank - 1)), 0);
      pads[size_t(rank - 1 + axis)] = *len;  // at most len more; the difference is cut back below
      Expr padded = ctx.op("pad", {cut, ctx.i64_vector(pads)});
      return ctx.op("slice", {padded, ctx.i64_vector({0}), ctx.i64_vector({*len}), ctx.i64_vector({axis})});
    };
    x = {fit(x.re), x.im ? fit(x.im) : nullptr};
  }
  Ints perm;
  for (int i = 0; i < rank - 1; ++i) perm.push_back(i == axis ? rank - 2 : i == rank - 2 ? axis : i);
  auto move = [&](const Expr& e) { return axis == rank - 2 || !e ? e : ctx.op("transpose", {e}, {{"perm", perm}}); };
  x = {move(x.re), move(x.im)};
  Complex y = dft_last_axis(ctx, x, dim_of(ctx, x.re, -1), inverse, onesided, dt);
  return {join_complex(ctx, {move(y.re), move(y.im)})};
}

// STFT: frames of frame_length samples every frame_step, times the window, each
// transformed; output [batch, frames, bins, 2].
std::vector<Expr> convert_stft(NodeContext& ctx) {
  const DType dt = ctx.input_dtype(0);
  const bool onesided = attr_bool(ctx, "onesided", true);
  Complex sig = split_complex(ctx, ctx.input(0), 0);
  Expr step = i64_scalar_input(ctx, 1);
  Expr len;
  if (ctx.has_input(3)) len = i64_scalar_input(ctx, 3);
  else if (ctx.has_input(2)) len = dim_of(ctx, ctx.input(2), 0);
  else ctx.fail("needs a window or a frame_length");
  Expr one = ctx.i64_scalar(1);
  Expr frames = ctx.op("add", {ctx.op("div", {ctx.op("sub", {dim_of(ctx, sig.re, 1), len}), step}), one});
  Expr starts = ctx.op("mul", {ctx.op("range", {ctx.i64_scalar(0), frames, one}), step});
  Expr idx = ctx.op("add", {ctx.op("unsqueeze", {starts}, {{"axes", Ints{1}}}),
                            ctx.op("unsqueeze", {ctx.op("range", {ctx.i64_scalar(0), len, one})}, {{"axes", Ints{0}}})});
  auto frame = [&](const Expr& part) {
    if (!part) return part;
    Expr f = ctx.op("gather", {part, idx}, {{"axis", int64_t(1)}});
    return ctx.has_input(2) ? ctx.op("mul", {f, ctx.input(2)}) : f;
  };
  Complex y = dft_last_axis(ctx, {frame(sig.re), frame(sig.im)}, len, false, onesided, dt);
  return {join_complex(ctx, y)};
}

// MelWeightMatrix as the ONNX reference computes it: num_mel_bins + 2 points equally
// spaced in mel between the edges, mapped to spectrogram bins; triangle i rises from
// point i to point i+1 and falls to point i+2. Output [dft_length / 2 + 1, num_mel_bins].
std::vector<Expr> convert_mel_weight_matrix(NodeContext& ctx) {
  DType out = to_dtype(int(ctx.attr_int("output_datatype", onnx::TensorProto::FLOAT)), ctx.span());
  Expr mels = i64_scalar_input(ctx, 0), dft = i64_scalar_input(ctx, 1), rate = i64_scalar_input(ctx, 2);
  Expr one = ctx.i64_scalar(1);
  auto hz_to_mel = [&](size_t i) {
    Expr hz = to_f64(ctx, ctx.op("reshape", {ctx.input(i), ctx.i64_vector({})}));
    Expr ratio = ctx.op("add", {f64_const(ctx, 1), ctx.op("div", {hz, f64_const(ctx, 700)})});
    return ctx.op("mul", {ctx.op("log", {ratio}), f64_const(ctx, 2595 / std::log(10.0))});
  };
  Expr low = hz_to_mel(3), high = hz_to_mel(4);
  Expr points = ctx.op("add", {mels, ctx.i64_scalar(2)});
  Expr step = ctx.op("div", {ctx.op("sub", {high, low}), to_f64(ctx, points)});
  Expr mel = ctx.op("add", {ctx.op("mul", {to_f64(ctx, ctx.op("range", {ctx.i64_scalar(0), points, one})), step}), low});
  Expr hz = ctx.op("mul", {ctx.op("sub", {ctx.op("exp", {ctx.op("mul", {mel, f64_const(ctx, std::log(10.0) / 2595)})}),
                                          f64_const(ctx, 1)}),
                           f64_const(ctx, 700)});
  Expr scaled = ctx.op("div", {ctx.op("mul", {to_f64(ctx, ctx.op("add", {dft, one})), hz}), to_f64(ctx, rate)});
  Expr bin = ctx.op("cast", {ctx.op("floor", {scaled})}, {{"to", DType::I64}});
  auto part = [&](int64_t first) {  // bin[first : first + mels] as [1, mels]
    Expr end = ctx.op("reshape", {ctx.op("add", {mels, ctx.i64_scalar(first)}), ctx.i64_vector({1})});
    return ctx.op("unsqueeze", {ctx.op("slice", {bin, ctx.i64_vector({first}), end})}, {{"axes", Ints{0}}});
  };
  Expr left = part(0), center = part(1), right = part(2);
  Expr spec_bins = ctx.op("add", {ctx.op("div", {dft, ctx.i64_scalar(2)}), one});
  Expr j = ctx.op("unsqueeze", {ctx.op("range", {ctx.i64_scalar(0), spec_bins, one})}, {{"axes", Ints{1}}});
  auto ge = [&](const Expr& a, const Expr& b) { return ctx.op("greater_equal", {a, b}); };
  auto both = [&](const Expr& a, const Expr& b) { return ctx.op("logical_and", {a, b}); };
  auto ratio = [&](const Expr& num, const Expr& den) { return ctx.op("div", {to_f64(ctx, num), to_f64(ctx, den)}); };
  Expr rise_width = ctx.op("sub", {center, left}), fall_width = ctx.op("sub", {right, center});
  Expr rising = both(ge(j, left), ctx.op("less_equal", {j, center}));
  Expr rise = ctx.op("where", {ctx.op("equal", {rise_width, ctx.i64_scalar(0)}), f64_const(ctx, 1),
                               ratio(ctx.op("sub", {j, left}), rise_width)});
  Expr falling = both(both(ge(j, center), ctx.op("less", {j, right})), ctx.op("greater", {fall_width, ctx.i64_scalar(0)}));
  Expr fall = ratio(ctx.op("sub", {right, j}), fall_width);
  Expr w = ctx.op("where", {falling, fall, ctx.op("where", {rising, rise, f64_const(ctx, 0)})});
  return {ctx.op("cast", {w}, {{"to", out}})};
}

// Hann, Hamming and Blackman windows: sum_j a_j cos(2 pi j n / N') over n < size, N' =
// size (periodic) or size - 1 (symmetric); computed in f64, cast to output_datatype.
Converter window(std::vector<double> coeffs) {
  return [coeffs](NodeContext& ctx) -> std::vector<Expr> {
    DType out = to_dtype(int(ctx.attr_int("output_datatype", onnx::TensorProto::FLOAT)), ctx.span());
    const bool periodic = attr_bool(ctx, "periodic", true);
    Expr size = ctx.op("cast", {ctx.op("reshape", {ctx.input(0), ctx.i64_vector({})})}, {{"to", DType::F64}});
    Expr n = ctx.op("range", {scalar_const(ctx, DType::F64, 0), size, scalar_const(ctx, DType::F64, 1)});
    Expr denom = periodic ? size : ctx.op("sub", {size, scalar_const(ctx, DType::F64, 1)});
    Expr phase = ctx.op("div", {ctx.op("mul", {n, scalar_const(ctx, DType::F64, 2 * M_PI)}), denom});
    Expr acc = scalar_const(ctx, DType::F64, coeffs[0]);
    for (size_t j = 1; j < coeffs.size(); ++j) {
      Expr term = ctx.op("cos", {ctx.op("mul", {phase, scalar_const(ctx, DType::F64, double(j))})});
      acc = ctx.op("add", {acc, ctx.op("mul", {term, scalar_const(ctx, DType::F64, coeffs[j])})});
    }
    return {ctx.op("cast", {acc}, {{"to", out}})};
  };
}

}  // namespace

void register_signal_converters(ConverterTable& table) {
  table.add("DFT", convert_dft);
  table.add("STFT", convert_stft);
  table.add("MelWeightMatrix", convert_mel_weight_matrix);
  table.add("HannWindow", window({0.5, -0.5}));
  table.add("HammingWindow", window({25.0 / 46.0, -21.0 / 46.0}));
  table.add("BlackmanWindow", window({0.42, -0.5, 0.08}));
}

}  // namespace weft::onnx_import
