// ExprSnippet.h - short one-line renderings of expressions and their locations, for diagnostics.
#pragma once

#include <string>

#include "ir/Expr.h"

namespace weft {

// The expression as the text format prints it, on one line, cut to about `max_chars`
// with "..." so a message stays readable when the offending node is a whole program.
std::string expr_snippet(const Expr& e, size_t max_chars = 72);

// Where to report a problem with `e`: its own span, unless that span does not locate
// this occurrence (a Var's span is its binding site, shared by every use; constructors
// are shared by the module) or is unknown; then `fallback`, the enclosing node's span.
const Span& span_of_use(const Expr& e, const Span& fallback);

}  // namespace weft
