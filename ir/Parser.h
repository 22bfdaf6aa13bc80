// Parser.h - reads the weft text format (ir/TextFormat.md) into modules and expressions.
#pragma once

#include <string>

#include "ir/Module.h"

namespace weft {

// Parses `type` and `def` declarations (in any order; functions and types may refer to
// ones declared later) into a Module that starts from the prelude. Every node carries a
// Span{filename, line, column}. A syntax error, an unknown name (variable, function,
// type, constructor, operator) or a bad operator call is a CompileError at its position.
Module parse_module(const std::string& text, const std::string& filename);

// Parses one expression (a block body: lets then a result) against `m`'s types,
// constructors and functions. For tests and tools.
Expr parse_expr(const std::string& text, const Module& m, const std::string& filename = "<expr>");

}  // namespace weft
