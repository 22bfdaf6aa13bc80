// GraphControlFlow.cpp - prim::If -> if, prim::Loop -> tail-recursive global functions, and @main.
#include "importers/torchscript/GraphTranslator.h"

namespace weft::ts {

using torch::jit::Node;
using torch::jit::Value;

namespace {

// Replaces every non-constant expression inside `v` with a fresh parameter of the same
// type (lambda lifting), collecting the parameters and the outer expressions they stand for.
TsVal lift(const TsVal& v, std::vector<Var>& params, std::vector<Expr>& args) {
  TsVal r = v;
  if (v.v.e && !as<ConstantNode>(v.v.e) && !as<GlobalVarNode>(v.v.e)) {
    Var p = make_var("c", concrete(v.v.t));
    params.push_back(p);
    args.push_back(v.v.e);
    r.v.e = p;
  }
  for (auto& e : r.elems) e = lift(e, params, args);
  return r;
}

bool same_types(const std::vector<Type>& a, const std::vector<Type>& b) {
  for (size_t i = 0; i < a.size(); ++i)
    if (!type_equal(a[i], b[i])) return false;
  return true;
}

}  // namespace

void GraphTranslator::translate_if(Node* n) {
  Span span = span_of(n);
  TsVal cond = env(n->input(0), span);  // a copy: env_ is reassigned below
  if (auto c = cond.constant()) {  // decided at import time: only the branch taken
    auto* blk = n->blocks()[c->as_int() ? 0 : 1];
    translate_nodes(blk);
    for (size_t i = 0; i < n->outputs().size(); ++i) env_[n->output(i)] = env(blk->outputs()[i], span);
    return;
  }
  std::vector<Value*> mutated = mutated_outer(n->blocks()[0]);
  for (Value* v : mutated_outer(n->blocks()[1]))
    if (std::find(mutated.begin(), mutated.end(), v) == mutated.end()) mutated.push_back(v);
  std::vector<TsVal> protos;
  for (Value* v : n->outputs()) protos.push_back(proto_of(v->type()));
  for (Value* v : mutated) protos.push_back(env(v, span));
  for (size_t i = n->outputs().size(); i < protos.size(); ++i)
    if (protos[i].is_static && protos[i].kind == Kind::List) protos[i].is_static = false;

  ts::Block branch[2];
  std::vector<TExpr> outs[2];
  auto saved_env = env_;
  auto saved_views = views_;
  ts::Block* outer = block_;
  for (int k = 0; k < 2; ++k) {
    block_ = &branch[k];
    auto* blk = n->blocks()[size_t(k)];
    translate_nodes(blk);
    for (size_t i = 0; i < protos.size(); ++i) {
      const TsVal& v = i < n->outputs().size() ? env(blk->outputs()[i], span) : env(mutated[i - n->outputs().size()], span);
      outs[k].push_back(materialize_as(branch[k], v, protos[i], span));
    }
    env_ = saved_env;
    views_ = saved_views;
  }
  block_ = outer;
  std::vector<Type> types;
  for (size_t i = 0; i < protos.size(); ++i) {
    Type j = join_types(outs[0][i].t, outs[1][i].t);
    if (!j) throw CompileError(span, Msg() << "if: output " << i << " is " << type_str(outs[0][i].t) << " in one branch and " << type_str(outs[1][i].t) << " in the other");
    for (int k = 0; k < 2; ++k)
      if (!outs[k][i].e) {
        Type widened;
        outs[k][i] = default_value(j, &widened);
        j = join_types(j, widened);
      }
    types.push_back(j);
  }
  Expr arm[2];
  for (int k = 0; k < 2; ++k) {
    std::vector<Expr> f;
    for (auto& o : outs[k]) f.push_back(o.e);
    arm[k] = branch[k].finish(make_tuple(f, span));
  }
  TExpr r = block_->bind({make_if(cond.v.e, arm[0], arm[1], span), tuple_type(types)}, "if");
  for (size_t i = 0; i < protos.size(); ++i) {
    TsVal v = ir_.unmaterialize(*block_, ir_.tuple_get(*block_, r, int(i)), protos[i]);
    if (i < n->outputs().size()) env_[n->output(i)] = v;
    else env_[mutated[i - n->outputs().size()]] = v;
  }
}

void GraphTranslator::translate_loop(Node* n) {
  Span span = span_of(n);
  auto* body = n->blocks()[0];
  size_t n_carried = n->outputs().size();
  TExpr max_trip = env(n->input(0), span).v;
  TExpr cond0 = env(n->input(1), span).v;
  std::vector<Value*> mutated = mutated_outer(body);
  std::vector<TsVal> protos;
  std::vector<TsVal> init;
  for (size_t i = 0; i < n_carried; ++i) {
    protos.push_back(proto_of(n->output(i)->type()));
    init.push_back(env(n->input(2 + i), span));
  }
  for (Value* v : mutated) {
    TsVal p = env(v, span);
    if (p.kind == Kind::List) p.is_static = false;
    protos.push_back(p);
    init.push_back(env(v, span));
  }
  std::vector<TExpr> init_m;
  std::vector<Type> types;
  for (size_t i = 0; i < init.size(); ++i) {
    init_m.push_back(materialize_as(*block_, init[i], protos[i], span));
    types.push_back(init_m.back().t);
  }
  std::vector<bool> uninit;
  for (auto& m : init_m) uninit.push_back(!m.e);  // given a default value once the body types it
  std::vector<Value*> caps;
  for (Value* v : captured(body))
    if (std::find(mutated.begin(), mutated.end(), v) == mutated.end()) caps.push_back(v);

  std::string name = ir_.fresh_name("loop");
  GlobalVar self = make_global_var(name, span);
  auto saved_env = env_;
  auto saved_views = views_;
  ts::Block* outer = block_;
  std::vector<Expr> cap_args;
  for (int attempt = 0;; ++attempt) {
    size_t mark = ir_.checkpoint();
    env_ = saved_env;
    views_ = saved_views;
    Type i64 = scalar_type(DType::I64);
    Var iv = make_var("i", i64), nv = make_var("n", i64), cv = make_var("cond", scalar_type(DType::Bool));
    std::vector<Var> params{iv, nv, cv};
    std::vector<Var> state;
    for (size_t i = 0; i < types.size(); ++i) state.push_back(make_var("s", concrete(types[i])));
    params.insert(params.end(), state.begin(), state.end());
    std::vector<Var> cap_params;
    cap_args.clear();
    for (Value* v : caps) env_[v] = lift(saved_env.at(v), cap_params, cap_args);
    params.insert(params.end(), cap_params.begin(), cap_params.end());
    ts::Block bb;
    block_ = &bb;
    env_[body->inputs()[0]] = TsVal::make(Kind::Int, {iv, i64});
    for (size_t i = 0; i < types.size(); ++i) {
      TsVal v = ir_.unmaterialize(bb, {state[i], types[i]}, protos[i]);
      if (i < n_carried) env_[body->inputs()[1 + i]] = v;
      else env_[mutated[i - n_carried]] = v;
    }
    translate_nodes(body);
    TExpr next_cond = env(body->outputs()[0], span).v;
    std::vector<TExpr> next;
    std::vector<Type> joined;
    for (size_t i = 0; i < types.size(); ++i) {
      const TsVal& v = i < n_carried ? env(body->outputs()[1 + i], span) : env(mutated[i - n_carried], span);
      TExpr m = materialize_as(bb, v, protos[i], span);
      if (!m.e) m = default_value(types[i], nullptr);
      Type j = join_types(types[i], m.t);
      if (!j) throw CompileError(span, Msg() << "loop: carried value " << i << " starts as " << type_str(types[i]) << " and becomes " << type_str(m.t));
      if (uninit[i]) default_value(j, &j);  // a zero-size default must fit the parameter
      next.push_back(m);
      joined.push_back(j);
    }
    block_ = outer;
    if (!same_types(joined, types) && attempt < 8) {
      types = joined;
      ir_.rollback(mark);
      continue;
    }
    std::vector<Type> ret_fields;
    std::vector<Expr> state_exprs;
    for (size_t i = 0; i < types.size(); ++i) {
      ret_fields.push_back(concrete(types[i]));
      state_exprs.push_back(state[i]);
    }
    std::vector<Expr> rec_args{make_op_call("add", {iv, make_constant(Tensor::scalar<int64_t>(1))}), nv, next_cond.e};
    for (auto& x : next) rec_args.push_back(x.e);
    for (auto& p : cap_params) rec_args.push_back(p);
    Expr go = make_op_call("logical_and", {cv, make_op_call("less", {iv, nv})});
    Expr fbody = make_if(go, bb.finish(make_call(self, rec_args, span)), make_tuple(state_exprs), span);
    ir_.add_function(name, make_function(params, tuple_type(ret_fields), fbody, {}, span));
    break;
  }
  env_ = saved_env;
  views_ = saved_views;
  for (size_t i = 0; i < init_m.size(); ++i)
    if (uninit[i]) init_m[i] = default_value(types[i], nullptr);
  std::vector<Expr> args{ir_.op(*block_, "cast", {max_trip}, Attrs{{"to", DType::I64}}, span).e, make_constant(Tensor::scalar<int64_t>(0)), cond0.e};
  std::swap(args[0], args[1]);  // (i = 0, n = max_trip, cond)
  for (auto& x : init_m) args.push_back(x.e);
  args.insert(args.end(), cap_args.begin(), cap_args.end());
  TExpr r = block_->bind({make_call(self, args, span), tuple_type(types)}, "loop");
  for (size_t i = 0; i < types.size(); ++i) {
    TsVal v = ir_.unmaterialize(*block_, ir_.tuple_get(*block_, r, int(i)), protos[i]);
    if (i < n_carried) env_[n->output(i)] = v;
    else env_[mutated[i - n_carried]] = v;
  }
}

Function GraphTranslator::translate_main(const std::shared_ptr<torch::jit::Graph>& g, const std::vector<Type>& input_types,
                                         const std::vector<Var>& extra_params) {
  ts::Block b;
  block_ = &b;
  main_block_ = &b;
  std::vector<Var> params;
  auto inputs = g->inputs();
  for (size_t i = 0; i < inputs.size(); ++i) {
    Value* v = inputs[i];
    if (i == 0 && v->type()->kind() == c10::TypeKind::ClassType) {
      env_[v] = TsVal();
      env_[v].str = "self";  // the module: a path for prim::GetAttr
      continue;
    }
    size_t k = params.size();
    std::string nm = v->debugName();
    if (auto dot = nm.find('.'); dot != std::string::npos) nm = nm.substr(0, dot);
    Type t = k < input_types.size() ? input_types[k] : nullptr;
    if (!t) throw CompileError(Span{nm}, "forward argument '" + nm + "' has no weft type");
    Var p = make_var(nm, t);
    params.push_back(p);
    env_[v] = ir_.unmaterialize(b, {p, t}, proto_of(v->type()));
  }
  params.insert(params.end(), extra_params.begin(), extra_params.end());
  translate_nodes(g->block());
  Span span{"forward result"};
  TExpr r = materialize_as(b, env(g->outputs()[0], span), proto_of(g->outputs()[0]->type()), span);
  if (!r.e) throw CompileError(span, "forward returns an uninitialized value");
  return make_function(params, nullptr, b.finish(r.e));
}

}  // namespace weft::ts
