// IrComment.h - a short one-line rendering of IR for comments in generated source.
#pragma once

#include <string>

#include "ir/Expr.h"

namespace weft::codegen {

// `tanh(add(matmul(%x, %w), %b))`, `@step(%x, %h)`, `%t.0`, `const f32[4, 4]`: op calls
// without attributes, nested at most a few levels, cut at `max_chars`. Cheap enough to
// run on every binding (unlike the printer, it needs no deep stack).
std::string ir_comment(const Expr& e, size_t max_chars = 90);

}  // namespace weft::codegen
