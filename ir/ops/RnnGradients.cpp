// RnnGradients.cpp - the gradient facets of the recurrent cells, from their torch definitions.
#include "ir/ops/RnnGradients.h"

#include "ir/ops/GradientHelpers.h"

namespace weft::vjp {
namespace {

Expr matmul(Expr a, Expr b) { return call("matmul", {std::move(a), std::move(b)}); }
Expr transposed(Expr w) { return call("transpose", {std::move(w)}, Attrs{{"perm", std::vector<int64_t>{1, 0}}}); }
Expr first_dim(Expr t, bool add) {
  return call(add ? "unsqueeze" : "squeeze", {std::move(t)}, Attrs{{"axes", std::vector<int64_t>{0}}});
}
// Gate k of a [B, G*H] tensor.
Expr gate(const Expr& t, int64_t k, int64_t h) { return call("slice", {t, ints({k * h}), ints({(k + 1) * h}), ints({-1})}); }
Expr joined(std::vector<Expr> parts) { return parts.size() == 1 ? parts[0] : call("concat", parts, Attrs{{"axis", int64_t(-1)}}); }
Expr one_minus(const Expr& t, DType d) { return sub(scalar(1, d), t); }
Expr sigmoid_slope(const Expr& s, DType d) { return mul(s, one_minus(s, d)); }
Expr tanh_slope(const Expr& t, DType d) { return one_minus(mul(t, t), d); }

// Whether argument i is a bias that takes part: given, and not of size zero.
bool bias_present(const GradientCall& c, size_t i) {
  if (i >= c.args.size() || !c.arg_types[i]) return false;
  const TensorTypeNode* t = as_tensor(c.arg_types[i]);
  return t && !(t->has_rank() && t->rank() == 1 && t->shape[0].is_static() && t->shape[0].value() == 0);
}

}  // namespace

// Cell arguments: x, states (h, and c for lstm), w_ih [G*H, I], w_hh [G*H, H], b_ih?, b_hh?;
// unbatched x [I] and states [H] take a batch of one here and drop it again.
GradientFn cell_gradient(int gates) {
  return [gates](const GradientCall& c) {
    const size_t states = gates == 4 ? 2 : 1, wi = 1 + states;
    std::vector<Expr> out(c.args.size());
    if (!is_float_type(c.arg_types[0])) return out;
    const DType d = elem_dtype(c.arg_types[0]);
    const TensorTypeNode& ht = tensor_of(c.arg_types[1]);
    const bool unbatched = ht.rank() == 1;
    const Dim hd = ht.shape.back();
    if (!hd.is_static()) throw CompileError(Msg() << "the gradient of a recurrent cell needs a static hidden size, found " << type_str(c.arg_types[1]));
    const int64_t h = hd.value();
    auto batched = [&](Expr t) { return unbatched ? first_dim(std::move(t), true) : t; };
    const Expr x = batched(c.args[0]), hp = batched(c.args[1]), &w_ih = c.args[wi], &w_hh = c.args[wi + 1];
    Expr gx = matmul(x, transposed(w_ih)), gh = matmul(hp, transposed(w_hh));
    if (bias_present(c, wi + 2)) gx = add(gx, c.args[wi + 2]);
    if (bias_present(c, wi + 3)) gh = add(gh, c.args[wi + 3]);
    Expr dgx, dgh, dh_direct, dc;  // the cotangents of the gate pre-activations, of h and c
    if (gates == 4) {
      Expr dh_out = batched(make_tuple_get(c.cotangent, 0)), dc_out = batched(make_tuple_get(c.cotangent, 1));
      Expr cp = batched(c.args[2]), a = add(gx, gh);
      Expr i = call("sigmoid", {gate(a, 0, h)}), f = call("sigmoid", {gate(a, 1, h)});
      Expr g = call("tanh", {gate(a, 2, h)}), o = call("sigmoid", {gate(a, 3, h)});
      Expr tc = call("tanh", {add(mul(f, cp), mul(i, g))});
      Expr dct = add(dc_out, mul(mul(dh_out, o), tanh_slope(tc, d)));
      dgx = joined({mul(mul(dct, g), sigmoid_slope(i, d)), mul(mul(dct, cp), sigmoid_slope(f, d)), mul(mul(dct, i), tanh_slope(g, d)),
                    mul(mul(dh_out, tc), sigmoid_slope(o, d))});
      dgh = dgx;
      dc = mul(dct, f);
    } else if (gates == 3) {
      Expr dh_out = batched(c.cotangent);
      Expr r = call("sigmoid", {add(gate(gx, 0, h), gate(gh, 0, h))}), z = call("sigmoid", {add(gate(gx, 1, h), gate(gh, 1, h))});
      Expr ghn = gate(gh, 2, h), n = call("tanh", {add(gate(gx, 2, h), mul(r, ghn))});
      Expr dan = mul(mul(dh_out, one_minus(z, d)), tanh_slope(n, d));
      Expr dar = mul(mul(dan, ghn), sigmoid_slope(r, d)), daz = mul(mul(dh_out, sub(hp, n)), sigmoid_slope(z, d));
      dgx = joined({dar, daz, dan});
      dgh = joined({dar, daz, mul(dan, r)});
      dh_direct = mul(dh_out, z);
    } else {
      Expr dh_out = batched(c.cotangent), y = batched(c.result);
      const bool relu = c.attrs->get_string("nonlinearity") == "relu";
      Expr slope = relu ? call("cast", {call("greater", {y, scalar(0, d)})}, Attrs{{"to", d}}) : tanh_slope(y, d);
      dgx = dgh = mul(dh_out, slope);
    }
    auto unbatch = [&](Expr t) { return unbatched ? first_dim(std::move(t), false) : t; };
    const Attrs over_batch{{"axes", std::vector<int64_t>{0}}, {"keepdims", false}};
    out[0] = unbatch(matmul(dgx, w_ih));
    Expr dh = matmul(dgh, w_hh);
    out[1] = unbatch(dh_direct ? add(dh, dh_direct) : dh);
    if (dc) out[2] = unbatch(dc);
    out[wi] = matmul(transposed(dgx), x);
    out[wi + 1] = matmul(transposed(dgh), hp);
    if (bias_present(c, wi + 2)) out[wi + 2] = call("reduce_sum", {dgx}, over_batch);
    if (bias_present(c, wi + 3)) out[wi + 3] = call("reduce_sum", {dgh}, over_batch);
    return out;
  };
}

}  // namespace weft::vjp
