// RnnLayerGradients.cpp - the gradient facets of the lstm, gru and rnn layers: the layer written
// out step by step in registry ops on a GradientTape (ONNX semantics: gate orders iofc / zrh,
// peepholes, clip, input_forget, linear_before_reset, seq_lens, the activations by name), whose
// ops' own facets then give the vector-Jacobian product. The sequence length must be static.
#include "ir/ops/GradientHelpers.h"
#include "ir/ops/GradientTape.h"
#include "ir/ops/RnnGradients.h"
#include "ir/ops/RnnInternal.h"

namespace weft::vjp {
namespace {

using Node = GradientTape::Node;

struct Layer {
  GradientTape& tape;
  DType d;
  int64_t hidden;
  double clip;

  Node k(double v) const { return tape.scalar(v, d); }
  Node op(const std::string& name, std::vector<Node> args, Attrs attrs = {}) const { return tape.op(name, args, std::move(attrs)); }
  Node add(Node a, Node b) const { return op("add", {a, b}); }
  Node mul(Node a, Node b) const { return op("mul", {a, b}); }
  Node sub(Node a, Node b) const { return op("sub", {a, b}); }
  // Rows/columns [from, to) of `t` along `axis`.
  Node part(Node t, int64_t from, int64_t to, int64_t axis) const {
    return op("slice", {t, tape.constant(Tensor::from_vector<int64_t>({from}, {1})), tape.constant(Tensor::from_vector<int64_t>({to}, {1})),
                        tape.constant(Tensor::from_vector<int64_t>({axis}, {1}))});
  }
  Node drop0(Node t) const { return op("squeeze", {t}, Attrs{{"axes", std::vector<int64_t>{0}}}); }
  Node add0(Node t) const { return op("unsqueeze", {t}, Attrs{{"axes", std::vector<int64_t>{0}}}); }
  Node at(Node t, int64_t i) const { return drop0(part(t, i, i + 1, 0)); }
  Node gate(Node t, int64_t g) const { return part(t, g * hidden, (g + 1) * hidden, 1); }
  Node rows(Node t, int64_t g) const { return part(t, g * hidden, (g + 1) * hidden, 0); }
  Node t_of(Node w) const { return op("transpose", {w}, Attrs{{"perm", std::vector<int64_t>{1, 0}}}); }
  Node clipped(Node v) const { return clip > 0 ? op("clip", {v, k(-clip), k(clip)}) : v; }
  // Gate pre-activations are clipped; the cell state before LSTM's output activation is not.
  Node act(const Activation& a, Node v, bool clip_first = true) const {
    if (clip_first) v = clipped(v);
    switch (a.kind) {
      case ActKind::Sigmoid: return op("sigmoid", {v});
      case ActKind::Tanh: return op("tanh", {v});
      case ActKind::Relu: return op("relu", {v});
      case ActKind::LeakyRelu: return op("leaky_relu", {v}, Attrs{{"alpha", a.alpha}});
      case ActKind::ThresholdedRelu: return op("thresholded_relu", {v}, Attrs{{"alpha", a.alpha}});
      case ActKind::ScaledTanh: return mul(k(a.alpha), op("tanh", {mul(k(a.beta), v)}));
      case ActKind::HardSigmoid: return op("hard_sigmoid", {v}, Attrs{{"alpha", a.alpha}, {"beta", a.beta}});
      case ActKind::Elu: return op("elu", {v}, Attrs{{"alpha", a.alpha}});
      case ActKind::Softsign: return op("softsign", {v});
      case ActKind::Softplus: return op("softplus", {v});
      case ActKind::Affine: return add(mul(k(a.alpha), v), k(a.beta));
    }
    return v;
  }
  Node concat(const std::vector<Node>& parts, int64_t axis) const {
    return parts.size() == 1 ? parts[0] : op("concat", parts, Attrs{{"axis", axis}});
  }
};

// Whether optional argument i takes part: given and not of size zero.
bool present(const GradientCall& c, size_t i) {
  if (i >= c.args.size() || !c.arg_types[i]) return false;
  const TensorTypeNode* t = as_tensor(c.arg_types[i]);
  if (!t || !t->has_rank()) return t != nullptr;
  for (const Dim& dim : t->shape)
    if (dim.is_static() && dim.value() == 0) return false;
  return true;
}

int64_t static_dim(const GradientCall& c, size_t arg, size_t dim, const std::string& op) {
  const Dim& d = tensor_of(c.arg_types[arg]).shape[dim];
  if (!d.is_static())
    throw CompileError(Msg() << "the gradient of " << op << " needs a static sequence length and batch, found x: " << type_str(c.arg_types[0]));
  return d.value();
}

GradientFn layer_gradient(const std::string& kind) {
  return [kind](const GradientCall& c) {
    std::vector<Expr> out(c.args.size());
    if (!is_float_type(c.arg_types[0])) return out;
    const Attrs& at = *c.attrs;
    const std::string direction = at.get_string("direction");
    const int64_t dirs = direction == "bidirectional" ? 2 : 1, seq = static_dim(c, 0, 0, kind), batch = static_dim(c, 0, 1, kind);
    const int64_t gates = kind == "lstm" ? 4 : kind == "gru" ? 3 : 1;
    const std::vector<std::vector<Activation>> acts = rnn_layer_activations(kind, at, dirs);
    GradientTape tape;
    std::vector<Node> in;
    for (size_t i = 0; i < c.args.size(); ++i) in.push_back(tape.input(c.args[i], c.arg_types[i]));
    const DType d = elem_dtype(c.arg_types[0]);
    const int64_t h = at.get_int("hidden_size");
    Layer L{tape, d, h, at.get_float("clip")};
    const bool has_b = present(c, 3), has_lens = present(c, 4), has_h0 = present(c, 5);
    const bool has_c0 = kind == "lstm" && present(c, 6), has_p = kind == "lstm" && present(c, 7);
    const bool input_forget = kind == "lstm" && at.get_int("input_forget") != 0;
    const bool lbr = kind == "gru" && at.get_int("linear_before_reset") != 0;
    const Node zeros = tape.constant(Tensor(d, {batch, h}));
    std::vector<std::vector<Node>> ys(static_cast<size_t>(seq), std::vector<Node>(static_cast<size_t>(dirs)));
    std::vector<Node> last_h, last_c;
    for (int64_t dir = 0; dir < dirs; ++dir) {
      const bool forward = dir == 0 && direction != "reverse";
      const std::vector<Activation>& a = acts[size_t(dir)];
      const Node w = L.at(in[1], dir), r = L.at(in[2], dir);
      Node wb = 0, rb = 0, p = 0;
      if (has_b) {
        const Node b = L.at(in[3], dir);
        wb = L.part(b, 0, gates * h, 0), rb = L.part(b, gates * h, 2 * gates * h, 0);
      }
      if (has_p) p = L.at(in[7], dir);
      Node hs = has_h0 ? L.at(in[5], dir) : zeros, cs = has_c0 ? L.at(in[6], dir) : zeros;
      for (int64_t step = 0; step < seq; ++step) {
        const int64_t t = forward ? step : seq - 1 - step;
        const Node x = L.at(in[0], t);
        Node hn = 0, cn = 0;
        if (kind == "gru") {
          // zrh: z and r from x and h together; h~ with the reset gate before or after R_h.
          auto xg = [&](int64_t g) {
            Node v = L.op("matmul", {x, L.t_of(L.rows(w, g))});
            return has_b ? L.add(v, L.part(wb, g * h, (g + 1) * h, 0)) : v;
          };
          auto hg = [&](Node hv, int64_t g) {
            Node v = L.op("matmul", {hv, L.t_of(L.rows(r, g))});
            return has_b ? L.add(v, L.part(rb, g * h, (g + 1) * h, 0)) : v;
          };
          const Node z = L.act(a[0], L.add(xg(0), hg(hs, 0))), rg = L.act(a[0], L.add(xg(1), hg(hs, 1)));
          const Node cand = lbr ? L.act(a[1], L.add(xg(2), L.mul(rg, hg(hs, 2)))) : L.act(a[1], L.add(xg(2), hg(L.mul(rg, hs), 2)));
          hn = L.add(L.mul(L.sub(L.k(1), z), cand), L.mul(z, hs));
        } else {
          Node pre = L.add(L.op("matmul", {x, L.t_of(w)}), L.op("matmul", {hs, L.t_of(r)}));
          if (has_b) pre = L.add(pre, L.add(wb, rb));
          if (kind == "rnn") {
            hn = L.act(a[0], pre);
          } else {  // iofc
            Node i = L.gate(pre, 0), o = L.gate(pre, 1), f = L.gate(pre, 2), g = L.gate(pre, 3);
            if (has_p) i = L.add(i, L.mul(L.part(p, 0, h, 0), cs)), f = L.add(f, L.mul(L.part(p, 2 * h, 3 * h, 0), cs));
            i = L.act(a[0], i);
            f = input_forget ? L.sub(L.k(1), i) : L.act(a[0], f);
            cn = L.add(L.mul(f, cs), L.mul(i, L.act(a[1], g)));
            if (has_p) o = L.add(o, L.mul(L.part(p, h, 2 * h, 0), cn));
            hn = L.mul(L.act(a[0], o), L.act(a[2], cn, false));
          }
        }
        if (has_lens) {
          // Steps at or past a sequence's length leave its state as it was and output zeros.
          const DType ld = elem_dtype(c.arg_types[4]);
          const Node live = L.op("unsqueeze", {L.op("cast", {L.op("less", {tape.scalar(double(t), ld), in[4]})}, Attrs{{"to", d}})},
                                 Attrs{{"axes", std::vector<int64_t>{1}}});
          const Node keep = L.sub(L.k(1), live);
          ys[size_t(t)][size_t(dir)] = L.mul(live, hn);
          hs = L.add(L.mul(live, hn), L.mul(keep, hs));
          if (kind == "lstm") cs = L.add(L.mul(live, cn), L.mul(keep, cs));
        } else {
          ys[size_t(t)][size_t(dir)] = hn;
          hs = hn;
          if (kind == "lstm") cs = cn;
        }
      }
      last_h.push_back(L.add0(hs));
      if (kind == "lstm") last_c.push_back(L.add0(cs));
    }
    std::vector<Node> steps;
    for (auto& per_dir : ys) {
      std::vector<Node> parts;
      for (Node y : per_dir) parts.push_back(L.add0(y));
      steps.push_back(L.add0(L.concat(parts, 0)));
    }
    std::vector<std::pair<Node, Expr>> seeds{{L.concat(steps, 0), make_tuple_get(c.cotangent, 0)},
                                             {L.concat(last_h, 0), make_tuple_get(c.cotangent, 1)}};
    if (kind == "lstm") seeds.push_back({L.concat(last_c, 0), make_tuple_get(c.cotangent, 2)});
    std::vector<Node> wrt;
    std::vector<size_t> slots;
    for (size_t i = 0; i < c.args.size(); ++i)
      if (i != 4 && present(c, i) && is_float_type(c.arg_types[i])) wrt.push_back(in[i]), slots.push_back(i);
    Expr all = tape.gradients(seeds, wrt);
    for (size_t k = 0; k < slots.size(); ++k) out[slots[k]] = make_tuple_get(all, int(k));
    return out;
  };
}

}  // namespace

GradientFn lstm_layer_gradient() { return layer_gradient("lstm"); }
GradientFn gru_layer_gradient() { return layer_gradient("gru"); }
GradientFn rnn_layer_gradient() { return layer_gradient("rnn"); }

}  // namespace weft::vjp
