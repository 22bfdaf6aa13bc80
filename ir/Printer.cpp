// Printer.cpp - writes modules and expressions in the weft text format.
#include "ir/Printer.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <set>
#include <unordered_map>

#include "ir/DeepStack.h"
#include "ir/Lexer.h"

namespace weft {

namespace {

// The shortest decimal text that reads back (through store_float_text) to the same bits.
std::string float_text(const Tensor& t, int64_t i) {
  double v = t.as_double(i);
  if (std::isnan(v)) return std::signbit(v) ? "-nan" : "nan";
  if (std::isinf(v)) return v < 0 ? "-inf" : "inf";
  char buf[64];
  if (t.dtype() == DType::F64 || t.dtype() == DType::F32) {  // shortest round trip, as strtod/strtof read it
    auto end = t.dtype() == DType::F64 ? std::to_chars(buf, buf + sizeof buf, v).ptr
                                       : std::to_chars(buf, buf + sizeof buf, float(v)).ptr;
    return std::string(buf, end);
  }
  // f16 and bf16 are read through f32: search for the fewest digits that survive that.
  // Values below 10^5 keep all their integer digits (`60`, not `6e+01`).
  size_t size = dtype_size(t.dtype());
  const char* want = static_cast<const char*>(t.raw()) + size_t(i) * size;
  Tensor probe(t.dtype(), {});
  std::snprintf(buf, sizeof buf, "%.16e", v);
  int exponent = std::atoi(std::strchr(buf, 'e') + 1);
  for (int precision = exponent >= 0 && exponent < 5 ? exponent + 1 : 1; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof buf, "%.*g", precision, v);
    store_float_text(probe, 0, buf);
    if (std::memcmp(probe.raw(), want, size) == 0) break;
  }
  return buf;
}

// Attribute values as the parser reads them; float ones exact and short, and always
// spelled as floats (`1.0`), though the parser would accept `1` for a float attribute.
std::string attr_text(const AttrValue& v) {
  auto float_attr = [](double d) {
    std::string s = float_text(Tensor::scalar<double>(d), 0);
    return s.find_first_of(".ena") == std::string::npos ? s + ".0" : s;
  };
  if (auto d = std::get_if<double>(&v)) return float_attr(*d);
  auto list = std::get_if<std::vector<double>>(&v);
  if (!list) return attr_value_str(v);
  std::string s = "[";
  for (size_t i = 0; i < list->size(); ++i) s += (i ? ", " : "") + float_attr((*list)[i]);
  return s + "]";
}

std::string element_text(const Tensor& t, int64_t i) {
  DType d = t.dtype();
  if (d == DType::Bool) return t.as_int(i) ? "true" : "false";
  if (is_float(d)) return float_text(t, i);
  if (d == DType::U64) return std::to_string(t.data<uint64_t>()[i]);
  return std::to_string(t.as_int(i));
}

// Names fit the lexer's name characters; anything else becomes '_'.
std::string sanitize_name(const std::string& hint, const char* fallback) {
  std::string s;
  for (char c : hint) s += std::isalnum(static_cast<unsigned char>(c)) || c == '_' ? c : '_';
  return s.empty() ? fallback : s;
}

// Hands out names unique within one scope (a def): `x`, `x_1`, `x_2`, ...
class NameTable {
 public:
  void reserve(const std::string& name) { used_.insert(name); }
  void release(const std::string& name) { used_.erase(name); }
  std::string fresh(const std::string& hint) {
    if (used_.insert(hint).second) return hint;
    int& next = next_suffix_[hint];
    std::string name;
    do name = hint + "_" + std::to_string(++next);
    while (!used_.insert(name).second);
    return name;
  }

 private:
  std::set<std::string> used_;
  std::map<std::string, int> next_suffix_;
};

class Printer {
 public:
  Printer(const PrintOptions& options, const Module* module) : opts_(options), module_(module) { reset_names(); }

  std::string take() { return std::move(out_); }
  void blank_line() { out_ += "\n"; }

  void type_decl(const TypeData& data) {
    reset_names();
    out_ += "type " + data.name;
    type_params(data.type_params);
    out_ += " {\n";
    for (auto& ctor : data.constructors) {
      out_ += "  " + ctor->name;
      if (!ctor->fields.empty()) {
        out_ += "(";
        types(ctor->fields);
        out_ += ")";
      }
      out_ += ",\n";
    }
    out_ += "}\n";
  }

  void def(const std::string& name, const Function& fn) {
    reset_names();
    out_ += "def @" + name;
    signature(fn, /*is_def=*/true);
    block(fn->body);
    out_ += "\n";
  }

  // Lets flat, one binding a line, then the result; every line at the current indent.
  void body(const Expr& e) {
    Expr cur = e;
    while (auto let = as<LetNode>(cur)) {
      new_line();
      out_ += "let " + local_name_text(bind(let->var.get()));
      Type shown = let->var->annotation;
      if (!shown && opts_.show_types && !as<ConstantNode>(let->value))
        shown = let->var->checked_type ? let->var->checked_type : let->value->checked_type;
      if (shown) {
        out_ += ": ";
        type(shown);
      }
      out_ += " = ";
      expr(let->value);
      out_ += ";\n";
      cur = let->body;
    }
    new_line();
    expr(cur);
    out_ += "\n";
  }

 private:
  void reset_names() {
    vars_ = NameTable();
    var_names_.clear();
    type_vars_ = NameTable();
    type_var_names_.clear();
    // A type parameter named like an ADT, a dtype or `fn` would read back as that.
    if (module_)
      for (auto& n : module_->type_names()) type_vars_.reserve(n);
    for (const char* word : {"Ref", "fn"}) type_vars_.reserve(word);
#define X(e, name, t) type_vars_.reserve(name);
    WEFT_FOR_EACH_DTYPE(X)
#undef X
  }

  // The name of a variable: given at its binding, or at first sight for a free variable.
  const std::string& bind(const VarNode* v) {
    auto it = var_names_.find(v);
    if (it != var_names_.end()) return it->second;
    // Kept as the model spells it (written `%"..."` when not plain), so interface names survive.
    return var_names_[v] = vars_.fresh(v->name_hint.empty() ? "v" : v->name_hint);
  }
  const std::string& bind(const TypeVarNode* tv) {
    auto it = type_var_names_.find(tv);
    if (it != type_var_names_.end()) return it->second;
    return type_var_names_[tv] = type_vars_.fresh(sanitize_name(tv->name, "T"));
  }

  void new_line() { out_.append(size_t(2 * indent_), ' '); }

  // `{`, the body indented, `}` on its own line.
  void block(const Expr& e) {
    out_ += "{\n";
    ++indent_;
    body(e);
    --indent_;
    new_line();
    out_ += "}";
  }

  // `{ e }` on one line when e prints on one line, else a block.
  void braced(const Expr& e) {
    if (!fits_braced_line(e)) return block(e);
    out_ += "{ ";
    expr(e);
    out_ += " }";
  }

  // Whether expr(e) writes no newline; mirrors expr(), memoized so that asking at every
  // level of a nesting stays linear.
  bool fits_line(const Expr& e) {
    auto known = one_line_.find(e.get());
    if (known != one_line_.end()) return known->second;
    auto all = [&](const std::vector<Expr>& es) {
      return std::all_of(es.begin(), es.end(), [&](const Expr& x) { return fits_line(x); });
    };
    bool fits = true;
    switch (e->kind) {
      case ExprKind::Let:
      case ExprKind::Match: fits = false; break;
      case ExprKind::Tuple: fits = all(as<TupleNode>(e)->fields); break;
      case ExprKind::TupleGet: fits = fits_line(as<TupleGetNode>(e)->tuple); break;
      case ExprKind::If: {
        auto node = as<IfNode>(e);
        fits = fits_line(node->cond) && fits_braced_line(node->then_branch) && fits_braced_line(node->else_branch);
        break;
      }
      case ExprKind::Function: fits = fits_braced_line(as<FunctionNode>(e)->body); break;
      case ExprKind::Call: fits = fits_line(as<CallNode>(e)->callee) && all(as<CallNode>(e)->args); break;
      case ExprKind::RefNew: fits = fits_line(as<RefNewNode>(e)->value); break;
      case ExprKind::RefRead: fits = fits_line(as<RefReadNode>(e)->ref); break;
      case ExprKind::RefWrite: fits = fits_line(as<RefWriteNode>(e)->ref) && fits_line(as<RefWriteNode>(e)->value); break;
      default: break;
    }
    return one_line_[e.get()] = fits;
  }
  bool fits_braced_line(const Expr& e) { return !as<LetNode>(e) && !as<IfNode>(e) && !as<MatchNode>(e) && fits_line(e); }

  // `[A, B]`. Returns the parameters named here, for a binder whose scope ends (a closure,
  // a function type) to release their names again: sibling scopes may then reuse `A`.
  std::vector<const TypeVarNode*> type_params(const std::vector<TypeVar>& params) {
    std::vector<const TypeVarNode*> named_here;
    if (params.empty()) return named_here;
    out_ += "[";
    for (size_t i = 0; i < params.size(); ++i) {
      if (!type_var_names_.count(params[i].get())) named_here.push_back(params[i].get());
      out_ += (i ? ", " : "") + bind(params[i].get());
    }
    out_ += "]";
    return named_here;
  }
  void release(const std::vector<const TypeVarNode*>& type_vars) {
    for (auto* tv : type_vars) {
      type_vars_.release(type_var_names_.at(tv));
      type_var_names_.erase(tv);
    }
  }

  // `[A](%x: T, ...) -> R ` of a def or a closure; returns the type parameters named.
  std::vector<const TypeVarNode*> signature(const Function& fn, bool is_def) {
    std::vector<const TypeVarNode*> named_here = type_params(fn->type_params);
    out_ += is_def ? "(" : " (";
    for (size_t i = 0; i < fn->params.size(); ++i) {
      const Var& p = fn->params[i];
      out_ += (i ? ", " : "") + local_name_text(bind(p.get()));
      Type t = p->annotation ? p->annotation : opts_.show_types ? p->checked_type : Type();
      if (t) {
        out_ += ": ";
        type(t);
      }
    }
    out_ += ") ";
    Type ret = fn->ret_type;
    if (!ret && opts_.show_types) {
      auto ft = as_func(fn->checked_type);
      ret = ft ? ft->ret : fn->body->checked_type;
    }
    if (ret) {
      out_ += "-> ";
      type(ret);
      out_ += " ";
    }
    if (!fn->attrs.empty()) {
      out_ += "attrs(";
      attr_list(fn->attrs, true);
      out_ += ") ";
    }
    return named_here;
  }

  // `name=value, ...` in name order (a std::map), after a ", " unless `first`.
  void attr_list(const Attrs& attrs, bool first) {
    for (auto& [name, value] : attrs.values()) {
      out_ += (first ? "" : ", ") + name + "=" + attr_text(value);
      first = false;
    }
  }

  void types(const std::vector<Type>& ts) {
    for (size_t i = 0; i < ts.size(); ++i) {
      if (i) out_ += ", ";
      type(ts[i]);
    }
  }

  void type(const Type& t) {
    if (!t) { out_ += "?"; return; }
    switch (t->kind) {
      case TypeKind::TensorType:
        out_ += tensor_type_str(*as_tensor(t));
        return;
      case TypeKind::TupleType:
        out_ += "(";
        types(as_tuple(t)->fields);
        out_ += as_tuple(t)->fields.size() == 1 ? ",)" : ")";
        return;
      case TypeKind::FuncType: {
        auto fn = as_func(t);
        out_ += "fn";
        auto named_here = type_params(fn->type_params);
        out_ += "(";
        types(fn->params);
        out_ += ") -> ";
        type(fn->ret);
        release(named_here);
        return;
      }
      case TypeKind::AdtType:
        out_ += as_adt(t)->name;
        if (!as_adt(t)->args.empty()) {
          out_ += "[";
          types(as_adt(t)->args);
          out_ += "]";
        }
        return;
      case TypeKind::RefType:
        out_ += "Ref[";
        type(as_ref(t)->inner);
        out_ += "]";
        return;
      case TypeKind::TypeVar: out_ += bind(as_type_var(t)); return;
      case TypeKind::IncompleteType: out_ += type_str(t); return;  // not parseable: only a half-inferred program has one
    }
  }

  void constant(const Tensor& value) {
    if (value.rank() == 0) {
      out_ += element_text(value, 0);
      if (value.dtype() != DType::Bool) out_ += dtype_name(value.dtype());
      return;
    }
    out_ += "const " + std::string(dtype_name(value.dtype())) + shape_str(value.shape()) + " [";
    for (int64_t i = 0; i < value.numel(); ++i) out_ += (i ? ", " : "") + element_text(value, i);
    out_ += "]";
  }

  void exprs(const std::vector<Expr>& es) {
    for (size_t i = 0; i < es.size(); ++i) {
      if (i) out_ += ", ";
      expr(es[i]);
    }
  }

  // An expression followed by `(args)` or `.i`: parenthesized unless it is a name, a call
  // or a projection, so the suffix binds to all of it.
  void postfix_operand(const Expr& e) {
    auto call = as<CallNode>(e);
    bool bare = as<VarNode>(e) || as<GlobalVarNode>(e) || as<TupleNode>(e) || as<TupleGetNode>(e) ||
                (call && !as<ConstructorNode>(call->callee));
    if (bare) return expr(e);
    out_ += "(";
    expr(e);
    out_ += ")";
  }

  void call(const CallNode* c) {
    if (auto op = as<OpNode>(c->callee)) {
      out_ += op->name() + "(";
      exprs(c->args);
      attr_list(c->attrs, c->args.empty());
      out_ += ")";
      return;
    }
    if (auto ctor = as<ConstructorNode>(c->callee)) {
      out_ += ctor->name;
      if (c->args.empty() && ctor->fields.empty()) return;  // `Nil`
    } else {
      postfix_operand(c->callee);
    }
    out_ += "(";
    exprs(c->args);
    out_ += ")";
  }

  void pattern(const Pattern& p) {
    switch (p->kind) {
      case PatternKind::Wildcard: out_ += "_"; return;
      case PatternKind::Var: out_ += local_name_text(bind(p->var.get())); return;
      case PatternKind::Constructor:
        out_ += p->ctor->name;
        if (p->sub.empty()) return;
        [[fallthrough]];
      case PatternKind::Tuple:
        out_ += "(";
        for (size_t i = 0; i < p->sub.size(); ++i) {
          if (i) out_ += ", ";
          pattern(p->sub[i]);
        }
        out_ += p->kind == PatternKind::Tuple && p->sub.size() == 1 ? ",)" : ")";
        return;
    }
  }

  void match(const MatchNode* m) {
    out_ += "match (";
    expr(m->scrutinee);
    out_ += ") {\n";
    ++indent_;
    for (auto& clause : m->clauses) {
      new_line();
      pattern(clause.pattern);
      out_ += " => ";
      expr(clause.body);
      out_ += ",\n";
    }
    --indent_;
    new_line();
    out_ += "}";
  }

  void expr(const Expr& e) {
    switch (e->kind) {
      case ExprKind::Var: out_ += local_name_text(bind(as<VarNode>(e))); return;
      case ExprKind::GlobalVar: out_ += "@" + as<GlobalVarNode>(e)->name; return;
      case ExprKind::Constant: constant(as<ConstantNode>(e)->value); return;
      case ExprKind::Tuple: {
        auto& fields = as<TupleNode>(e)->fields;
        out_ += "(";
        exprs(fields);
        out_ += fields.size() == 1 ? ",)" : ")";
        return;
      }
      case ExprKind::TupleGet:
        postfix_operand(as<TupleGetNode>(e)->tuple);
        out_ += "." + std::to_string(as<TupleGetNode>(e)->index);
        return;
      case ExprKind::Let: block(e); return;
      case ExprKind::If: {
        auto node = as<IfNode>(e);
        out_ += "if (";
        expr(node->cond);
        out_ += ") ";
        braced(node->then_branch);
        out_ += " else ";
        braced(node->else_branch);
        return;
      }
      case ExprKind::Function: {
        auto fn = Function(as<FunctionNode>(e));
        out_ += "fn";
        auto named_here = signature(fn, /*is_def=*/false);
        braced(fn->body);
        release(named_here);
        return;
      }
      case ExprKind::Call: call(as<CallNode>(e)); return;
      case ExprKind::Op: out_ += as<OpNode>(e)->name(); return;
      case ExprKind::Constructor: out_ += as<ConstructorNode>(e)->name; return;
      case ExprKind::Match: match(as<MatchNode>(e)); return;
      case ExprKind::RefNew:
        out_ += "ref_new(";
        expr(as<RefNewNode>(e)->value);
        out_ += ")";
        return;
      case ExprKind::RefRead:
        out_ += "ref_read(";
        expr(as<RefReadNode>(e)->ref);
        out_ += ")";
        return;
      case ExprKind::RefWrite:
        out_ += "ref_write(";
        expr(as<RefWriteNode>(e)->ref);
        out_ += ", ";
        expr(as<RefWriteNode>(e)->value);
        out_ += ")";
        return;
    }
  }

  const PrintOptions& opts_;
  const Module* module_;
  std::string out_;
  int indent_ = 0;
  NameTable vars_, type_vars_;
  std::unordered_map<const VarNode*, std::string> var_names_;
  std::unordered_map<const TypeVarNode*, std::string> type_var_names_;
  std::unordered_map<const ExprNode*, bool> one_line_;
};

}  // namespace

std::string print_module(const Module& m, const PrintOptions& options) {
  return with_deep_stack([&] {
    Printer p(options, &m);
    bool first = true;
    for (auto& name : m.type_names()) {
      const TypeData* data = m.type(name);
      if (data->prelude) continue;
      if (!first) p.blank_line();
      first = false;
      p.type_decl(*data);
    }
    for (auto& name : m.function_names()) {
      if (!first) p.blank_line();
      first = false;
      p.def(name, m.function(name));
    }
    return p.take();
  });
}

std::string print_expr(const Expr& e, const PrintOptions& options) {
  return with_deep_stack([&] {
    Printer p(options, nullptr);
    p.body(e);
    return p.take();
  });
}

}  // namespace weft
