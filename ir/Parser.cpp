// Parser.cpp - recursive-descent parser of the weft text format: declarations and
// expressions (types and literals are in ParserLiterals.cpp).
//
// Note on the two passes over a module: constructors must resolve to their nodes when a
// def uses them, and a def may come before its type. So the first pass reads every `type`
// declaration (skipping defs by brace matching) and the second reads every `def`.
// Functions are referenced by name (GlobalVar), so forward references need no pass of
// their own; they are checked once all defs are read. Let-chains are read in a loop;
// other nesting recurses, on the deep stack of with_deep_stack.
#include "ir/Parser.h"

#include "ir/DeepStack.h"
#include "ir/ParserImpl.h"

namespace weft {

namespace parser_detail {

void Parser::module() {
  for (pos_ = 0; !at_end();) {
    if (peek().is_ident("type")) type_decl();
    else if (peek().is_ident("def")) skip_decl();
    else fail_expected("'def' or 'type'", "at the top level");
  }
  check_deferred_adts();
  for (pos_ = 0; !at_end();) {
    if (peek().is_ident("type")) skip_decl();
    else def_decl();
  }
  for (auto& [name, span] : global_uses_)
    if (!out_->function(name)) throw CompileError(span, "unknown function '@" + name + "'");
}

Expr Parser::whole_expr() {
  Expr e = expr();
  if (!at_end()) fail_expected("end of input", "after the expression");
  for (auto& [name, span] : global_uses_)
    if (!module_->function(name)) throw CompileError(span, "unknown function '@" + name + "'");
  return e;
}

void Parser::skip_decl() {
  while (!at_end() && !peek().is_punct("{")) next();
  for (int depth = 0; !at_end();) {
    const Token& t = next();
    if (t.is_punct("{")) ++depth;
    if (t.is_punct("}") && --depth == 0) return;
  }
}

void Parser::type_decl() {
  const Token& kw = next();
  std::string name = expect_kind(TokenKind::Ident, "a type name", "after 'type'").text;
  size_t mark = type_vars_.mark();
  std::vector<TypeVar> params = accept("[") ? type_param_list() : std::vector<TypeVar>{};
  std::vector<std::pair<std::string, std::vector<Type>>> ctors;
  expect("{", "before the constructors of type '" + name + "'");
  comma_list("}", "after a constructor", [&] {
    std::string ctor = expect_kind(TokenKind::Ident, "a constructor name", "in type '" + name + "'").text;
    std::vector<Type> fields;
    if (accept("(")) comma_list(")", "after constructor fields", [&] { fields.push_back(type()); });
    ctors.push_back({ctor, std::move(fields)});
  });
  type_vars_.pop_to(mark);
  try {
    out_->define_type(name, params, std::move(ctors));
  } catch (const CompileError& e) {
    throw CompileError(span(kw), e.diagnostic().message);
  }
}

void Parser::def_decl() {
  if (!peek().is_ident("def")) fail_expected("'def' or 'type'", "at the top level");
  const Token& kw = next();
  const Token& name = expect_kind(TokenKind::GlobalName, "a function name like '@main'", "after 'def'");
  if (out_->function(name.text)) fail(name, "function '@" + name.text + "' is defined twice");
  out_->add_function(name.text, function_rest(span(kw), "'def @" + name.text + "'"));
}

// After `def @f` or `fn`: [type params] (params) [-> ret] { body }.
Function Parser::function_rest(const Span& where, const std::string& what) {
  size_t type_mark = type_vars_.mark(), var_mark = vars_.mark();
  std::vector<TypeVar> type_params = accept("[") ? type_param_list() : std::vector<TypeVar>{};
  std::vector<Var> params;
  expect("(", "before the parameters of " + what);
  comma_list(")", "after parameters", [&] { params.push_back(binder("a parameter like '%x'", "in the parameters")); });
  Type ret = accept("->") ? type() : Type();
  Attrs attrs = peek().is_ident("attrs") ? function_attrs() : Attrs();
  Expr body = block("the body of " + what);
  vars_.pop_to(var_mark);
  type_vars_.pop_to(type_mark);
  return make_function(std::move(params), std::move(ret), std::move(body), std::move(type_params), where, std::move(attrs));
}

// `attrs(name=value, ...)` of a def or fn, before its body.
Attrs Parser::function_attrs() {
  next();
  expect("(", "after 'attrs'");
  Attrs attrs;
  comma_list(")", "after function attributes", [&] {
    const Token& name = expect_kind(TokenKind::Ident, "an attribute name", "in 'attrs(...)'");
    if (attrs.has(name.text)) fail(name, "attribute '" + name.text + "' is given twice");
    expect("=", "after the attribute name '" + name.text + "'");
    attrs.set(name.text, attr_value());
  });
  return attrs;
}

// `%x` or `%x: T`, brought into scope.
Var Parser::binder(const std::string& what, const std::string& context) {
  const Token& name = expect_kind(TokenKind::LocalName, what, context);
  Type annotation = accept(":") ? type() : Type();
  Var v = make_var(name.text, std::move(annotation), span(name));
  vars_.push(name.text, v);
  return v;
}

// After '[': names up to ']', brought into scope.
std::vector<TypeVar> Parser::type_param_list() {
  std::vector<TypeVar> params;
  comma_list("]", "after type parameters", [&] {
    TypeVar tv = type_var(expect_kind(TokenKind::Ident, "a type parameter name", "in '[...]'").text);
    type_vars_.push(tv->name, tv);
    params.push_back(tv);
  });
  return params;
}

Expr Parser::expr() { return peek().is_ident("let") ? let_chain() : postfix(); }

// let %a = e1; let %b = e2; ...; result  (read in a loop: chains can be very long)
Expr Parser::let_chain() {
  struct Binding {
    Var var;
    Expr value;
    Span where;
  };
  std::vector<Binding> chain;
  size_t mark = vars_.mark();
  while (peek().is_ident("let")) {
    Span where = span(next());
    const Token& name = expect_kind(TokenKind::LocalName, "a variable like '%x'", "after 'let'");
    Type annotation = accept(":") ? type() : Type();
    expect("=", "after the variable of a let");
    Var v = make_var(name.text, std::move(annotation), span(name));
    bool recursive = peek().is_ident("fn");  // a closure may call itself by its let name
    if (recursive) vars_.push(name.text, v);
    Expr value = expr();
    expect(";", "after the value of a let");
    if (!recursive) vars_.push(name.text, v);
    chain.push_back({v, std::move(value), where});
  }
  Expr body = postfix();
  vars_.pop_to(mark);
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) body = make_let(it->var, it->value, body, it->where);
  return body;
}

Expr Parser::block(const std::string& what) {
  expect("{", "before " + what);
  Expr e = expr();
  expect("}", "after " + what);
  return e;
}

// After '(': arguments, then name=value attributes, then ')'.
Parser::CallArgs Parser::call_args() {
  CallArgs out;
  comma_list(")", "after arguments", [&] {
    if (peek().kind == TokenKind::Ident && peek(1).is_punct("=")) {
      const Token& name = next();
      next();
      if (!out.first_attr) out.first_attr = &name;
      if (out.attrs.has(name.text)) fail(name, "attribute '" + name.text + "' is given twice");
      out.attrs.set(name.text, attr_value());
    } else {
      if (out.first_attr) fail(peek(), "expected an attribute (name=value) after attributes, found " + describe_token(peek()));
      out.args.push_back(expr());
    }
  });
  return out;
}
std::vector<Expr> Parser::plain_args() {
  CallArgs a = call_args();
  if (a.first_attr)
    fail(*a.first_attr, "attribute '" + a.first_attr->text + "' given to a call of a function or constructor; only operators take attributes");
  return std::move(a.args);
}

Expr Parser::postfix() {
  const Token& start = peek();
  Expr e = primary();
  for (;;) {
    if (accept("(")) {
      e = make_call(e, plain_args(), span(start));
    } else if (accept(".")) {
      const Token& index = expect_kind(TokenKind::Number, "a field index", "after '.'");
      uint64_t i = 0;
      if (!index.suffix.empty() || !parse_magnitude(index.text, &i) || i > uint64_t(INT32_MAX))
        fail(index, "expected a field index after '.', found " + describe_token(index));
      e = make_tuple_get(e, int(i), span(start));
    } else {
      return e;
    }
  }
}

Expr Parser::primary() {
  const Token& t = peek();
  Span where = span(t);
  switch (t.kind) {
    case TokenKind::LocalName: {
      next();
      const Var* v = vars_.find(t.text);
      if (!v) fail(t, "unknown variable '" + local_name_text(t.text) + "'");
      return *v;
    }
    case TokenKind::GlobalName:
      next();
      global_uses_.push_back({t.text, where});
      return make_global_var(t.text, where);
    case TokenKind::Number: return scalar_constant(next(), false, where);
    case TokenKind::Ident: return ident_expr(where);
    default: break;
  }
  if (accept("-")) {
    const Token& n = peek();
    std::string ignored;
    if (n.kind != TokenKind::Number && !(n.kind == TokenKind::Ident && !special_float(n.text, &ignored).empty()))
      fail_expected("a number", "after '-'");
    return scalar_constant(next(), true, where);
  }
  if (accept("{")) {
    Expr e = expr();
    expect("}", "at the end of a block");
    return e;
  }
  if (accept("(")) {
    std::vector<Expr> fields;
    bool trailing_comma = comma_list(")", "to close '('", [&] { fields.push_back(expr()); });
    return fields.size() == 1 && !trailing_comma ? fields[0] : Expr(make_tuple(std::move(fields), where));
  }
  fail_expected("an expression", "here");
}

// Keywords, constants, constructors and operator calls.
Expr Parser::ident_expr(const Span& where) {
  const Token& t = next();
  const std::string& w = t.text;
  if (w == "true" || w == "false") return make_constant(Tensor::scalar<bool>(w == "true"), where);
  if (w == "const") return tensor_constant(where);
  if (w == "fn") return function_rest(where, "'fn'");
  if (w == "if") return if_rest(where);
  if (w == "match") return match_rest(where);
  std::string suffix;
  if (!special_float(w, &suffix).empty() && parse_dtype(suffix)) return scalar_constant(t, false, where);
  if (w == "ref_new" || w == "ref_read" || w == "ref_write") return ref_call(t, where);
  if (Constructor ctor = module_->constructor(w)) {
    if (!accept("(")) return ctor->fields.empty() ? Expr(make_call(ctor, {}, where)) : Expr(ctor);
    std::vector<Expr> args = plain_args();
    if (args.size() != ctor->fields.size())
      fail(t, Msg() << "constructor '" << w << "' expects " << ctor->fields.size() << " field(s), found " << args.size());
    return make_call(ctor, std::move(args), where);
  }
  if (!accept("(")) fail(t, "unknown name '" + w + "' (operators are called with parentheses, functions are '@name')");
  CallArgs a = call_args();
  try {
    return make_op_call(w, std::move(a.args), std::move(a.attrs), where);
  } catch (const CompileError& e) {
    if (e.diagnostic().span.known()) throw;
    throw CompileError(where, e.diagnostic().message);
  }
}

Expr Parser::ref_call(const Token& name, const Span& where) {
  expect("(", "after '" + name.text + "'");
  std::vector<Expr> args = plain_args();
  size_t want = name.text == "ref_write" ? 2 : 1;
  if (args.size() != want) fail(name, Msg() << name.text << " expects " << want << " argument(s), found " << args.size());
  if (name.text == "ref_new") return make_ref_new(args[0], where);
  if (name.text == "ref_read") return make_ref_read(args[0], where);
  return make_ref_write(args[0], args[1], where);
}

// After `if`: (cond) { then } else { else }, or `else if ...`.
Expr Parser::if_rest(const Span& where) {
  expect("(", "after 'if'");
  Expr cond = expr();
  expect(")", "after the condition of 'if'");
  Expr then_branch = block("the 'then' branch");
  if (!peek().is_ident("else")) fail_expected("'else'", "after the 'then' branch");
  next();
  Expr else_branch;
  if (peek().is_ident("if")) else_branch = if_rest(span(next()));  // `else if`
  else else_branch = block("the 'else' branch");
  return make_if(std::move(cond), std::move(then_branch), std::move(else_branch), where);
}

// After `match`: (scrutinee) { pattern => body, ... }
Expr Parser::match_rest(const Span& where) {
  expect("(", "after 'match'");
  Expr scrutinee = expr();
  expect(")", "after the scrutinee of 'match'");
  expect("{", "before the clauses of 'match'");
  std::vector<Clause> clauses;
  comma_list("}", "after a match clause", [&] {
    size_t mark = vars_.mark();
    Pattern p = pattern();
    expect("=>", "after a pattern");
    clauses.push_back({p, expr()});
    vars_.pop_to(mark);
  });
  return make_match(std::move(scrutinee), std::move(clauses), where);
}

Pattern Parser::pattern() {
  const Token& t = peek();
  if (t.is_ident("_")) {
    next();
    return pattern_wildcard();
  }
  if (t.kind == TokenKind::LocalName) return pattern_var(binder("a pattern", "here"));
  if (accept("(")) {
    std::vector<Pattern> subs;
    bool trailing_comma = comma_list(")", "to close '('", [&] { subs.push_back(pattern()); });
    return subs.size() == 1 && !trailing_comma ? subs[0] : pattern_tuple(std::move(subs));
  }
  if (t.kind != TokenKind::Ident) fail_expected("a pattern ('_', '%x', a constructor or a tuple)", "here");
  next();
  Constructor ctor = module_->constructor(t.text);
  if (!ctor) fail(t, "unknown constructor '" + t.text + "' in pattern");
  std::vector<Pattern> subs;
  if (accept("(")) comma_list(")", "after constructor patterns", [&] { subs.push_back(pattern()); });
  if (subs.size() != ctor->fields.size())
    fail(t, Msg() << "constructor '" << t.text << "' has " << ctor->fields.size() << " field(s), the pattern gives " << subs.size());
  return pattern_constructor(ctor, std::move(subs));
}

}  // namespace parser_detail

Module parse_module(const std::string& text, const std::string& filename) {
  return with_deep_stack([&] {
    Module m;
    parser_detail::Parser(text, filename, &m, &m).module();
    return m;
  });
}

Expr parse_expr(const std::string& text, const Module& m, const std::string& filename) {
  return with_deep_stack([&] { return parser_detail::Parser(text, filename, &m, nullptr).whole_expr(); });
}

}  // namespace weft
