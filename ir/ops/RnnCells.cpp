// RnnCells.cpp - single-step recurrent cells in torch semantics: lstm_cell, gru_cell, rnn_cell.
#include "ir/ops/NnCpuEmit.h"
#include "ir/ops/RnnGradients.h"
#include "ir/ops/RnnInternal.h"

namespace weft {
namespace {

// Each cell: x [B, I] (or [I], unbatched), states [B, H] (or [H]), w_ih [G*H, I],
// w_hh [G*H, H], optional b_ih, b_hh [G*H]; G = 4 (ifgo), 3 (rzn) or 1.
struct CellSpec {
  const char* op;
  int64_t gates;
  int states;  // 2 for lstm (h, c), else 1
};

const CellSpec kLstmCell{"lstm_cell", 4, 2}, kGruCell{"gru_cell", 3, 1}, kRnnCell{"rnn_cell", 1, 1};

Type cell_type(const CellSpec& spec, const std::vector<ArgInfo>& args) {
  const auto& x = expect_tensor(args, 0, spec.op);
  expect_float(x, spec.op, 0);
  if (x.rank() != 1 && x.rank() != 2)
    throw TypeRelationError(Msg() << spec.op << ": x must be [batch, input] or [input], found " << type_str(args[0].type));
  const size_t wi = size_t(1 + spec.states);
  const auto& h = expect_tensor(args, 1, spec.op);
  if (h.rank() != x.rank())
    throw TypeRelationError(Msg() << spec.op << ": h must have rank " << x.rank() << " like x, found "
                                  << type_str(args[1].type));
  const Dim hid = h.shape.back();
  Shape state = h.shape;
  if (x.rank() == 2) state[0] = x.shape[0];
  auto check = [&](size_t i, const Shape& want, const char* name) {
    const auto& t = expect_tensor(args, i, spec.op);
    bool ok = t.dtype == x.dtype && t.rank() == int(want.size());
    for (size_t d = 0; ok && d < want.size(); ++d) ok = !dims_conflict(t.shape[d], want[d]);
    if (!ok)
      throw TypeRelationError(Msg() << spec.op << ": " << name << " must be " << dtype_name(x.dtype) << shape_str(want)
                                    << ", found " << type_str(args[i].type));
  };
  check(1, state, "h");
  if (spec.states == 2) check(2, state, "c");
  const Dim gh = Dim(spec.gates) * hid;
  check(wi, {gh, x.shape.back()}, "w_ih");
  check(wi + 1, {gh, hid}, "w_hh");
  if (arg_present(args, wi + 2)) check(wi + 2, {gh}, "b_ih");
  if (arg_present(args, wi + 3)) check(wi + 3, {gh}, "b_hh");
  Type out = tensor_type(x.dtype, state);
  return spec.states == 2 ? tuple_type({out, out}) : out;
}

template <typename C>
std::vector<Tensor> cell_impl(const CellSpec& spec, const std::vector<Tensor>& in, const Attrs& attrs) {
  const Tensor& x = in[0];
  const size_t wi = size_t(1 + spec.states);
  if (x.rank() != 1 && x.rank() != 2)
    throw RuntimeError(Msg() << spec.op << ": x must be [batch, input] or [input], found " << shape_str(x.shape()));
  const int64_t batch = x.rank() == 2 ? x.dim(0) : 1, isz = x.dim(-1), h = in[1].rank() ? in[1].dim(-1) : 0;
  const int64_t gh = spec.gates * h;
  const std::vector<int64_t> state = x.rank() == 2 ? std::vector<int64_t>{batch, h} : std::vector<int64_t>{h};
  auto check = [&](size_t i, const std::vector<int64_t>& want, const char* name) {
    if (in[i].shape() != want)
      throw RuntimeError(Msg() << spec.op << ": " << name << " must be " << shape_str(want) << ", found "
                               << shape_str(in[i].shape()));
  };
  check(1, state, "h");
  if (spec.states == 2) check(2, state, "c");
  check(wi, {gh, isz}, "w_ih");
  check(wi + 1, {gh, h}, "w_hh");
  const bool has_bi = input_present(in, wi + 2), has_bh = input_present(in, wi + 3);
  if (has_bi) check(wi + 2, {gh}, "b_ih");
  if (has_bh) check(wi + 3, {gh}, "b_hh");

  ComputeIn<C> xi(x), hi(in[1]), ci(spec.states == 2 ? in[2] : Tensor()), wih(in[wi]), whh(in[wi + 1]),
      bih(has_bi ? in[wi + 2] : Tensor()), bhh(has_bh ? in[wi + 3] : Tensor());
  std::vector<C> gx(size_t(batch * gh)), gh_(size_t(batch * gh));
  gemm_strided<C>(batch, gh, isz, xi.data(), isz, 1, wih.data(), 1, isz, gx.data(), gh, false);     // x W_ih^T
  gemm_strided<C>(batch, gh, h, hi.data(), h, 1, whh.data(), 1, h, gh_.data(), gh, false);          // h W_hh^T
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t j = 0; j < gh; ++j) {
      if (has_bi) gx[size_t(b * gh + j)] += bih.data()[j];
      if (has_bh) gh_[size_t(b * gh + j)] += bhh.data()[j];
    }
  ComputeOut<C> hout(x.dtype(), state), cout(x.dtype(), state);
  const Activation sig{ActKind::Sigmoid}, tanh_{ActKind::Tanh};
  for (int64_t b = 0; b < batch; ++b) {
    C* a = gx.data() + b * gh;
    const C* r = gh_.data() + b * gh;
    const C* hp = hi.data() + b * h;
    C* ho = hout.data() + b * h;
    if (spec.states == 2) {  // i, f, g, o
      for (int64_t j = 0; j < gh; ++j) a[j] += r[j];
      apply_activation(sig, a, 2 * h);
      apply_activation(tanh_, a + 2 * h, h);
      apply_activation(sig, a + 3 * h, h);
      const C* cp = ci.data() + b * h;
      C* co = cout.data() + b * h;
      for (int64_t j = 0; j < h; ++j) {
        co[j] = a[h + j] * cp[j] + a[j] * a[2 * h + j];
        ho[j] = a[3 * h + j] * std::tanh(co[j]);
      }
    } else if (spec.gates == 3) {  // r, z, n
      for (int64_t j = 0; j < 2 * h; ++j) a[j] += r[j];
      apply_activation(sig, a, 2 * h);
      C* n = a + 2 * h;
      for (int64_t j = 0; j < h; ++j) n[j] += a[j] * r[2 * h + j];
      apply_activation(tanh_, n, h);
      for (int64_t j = 0; j < h; ++j) ho[j] = (C(1) - a[h + j]) * n[j] + a[h + j] * hp[j];
    } else {
      const std::string& nl = attrs.get_string("nonlinearity");
      if (nl != "tanh" && nl != "relu")
        throw RuntimeError(Msg() << "rnn_cell: nonlinearity must be \"tanh\" or \"relu\", found \"" << nl << "\"");
      for (int64_t j = 0; j < h; ++j) ho[j] = a[j] + r[j];
      apply_activation(nl == "tanh" ? tanh_ : Activation{ActKind::Relu}, ho, h);
    }
  }
  if (spec.states == 2) return {hout.finish(), cout.finish()};
  return {hout.finish()};
}

void register_cell(OpRegistry& reg, const CellSpec& spec, const std::string& doc) {
  auto b = reg.add(spec.op);
  b.doc(doc)
      .gradient(vjp::cell_gradient(int(spec.gates)))
      .inputs(3 + spec.states, 5 + spec.states)
      .pattern(OpPattern::Opaque)
      .type_relation([&spec](const std::vector<ArgInfo>& args, const Attrs& attrs) {
        if (spec.gates == 1) {
          const std::string& nl = attrs.get_string("nonlinearity");
          if (nl != "tanh" && nl != "relu")
            throw TypeRelationError(Msg() << "rnn_cell: nonlinearity must be \"tanh\" or \"relu\", found \"" << nl << "\"");
        }
        return cell_type(spec, args);
      })
      .kernel([&spec](const std::vector<Tensor>& in, const Attrs& attrs) {
        return dispatch_float_compute(in[0].dtype(), spec.op, [&](auto tag) {
          return cell_impl<typename decltype(tag)::type>(spec, in, attrs);
        });
      })
      // weft_rt::OP_output_shapes(x, states..., w_ih, w_hh, b_ih, b_hh): the runtime's checks, which the kernels call too.
      .shape_cpu([&spec](const CpuEmitArgs& a) {
        const size_t wi = size_t(1 + spec.states);
        std::string s = "weft_rt::" + std::string(spec.op) + "_output_shapes(";
        for (size_t i = 0; i < wi + 2; ++i) s += a.args[i] + ", ";
        return s + cpu_shape_arg(a, wi + 2) + ", " + cpu_shape_arg(a, wi + 3) + ")";
      })
      .emit_cpu([&spec](const CpuEmitArgs& a) {
        const std::string op = spec.op;
        const size_t wi = size_t(1 + spec.states);
        std::string s = "weft_rt::" + op + "<" + cpu_ctype(a.result_dtype, op) + ">(";
        for (size_t i = 0; i < wi + 2; ++i) s += a.args[i] + ", ";
        s += cpu_opt_arg(a, wi + 2, a.result_dtype, op) + ", " + cpu_opt_arg(a, wi + 3, a.result_dtype, op);
        if (spec.gates == 1) {
          const std::string& nl = a.attrs->get_string("nonlinearity");
          if (nl != "tanh" && nl != "relu")
            throw CompileError(Msg() << "rnn_cell: nonlinearity must be \"tanh\" or \"relu\", found \"" << nl << "\"");
          s += nl == "tanh" ? ", weft_rt::Act::Tanh" : ", weft_rt::Act::Relu";
        }
        return s + ")";
      });
  if (spec.gates == 1) b.attr("nonlinearity", AttrKind::String, std::string("tanh"), "\"tanh\" or \"relu\"");
}

}  // namespace

void register_rnn_cell_ops(OpRegistry& reg) {
  const std::string shapes =
      " x [B, I] or [I]; states [B, H] or [H]; b_ih/b_hh optional (a zero-size tensor also means absent).";
  register_cell(reg, kLstmCell,
                "lstm_cell(x, h, c, w_ih, w_hh, b_ih?, b_hh?) -> (h', c'): one torch LSTMCell step, gates ifgo, "
                "w_ih [4H, I], w_hh [4H, H]." + shapes);
  register_cell(reg, kGruCell,
                "gru_cell(x, h, w_ih, w_hh, b_ih?, b_hh?) -> h': one torch GRUCell step, gates rzn, w_ih [3H, I], "
                "w_hh [3H, H]; n = tanh(x W_in + b_in + r * (h W_hn + b_hn))." + shapes);
  register_cell(reg, kRnnCell,
                "rnn_cell(x, h, w_ih, w_hh, b_ih?, b_hh?) -> h': one torch RNNCell step, "
                "act(x W_ih^T + b_ih + h W_hh^T + b_hh) with act = nonlinearity." + shapes);
}

}  // namespace weft
