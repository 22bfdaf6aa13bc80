// FoldBatchNorm.cpp - folds an inference batch_norm into the constant weights of the conv, matmul or gemm before it.
//
// Note on the algebra. Inference batch_norm is y = p * a[c] + s[c] per channel c of dim 1,
// with a = scale / sqrt(var + epsilon) and s = bias - mean * a (as its kernel computes).
// When p is linear in a constant weight whose output channel is c, scaling that weight's
// channel-c slice by a[c] scales p's channel c, and the constant term joins the bias:
//   conv(x, w, b) * a + s         = conv(x, w * a, b * a + s)
//   matmul(x, w) * a + s          = gemm(x, w * a, s)              (2-D result: channel = column)
//   (alpha x@w + beta c) * a + s  = alpha x@(w * a) + (beta c a + s), beta 1
// a, s and the new constants are computed in double from the constants' values and
// rounded once to the dtype. The folded program rounds differently (the sum of products
// is scaled before rounding, not after), hence the `// rtol:` of the golden cases.
//
// Conditions: batch_norm's four parameters are constants of one channel each; the
// producer's result is used by the batch_norm alone (else both would be needed); its
// weight (and bias) are constants. The producer's let is then orphaned and removed.
#include "opt/FoldBatchNorm.h"

#include <cmath>
#include <unordered_map>

#include "ir/OpRegistry.h"
#include "opt/CallRewriter.h"
#include "opt/Pass.h"

namespace weft {

namespace {

// The per-channel affine map of a batch_norm: y = p * a + s.
struct ChannelAffine {
  std::vector<double> a, s;
};

class FoldRewriter;
using Folder = Expr (*)(FoldRewriter& rw, const CallNode* producer, const ChannelAffine& bn, const char* becomes);

struct ProducerRow {
  const char* op;
  Folder fold;
  const char* becomes;  // the op the folded call is (matmul gains a bias: gemm)
};

Expr fold_conv(FoldRewriter& rw, const CallNode* p, const ChannelAffine& bn, const char* becomes);
Expr fold_matmul(FoldRewriter& rw, const CallNode* p, const ChannelAffine& bn, const char* becomes);
Expr fold_gemm(FoldRewriter& rw, const CallNode* p, const ChannelAffine& bn, const char* becomes);

// The patterns, by op name: the only place this pass names operators.
constexpr const char* kBatchNorm = "batch_norm";
const ProducerRow kProducers[] = {
    {"conv", fold_conv, "conv"},
    {"matmul", fold_matmul, "gemm"},
    {"gemm", fold_gemm, "gemm"},
};

const ProducerRow* producer_row(const OpDef* def) {
  static const std::unordered_map<const OpDef*, const ProducerRow*> rows = [] {
    std::unordered_map<const OpDef*, const ProducerRow*> m;
    for (const ProducerRow& r : kProducers) {
      const OpDef* def = OpRegistry::global().find(r.op);
      WEFT_ASSERT(def && OpRegistry::global().find(r.becomes), "fold-batch-norm names an op the registry lacks: " << r.op);
      m[def] = &r;
    }
    return m;
  }();
  auto it = rows.find(def);
  return it == rows.end() ? nullptr : it->second;
}

bool is_vector_of(const Tensor* t, int64_t n) { return t && t->rank() == 1 && t->dim(0) == n; }

// `w` with every element whose index along `axis` is c multiplied by a[c], in double,
// rounded once to w's dtype.
Tensor scale_along(const Tensor& w, int axis, const std::vector<double>& a) {
  Tensor out(DType::F64, w.shape());
  int64_t inner = 1;
  for (int d = axis + 1; d < w.rank(); ++d) inner *= w.dim(d);
  const int64_t n = w.dim(axis);
  for (int64_t i = 0; i < w.numel(); ++i) out.data<double>()[i] = w.as_double(i) * a[size_t((i / inner) % n)];
  return out.cast(w.dtype());
}

Tensor rounded(const std::vector<double>& v, std::vector<int64_t> shape, DType dtype) {
  return Tensor::from_vector(v, std::move(shape)).cast(dtype);
}

class FoldRewriter : public CallRewriter {
 protected:
  Expr rewrite_call(const CallNode* call) override {
    static const OpDef* batch_norm = OpRegistry::global().find(kBatchNorm);
    if (called_op(call) != batch_norm) return nullptr;
    const Expr& p = call->args[0];
    const CallNode* producer = as_op_call(value_of(p));
    const ProducerRow* row = producer ? producer_row(called_op(producer)) : nullptr;
    // The producer's value is needed as it is when anything else reads it.
    if (!row || (as<VarNode>(p) && uses_before(p) != 1)) return nullptr;
    auto pt = as_tensor(type_of(Expr(producer)));
    if (!pt || !pt->has_rank() || pt->rank() < 2 || !pt->shape[1].is_static()) return nullptr;
    const int64_t channels = pt->shape[1].value();
    const Tensor *scale = constant_of(call->args[1]), *bias = constant_of(call->args[2]);
    const Tensor *mean = constant_of(call->args[3]), *var = constant_of(call->args[4]);
    for (const Tensor* t : {scale, bias, mean, var})
      if (!is_vector_of(t, channels)) return nullptr;
    const double eps = call->attrs.get_float("epsilon");
    ChannelAffine bn;
    for (int64_t c = 0; c < channels; ++c) {
      bn.a.push_back(scale->as_double(c) / std::sqrt(var->as_double(c) + eps));
      bn.s.push_back(bias->as_double(c) - mean->as_double(c) * bn.a.back());
    }
    return row->fold(*this, producer, bn, row->becomes);
  }
};

Expr fold_conv(FoldRewriter& rw, const CallNode* p, const ChannelAffine& bn, const char* becomes) {
  const int64_t m = int64_t(bn.a.size());
  const Tensor* w = rw.constant_of(p->args[1]);
  if (!w || w->rank() < 3 || w->dim(0) != m) return nullptr;
  const Tensor* b = p->args.size() > 2 ? rw.constant_of(p->args[2]) : nullptr;
  if (p->args.size() > 2 && !is_vector_of(b, m)) return nullptr;
  std::vector<double> bias(static_cast<size_t>(m));
  for (int64_t c = 0; c < m; ++c) bias[size_t(c)] = (b ? b->as_double(c) : 0.0) * bn.a[size_t(c)] + bn.s[size_t(c)];
  return make_op_call(becomes, {p->args[0], make_constant(scale_along(*w, 0, bn.a)), make_constant(rounded(bias, {m}, w->dtype()))},
                      p->attrs, p->span);
}

Expr fold_matmul(FoldRewriter& rw, const CallNode* p, const ChannelAffine& bn, const char* becomes) {
  const int64_t n = int64_t(bn.a.size());
  const Tensor* w = rw.constant_of(p->args[1]);
  auto xt = as_tensor(type_of(p->args[0]));
  // gemm takes matrices: x [M, K] @ w [K, N], the channel being the column.
  if (!w || w->rank() != 2 || w->dim(1) != n || !xt || !xt->has_rank() || xt->rank() != 2) return nullptr;
  return make_op_call(becomes, {p->args[0], make_constant(scale_along(*w, 1, bn.a)), make_constant(rounded(bn.s, {n}, w->dtype()))},
                      Attrs{}, p->span);
}

Expr fold_gemm(FoldRewriter& rw, const CallNode* p, const ChannelAffine& bn, const char* becomes) {
  const int64_t n = int64_t(bn.a.size());
  const Tensor* w = rw.constant_of(p->args[1]);
  const bool trans_b = p->attrs.get_bool("trans_b");
  if (!w || w->rank() != 2 || w->dim(trans_b ? 0 : 1) != n) return nullptr;
  // c broadcasts to [M, N]: a scalar, [1] or [N], or [R, 1] or [R, N]; the folded c' is [N] or [R, N].
  const Tensor* c = p->args.size() > 2 ? rw.constant_of(p->args[2]) : nullptr;
  if (p->args.size() > 2 && (!c || c->rank() > 2 || (c->rank() > 0 && c->dim(-1) != 1 && c->dim(-1) != n))) return nullptr;
  const int64_t rows = c && c->rank() == 2 ? c->dim(0) : 1;
  const bool c_per_column = c && c->rank() > 0 && c->dim(-1) == n;
  const double beta = p->attrs.get_float("beta");
  std::vector<double> folded(size_t(rows * n));
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t j = 0; j < n; ++j) {
      const double old = c ? c->as_double(c->rank() == 2 ? r * c->dim(1) + (c_per_column ? j : 0) : (c_per_column ? j : 0)) : 0.0;
      folded[size_t(r * n + j)] = beta * old * bn.a[size_t(j)] + bn.s[size_t(j)];
    }
  std::vector<int64_t> c_shape = c && c->rank() == 2 ? std::vector<int64_t>{rows, n} : std::vector<int64_t>{n};
  Attrs attrs = p->attrs;
  attrs.set("beta", 1.0);
  return make_op_call(becomes,
                      {p->args[0], make_constant(scale_along(*w, trans_b ? 0 : 1, bn.a)), make_constant(rounded(folded, c_shape, w->dtype()))},
                      attrs, p->span);
}

class FoldBatchNormPass : public Pass {
 public:
  const char* name() const override { return "fold-batch-norm"; }
  const char* summary() const override { return "fold an inference batch_norm into the constant weights of the conv, matmul or gemm before it"; }
  Module run(Module m, const PassContext&) const override { return fold_batch_norm(m); }
};

}  // namespace

Module fold_batch_norm(const Module& m) {
  FoldRewriter rw;
  return rw.rewrite_module(m);
}

const Pass& fold_batch_norm_pass() {
  static const FoldBatchNormPass pass;
  return pass;
}

}  // namespace weft
