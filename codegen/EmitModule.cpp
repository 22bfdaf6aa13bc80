// EmitModule.cpp - the generated source of a module: constants, functions, @main's entry and the C API table.
#include "codegen/EmitModule.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "codegen/FunctionEmitter.h"
#include "codegen/HostTypes.h"
#include "codegen/Weights.h"
#include "ir/Sharing.h"
#include "ir/OutputNames.h"

namespace weft::codegen {

namespace {

// One input or output of @main as the C API sees it: its C++ access path, its (element)
// tensor type and its weft_value_kind.
struct Io {
  std::string name;
  std::string path;  // run_main's expression: in[0] converted, or a projection of r
  const TensorTypeNode* type;
  int kind;  // WEFT_VALUE_TENSOR, _LIST, _OPTIONAL, _OPTIONAL_LIST
};

// The prelude's constructor tags, passed to the runtime's conversions.
struct Tags {
  explicit Tags(const Module& m)
      : cons(m.constructor("Cons")->tag), nil(m.constructor("Nil")->tag), some(m.constructor("Some")->tag),
        none(m.constructor("None")->tag) {}
  int cons, nil, some, none;
};

// What kind of C API value type `t` is: tensor, List[tensor], Option[tensor] or
// Option[List[tensor]]; sets `elem` to the tensor type. -1 for anything else.
int io_kind(const Type& t, const TensorTypeNode*& elem) {
  if ((elem = as_tensor(t))) return 0;
  auto* a = as_adt(t);
  if (!a || a->args.size() != 1) return -1;
  if (a->name == "List" && (elem = as_tensor(a->args[0]))) return 1;
  if (a->name != "Option") return -1;
  if ((elem = as_tensor(a->args[0]))) return 2;
  auto* inner = as_adt(a->args[0]);
  if (inner && inner->name == "List" && inner->args.size() == 1 && (elem = as_tensor(inner->args[0]))) return 3;
  return -1;
}

// Function definitions per translation unit, and at most how many units (EmitOptions): a unit
// costs the compiler about a fixed half second (the runtime's headers, precompiled) plus its
// functions, and the units build in parallel (weft compile -j).
constexpr size_t kBytesPerUnit = 192 * 1024;
constexpr size_t kMaxUnits = 8;
// Where a declaration or definition takes `static` in a one-unit source and nothing otherwise
// (a control character: no generated text holds one).
const char* const kStorage = "\x01";

const char* const kIoKinds = "tensors, lists of tensors, optional tensors and optional lists of tensors";

void flatten_result(const Type& t, const std::string& path, const Span& where, const Tags& tags, const Target& target, std::vector<Io>& out) {
  if (auto* tup = as_tuple(t)) {
    for (size_t i = 0; i < tup->fields.size(); ++i)
      flatten_result(tup->fields[i], "std::get<" + std::to_string(i) + ">(" + path + ")", where, tags, target, out);
    return;
  }
  const TensorTypeNode* elem = nullptr;
  int kind = io_kind(t, elem);
  if (kind < 0)
    throw CompileError(where, target.name() + " code generation: @main returns " + type_str(t) + "; the outputs of a compiled library are " +
                                  kIoKinds + " (tuples of them are flattened)");
  target.element_type(elem->dtype);  // rejects dtypes the target has no element type for
  const std::string c = std::to_string(tags.cons), sm = std::to_string(tags.some);
  const std::string conv[] = {"weft_rt::out_tensor(" + path + ")", "weft_rt::out_list(" + path + ", " + c + ")",
                              "weft_rt::out_option(" + path + ", " + sm + ")",
                              "weft_rt::out_option_list(" + path + ", " + sm + ", " + c + ")"};
  out.push_back({"output" + std::to_string(out.size()), conv[kind], elem, kind});
}

Io input_io(const Var& p, size_t i, const Tags& tags, const Target& target) {
  const TensorTypeNode* elem = nullptr;
  int kind = io_kind(p->checked_type, elem);
  if (kind < 0)
    throw CompileError(p->span, target.name() + " code generation: @main parameter %" + p->name_hint + " has type " + type_str(p->checked_type) +
                                    "; the inputs of a compiled library are " + kIoKinds);
  target.element_type(elem->dtype);
  const std::string in = "in[" + std::to_string(i) + "]";
  const std::string cn = std::to_string(tags.cons) + ", " + std::to_string(tags.nil);
  const std::string sn = std::to_string(tags.some) + ", " + std::to_string(tags.none);
  const std::string conv[] = {in + ".tensors[0]", "weft_rt::io_list(" + in + ", " + cn + ")",
                              "weft_rt::io_option(" + in + ", " + sn + ")", "weft_rt::io_option_list(" + in + ", " + sn + ", " + cn + ")"};
  return {p->name_hint, conv[kind], elem, kind};
}

std::string dtype_expr(DType d, const Target& target) { return "weft_rt::dl_dtype<" + target.element_type(d) + ">()"; }

// The IoDesc array for `ios` and the shape / dim-name arrays it points to.
std::string io_table(const std::string& table, const std::vector<Io>& ios, const Target& target) {
  std::string s, rows;
  for (size_t i = 0; i < ios.size(); ++i) {
    const Io& io = ios[i];
    std::string shape, dims, arr = table + std::to_string(i);
    for (const Dim& d : io.type->shape) {
      shape += (shape.empty() ? "" : ", ") + std::to_string(d.is_static() ? d.value() : int64_t(-1));
      dims += (dims.empty() ? "" : ", ") + (d.is_symbol() ? c_string(d.symbol_name()) : std::string("nullptr"));
    }
    const bool scalar = io.type->shape.empty();
    if (!scalar) {
      s += "static const int64_t " + arr + "_shape[] = {" + shape + "};\n";
      s += "static const char* const " + arr + "_dims[] = {" + dims + "};\n";
    }
    // An unranked tensor (f32[*]) is ndim -1 with no shape: the library takes any rank.
    const int ndim = io.type->has_rank() ? io.type->rank() : -1;
    rows += "    {" + c_string(io.name) + ", " + dtype_expr(io.type->dtype, target) + ", " + std::to_string(ndim) + ", " +
            (scalar ? "nullptr" : arr + "_shape") + ", " + (scalar ? "nullptr" : arr + "_dims") + ", " + std::to_string(io.kind) +
            "},  // " + type_str(Type(const_cast<TensorTypeNode*>(io.type))) + "\n";
  }
  if (ios.empty()) return s + "static const weft_rt::IoDesc* const " + table + " = nullptr;\n";
  return s + "static const weft_rt::IoDesc " + table + "[] = {\n" + rows + "};\n";
}

}  // namespace

void check_library_name(const std::string& name) {
  bool ok = !name.empty() && !std::isdigit(static_cast<unsigned char>(name[0]));
  for (char c : name) ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '_');
  if (!ok) throw CompileError("library name '" + name + "' is not a C identifier (letters, digits and _; it names NAME_api)");
  if (name == "weft_model") throw CompileError("library name 'weft_model' would export weft_model_api twice; pick another");
}

GeneratedSource emit_module(const Module& m, const std::string& name, Target& target, const EmitOptions& options) {
  check_library_name(name);
  Function main = m.main();
  const std::string generator = target.name() + " code generation";
  if (!main) throw CompileError(generator + ": the module has no @main");
  // The emitter prints one computation per node it meets; a node under two parents would
  // be computed twice. The pipelines' to-a-normal-form pass binds such nodes once.
  check_unshared(m);

  // Only @main and what it reaches are compiled (an unused helper, polymorphic or over
  // types the generator cannot lower, does not stop a model), each polymorphic one once per
  // instance, in the order they are first used.
  Weights weights(options.weights_file);
  Instances instances(m, generator);
  FunctionEmitter fe(m, weights, instances, target);
  instances.monomorphic("main", main->span);
  std::string decls;                 // every function's declaration, frame struct and chunk declarations
  std::vector<std::string> units;    // the definitions, in order: chunks before their function
  size_t planned = 0, frames = 0, unshared = 0;
  while (const FunctionInstance* inst = instances.next()) {
    decls += kStorage + cpp_signature(*inst, m.function(inst->name), target) + ";\n";
    const lower::LoweredFunction lowered = lower::lower_function(m, *inst, instances);
    EmittedFunction def = fe.emit(lowered);
    planned += lowered.plan.slots.size();
    frames += lowered.plan.frame_bytes;
    unshared += lowered.plan.naive_bytes;
    decls += def.split.frame;
    for (size_t at = 0; at < def.split.chunk_declarations.size();) {  // each line gets the storage class
      const size_t eol = def.split.chunk_declarations.find('\n', at) + 1;
      decls += kStorage + def.split.chunk_declarations.substr(at, eol - at);
      at = eol;
    }
    for (std::string& chunk : def.split.chunks) units.push_back("\n" + (kStorage + chunk));
    // The definition opens with its IR comment line; the storage class goes on the signature.
    const size_t sig = def.definition.find('\n') + 1;
    units.push_back("\n" + def.definition.substr(0, sig) + kStorage + def.definition.substr(sig));
  }

  const Tags tags(m);
  std::vector<Io> inputs, outputs;
  for (size_t i = 0; i < main->params.size(); ++i) inputs.push_back(input_io(main->params[i], i, tags, target));
  flatten_result(as_func(main->checked_type)->ret, "r", main->span, tags, target, outputs);
  if (main->attrs.has(kFunctionAttrOutputNames)) {
    const std::vector<std::string>& names = main->attrs.get_strings(kFunctionAttrOutputNames);
    if (names.size() == outputs.size())
      for (size_t i = 0; i < names.size(); ++i) outputs[i].name = names[i];
  }

  std::string entry = "// The C API's run(): inputs validated by the runtime, outputs flattened from @main's result.\n";
  entry += "static void run_main(const weft_rt::IoValue* in, weft_rt::IoValue* out) {\n";
  std::string args;
  for (auto& io : inputs) args += (args.empty() ? "" : ", ") + io.path;
  entry += "  auto r = " + cpp_function_name("main") + "(" + args + ");\n";
  if (outputs.empty()) entry += "  (void)r;\n";
  if (inputs.empty()) entry += "  (void)in;\n";
  for (size_t i = 0; i < outputs.size(); ++i) entry += "  out[" + std::to_string(i) + "] = " + outputs[i].path + ";\n";
  entry += "}\n\n";
  entry += io_table("inputs", inputs, target) + io_table("outputs", outputs, target);
  entry += "\nstatic const weft_rt::ModelDesc model = {" + c_string(name) + ", inputs, " + std::to_string(inputs.size()) +
           ", outputs, " + std::to_string(outputs.size()) + ", run_main, weft_weights_source, " + (fe.may_recurse() ? "true" : "false") + "};\n";

  // The translation units: one for a small model (everything in an anonymous namespace, as
  // one file); a large one's definitions spread over several, in order, of about
  // bytes_per_unit each, with external (hidden) linkage in namespace weft_generated.
  const size_t per_unit = options.bytes_per_unit ? options.bytes_per_unit : kBytesPerUnit;
  const size_t max_units = options.max_units ? options.max_units : kMaxUnits;
  size_t total = 0;
  for (const std::string& u : units) total += u.size();
  const size_t num_units = std::max<size_t>(1, std::min(max_units, (total + per_unit / 2) / per_unit));
  const bool shared = num_units > 1;
  std::vector<std::string> definitions(num_units);
  size_t done = 0, tu = 0;
  for (const std::string& u : units) {
    if (tu + 1 < num_units && done >= total * (tu + 1) / num_units) ++tu;
    definitions[tu] += u;
    done += u.size();
  }
  auto storage = [&](std::string text) {  // kStorage marks where a single unit says `static`
    const std::string mark = kStorage, with = shared ? "" : "static ";
    for (size_t at = text.find(mark); at != std::string::npos; at = text.find(mark, at + with.size())) text.replace(at, mark.size(), with);
    return text;
  };
  decls = storage(decls);

  auto unit = [&](size_t i) {
    std::string src = "// " + name + (i ? "_" + std::to_string(i) : "") + ".cpp - generated by weft from @main and the functions it calls; compiled into lib" +
                      name + ".so" + (shared ? " (" + std::to_string(i + 1) + " of " + std::to_string(num_units) + " translation units)" : "") +
                      ".\n// One C++ function per IR function; comments cite the IR. Do not edit.\n";
    src += target.prologue() + target.global_scope();
    if (!shared) return src + weights.declarations() + "\nnamespace {\n\n" + target.file_scope() + decls + storage(definitions[i]);
    src += "namespace weft_generated {\n\n";
    src += i == 0 ? weights.declarations(true) : weights.extern_declarations();
    src += "\nnamespace {\n\n" + target.file_scope() + "\n}  // namespace\n\n" + decls + storage(definitions[i]);
    return src + "\n}  // namespace weft_generated\n";
  };
  GeneratedSource out;
  out.source = unit(0);
  if (shared) out.source += "\nnamespace {\n\nusing namespace weft_generated;\n";
  out.source += "\n" + entry + "\n}  // namespace\n\n";
  // With a precompiled runtime (weft/rt/Precompiled.h) the API table's code is in the archive.
  out.source += "#ifdef WEFT_RT_PRECOMPILED\nWEFT_RT_DEFINE_LINKED_API(model, " + name + ")\n#else\nWEFT_RT_DEFINE_API(model, " + name +
                ")\n#endif\n";
  for (size_t i = 1; i < num_units; ++i) out.parts.push_back(unit(i));
  out.weights = weights.blob();
  out.weights_file = options.weights_file;
  out.planned_values = planned;
  out.frame_bytes = frames;
  out.unshared_bytes = unshared;
  return out;
}

std::string all_sources(const GeneratedSource& src) {
  std::string all = src.source;
  for (const std::string& p : src.parts) all += p;
  return all;
}

}  // namespace weft::codegen
