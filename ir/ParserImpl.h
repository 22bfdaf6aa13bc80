// ParserImpl.h - the parser's state and token helpers, shared by the files that define it:
// Parser.cpp (declarations, expressions, patterns) and ParserLiterals.cpp (types,
// dimensions, constants, attribute values). Include nowhere else; use ir/Parser.h.
#pragma once

#include <algorithm>
#include <string>
#include <unordered_map>
#include <vector>

#include "ir/Lexer.h"
#include "ir/Module.h"

namespace weft::parser_detail {

// Names in scope, innermost binding first; pop_to() closes scopes opened after a mark.
template <typename T>
class ScopedNames {
 public:
  size_t mark() const { return log_.size(); }
  void push(const std::string& name, T value) {
    by_name_[name].push_back(std::move(value));
    log_.push_back(name);
  }
  void pop_to(size_t mark) {
    for (; log_.size() > mark; log_.pop_back()) by_name_[log_.back()].pop_back();
  }
  const T* find(const std::string& name) const {
    auto it = by_name_.find(name);
    return it == by_name_.end() || it->second.empty() ? nullptr : &it->second.back();
  }

 private:
  std::unordered_map<std::string, std::vector<T>> by_name_;
  std::vector<std::string> log_;
};

// The magnitude of an unsigned decimal literal; false when it does not fit 64 bits.
bool parse_magnitude(const std::string& digits, uint64_t* out);
// "nanf32", "inf" and the like: "nan" or "inf" with the rest in *suffix; "" for other words.
std::string special_float(const std::string& ident, std::string* suffix);

class Parser {
 public:
  Parser(const std::string& text, const std::string& filename, const Module* types, Module* out)
      : tokens_(tokenize(text, filename)), file_(filename), module_(types), out_(out) {}

  void module();
  Expr whole_expr();

 private:
  // Tokens. At the end, peek() and next() keep returning the End token.
  const Token& peek(size_t ahead = 0) const { return tokens_[std::min(pos_ + ahead, tokens_.size() - 1)]; }
  const Token& next() { return tokens_[pos_ < tokens_.size() - 1 ? pos_++ : pos_]; }
  bool at_end() const { return peek().kind == TokenKind::End; }
  Span span(const Token& t) const { return Span{file_, t.line, t.column}; }
  bool accept(const char* punct) {
    if (!peek().is_punct(punct)) return false;
    next();
    return true;
  }
  [[noreturn]] void fail(const Token& at, const std::string& msg) const { throw CompileError(span(at), msg); }
  [[noreturn]] void fail_expected(const std::string& what, const std::string& context) const {
    fail(peek(), "expected " + what + " " + context + ", found " + describe_token(peek()));
  }
  const Token& expect(const char* punct, const std::string& context) {
    if (!peek().is_punct(punct)) fail_expected(std::string("'") + punct + "'", context);
    return next();
  }
  const Token& expect_kind(TokenKind kind, const std::string& what, const std::string& context) {
    if (peek().kind != kind) fail_expected(what, context);
    return next();
  }
  // Items separated by ',' up to `close`. Returns whether a ',' came last, which tells
  // the 1-tuple `(x,)` from the parenthesized `(x)`.
  template <typename F>
  bool comma_list(const char* close, const std::string& context, F&& item) {
    bool trailing_comma = false;
    while (!accept(close)) {
      item();
      trailing_comma = accept(",");
      if (!trailing_comma) {
        expect(close, context);
        return false;
      }
    }
    return trailing_comma;
  }

  // Parser.cpp: declarations, expressions, patterns.
  struct CallArgs {
    std::vector<Expr> args;
    Attrs attrs;
    const Token* first_attr = nullptr;
  };
  void skip_decl();
  void type_decl();
  void def_decl();
  Function function_rest(const Span& where, const std::string& what);
  Attrs function_attrs();
  Var binder(const std::string& what, const std::string& context);
  std::vector<TypeVar> type_param_list();
  Expr expr();
  Expr let_chain();
  Expr block(const std::string& what);
  CallArgs call_args();
  std::vector<Expr> plain_args();
  Expr postfix();
  Expr primary();
  Expr ident_expr(const Span& where);
  Expr ref_call(const Token& name, const Span& where);
  Expr if_rest(const Span& where);
  Expr match_rest(const Span& where);
  Pattern pattern();

  // ParserLiterals.cpp: types, dimensions, constants, attribute values.
  Type type();
  void use_adt(const std::string& name, size_t argc, const Span& where);
  void check_deferred_adts();
  Dim dim();
  Dim dim_term();
  Dim dim_factor();
  void store_element(const Tensor& t, int64_t i, const Token& tok, bool negative);
  Expr scalar_constant(const Token& tok, bool negative, const Span& where);
  Expr tensor_constant(const Span& where);
  AttrValue attr_value();
  AttrValue attr_scalar();

  struct AdtUse {
    std::string name;
    size_t argc;
    Span where;
  };

  std::vector<Token> tokens_;
  size_t pos_ = 0;
  std::string file_;
  const Module* module_;  // where names resolve
  Module* out_;           // what parse_module fills (module_ == out_), null for parse_expr
  bool types_known_ = false;
  std::vector<AdtUse> deferred_adts_;  // ADT uses met before all types are declared
  std::vector<std::pair<std::string, Span>> global_uses_;
  ScopedNames<Var> vars_;
  ScopedNames<TypeVar> type_vars_;
};

}  // namespace weft::parser_detail
