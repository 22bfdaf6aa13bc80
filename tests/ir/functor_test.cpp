// functor_test.cpp - ExprFunctor dispatch, ExprVisitor, ExprMutator and rewrite_with.
#include <gtest/gtest.h>

#include <set>

#include "ir/DeepStack.h"
#include "ir/ExprFunctor.h"
#include "ir/Parser.h"
#include "ir/Printer.h"
#include "ir/StructuralEqual.h"

namespace weft {
namespace {

Expr f32(float v) { return make_constant(Tensor::scalar<float>(v)); }
float value_of(const Expr& e) { return float(as<ConstantNode>(e)->value.as_double()); }

// A module touching every node kind but Op calls (which depend on registered operators).
const char* kEveryKind = R"(
type Tree[T] {
  Leaf(T),
  Node(Tree[T], Tree[T]),
}

def @main(%t: Tree[f32[]], %c: bool[]) -> (f32[], Option[f32[]]) {
  let %r = ref_new(1f32);
  let %v = match (%t) {
    Leaf(%x) => %x,
    Node(Leaf(%y), _) => if (%c) { %y } else { 2f32 },
    _ => {
      let %f = fn[A] (%a: A) -> A { %a };
      %f(3f32)
    },
  };
  let %_ = ref_write(%r, %v);
  let %p = (ref_read(%r), Some(%v));
  (%p.0, %p.1)
}
)";

// Replaces the f32 constant 2 by 20.
struct ReplaceTwo : ExprMutator {
  Expr visit_(const ConstantNode* c) override {
    return c->value.dtype() == DType::F32 && c->value.as_double() == 2 ? f32(20) : Expr(c);
  }
};

// ---- dispatch ----

// Nesting depth of tuples, with the depth so far passed as an extra argument.
struct TupleDepth : ExprFunctor<int(const Expr&, int)> {
  int visit_(const TupleNode* t, int depth) override {
    int deepest = depth + 1;
    for (auto& f : t->fields) deepest = std::max(deepest, visit(f, depth + 1));
    return deepest;
  }
  int visit_(const ConstantNode*, int depth) override { return depth; }
};

TEST(ExprFunctor, DispatchesOnKindWithExtraArguments) {
  TupleDepth depth;
  EXPECT_EQ(depth.visit(make_tuple({f32(1), make_tuple({make_tuple({f32(2)})})}), 0), 3);
  EXPECT_EQ(depth.visit(f32(1), 5), 5);
  // A kind the functor does not handle is our bug, reported as such.
  EXPECT_THROW(depth.visit(make_ref_new(f32(1)), 0), InternalError);
}

// ---- ExprVisitor ----

// Counts distinct nodes by kind. The inner lets of a chain do not pass through visit():
// the visitor walks chains in a loop and hands each binding to visit_let_binding.
struct KindCounter : ExprVisitor {
  std::map<ExprKind, int> counts;
  void visit(const Expr& e) override {
    if (seen.insert(e.get()).second && e->kind != ExprKind::Let) counts[e->kind]++;
    ExprVisitor::visit(e);
  }
  void visit_let_binding(const LetNode* let) override {
    counts[ExprKind::Let]++;
    ExprVisitor::visit_let_binding(let);
  }
  std::set<const ExprNode*> seen;
};

TEST(ExprFunctorVisitor, VisitsSharedNodesOnce) {
  Expr c = f32(1);
  Expr pair = make_tuple({c, c});
  Expr root = make_tuple({pair, pair, make_tuple_get(pair, 0)});
  struct Counter : ExprVisitor {
    int constants = 0, tuples = 0;
    void visit_(const ConstantNode*) override { ++constants; }
    void visit_(const TupleNode* t) override {
      ++tuples;
      ExprVisitor::visit_(t);
    }
  } counter;
  counter.visit(root);
  EXPECT_EQ(counter.constants, 1);
  EXPECT_EQ(counter.tuples, 2);
}

TEST(ExprFunctorVisitor, ReachesEveryKindIncludingPatternVariables) {
  Module m = parse_module(kEveryKind, "every_kind.weft");
  struct VarCollector : ExprVisitor {
    std::set<std::string> names;
    void visit_(const VarNode* v) override { names.insert(v->name_hint); }
  } vars;
  vars.visit(m.main());
  EXPECT_EQ(vars.names, (std::set<std::string>{"t", "c", "r", "v", "x", "y", "f", "a", "_", "p"}));
  KindCounter kinds;
  kinds.visit(m.main());
  for (ExprKind k : {ExprKind::Var, ExprKind::Constant, ExprKind::Tuple, ExprKind::TupleGet, ExprKind::Let, ExprKind::If,
                     ExprKind::Function, ExprKind::Call, ExprKind::Constructor, ExprKind::Match, ExprKind::RefNew,
                     ExprKind::RefRead, ExprKind::RefWrite})
    EXPECT_GT(kinds.counts[k], 0) << expr_kind_name(k);
}

// A let-chain of n bindings `let %x_i = (%x_{i-1},)`, built without the parser.
Expr long_let_chain(int n, Expr result_last = nullptr) {
  std::vector<Var> vars{make_var("x0")};
  std::vector<Expr> values{f32(0)};
  for (int i = 1; i < n; ++i) {
    vars.push_back(make_var("x"));
    values.push_back(make_tuple({vars[size_t(i) - 1]}));
  }
  Expr body = result_last ? result_last : Expr(vars.back());
  for (int i = n - 1; i >= 0; --i) body = make_let(vars[size_t(i)], values[size_t(i)], body);
  return body;
}

TEST(ExprFunctorVisitor, WalksHundredThousandLetChainOnAnOrdinaryStack) {
  const int n = 100000;
  Expr chain = long_let_chain(n);
  KindCounter kinds;
  kinds.visit(chain);  // on this thread's stack: the chain must be walked in a loop
  EXPECT_EQ(kinds.counts[ExprKind::Let], n);
  EXPECT_EQ(kinds.counts[ExprKind::Var], n);
  EXPECT_EQ(kinds.counts[ExprKind::Tuple], n - 1);
}

TEST(ExprFunctorVisitor, DeepNestingRunsUnderWithDeepStack) {
  // Nesting other than let-chains recurses; passes run such programs on the deep stack.
  const int n = 100000;
  Expr e = f32(2);
  for (int i = 0; i < n; ++i) e = make_tuple({e});
  KindCounter kinds;
  with_deep_stack([&] { kinds.visit(e); });
  EXPECT_EQ(kinds.counts[ExprKind::Tuple], n);
  Expr out = with_deep_stack([&] { return ReplaceTwo().mutate(e); });
  for (int i = 0; i < n; ++i) out = as<TupleNode>(out)->fields[0];
  EXPECT_EQ(value_of(out), 20.f);
}

// ---- ExprMutator ----

TEST(ExprFunctorMutator, IdentityReturnsTheSameNodes) {
  Module m = parse_module(kEveryKind, "every_kind.weft");
  ExprMutator identity;
  EXPECT_TRUE(identity.mutate(m.main()).same_as(m.main()));
}

TEST(ExprFunctorMutator, RebuildsOnlyThePathToAChange) {
  Expr left = make_tuple({f32(1), make_var("a")});
  Expr right = make_tuple({f32(2), f32(3)});
  Expr root = make_tuple({left, right});
  Expr out = ReplaceTwo().mutate(root);
  auto fields = as<TupleNode>(out)->fields;
  EXPECT_FALSE(out.same_as(root));
  EXPECT_TRUE(fields[0].same_as(left));
  EXPECT_FALSE(fields[1].same_as(right));
  EXPECT_TRUE(as<TupleNode>(fields[1])->fields[1].same_as(as<TupleNode>(right)->fields[1]));
  EXPECT_EQ(value_of(as<TupleNode>(fields[1])->fields[0]), 20.f);
}

TEST(ExprFunctorMutator, KeepsADagADag) {
  Expr shared = make_tuple({f32(2)});
  Expr out = ReplaceTwo().mutate(make_tuple({shared, shared}));
  auto fields = as<TupleNode>(out)->fields;
  EXPECT_FALSE(fields[0].same_as(shared));
  EXPECT_TRUE(fields[0].same_as(fields[1]));
}

// Gives every variable a fresh identity (and a new name): binders and uses must agree.
struct Freshen : ExprMutator {
  Expr visit_(const VarNode* v) override { return make_var(v->name_hint + "_new", v->annotation, v->span); }
};

struct VarSet : ExprVisitor {
  std::set<const ExprNode*> vars;
  void visit_(const VarNode* v) override { vars.insert(v); }
};

TEST(ExprFunctorMutator, RenamesBindersAndTheirUsesConsistently) {
  Module m = parse_module(kEveryKind, "every_kind.weft");
  Expr before = m.main();
  Expr after = Freshen().mutate(before);
  std::string why;
  EXPECT_TRUE(structural_equal(before, after, &why)) << why;
  VarSet old_vars, new_vars;
  old_vars.visit(before);
  new_vars.visit(after);
  EXPECT_EQ(new_vars.vars.size(), old_vars.vars.size());
  for (auto* v : new_vars.vars) EXPECT_EQ(old_vars.vars.count(v), 0u);
  std::string text = print_expr(after);
  EXPECT_NE(text.find("Node(Leaf(%y_new), _) => if (%c_new) { %y_new }"), std::string::npos) << text;
}

TEST(ExprFunctorMutator, MutateTypeReannotatesEveryOccurrence) {
  Module m = parse_module("def @main(%x: f32[2]) { let %y: f32[2] = %x; fn (%z: f32[2]) -> f32[2] { %y } }", "t.weft");
  struct ToF64 : ExprMutator {
    Type mutate_type(const Type& t) override {
      auto tt = as_tensor(t);
      return tt && tt->dtype == DType::F32 ? tensor_type(DType::F64, tt->shape) : t;
    }
  };
  Expr out = ToF64().mutate(m.main());
  EXPECT_EQ(print_expr(out), "fn (%x: f64[2]) {\n  let %y: f64[2] = %x;\n  fn (%z: f64[2]) -> f64[2] { %y }\n}\n");
}

TEST(ExprFunctorMutator, HundredThousandLetChainOnAnOrdinaryStack) {
  const int n = 100000;
  Expr chain = long_let_chain(n, f32(2));
  Expr out = ReplaceTwo().mutate(chain);
  int length = 0;
  Expr cur = out, old = chain;
  for (; as<LetNode>(cur); cur = as<LetNode>(cur)->body, old = as<LetNode>(old)->body) {
    ++length;
    EXPECT_TRUE(as<LetNode>(cur)->value.same_as(as<LetNode>(old)->value));
  }
  EXPECT_EQ(length, n);
  EXPECT_EQ(value_of(cur), 20.f);
  // Nothing to change: the very same chain comes back.
  EXPECT_TRUE(ExprMutator().mutate(chain).same_as(chain));
}

// ---- rewrite_with ----

TEST(ExprFunctorRewriteWith, OneOffRewritesInAFewLines) {
  Expr e = parse_expr("let %p = (1f32, 2f32); (%p.0, (5f32, 6f32).1)", Module());
  Expr out = rewrite_with(
      e,
      [](auto*, const ConstantNode* c) -> Expr { return f32(float(c->value.as_double()) * 10); },
      [](auto* self, const TupleGetNode* g) -> Expr {  // fold a projection of a tuple literal
        if (auto t = as<TupleNode>(g->tuple)) return self->mutate(t->fields[size_t(g->index)]);
        return self->mutate_default(g);
      });
  EXPECT_EQ(print_expr(out), "let %p = (10f32, 20f32);\n(%p.0, 60f32)\n");
}

TEST(ExprFunctorRewriteWith, LetLambdaSeesEveryLetOfAChain) {
  int lets = 0;
  Expr out = rewrite_with(long_let_chain(1000), [&](auto* self, const LetNode* let) -> Expr {
    ++lets;
    return self->mutate_default(let);
  });
  EXPECT_EQ(lets, 1000);
  EXPECT_TRUE(as<LetNode>(out) != nullptr);
}

TEST(ExprFunctorRewriteWith, RewritesOperatorCalls) {
  Module m = parse_module("def @main(%x: f32[]) { add(add(%x, 1f32), %x) }", "t.weft");
  Expr out = rewrite_with(m.main()->body, [](auto* self, const CallNode* call) -> Expr {
    if (called_op_name(Expr(call)) != "add") return self->mutate_default(call);
    return make_op_call("sub", {self->mutate(call->args[0]), self->mutate(call->args[1])}, {}, call->span);
  });
  EXPECT_EQ(print_expr(out), "sub(sub(%x, 1f32), %x)\n");
}

}  // namespace
}  // namespace weft
