// SimplifyShapes.cpp - folds the static parts of shapes into constants, leaving what reads a symbolic dim.
//
// Note on partial shapes. A shape with symbolic dims is known in part: shape(x) for
// x: f32[n, 3, 4] is [?, 3, 4]. The pass gives each i64 expression it can follow a
// "partial value": a tensor whose unknown elements hold kUnknown, a value no dim can have
// (dims are >= 0, and constants holding it are not followed). Ops that only move elements
// (the table kRows: gather, slice, concat and the reshapes) run on partial values through
// their registry kernels, so their semantics (negative indices, clamped slice bounds,
// axes) are the registry's, and the unknown elements travel with the data: a result
// without kUnknown is fully known and becomes a constant. Only data operands may be
// partial; indices, bounds and target shapes must be fully known.
//
// shape(x)'s own partial value comes from the registry kernel too: run on a tensor whose
// dims are 0, 1, ..., rank-1 (no elements, so nothing is allocated), it returns the
// positions of the dims it reads given its start and end, which are then looked up in x's
// type. Values stay small (kMaxElements), so nothing large is ever computed or embedded.
#include "opt/SimplifyShapes.h"

#include <algorithm>
#include <optional>
#include <unordered_map>

#include "ir/OpRegistry.h"
#include "opt/CallRewriter.h"
#include "opt/Pass.h"

namespace weft {

namespace {

constexpr int64_t kUnknown = INT64_MIN + 7919;
constexpr int64_t kMaxElements = 64;

// How an op's partial value is found.
enum class Source {
  Dims,   // the dims of its argument it reads (shape)
  Count,  // the product of its argument's dims (size)
  Moves,  // its kernel, run on its operands' partial values
};

struct ShapeRow {
  const char* op;
  Source source;
  int data_args;  // Moves: operands 0..data_args-1 may be partial (-1: all of them)
};

// The patterns, by op name: the only place this pass names operators.
const ShapeRow kRows[] = {
    {"shape", Source::Dims, 0},      {"size", Source::Count, 0},      {"gather", Source::Moves, 1},
    {"slice", Source::Moves, 1},     {"concat", Source::Moves, -1},   {"squeeze", Source::Moves, 1},
    {"unsqueeze", Source::Moves, 1}, {"reshape", Source::Moves, 1},   {"flatten", Source::Moves, 1},
};

const ShapeRow* row_of(const OpDef* def) {
  static const std::unordered_map<const OpDef*, const ShapeRow*> rows = [] {
    std::unordered_map<const OpDef*, const ShapeRow*> m;
    for (const ShapeRow& r : kRows) {
      const OpDef* def = OpRegistry::global().find(r.op);
      WEFT_ASSERT(def, "simplify-shapes names an op the registry lacks: " << r.op);
      m[def] = &r;
    }
    return m;
  }();
  auto it = rows.find(def);
  return it == rows.end() ? nullptr : it->second;
}

bool fully_known(const Tensor& t) {
  for (int64_t i = 0; i < t.numel(); ++i)
    if (t.data<int64_t>()[i] == kUnknown) return false;
  return true;
}

// x's dims as far as its type knows them, kUnknown elsewhere; nullopt without a rank.
std::optional<std::vector<int64_t>> known_dims(const Expr& x) {
  auto t = as_tensor(type_of(x));
  if (!t || !t->has_rank()) return std::nullopt;
  std::vector<int64_t> dims;
  for (const Dim& d : t->shape) dims.push_back(d.is_static() ? d.value() : kUnknown);
  return dims;
}

class ShapeRewriter : public CallRewriter {
 protected:
  Expr rewrite_call(const CallNode* call) override {
    if (!row_of(called_op(call))) return nullptr;
    std::optional<Tensor> v = partial_of(Expr(call));
    if (!v || !fully_known(*v)) return nullptr;
    return make_constant(*v, call->span);
  }

 private:
  // The partial value of an i64 expression (see the Note), or nullopt.
  std::optional<Tensor> partial_of(const Expr& e) {
    Expr v = value_of(e);
    auto it = memo_.find(v);
    if (it != memo_.end()) return it->second;
    std::optional<Tensor> r = compute(v);
    if (r && (r->dtype() != DType::I64 || r->numel() > kMaxElements)) r.reset();
    memo_[v] = r;
    return r;
  }

  std::optional<Tensor> compute(const Expr& v) {
    if (auto c = as<ConstantNode>(v)) {
      if (c->value.dtype() != DType::I64 || c->value.numel() > kMaxElements || !fully_known(c->value)) return std::nullopt;
      return c->value;
    }
    const CallNode* call = as_op_call(v);
    const ShapeRow* row = call ? row_of(called_op(call)) : nullptr;
    if (!row) return std::nullopt;
    const OpDef* def = called_op(call);
    switch (row->source) {
      case Source::Dims: {
        std::optional<std::vector<int64_t>> dims = known_dims(call->args[0]);
        if (!dims) return std::nullopt;
        std::vector<int64_t> positions(dims->size());
        for (size_t i = 0; i < positions.size(); ++i) positions[i] = int64_t(i);
        Tensor probe(DType::U8, positions);  // its dims are its dims' positions; dim 0 is 0, so no elements
        Tensor picked = def->kernel({probe}, call->attrs)[0];
        std::vector<int64_t> out;
        for (int64_t p : picked.to_int_vector()) out.push_back((*dims)[size_t(p)]);
        return Tensor::from_vector(out, picked.shape());
      }
      case Source::Count: {
        std::optional<std::vector<int64_t>> dims = known_dims(call->args[0]);
        if (!dims || std::count(dims->begin(), dims->end(), kUnknown)) return std::nullopt;
        int64_t n = 1;
        for (int64_t d : *dims) n *= d;
        return Tensor::scalar<int64_t>(n);
      }
      case Source::Moves: {
        std::vector<Tensor> operands;
        for (size_t i = 0; i < call->args.size(); ++i) {
          std::optional<Tensor> a = partial_of(call->args[i]);
          const bool data = row->data_args < 0 || int(i) < row->data_args;
          if (!a || (!data && !fully_known(*a))) return std::nullopt;
          operands.push_back(*a);
        }
        try {
          return def->kernel(operands, call->attrs)[0];
        } catch (const RuntimeError&) {
          return std::nullopt;  // the call fails at run time: leave it to fail there
        }
      }
    }
    return std::nullopt;
  }

  // Keyed by node held (not by address): a call folded away may be freed, and its address reused.
  std::unordered_map<Expr, std::optional<Tensor>, RefHash> memo_;
};

class SimplifyShapesPass : public Pass {
 public:
  const char* name() const override { return "simplify-shapes"; }
  const char* summary() const override { return "fold shape(x), size(x) and the parts picked out of them into constants where the dims are static"; }
  Module run(Module m, const PassContext&) const override { return simplify_shapes(m); }
};

}  // namespace

Module simplify_shapes(const Module& m) {
  ShapeRewriter rw;
  return rw.rewrite_module(m);
}

const Pass& simplify_shapes_pass() {
  static const SimplifyShapesPass pass;
  return pass;
}

}  // namespace weft
