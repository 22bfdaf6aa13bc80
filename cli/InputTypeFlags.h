// InputTypeFlags.h - `--input-type NAME=TYPE` and `--input-shape NAME=D0,D1,...`, shared by every command that loads a model.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "opt/SpecializeInputs.h"

namespace weft::cli {

// The flags as the user wrote them, one NAME=... per flag.
struct InputTypeFlags {
  std::vector<std::string> types;
  std::vector<std::string> shapes;
};

// Adds both flags (repeatable) to `command`, storing into `flags`.
void add_input_type_flags(CLI::App& command, InputTypeFlags& flags);

// The flags parsed. Names are the model's own: forward's argument names for a .pt, graph
// input names for an .onnx, @main's parameters for a .weft.
struct InputTypes {
  std::vector<InputType> types;
  std::vector<InputShape> shapes;
};

// Parses every flag; CompileError quoting the flag for a malformed one, or for an input
// named by two flags.
InputTypes parse_input_type_flags(const InputTypeFlags& flags);

// "x=f32[batch, 3, ?, 224]", any type of the weft text format (ir/TextFormat.md). One
// --input-shape is read by parse_input_shape (opt/SpecializeInputs.h; golden pass tests share it).
InputType parse_input_type(const std::string& text);

}  // namespace weft::cli
