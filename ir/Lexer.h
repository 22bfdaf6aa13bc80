// Lexer.h - splits weft text (TextFormat.md) into tokens with their positions.
#pragma once

#include <string>
#include <vector>

#include "ir/Error.h"
#include "ir/Tensor.h"

namespace weft {

enum class TokenKind {
  Ident,       // def, f32, Cons, axis, nanf32, _
  LocalName,   // %x or %"onnx::x" (text: the name without the sigil, quotes decoded)
  GlobalName,  // @main
  Number,      // 1, 1.5, 2e-3, with an optional dtype suffix: 1.5f32 -> text "1.5", suffix "f32"
  String,      // "..." (text holds the decoded value)
  Punct,       // ( ) [ ] { } , ; : = => -> . * / + - ?
  End,
};

struct Token {
  TokenKind kind = TokenKind::End;
  std::string text;
  std::string suffix;         // Number only
  bool has_fraction = false;  // Number only: written with '.' or an exponent
  int line = 0;
  int column = 0;

  bool is(TokenKind k, const char* t) const { return kind == k && text == t; }
  bool is_punct(const char* p) const { return is(TokenKind::Punct, p); }
  bool is_ident(const char* w) const { return is(TokenKind::Ident, w); }
};

// The whole input as tokens, ending with one End token. CompileError at the offending
// character for a character outside the language or an unterminated string.
std::vector<Token> tokenize(const std::string& text, const std::string& filename);

// How an error message names a token: "';'", "'foo'", "'%x'", "end of input".
std::string describe_token(const Token& t);

// Whether `name` can be written bare after `%` (letters, digits and `_`).
bool is_plain_name(const std::string& name);
// `s` in double quotes as the lexer reads it back: `"`, `\` and control characters
// (newline among them) escaped, so the text stays on one line.
std::string quote_text(const std::string& s);
// How the text format writes a variable: `%x`, or `%"onnx::x"` when the name is not plain.
std::string local_name_text(const std::string& name);

// Stores the decimal number `text` ("1.5", "-2e-3", "nan", "-inf") as element i of a
// floating-point tensor, rounding once from decimal to the element type (through f32
// for f16 and bf16). The printer searches for the shortest text that reads back to the
// same bits through this very function, so the two always agree.
void store_float_text(const Tensor& t, int64_t i, const std::string& text);

}  // namespace weft
