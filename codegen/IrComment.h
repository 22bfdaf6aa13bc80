// IrComment.h - a short one-line rendering of IR for comments in generated source.
#pragma once

#include <string>

#include "ir/Expr.h"

namespace weft::codegen {

// `tanh(add(matmul(%x, %w), %b))`, `@step(%x, %h)`, `%t.0`, `const f32[4, 4]`: op calls
// without attributes, nested at most a few levels, cut at `max_chars`. Cheap enough to
// run on every binding (unlike the printer, it needs no deep stack).
// The result is comment_safe.
std::string ir_comment(const Expr& e, size_t max_chars = 90);

// `text` made harmless inside a `//` or `/* */` comment of generated C++: model names and
// spans may hold anything, and a newline would end the comment (the rest becoming code), a
// trailing backslash would splice the next line into it, `*/` would close a block comment.
// Control bytes become `\xNN`, `*/` becomes `*\/`, and a trailing backslash gets a `.`.
std::string comment_safe(const std::string& text);

}  // namespace weft::codegen
