// EmitCpu.cpp - the generated source of a module: constants, functions, @main's entry and the C API table.
#include "codegen/EmitCpu.h"

#include <cctype>
#include <set>

#include "codegen/CpuFunctionEmitter.h"
#include "codegen/CpuTypes.h"
#include "codegen/Weights.h"
#include "ir/ExprFunctor.h"
#include "ir/ops/CpuEmit.h"

namespace weft::codegen {

namespace {

// One tensor of @main's flattened inputs or outputs: its C++ access path and type.
struct Io {
  std::string name;
  std::string path;  // "in[0]", "std::get<1>(r)"
  const TensorTypeNode* type;
};

void flatten_result(const Type& t, const std::string& path, const Span& where, std::vector<Io>& out) {
  if (auto* tt = as_tensor(t)) {
    out.push_back({"output" + std::to_string(out.size()), path, tt});
    return;
  }
  if (auto* tup = as_tuple(t)) {
    for (size_t i = 0; i < tup->fields.size(); ++i)
      flatten_result(tup->fields[i], "std::get<" + std::to_string(i) + ">(" + path + ")", where, out);
    return;
  }
  throw CompileError(where, "CPU code generation: @main returns " + type_str(t) +
                                "; only tensors and tuples of tensors can be outputs of a compiled library yet");
}

std::string dtype_expr(DType d) { return "weft_rt::dl_dtype<" + cpu_ctype(d, "") + ">()"; }

std::string c_string(const std::string& s) {
  std::string r = "\"";
  for (char c : s) r += (c == '"' || c == '\\') ? std::string("\\") + c : std::string(1, c);
  return r + "\"";
}

// The IoDesc array for `ios` and the shape / dim-name arrays it points to.
std::string io_table(const std::string& table, const std::vector<Io>& ios) {
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
    rows += "    {" + c_string(io.name) + ", " + dtype_expr(io.type->dtype) + ", " + std::to_string(io.type->rank()) + ", " +
            (scalar ? "nullptr" : arr + "_shape") + ", " + (scalar ? "nullptr" : arr + "_dims") + "},  // " +
            type_str(Type(const_cast<TensorTypeNode*>(io.type))) + "\n";
  }
  if (ios.empty()) return s + "static const weft_rt::IoDesc* const " + table + " = nullptr;\n";
  return s + "static const weft_rt::IoDesc " + table + "[] = {\n" + rows + "};\n";
}

// The functions @main calls, directly or not, in module order: only they are compiled, so
// an unused helper (polymorphic, over ADTs) does not stop a model from compiling.
std::vector<std::string> reachable_functions(const Module& m) {
  struct Calls : ExprVisitor {
    std::set<std::string> found;
    using ExprVisitor::visit_;
    void visit_(const GlobalVarNode* g) override { found.insert(g->name); }
  };
  std::set<std::string> done = {"main"};
  std::vector<std::string> work = {"main"};
  while (!work.empty()) {
    Calls c;
    c.visit(m.function(work.back())->body);
    work.pop_back();
    for (const std::string& f : c.found)
      if (done.insert(f).second) work.push_back(f);
  }
  std::vector<std::string> order;
  for (const std::string& f : m.function_names())
    if (done.count(f)) order.push_back(f);
  return order;
}

}  // namespace

void check_library_name(const std::string& name) {
  bool ok = !name.empty() && !std::isdigit(static_cast<unsigned char>(name[0]));
  for (char c : name) ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '_');
  if (!ok) throw CompileError("library name '" + name + "' is not a C identifier (letters, digits and _; it names NAME_api)");
  if (name == "weft_model") throw CompileError("library name 'weft_model' would export weft_model_api twice; pick another");
}

CpuSource emit_cpu(const Module& m, const std::string& name, const CpuEmitOptions& options) {
  check_library_name(name);
  Function main = m.main();
  if (!main) throw CompileError("CPU code generation: the module has no @main");

  Weights weights(options.weights_file);
  CpuFunctionEmitter fe(m, weights);
  std::string decls, functions;
  for (const std::string& f : reachable_functions(m)) {
    decls += "static " + cpp_signature(f, m.function(f)) + ";\n";
    // The definition opens with its IR comment line; `static` goes on the signature.
    std::string def = fe.emit(f, m.function(f));
    size_t sig = def.find('\n') + 1;
    functions += "\n" + def.substr(0, sig) + "static " + def.substr(sig);
  }

  std::vector<Io> inputs, outputs;
  for (size_t i = 0; i < main->params.size(); ++i) {
    const Var& p = main->params[i];
    auto* t = as_tensor(p->checked_type);
    if (!t)
      throw CompileError(p->span, "CPU code generation: @main parameter %" + p->name_hint + " has type " +
                                      type_str(p->checked_type) + "; only tensors can be inputs of a compiled library yet");
    cpu_ctype(t->dtype, "");
    inputs.push_back({p->name_hint, "in[" + std::to_string(i) + "]", t});
  }
  flatten_result(as_func(main->checked_type)->ret, "r", main->span, outputs);

  std::string entry = "// The C API's run(): inputs validated by the runtime, outputs flattened from @main's result.\n";
  entry += "static void run_main(const weft_rt::Tensor* in, weft_rt::Tensor* out) {\n";
  std::string args;
  for (auto& io : inputs) args += (args.empty() ? "" : ", ") + io.path;
  entry += "  auto r = " + cpp_function_name("main") + "(" + args + ");\n";
  if (outputs.empty()) entry += "  (void)r;\n";
  if (inputs.empty()) entry += "  (void)in;\n";
  for (size_t i = 0; i < outputs.size(); ++i) entry += "  out[" + std::to_string(i) + "] = " + outputs[i].path + ";\n";
  entry += "}\n\n";
  entry += io_table("inputs", inputs) + io_table("outputs", outputs);
  entry += "\nstatic const weft_rt::ModelDesc model = {" + c_string(name) + ", inputs, " + std::to_string(inputs.size()) +
           ", outputs, " + std::to_string(outputs.size()) + ", run_main, weft_weights_source};\n";

  std::string src = "// " + name + ".cpp - generated by weft from @main and the functions it calls; compiled into lib" + name +
                    ".so.\n// One C++ function per IR function; comments cite the IR. Do not edit.\n";
  src += "#include <cmath>\n#include <tuple>\n#include <utility>\n\n#include \"weft/runtime.h\"\n\n";
  src += weights.declarations();
  src += "\nnamespace {\n\n" + decls + functions + "\n" + entry + "\n}  // namespace\n\n";
  src += "WEFT_RT_DEFINE_API(model, " + name + ")\n";
  return {src, weights.blob(), options.weights_file};
}

}  // namespace weft::codegen
