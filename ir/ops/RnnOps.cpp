// RnnOps.cpp - ONNX LSTM, GRU and RNN layers (layout 0: [seq, batch, ...]) over whole sequences.
#include <algorithm>
#include <cctype>

#include "ir/ops/AllOps.h"
#include "ir/ops/NnCpuEmit.h"
#include "ir/ops/RnnGradients.h"
#include "ir/ops/RnnInternal.h"

namespace weft {

std::optional<ActKind> parse_act_kind(const std::string& name) {
  std::string n;
  for (char ch : name) n += char(std::tolower(static_cast<unsigned char>(ch)));
  static const std::pair<const char*, ActKind> table[] = {
      {"sigmoid", ActKind::Sigmoid},         {"tanh", ActKind::Tanh},
      {"relu", ActKind::Relu},               {"leakyrelu", ActKind::LeakyRelu},
      {"thresholdedrelu", ActKind::ThresholdedRelu}, {"scaledtanh", ActKind::ScaledTanh},
      {"hardsigmoid", ActKind::HardSigmoid}, {"elu", ActKind::Elu},
      {"softsign", ActKind::Softsign},       {"softplus", ActKind::Softplus},
      {"affine", ActKind::Affine}};
  for (auto& [s, k] : table)
    if (n == s) return k;
  return std::nullopt;
}

bool act_takes_alpha(ActKind k) {
  return k == ActKind::LeakyRelu || k == ActKind::ThresholdedRelu || k == ActKind::ScaledTanh ||
         k == ActKind::HardSigmoid || k == ActKind::Elu || k == ActKind::Affine;
}
bool act_takes_beta(ActKind k) { return k == ActKind::ScaledTanh || k == ActKind::HardSigmoid || k == ActKind::Affine; }
double act_default_alpha(ActKind k) {
  switch (k) {
    case ActKind::LeakyRelu: return 0.01;
    case ActKind::HardSigmoid: return 0.2;
    default: return 1.0;
  }
}
double act_default_beta(ActKind k) {
  switch (k) {
    case ActKind::HardSigmoid: return 0.5;
    case ActKind::Affine: return 0.0;
    default: return 1.0;
  }
}

namespace {

enum class RnnKind { Lstm, Gru, Rnn };

// What distinguishes the three layers: gate count, activations per direction, their
// defaults, and how many optional inputs follow x, w, r.
struct RnnSpec {
  RnnKind kind;
  const char* op;
  int64_t gates;
  std::vector<std::string> default_acts;
  int max_inputs;
};

const RnnSpec& spec_of(RnnKind k) {
  static const RnnSpec lstm{RnnKind::Lstm, "lstm", 4, {"Sigmoid", "Tanh", "Tanh"}, 8};
  static const RnnSpec gru{RnnKind::Gru, "gru", 3, {"Sigmoid", "Tanh"}, 6};
  static const RnnSpec rnn{RnnKind::Rnn, "rnn", 1, {"Tanh"}, 6};
  return k == RnnKind::Lstm ? lstm : k == RnnKind::Gru ? gru : rnn;
}

int64_t num_directions(const Attrs& attrs, const std::string& op, Stage stage) {
  const std::string& d = attrs.get_string("direction");
  if (d == "forward" || d == "reverse") return 1;
  if (d == "bidirectional") return 2;
  nn_fail(stage, Msg() << op << ": direction must be \"forward\", \"reverse\" or \"bidirectional\", found \"" << d << "\"");
}

// The activations of each direction, alpha/beta consumed in order by those that take them.
std::vector<std::vector<Activation>> activations(const RnnSpec& spec, const Attrs& attrs, int64_t dirs, Stage stage) {
  std::vector<std::string> names = attrs.get_strings("activations");
  const size_t per = spec.default_acts.size();
  if (names.empty())
    for (int64_t d = 0; d < dirs; ++d) names.insert(names.end(), spec.default_acts.begin(), spec.default_acts.end());
  else if (names.size() == per && dirs == 2)
    names.insert(names.end(), names.begin(), names.end());
  if (names.size() != per * size_t(dirs))
    nn_fail(stage, Msg() << spec.op << ": activations needs " << per << " names per direction (" << per * size_t(dirs)
                         << " in all), found " << names.size());
  const auto& alphas = attrs.get_floats("activation_alpha");
  const auto& betas = attrs.get_floats("activation_beta");
  size_t ai = 0, bi = 0;
  std::vector<std::vector<Activation>> out(static_cast<size_t>(dirs));
  for (size_t i = 0; i < names.size(); ++i) {
    auto k = parse_act_kind(names[i]);
    if (!k) nn_fail(stage, Msg() << spec.op << ": unknown activation \"" << names[i] << "\"");
    Activation a{*k, act_default_alpha(*k), act_default_beta(*k)};
    if (act_takes_alpha(*k) && ai < alphas.size()) a.alpha = alphas[ai++];
    if (act_takes_beta(*k) && bi < betas.size()) a.beta = betas[bi++];
    out[i / per].push_back(a);
  }
  return out;
}

// ---- type relation --------------------------------------------------------------------

void expect_shape(const std::vector<ArgInfo>& args, size_t i, const Shape& want, const char* name, const RnnSpec& spec,
                  DType dt) {
  const auto& t = expect_tensor(args, i, spec.op);
  if (t.dtype != dt)
    throw TypeRelationError(Msg() << spec.op << ": " << name << " must have x's dtype " << dtype_name(dt) << ", found "
                                  << dtype_name(t.dtype));
  bool ok = t.rank() == int(want.size());
  for (size_t d = 0; ok && d < want.size(); ++d) ok = !dims_conflict(t.shape[d], want[d]);
  if (!ok)
    throw TypeRelationError(Msg() << spec.op << ": " << name << " must be " << shape_str(want) << ", found "
                                  << shape_str(t.shape));
}

Type rnn_type(const RnnSpec& spec, const std::vector<ArgInfo>& args, const Attrs& attrs) {
  const auto& x = expect_tensor(args, 0, spec.op);
  expect_float(x, spec.op, 0);
  if (x.rank() != 3)
    throw TypeRelationError(Msg() << spec.op << ": x must be [seq, batch, input], found " << type_str(args[0].type));
  const int64_t dirs = num_directions(attrs, spec.op, Stage::Type);
  activations(spec, attrs, dirs, Stage::Type);
  const int64_t h = attrs.get_int("hidden_size");
  if (h < 1) throw TypeRelationError(Msg() << spec.op << ": hidden_size must be >= 1, found " << h);
  const Dim D(dirs), H(h), GH(spec.gates * h), batch = x.shape[1];
  expect_shape(args, 1, {D, GH, x.shape[2]}, "w", spec, x.dtype);
  expect_shape(args, 2, {D, GH, H}, "r", spec, x.dtype);
  if (arg_present(args, 3)) expect_shape(args, 3, {D, Dim(2 * spec.gates * h)}, "b", spec, x.dtype);
  if (arg_present(args, 4)) {
    const auto& sl = expect_tensor(args, 4, spec.op);
    if (!is_int(sl.dtype) || sl.rank() != 1 || dims_conflict(sl.shape[0], batch))
      throw TypeRelationError(Msg() << spec.op << ": seq_lens must be an integer [" << batch.str() << "], found "
                                    << type_str(args[4].type));
  }
  if (arg_present(args, 5)) expect_shape(args, 5, {D, batch, H}, "h0", spec, x.dtype);
  if (spec.kind == RnnKind::Lstm) {
    if (arg_present(args, 6)) expect_shape(args, 6, {D, batch, H}, "c0", spec, x.dtype);
    if (arg_present(args, 7)) expect_shape(args, 7, {D, Dim(3 * h)}, "p", spec, x.dtype);
  }
  Type y = tensor_type(x.dtype, {x.shape[0], D, batch, H});
  Type yh = tensor_type(x.dtype, {D, batch, H});
  if (spec.kind == RnnKind::Lstm) return tuple_type({y, yh, yh});
  return tuple_type({y, yh});
}

// ---- kernel ---------------------------------------------------------------------------

template <typename C>
void clip_values(C* v, int64_t n, C clip) {
  if (clip <= C(0)) return;
  for (int64_t i = 0; i < n; ++i) v[i] = std::max(-clip, std::min(clip, v[i]));
}

void expect_run_shape(const Tensor& t, const std::vector<int64_t>& want, const char* name, const RnnSpec& spec) {
  if (t.shape() != want)
    throw RuntimeError(Msg() << spec.op << ": " << name << " must be " << shape_str(want) << ", found "
                             << shape_str(t.shape()));
}

template <typename C>
std::vector<Tensor> rnn_impl(const RnnSpec& spec, const std::vector<Tensor>& in, const Attrs& attrs) {
  const Tensor& x = in[0];
  if (x.rank() != 3) throw RuntimeError(Msg() << spec.op << ": x must be [seq, batch, input], found " << shape_str(x.shape()));
  const int64_t dirs = num_directions(attrs, spec.op, Stage::Run);
  const auto acts = activations(spec, attrs, dirs, Stage::Run);
  const bool reverse_only = attrs.get_string("direction") == "reverse";
  const int64_t seq = x.dim(0), batch = x.dim(1), isz = x.dim(2), h = attrs.get_int("hidden_size");
  const int64_t gh = spec.gates * h;
  expect_run_shape(in[1], {dirs, gh, isz}, "w", spec);
  expect_run_shape(in[2], {dirs, gh, h}, "r", spec);
  const bool has_b = input_present(in, 3), has_h0 = input_present(in, 5);
  const bool has_c0 = spec.kind == RnnKind::Lstm && input_present(in, 6);
  const bool has_p = spec.kind == RnnKind::Lstm && input_present(in, 7);
  if (has_b) expect_run_shape(in[3], {dirs, 2 * gh}, "b", spec);
  if (has_h0) expect_run_shape(in[5], {dirs, batch, h}, "h0", spec);
  if (has_c0) expect_run_shape(in[6], {dirs, batch, h}, "c0", spec);
  if (has_p) expect_run_shape(in[7], {dirs, 3 * h}, "p", spec);
  std::vector<int64_t> lens(size_t(batch), seq);
  if (input_present(in, 4)) {
    if (in[4].numel() != batch) expect_run_shape(in[4], {batch}, "seq_lens", spec);
    lens = in[4].to_int_vector();
    for (int64_t l : lens)
      if (l < 0 || l > seq)
        throw RuntimeError(Msg() << spec.op << ": seq_lens entry " << l << " is outside [0, " << seq << "]");
  }
  const C clip = C(attrs.get_float("clip"));
  const bool input_forget = spec.kind == RnnKind::Lstm && attrs.get_int("input_forget") != 0;
  const bool lbr = spec.kind == RnnKind::Gru && attrs.get_int("linear_before_reset") != 0;

  ComputeIn<C> xi(x), wi(in[1]), ri(in[2]), bi(has_b ? in[3] : Tensor()), h0(has_h0 ? in[5] : Tensor()),
      c0(has_c0 ? in[6] : Tensor()), pi(has_p ? in[7] : Tensor());
  ComputeOut<C> y(x.dtype(), {seq, dirs, batch, h}), yh(x.dtype(), {dirs, batch, h}), yc(x.dtype(), {dirs, batch, h});
  std::vector<C> xw(size_t(seq * batch * gh)), hr(size_t(batch * gh)), hs(size_t(batch * h)), cs(size_t(batch * h));
  std::vector<C> bias(static_cast<size_t>(gh)), rbh(static_cast<size_t>(h)), g(static_cast<size_t>(gh)), tmp(static_cast<size_t>(h));

  for (int64_t d = 0; d < dirs; ++d) {
    const bool forward = d == 0 && !reverse_only;
    const auto& act = acts[size_t(d)];
    const C* rd = ri.data() + d * gh * h;
    // X W^T for every step at once, plus the biases that are plain sums (for a GRU with
    // linear_before_reset, R's h-gate bias is applied inside the reset product instead).
    gemm_strided<C>(seq * batch, gh, isz, xi.data(), isz, 1, wi.data() + d * gh * isz, 1, isz, xw.data(), gh, false);
    std::fill(bias.begin(), bias.end(), C(0));
    std::fill(rbh.begin(), rbh.end(), C(0));
    if (has_b) {
      const C* bd = bi.data() + d * 2 * gh;
      for (int64_t j = 0; j < gh; ++j) bias[size_t(j)] = bd[j] + (lbr && j >= 2 * h ? C(0) : bd[gh + j]);
      if (lbr) std::copy(bd + gh + 2 * h, bd + 2 * gh, rbh.begin());
    }
    for (int64_t r = 0; r < seq * batch; ++r)
      for (int64_t j = 0; j < gh; ++j) xw[size_t(r * gh + j)] += bias[size_t(j)];
    if (has_h0) std::copy(h0.data() + d * batch * h, h0.data() + (d + 1) * batch * h, hs.begin());
    else std::fill(hs.begin(), hs.end(), C(0));
    if (has_c0) std::copy(c0.data() + d * batch * h, c0.data() + (d + 1) * batch * h, cs.begin());
    else std::fill(cs.begin(), cs.end(), C(0));
    const C* pd = has_p ? pi.data() + d * 3 * h : nullptr;

    for (int64_t s = 0; s < seq; ++s) {
      gemm_strided<C>(batch, gh, h, hs.data(), h, 1, rd, 1, h, hr.data(), gh, false);  // H R^T
      for (int64_t b = 0; b < batch; ++b) {
        const int64_t len = lens[size_t(b)];
        if (s >= len) continue;
        const int64_t t = forward ? s : len - 1 - s;
        const C* xg = xw.data() + (t * batch + b) * gh;
        const C* hg = hr.data() + b * gh;
        C* hb = hs.data() + b * h;
        C* cb = cs.data() + b * h;
        if (spec.kind == RnnKind::Lstm) {  // gates i, o, f, c
          for (int64_t j = 0; j < gh; ++j) g[size_t(j)] = xg[j] + hg[j];
          C *gi = g.data(), *go = gi + h, *gf = go + h, *gc = gf + h;
          if (pd)
            for (int64_t j = 0; j < h; ++j) { gi[j] += pd[j] * cb[j]; gf[j] += pd[2 * h + j] * cb[j]; }
          clip_values(gi, h, clip);
          apply_activation(act[0], gi, h);
          if (input_forget) {
            for (int64_t j = 0; j < h; ++j) gf[j] = C(1) - gi[j];
          } else {
            clip_values(gf, h, clip);
            apply_activation(act[0], gf, h);
          }
          clip_values(gc, h, clip);
          apply_activation(act[1], gc, h);
          for (int64_t j = 0; j < h; ++j) cb[j] = gf[j] * cb[j] + gi[j] * gc[j];
          if (pd)
            for (int64_t j = 0; j < h; ++j) go[j] += pd[h + j] * cb[j];
          clip_values(go, h, clip);
          apply_activation(act[0], go, h);
          std::copy(cb, cb + h, tmp.begin());
          apply_activation(act[2], tmp.data(), h);
          for (int64_t j = 0; j < h; ++j) hb[j] = go[j] * tmp[size_t(j)];
        } else if (spec.kind == RnnKind::Gru) {  // gates z, r, h
          for (int64_t j = 0; j < 2 * h; ++j) g[size_t(j)] = xg[j] + hg[j];
          C *gz = g.data(), *gr = gz + h, *gn = gr + h;
          clip_values(gz, 2 * h, clip);
          apply_activation(act[0], gz, 2 * h);
          if (lbr) {
            for (int64_t j = 0; j < h; ++j) gn[j] = xg[2 * h + j] + gr[j] * (hg[2 * h + j] + rbh[size_t(j)]);
          } else {
            for (int64_t j = 0; j < h; ++j) tmp[size_t(j)] = gr[j] * hb[j];
            gemm_strided<C>(1, h, h, tmp.data(), h, 1, rd + 2 * h * h, 1, h, gn, h, false);  // (r . H) Rh^T
            for (int64_t j = 0; j < h; ++j) gn[j] += xg[2 * h + j];
          }
          clip_values(gn, h, clip);
          apply_activation(act[1], gn, h);
          for (int64_t j = 0; j < h; ++j) hb[j] = (C(1) - gz[j]) * gn[j] + gz[j] * hb[j];
        } else {
          for (int64_t j = 0; j < h; ++j) g[size_t(j)] = xg[j] + hg[j];
          clip_values(g.data(), h, clip);
          apply_activation(act[0], g.data(), h);
          std::copy(g.begin(), g.begin() + h, hb);
        }
        std::copy(hb, hb + h, y.data() + ((t * dirs + d) * batch + b) * h);
      }
    }
    std::copy(hs.begin(), hs.end(), yh.data() + d * batch * h);
    std::copy(cs.begin(), cs.end(), yc.data() + d * batch * h);
  }
  if (spec.kind == RnnKind::Lstm) return {y.finish(), yh.finish(), yc.finish()};
  return {y.finish(), yh.finish()};
}

// ---- CPU emitter pieces ----------------------------------------------------------------------

std::string act_cpp(ActKind k) {
  switch (k) {
    case ActKind::Sigmoid: return "Sigmoid";
    case ActKind::Tanh: return "Tanh";
    case ActKind::Relu: return "Relu";
    case ActKind::LeakyRelu: return "LeakyRelu";
    case ActKind::ThresholdedRelu: return "ThresholdedRelu";
    case ActKind::ScaledTanh: return "ScaledTanh";
    case ActKind::HardSigmoid: return "HardSigmoid";
    case ActKind::Elu: return "Elu";
    case ActKind::Softsign: return "Softsign";
    case ActKind::Softplus: return "Softplus";
    case ActKind::Affine: return "Affine";
  }
  return "Tanh";
}

// weft_rt::RnnConfig{gates, hidden, dirs, reverse, {activations...}, clip, input_forget, linear_before_reset}.
std::string rnn_config(const RnnSpec& spec, const Attrs& attrs) {
  const int64_t dirs = num_directions(attrs, spec.op, Stage::Type);
  std::string acts;
  for (const auto& dir : activations(spec, attrs, dirs, Stage::Type))
    for (const Activation& a : dir)
      acts += (acts.empty() ? "{weft_rt::Act::" : ", {weft_rt::Act::") + act_cpp(a.kind) + ", " +
              cpp_double(a.alpha, spec.op) + ", " + cpp_double(a.beta, spec.op) + "}";
  const bool input_forget = spec.kind == RnnKind::Lstm && attrs.get_int("input_forget") != 0;
  const bool lbr = spec.kind == RnnKind::Gru && attrs.get_int("linear_before_reset") != 0;
  return "weft_rt::RnnConfig{" + std::to_string(spec.gates) + ", " + std::to_string(attrs.get_int("hidden_size")) + ", " +
         std::to_string(dirs) + ", " + cpp_bool(attrs.get_string("direction") == "reverse") + ", {" + acts + "}, " +
         cpp_double(attrs.get_float("clip"), spec.op) + ", " + cpp_bool(input_forget) + ", " + cpp_bool(lbr) + "}";
}

void register_rnn(OpRegistry& reg, RnnKind kind, const std::string& doc) {
  const RnnSpec& spec = spec_of(kind);
  auto b = reg.add(spec.op);
  b.raises_on_values("a seq_lens entry outside [0, seq]");
  b.gradient(kind == RnnKind::Lstm ? vjp::lstm_layer_gradient() : kind == RnnKind::Gru ? vjp::gru_layer_gradient() : vjp::rnn_layer_gradient());
  b.doc(doc)
      .inputs(3, spec.max_inputs)
      .attr("hidden_size", AttrKind::Int, std::nullopt, "H")
      .attr("direction", AttrKind::String, std::string("forward"), "\"forward\", \"reverse\" or \"bidirectional\"")
      .attr("activations", AttrKind::Strings, std::vector<std::string>{},
            "ONNX names, per direction; [] = the op's defaults")
      .attr("activation_alpha", AttrKind::Floats, std::vector<double>{}, "consumed in order by activations taking alpha")
      .attr("activation_beta", AttrKind::Floats, std::vector<double>{}, "consumed in order by activations taking beta")
      .attr("clip", AttrKind::Float, 0.0, "clamp gate pre-activations to [-clip, clip]; 0 = no clipping")
      .pattern(OpPattern::Opaque)
      .type_relation([kind](const std::vector<ArgInfo>& args, const Attrs& attrs) {
        return rnn_type(spec_of(kind), args, attrs);
      })
      .kernel([kind](const std::vector<Tensor>& in, const Attrs& attrs) {
        return dispatch_float_compute(in[0].dtype(), spec_of(kind).op, [&](auto tag) {
          return rnn_impl<typename decltype(tag)::type>(spec_of(kind), in, attrs);
        });
      })
      // weft_rt::OP_output_shapes(config, the arguments...): the runtime's checks, which the kernels call too.
      .shape_cpu([kind](const CpuEmitArgs& a) {
        const RnnSpec& spec = spec_of(kind);
        std::string s = "weft_rt::" + std::string(spec.op) + "_output_shapes(" + rnn_config(spec, *a.attrs);
        for (size_t i = 0; i < (kind == RnnKind::Lstm ? 8u : 6u); ++i) s += ", " + (i < 3 ? a.args[i] : cpu_shape_arg(a, i));
        return s + ")";
      })
      .emit_cpu([kind](const CpuEmitArgs& a) {
        const RnnSpec& spec = spec_of(kind);
        const std::string op = spec.op;
        const DType t = a.result_dtype;
        std::string s = "weft_rt::" + op + "<" + cpu_ctype(t, op) + ">(" + rnn_config(spec, *a.attrs) + ", " + a.args[0] +
                        ", " + a.args[1] + ", " + a.args[2] + ", " + cpu_opt_arg(a, 3, t, op) + ", " +
                        cpu_opt_arg(a, 4, DType::I64, op) + ", " + cpu_opt_arg(a, 5, t, op);
        if (kind == RnnKind::Lstm) s += ", " + cpu_opt_arg(a, 6, t, op) + ", " + cpu_opt_arg(a, 7, t, op);
        return s + ")";
      });
  if (kind == RnnKind::Lstm) b.attr("input_forget", AttrKind::Int, int64_t(0), "1: couple the gates, f = 1 - i");
  if (kind == RnnKind::Gru)
    b.attr("linear_before_reset", AttrKind::Int, int64_t(0), "1: apply the reset gate after the h-gate's R product");
}

}  // namespace

std::vector<std::vector<Activation>> rnn_layer_activations(const std::string& op, const Attrs& attrs, int64_t dirs) {
  return activations(spec_of(op == "lstm" ? RnnKind::Lstm : op == "gru" ? RnnKind::Gru : RnnKind::Rnn), attrs, dirs, Stage::Type);
}

void register_rnn_ops(OpRegistry& reg) {
  const char* optional_note =
      " Optional inputs may be omitted at the end; an absent middle input is passed as a zero-size tensor "
      "(a shape with a 0 dim). x [seq, batch, I]; seq_lens [batch] integer; y [seq, dirs, batch, H] is 0 past "
      "each sequence's length.";
  register_rnn(reg, RnnKind::Lstm,
               std::string("lstm(x, w, r, b?, seq_lens?, h0?, c0?, p?) -> (y, y_h, y_c): ONNX LSTM, gates iofc, "
                           "w [dirs, 4H, I], r [dirs, 4H, H], b [dirs, 8H], h0/c0 [dirs, batch, H], peepholes p "
                           "[dirs, 3H] (i, o, f).") + optional_note);
  register_rnn(reg, RnnKind::Gru,
               std::string("gru(x, w, r, b?, seq_lens?, h0?) -> (y, y_h): ONNX GRU, gates zrh, w [dirs, 3H, I], "
                           "r [dirs, 3H, H], b [dirs, 6H], h0 [dirs, batch, H].") + optional_note);
  register_rnn(reg, RnnKind::Rnn,
               std::string("rnn(x, w, r, b?, seq_lens?, h0?) -> (y, y_h): ONNX RNN (Elman), w [dirs, H, I], "
                           "r [dirs, H, H], b [dirs, 2H], h0 [dirs, batch, H].") + optional_note);
  register_rnn_cell_ops(reg);
}

}  // namespace weft
