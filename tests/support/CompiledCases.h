// CompiledCases.h - runs many test cases compiled to .so libraries through the C API: cases that
// the code generator cannot handle are sorted out first, the rest are merged into batch libraries
// built in parallel, each batch run in a child process so a crash or hang costs only its batch.
#pragma once

#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "ir/Module.h"
#include "ir/Value.h"

namespace weft::testing {

struct CompiledCase {
  std::string name;
  std::string group;                           // batches never mix groups (e.g. op families)
  // Built alone: for a case expected to fail (listed), so that its failure does not make
  // a whole batch rebuild in halves to find it.
  bool isolate = false;
  Module module;                               // type-checked
  // @main's arguments, one vector per data set: tensors, lists of tensors and options of
  // them, as the C API's run_values takes them.
  std::vector<std::vector<Value>> data_sets;
  // Compares data set `set`'s outputs (@main's result, tuples flattened as the C API does;
  // lists and options built with the case module's prelude) with the oracle: "" when they
  // agree, else what differs. Called in the child process that ran the batch.
  std::function<std::string(size_t set, const std::vector<Value>& outputs)> check;
};

enum class CompiledStatus { Pass, Fail, Unsupported };
const char* compiled_status_name(CompiledStatus s);  // "pass", "fail", "unsupported"

struct CompiledOutcome {
  CompiledStatus status = CompiledStatus::Fail;
  std::string reason;  // for fail and unsupported
  std::string batch;   // the library that finally ran it, e.g. "b3" (a bisected part: "b3.1.0")
  double build_s = 0;  // emitting and building that library (shared by the cases of a batch)
};

struct BatchOptions {
  size_t batch_size = 40;  // cases merged into one library at most
  int jobs = 2;            // batches built and run at once
  // Appended to the toolchain's flags: a later -O overrides its -O3, and tests need the
  // generated code checked, not fast, so -O1 saves most of the C++ compile time.
  // $WEFT_TEST_CXX_FLAGS (space-separated), when set, replaces them.
  std::vector<std::string> cxx_flags = default_cxx_flags();
  static std::vector<std::string> default_cxx_flags();
  // The -O pipeline (opt/Pipelines.h) each case runs before code generation; -1: none, the
  // module as the importer gave it. $WEFT_TEST_OPT_LEVEL (0..3), when set, gives it.
  int opt_level = default_opt_level();
  static int default_opt_level();
  double build_timeout_s = 600;  // per batch build; a batch over it is killed and split
  unsigned run_timeout_s = 60;    // per batch run (all data sets), so a hanging case costs little
  bool progress = true;          // a `# batch ...` line on stdout as each batch finishes
};

// Emits each case alone (a CompileError there: Unsupported with the code generator's
// message), then builds and runs the others in batches. A batch that fails as a whole (its
// build, its run, a crash, the timeout) is split in halves until single cases remain, whose
// failure is then their own. Returns one outcome per case, in order.
std::vector<CompiledOutcome> run_compiled(const std::vector<CompiledCase>& cases, const BatchOptions& options = {});

class ExpectedList;

// The compiled column's counts, kept as each case's outcome is recorded.
struct CompiledTally {
  int passed = 0, failed = 0, unsupported = 0;
  // Records the outcome of case `name` in `expected` (attempted; unsupported ones with reason
  // "unsupported: ..."), counts it and prints `PREFIXPASS name`, `PREFIXFAIL name: reason` or
  // `PREFIXUNSUPPORTED name: reason`, with " (expected)" when the list names it. Returns whether
  // the list names it.
  bool record(const std::string& name, const CompiledOutcome& o, ExpectedList& expected, std::ostream& out,
              const std::string& prefix = "");
};

// A CompileError's message without its location and the snippet after ", in @": the part
// that groups like failures together ("CPU code generation does not support operator 'conv' ...").
std::string unsupported_reason(const std::string& message);

}  // namespace weft::testing
