// Printer.h - the text form of modules and expressions (ir/TextFormat.md).
#pragma once

#include <string>

#include "ir/Module.h"

namespace weft {

struct PrintOptions {
  // Adds the type inference filled in (ExprNode::checked_type) to every let binding whose
  // value is not a constant, and to def parameters and results left unannotated.
  // For reading; the annotations it adds are not in the module, so such text re-parses
  // to a differently annotated module.
  bool show_types = false;
};

// Every non-prelude type, then every function in definition order. parse_module of the
// result gives a module structurally equal to `m`.
std::string print_module(const Module& m, const PrintOptions& options = {});

// An expression as a block body: its let-chain flat, one binding a line, then the result.
// Variables are named by identity: `%x`, then `%x_1` for another variable hinted `x`.
std::string print_expr(const Expr& e, const PrintOptions& options = {});

}  // namespace weft
