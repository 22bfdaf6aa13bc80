// InputTypeFlags.cpp - parses --input-type (through the IR parser) and --input-shape flags.
#include "cli/InputTypeFlags.h"

#include <set>

#include "ir/Error.h"
#include "ir/Parser.h"

namespace weft::cli {

namespace {

// NAME and the text after the last '=' (types never hold one; names might).
std::pair<std::string, std::string> split_flag(const std::string& flag, const std::string& text, const std::string& form) {
  const size_t eq = text.rfind('=');
  if (eq == std::string::npos || eq == 0) throw CompileError(flag + " '" + text + "' must have the form " + form);
  return {text.substr(0, eq), text.substr(eq + 1)};
}

}  // namespace

void add_input_type_flags(CLI::App& command, InputTypeFlags& flags) {
  // One NAME=... per flag (allow_extra_args false), so a model file after it is not taken for one.
  command
      .add_option("--input-type", flags.types,
                  "NAME=TYPE: the type of input NAME in weft's syntax, e.g. x=f32[batch,3,224,224] (symbols and ? allowed; repeatable)")
      ->allow_extra_args(false);
  command
      .add_option("--input-shape", flags.shapes,
                  "NAME=D0,D1,...: a static shape for input NAME (NAME= for a scalar; repeatable); the dtype is the model's, "
                  "or f32 for a TorchScript Tensor")
      ->allow_extra_args(false);
}

InputType parse_input_type(const std::string& text) {
  const std::string where = "--input-type '" + text + "'";
  auto [name, type_text] = split_flag("--input-type", text, "NAME=TYPE (e.g. x=f32[batch,3,224,224])");
  if (type_text.find_first_not_of(" \t") == std::string::npos) throw CompileError(where + ": no type after '='");
  // The type is read as the one parameter's annotation of a tiny def, as weft_inputs is.
  Module m;
  try {
    m = parse_module("def @input_type(%t: " + type_text + ") -> () { () }", "--input-type");
  } catch (const CompileError& e) {
    throw CompileError(where + ": '" + type_text + "' is not a weft type (" + e.diagnostic().message + ")");
  }
  Function f = m.function("input_type");
  if (!f || f->params.size() != 1 || !f->params[0]->annotation)
    throw CompileError(where + ": '" + type_text + "' is not one weft type");
  return {name, f->params[0]->annotation, type_text};
}

InputTypes parse_input_type_flags(const InputTypeFlags& flags) {
  InputTypes out;
  std::set<std::string> typed, shaped;
  for (const std::string& t : flags.types) {
    out.types.push_back(parse_input_type(t));
    if (!typed.insert(out.types.back().name).second)
      throw CompileError("--input-type '" + t + "': input '" + out.types.back().name + "' is given a type twice");
  }
  for (const std::string& s : flags.shapes) {
    out.shapes.push_back(parse_input_shape(s));
    const std::string& name = out.shapes.back().name;
    if (typed.count(name)) throw CompileError("--input-shape '" + s + "': input '" + name + "' is given both a type and a shape");
    if (!shaped.insert(name).second) throw CompileError("--input-shape '" + s + "': input '" + name + "' is given a shape twice");
  }
  return out;
}

}  // namespace weft::cli
