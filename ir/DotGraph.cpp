// DotGraph.cpp - the module printed as DOT: one cluster per function, branches and clauses as nested clusters, data edges.
#include "ir/DotGraph.h"

#include <map>
#include <sstream>
#include <vector>

#include "ir/Expr.h"
#include "ir/OpRegistry.h"
#include "ir/Type.h"

namespace weft {
namespace {

// A DOT string literal: quotes and backslashes escaped, a newline as DOT's centred line break.
std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

class DotWriter {
 public:
  explicit DotWriter(const Module& m) : module_(m) {}

  std::string write() {
    out_ << "digraph weft {\n  compound=true;\n  rankdir=TB;\n  node [fontname=\"Helvetica\", fontsize=10];\n"
         << "  edge [fontname=\"Helvetica\", fontsize=9];\n";
    for (const std::string& name : module_.function_names()) {
      entry_[name] = "fn_" + std::to_string(entry_.size());
    }
    for (const std::string& name : module_.function_names()) global_function(name, module_.function(name));
    for (const std::string& e : edges_) out_ << "  " << e << "\n";
    out_ << "}\n";
    return out_.str();
  }

 private:
  std::string fresh() { return "n" + std::to_string(next_++); }

  static std::string type_line(const Expr& e) { return e->checked_type ? "\n" + type_str(e->checked_type) : ""; }

  std::string node(const std::string& label, const std::string& style) {
    const std::string id = fresh();
    out_ << "  " << id << " [label=" << quoted(label) << (style.empty() ? "" : ", " + style) << "];\n";
    return id;
  }
  void edge(const std::string& from, const std::string& to, const std::string& style = "") {
    edges_.push_back(from + " -> " + to + (style.empty() ? "" : " [" + style + "]") + ";");
  }
  // Opens a cluster; close() ends it.
  void open(const std::string& label, const std::string& style) {
    out_ << "subgraph cluster_" << clusters_++ << " {\n  label=" << quoted(label) << ";\n  " << style << "\n";
  }
  void close() { out_ << "}\n"; }

  void global_function(const std::string& name, const Function& fn) {
    current_ = name;
    open("@" + name, "style=rounded; color=gray40;");
    // The cluster's entry: where calls of this function point.
    out_ << "  " << entry_[name] << " [label=" << quoted("@" + name) << ", shape=plaintext];\n";
    for (const Var& p : fn->params) bind(p, entry_[name]);
    const std::string result = expr(fn->body);
    const std::string ret = node("return" + type_line(fn->body), "shape=box, style=rounded, peripheries=2");
    edge(result, ret);
    close();
  }

  // A parameter or pattern variable gets its own node, fed from `from`.
  void bind(const Var& v, const std::string& from) {
    const std::string id = node("%" + v->name_hint + (v->annotation ? "\n" + type_str(v->annotation) : type_line(Expr(v))),
                                "shape=ellipse");
    edge(from, id, "style=dotted, arrowhead=none");
    vars_[v.get()] = id;
  }

  void pattern(const Pattern& p, const std::string& from) {
    if (!p) return;
    if (p->kind == PatternKind::Var) bind(p->var, from);
    for (const Pattern& s : p->sub) pattern(s, from);
  }

  // Draws `e` (once, if shared) and returns the id of the node holding its value.
  std::string expr(const Expr& e) {
    // Let chains are walked in a loop: models have them thousands long.
    Expr at = e;
    while (auto* let = as<LetNode>(at)) {
      vars_[let->var.get()] = expr(let->value);
      at = let->body;
    }
    if (auto done = drawn_.find(at.get()); done != drawn_.end()) return done->second;
    const std::string id = draw(at);
    drawn_[at.get()] = id;
    return id;
  }

  std::string draw(const Expr& e) {
    switch (e->kind) {
      case ExprKind::Var: {
        auto found = vars_.find(e.get());
        return found != vars_.end() ? found->second : node("%" + as<VarNode>(e)->name_hint + " (free)", "shape=ellipse, style=dashed");
      }
      case ExprKind::GlobalVar: {
        const std::string id = node("@" + as<GlobalVarNode>(e)->name, "shape=box, style=dashed");
        link_global(as<GlobalVarNode>(e)->name, id, false);
        return id;
      }
      case ExprKind::Constant: {
        const Tensor& t = as<ConstantNode>(e)->value;
        std::string shape;
        for (int64_t d : t.shape()) shape += (shape.empty() ? "" : ", ") + std::to_string(d);
        return node(std::string("const ") + dtype_name(t.dtype()) + "[" + shape + "]", "shape=note, fontsize=8, color=gray50");
      }
      case ExprKind::Tuple: {
        const std::string id = node("tuple" + type_line(e), "shape=box, style=rounded");
        for (const Expr& f : as<TupleNode>(e)->fields) edge(expr(f), id);
        return id;
      }
      case ExprKind::TupleGet: {
        const auto* g = as<TupleGetNode>(e);
        const std::string id = node("." + std::to_string(g->index) + type_line(e), "shape=box, style=rounded");
        edge(expr(g->tuple), id);
        return id;
      }
      case ExprKind::If: return draw_if(*as<IfNode>(e), e);
      case ExprKind::Match: return draw_match(*as<MatchNode>(e), e);
      case ExprKind::Function: {
        const auto* fn = as<FunctionNode>(e);
        const std::string id = node("closure" + type_line(e), "shape=component");
        open("fn", "style=dashed; color=gray60;");
        const std::string entry = node("fn", "shape=plaintext");
        for (const Var& p : fn->params) bind(p, entry);
        const std::string result = expr(fn->body);
        const std::string ret = node("return", "shape=circle");
        edge(result, ret);
        close();
        edge(ret, id, "style=dashed");
        return id;
      }
      case ExprKind::Call: return draw_call(*as<CallNode>(e), e);
      case ExprKind::RefNew: {
        const std::string id = node("ref" + type_line(e), "shape=cylinder");
        edge(expr(as<RefNewNode>(e)->value), id);
        return id;
      }
      case ExprKind::RefRead: {
        const std::string id = node("!" + type_line(e), "shape=box");
        edge(expr(as<RefReadNode>(e)->ref), id);
        return id;
      }
      case ExprKind::RefWrite: {
        const auto* w = as<RefWriteNode>(e);
        const std::string id = node(":=", "shape=box");
        edge(expr(w->ref), id);
        edge(expr(w->value), id);
        return id;
      }
      case ExprKind::Op: return node(as<OpNode>(e)->name(), "shape=box, style=dashed");
      case ExprKind::Constructor: return node(as<ConstructorNode>(e)->name, "shape=box, style=dashed");
      case ExprKind::Let: return expr(e);  // unreachable: expr() walks lets
    }
    return node("?", "");
  }

  std::string draw_call(const CallNode& call, const Expr& e) {
    std::string id;
    if (auto* op = as<OpNode>(call.callee)) {
      id = node(op->name() + type_line(e), "shape=box, style=filled, fillcolor=\"#e8f0fe\"");
    } else if (auto* ctor = as<ConstructorNode>(call.callee)) {
      id = node(ctor->name + type_line(e), "shape=box, style=rounded");
    } else if (auto* global = as<GlobalVarNode>(call.callee)) {
      id = node("call @" + global->name + type_line(e), "shape=box, style=bold");
      link_global(global->name, id, global->name == current_);
    } else {
      id = node("call" + type_line(e), "shape=box, style=bold");
      edge(expr(call.callee), id, "style=dashed, label=\"callee\"");
    }
    for (const Expr& a : call.args) edge(expr(a), id);
    return id;
  }

  // A dashed edge from a call site to the called function's cluster; `loop` for self calls.
  void link_global(const std::string& name, const std::string& site, bool self) {
    auto target = entry_.find(name);
    if (target == entry_.end()) return;
    edge(site, target->second, std::string("style=dashed, color=gray40") + (self ? ", label=\"loop\", constraint=false" : ""));
  }

  std::string draw_if(const IfNode& branch, const Expr& e) {
    const std::string cond = expr(branch.cond);
    const std::string test = node("if", "shape=diamond");
    edge(cond, test);
    const std::string join = node("if result" + type_line(e), "shape=invtriangle");
    for (const auto& [label, body] : {std::pair<const char*, const Expr*>{"then", &branch.then_branch}, {"else", &branch.else_branch}}) {
      open(label, "style=dotted; color=gray50;");
      const std::string result = expr(*body);
      close();
      edge(test, result, std::string("style=dotted, label=\"") + label + "\"");
      edge(result, join);
    }
    return join;
  }

  std::string draw_match(const MatchNode& match, const Expr& e) {
    const std::string scrutinee = expr(match.scrutinee);
    const std::string test = node("match", "shape=diamond");
    edge(scrutinee, test);
    const std::string join = node("match result" + type_line(e), "shape=invtriangle");
    for (size_t i = 0; i < match.clauses.size(); ++i) {
      open("clause " + std::to_string(i), "style=dotted; color=gray50;");
      pattern(match.clauses[i].pattern, test);
      const std::string result = expr(match.clauses[i].body);
      close();
      edge(result, join);
    }
    return join;
  }

  const Module& module_;
  std::ostringstream out_;
  std::vector<std::string> edges_;
  std::map<std::string, std::string> entry_;           // function name -> its cluster's entry node
  std::map<const ExprNode*, std::string> vars_;        // bound variable -> the node holding its value
  std::map<const ExprNode*, std::string> drawn_;       // expression -> its node (shared ones drawn once)
  std::string current_;
  int next_ = 0, clusters_ = 0;
};

}  // namespace

std::string module_to_dot(const Module& m) { return DotWriter(m).write(); }

}  // namespace weft
