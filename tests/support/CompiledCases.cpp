// CompiledCases.cpp - the batch planner, the forked batch runner and the bisection of failed batches (see CompiledCases.h).
#include "tests/support/CompiledCases.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <sstream>

#include "codegen/cpu/EmitCpu.h"
#include "codegen/cpu/Toolchain.h"
#include "opt/Pipelines.h"
#include "ir/Error.h"
#include "cli/host/ApiValues.h"
#include "tests/support/BatchMerge.h"
#include "tests/support/ExpectedList.h"
#include "cli/host/LoadedLibrary.h"

namespace weft::testing {

namespace fs = std::filesystem;
using host::api_kind;
using host::ApiValue;
using host::from_api;
using host::LoadedLibrary;
using host::to_api;
using Clock = std::chrono::steady_clock;

const char* compiled_status_name(CompiledStatus s) {
  switch (s) {
    case CompiledStatus::Pass: return "pass";
    case CompiledStatus::Fail: return "fail";
    case CompiledStatus::Unsupported: return "unsupported";
  }
  return "?";
}

std::vector<std::string> BatchOptions::default_cxx_flags() {
  const char* env = std::getenv("WEFT_TEST_CXX_FLAGS");
  if (!env) return {"-O1"};
  std::vector<std::string> flags;
  std::istringstream ss(env);
  for (std::string f; ss >> f;) flags.push_back(f);
  return flags;
}

int BatchOptions::default_opt_level() {
  const char* env = std::getenv("WEFT_TEST_OPT_LEVEL");
  return env && *env ? std::atoi(env) : -1;
}

std::string unsupported_reason(const std::string& message) {
  std::string s = message.substr(0, message.find(", in @"));
  return one_line(s, 200);
}

namespace {

struct Job {
  std::vector<size_t> cases;  // indices into the case list
  std::string id;             // b<k>, then b<k>.0 / b<k>.1 for its halves
};

// One line of the child's result file: no tabs or newlines inside a field.
std::string field(const std::string& s) {
  std::string r = one_line(s, 2000);
  for (char& c : r)
    if (c == '\t') c = ' ';
  return r;
}

double since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// Exit codes of a batch child: 0 ran (per-case lines follow), 3 the batch could not be
// built or loaded, 4 a run failed as a whole (which case is unknown).
constexpr int kBatchBuildFailed = 3, kBatchRunFailed = 4;

// Each case's data sets as run_values inputs, converted (and checked) in the parent.
using ApiSets = std::vector<std::vector<std::vector<ApiValue>>>;

int run_batch(const std::vector<CompiledCase>& cases, const ApiSets& api_sets, const Job& job, const std::string& dir,
              const BatchOptions& o, std::ostream& out) {
  std::string lib_name = "weft_" + job.id;
  for (char& c : lib_name)
    if (c == '.') c = '_';
  std::vector<const Module*> modules;
  for (size_t i : job.cases) modules.push_back(&cases[i].module);
  const auto t0 = Clock::now();
  codegen::CpuSource src;
  try {
    // Every op call also runs its shape function, checked against its kernel's result.
    codegen::CpuEmitOptions emit;
    emit.check_shapes = true;
    src = codegen::emit_cpu(modules.size() == 1 ? *modules[0] : merge_modules(modules), lib_name, emit);
  } catch (const std::exception& e) {
    out << "BATCH\temit: " << field(e.what()) << "\n";
    return kBatchBuildFailed;
  }
  const std::string path = dir + "/lib" + lib_name + ".so";
  try {
    codegen::ToolchainOptions tc;
    tc.extra_flags = o.cxx_flags;
    codegen::build_shared_library(src, lib_name, path, tc);
  } catch (const std::exception& e) {
    // The compiler's first error is the useful line; its full log would not fit one line.
    std::string msg = e.what();
    size_t err = msg.find("error:");
    out << "BATCH\tbuild: " << field(err == std::string::npos ? msg : msg.substr(err)) << "\n";
    return kBatchBuildFailed;
  }
  const double build_s = since(t0);
  LoadedLibrary lib(path, lib_name);
  if (!lib.error().empty()) {
    out << "BATCH\tload: " << field(lib.error()) << "\n";
    return kBatchBuildFailed;
  }

  const auto t1 = Clock::now();
  alarm(o.run_timeout_s);  // a hanging run ends the child with SIGALRM
  size_t max_sets = 0;
  for (size_t i : job.cases) max_sets = std::max(max_sets, cases[i].data_sets.size());
  std::vector<std::string> failure(job.cases.size());
  for (size_t s = 0; s < max_sets; ++s) {
    // Cases with fewer data sets repeat their last one; only their own sets are checked.
    std::vector<ApiValue> inputs, outputs;
    for (size_t i : job.cases) {
      const auto& sets = api_sets[i];
      const auto& set = sets[std::min(s, sets.size() - 1)];
      inputs.insert(inputs.end(), set.begin(), set.end());
    }
    std::string err = lib.run(inputs, &outputs);
    if (!err.empty()) {
      if (job.cases.size() > 1) {
        out << "BATCH\trun (data set " << s << "): " << field(err) << "\n";
        return kBatchRunFailed;
      }
      failure[0] = "run (data set " + std::to_string(s) + "): " + err;
      break;
    }
    size_t at = 0;
    for (size_t k = 0; k < job.cases.size(); ++k) {
      const CompiledCase& c = cases[job.cases[k]];
      const size_t n = flat_output_count(c.module);
      const size_t from = std::min(at, outputs.size()), to = std::min(at + n, outputs.size());
      at += n;
      if (s >= c.data_sets.size() || !failure[k].empty()) continue;
      std::string why;
      if (to - from != n) {
        why = "the library returned " + std::to_string(outputs.size()) + " outputs in all, too few";
      } else {
        try {
          std::vector<Value> mine;
          for (size_t j = from; j < to; ++j) mine.push_back(from_api(outputs[j], c.module));
          why = c.check(s, mine);
        } catch (const std::exception& e) {
          why = std::string("reading or checking the outputs: ") + e.what();
        }
      }
      if (!why.empty()) failure[k] = (c.data_sets.size() > 1 ? "data set " + std::to_string(s) + ": " : "") + why;
    }
  }
  out << "TIME\t" << build_s << "\t" << since(t1) << "\n";
  for (size_t k = 0; k < job.cases.size(); ++k)
    out << "CASE\t" << k << "\t" << (failure[k].empty() ? "pass" : "fail") << "\t" << field(failure[k]) << "\n";
  return 0;
}

[[noreturn]] void child_main(const std::vector<CompiledCase>& cases, const ApiSets& api_sets, const Job& job,
                             const std::string& dir, const BatchOptions& o, const std::string& result_path) {
  setpgid(0, 0);  // its own group, so a timeout kills the compiler it started too
  int code = kBatchBuildFailed;
  {
    std::ofstream out(result_path);
    try {
      code = run_batch(cases, api_sets, job, dir, o, out);
    } catch (const std::exception& e) {
      out << "BATCH\t" << field(e.what()) << "\n";
    }
  }
  _exit(code);  // no static destructors or atexit handlers of the parent's libraries
}

// Puts batchable cases into batches in order: a case joins the first open batch of its
// group whose cases share none of its dim symbols; a case with its own ADTs goes alone.
std::vector<Job> plan(const std::vector<CompiledCase>& cases, const std::vector<size_t>& todo, size_t batch_size) {
  struct Open {
    Job job;
    std::string group;
    std::set<std::string> symbols;
  };
  std::vector<Open> open;
  std::vector<Job> done;
  for (size_t i : todo) {
    std::set<std::string> syms = module_symbols(cases[i].module);
    if (cases[i].isolate || defines_types(cases[i].module) || batch_size <= 1) {
      done.push_back({{i}, ""});
      continue;
    }
    Open* target = nullptr;
    for (Open& b : open) {
      bool clash = b.group != cases[i].group;
      for (const std::string& s : syms) clash = clash || b.symbols.count(s);
      if (!clash) {
        target = &b;
        break;
      }
    }
    if (!target) {
      target = &open.emplace_back();
      target->group = cases[i].group;
    }
    target->job.cases.push_back(i);
    target->symbols.insert(syms.begin(), syms.end());
    if (target->job.cases.size() >= batch_size) {
      done.push_back(target->job);
      open.erase(open.begin() + (target - open.data()));
    }
  }
  for (Open& b : open) done.push_back(b.job);
  for (size_t k = 0; k < done.size(); ++k) done[k].id = "b" + std::to_string(k);
  return done;
}

std::string describe_exit(int status, bool timed_out, const BatchOptions& o) {
  if (timed_out) return "the build timed out after " + std::to_string(int(o.build_timeout_s)) + " s";
  if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM) return "the run timed out after " + std::to_string(o.run_timeout_s) + " s";
  if (WIFSIGNALED(status)) return std::string("crashed (") + strsignal(WTERMSIG(status)) + ")";
  return "exited with status " + std::to_string(WEXITSTATUS(status));
}

struct Running {
  Job job;
  Clock::time_point start;
  std::string result_path;
  bool killed = false;
};

}  // namespace

std::vector<CompiledOutcome> run_compiled(const std::vector<CompiledCase>& given, const BatchOptions& o) {
  std::vector<CompiledOutcome> outcomes(given.size());
  std::vector<CompiledCase> optimized;  // the cases after the -O pipeline, when one is asked for
  std::vector<bool> pipeline_failed(given.size(), false);
  if (o.opt_level >= 0) {
    optimized = given;
    for (size_t i = 0; i < optimized.size(); ++i) {
      try {
        optimized[i].module = run_pipeline(optimized[i].module, o.opt_level, PassContext{});
      } catch (const std::exception& e) {
        outcomes[i] = {CompiledStatus::Fail, "passes (-O" + std::to_string(o.opt_level) + "): " + one_line(e.what()), ""};
        pipeline_failed[i] = true;
      }
    }
  }
  const std::vector<CompiledCase>& cases = o.opt_level >= 0 ? optimized : given;
  ApiSets api_sets(cases.size());
  std::vector<size_t> todo;
  for (size_t i = 0; i < cases.size(); ++i) {
    const CompiledCase& c = cases[i];
    CompiledOutcome& r = outcomes[i];
    if (pipeline_failed[i]) continue;
    try {
      codegen::emit_cpu(c.module, "weft_case");
    } catch (const CompileError& e) {
      r = {CompiledStatus::Unsupported, unsupported_reason(e.diagnostic().message), ""};
      continue;
    } catch (const std::exception& e) {
      r = {CompiledStatus::Fail, "emit: " + one_line(e.what()), ""};
      continue;
    }
    const std::vector<Var>& params = c.module.main()->params;
    r.reason = c.data_sets.empty() ? "no data set to run" : "";
    for (size_t s = 0; s < c.data_sets.size() && r.reason.empty(); ++s) {
      if (c.data_sets[s].size() != params.size()) {
        r.reason = "data set " + std::to_string(s) + " has " + std::to_string(c.data_sets[s].size()) + " inputs, @main takes " +
                   std::to_string(params.size());
        break;
      }
      std::vector<ApiValue>& set = api_sets[i].emplace_back();
      for (size_t p = 0; p < params.size() && r.reason.empty(); ++p) {
        try {
          set.push_back(to_api(c.data_sets[s][p], api_kind(params[p]->checked_type)));
        } catch (const std::exception& e) {
          r.reason = "data set " + std::to_string(s) + ", input " + std::to_string(p) + ": " + one_line(e.what());
        }
      }
    }
    if (r.reason.empty()) todo.push_back(i);
  }

  std::string tmpl = (fs::temp_directory_path() / "weft-compiled-XXXXXX").string();
  if (!mkdtemp(tmpl.data())) {
    for (size_t i : todo) outcomes[i].reason = "cannot create a temporary directory";
    return outcomes;
  }
  const std::string dir = tmpl;
  std::vector<Job> planned = plan(cases, todo, o.batch_size);
  std::deque<Job> queue(planned.begin(), planned.end());
  std::map<pid_t, Running> running;
  auto finish = [&](const Running& r, int status) {
    std::ifstream in(r.result_path);
    std::map<size_t, std::pair<bool, std::string>> got;
    std::string line, batch_error;
    double build_s = 0, run_s = 0;
    while (std::getline(in, line)) {
      std::vector<std::string> f;
      std::istringstream ss(line);
      for (std::string x; std::getline(ss, x, '\t');) f.push_back(x);
      if (f.size() >= 2 && f[0] == "BATCH") batch_error = f[1];
      if (f.size() >= 3 && f[0] == "TIME") build_s = std::stod(f[1]), run_s = std::stod(f[2]);
      if (f.size() >= 3 && f[0] == "CASE") got[std::stoul(f[1])] = {f[2] == "pass", f.size() > 3 ? f[3] : ""};
    }
    const size_t n = r.job.cases.size();
    const bool ran = !r.killed && WIFEXITED(status) && WEXITSTATUS(status) == 0 && got.size() == n;
    if (ran) {
      for (auto& [k, res] : got)
        outcomes[r.job.cases[k]] = {res.first ? CompiledStatus::Pass : CompiledStatus::Fail, res.second, r.job.id, build_s};
      if (o.progress)
        std::cout << "# batch " << r.job.id << ": " << n << " case(s), built in " << std::fixed << std::setprecision(1) << build_s
                  << " s, ran in " << run_s << " s" << std::defaultfloat << std::endl;
      return;
    }
    std::string why = batch_error.empty() ? describe_exit(status, r.killed, o) : batch_error;
    if (n == 1) {
      outcomes[r.job.cases[0]] = {CompiledStatus::Fail, why, r.job.id};
      if (o.progress) std::cout << "# batch " << r.job.id << ": failed: " << one_line(why, 200) << std::endl;
      return;
    }
    // Which case broke the batch is unknown: split it and try the halves.
    Job a{{r.job.cases.begin(), r.job.cases.begin() + long(n / 2)}, r.job.id + ".0"};
    Job b{{r.job.cases.begin() + long(n / 2), r.job.cases.end()}, r.job.id + ".1"};
    queue.push_front(b);
    queue.push_front(a);
    if (o.progress) std::cout << "# batch " << r.job.id << ": " << n << " cases failed as a whole (" << one_line(why, 200) << "); splitting" << std::endl;
  };

  while (!queue.empty() || !running.empty()) {
    while (int(running.size()) < std::max(1, o.jobs) && !queue.empty()) {
      Job job = queue.front();
      queue.pop_front();
      std::string result_path = dir + "/" + job.id + ".result";
      std::cout.flush();
      std::fflush(nullptr);
      pid_t pid = fork();
      if (pid == 0) child_main(cases, api_sets, job, dir, o, result_path);
      if (pid < 0) {
        for (size_t i : job.cases) outcomes[i] = {CompiledStatus::Fail, "cannot fork a batch process", job.id};
        continue;
      }
      setpgid(pid, pid);
      running[pid] = {job, Clock::now(), result_path};
    }
    int status = 0;
    pid_t pid = waitpid(-1, &status, WNOHANG);
    if (pid > 0 && running.count(pid)) {
      Running r = running[pid];
      running.erase(pid);
      kill(-pid, SIGKILL);  // anything the child left behind in its group
      finish(r, status);
      continue;
    }
    for (auto& [p, r] : running)
      if (!r.killed && since(r.start) > o.build_timeout_s + o.run_timeout_s) {
        kill(-p, SIGKILL);
        kill(p, SIGKILL);
        r.killed = true;
      }
    usleep(20000);
  }
  std::error_code ec;
  fs::remove_all(dir, ec);
  return outcomes;
}

bool CompiledTally::record(const std::string& name, const CompiledOutcome& o, ExpectedList& expected, std::ostream& out,
                           const std::string& prefix) {
  const bool pass = o.status == CompiledStatus::Pass, listed = expected.listed(name);
  passed += pass;
  failed += o.status == CompiledStatus::Fail;
  unsupported += o.status == CompiledStatus::Unsupported;
  expected.record(name, true, pass, o.status == CompiledStatus::Unsupported ? "unsupported: " + o.reason : o.reason);
  out << prefix << (pass ? "PASS " : o.status == CompiledStatus::Fail ? "FAIL " : "UNSUPPORTED ") << name
      << (pass ? "" : ": " + o.reason) << (listed ? " (expected)" : "") << "\n";
  return listed;
}

}  // namespace weft::testing
