// Toolchain.cpp - the compiler driver: temp build dir, runtime headers, g++, atomic rename.
#include "codegen/cpu/Toolchain.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <csignal>
#include <cstring>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "codegen/CompileCache.h"
#include "codegen/cpu/RuntimeArchive.h"
#include "ir/Error.h"
#include "weft/rt/Hash.h"

namespace weft::codegen {

namespace fs = std::filesystem;

namespace {

void write_file(const fs::path& p, const std::string& bytes) {
  std::ofstream out(p, std::ios::binary);
  out.write(bytes.data(), std::streamsize(bytes.size()));
  if (!out) throw CompileError("cannot write " + p.string());
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A directory removed on scope exit.
struct TempDir {
  fs::path path;
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "weft-build-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) throw CompileError("cannot create a temporary build directory in " + fs::temp_directory_path().string());
    path = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

// Starts argv in `cwd` with stdout and stderr into `log`; its pid (-1 if it could not fork).
pid_t start_process(const std::vector<std::string>& argv, const fs::path& cwd, const fs::path& log) {
  // Everything the child needs is made before fork: after it, only async-signal-safe calls.
  std::vector<char*> args;
  for (auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const std::string log_path = log.string(), dir = cwd.string();
  pid_t pid = fork();
  if (pid != 0) return pid;
  const int fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0 || chdir(dir.c_str()) != 0) _exit(127);
  dup2(fd, 1);
  dup2(fd, 2);
  execvp(args[0], args.data());
  _exit(127);
}

// The exit status of a started process (-1 if it did not start or died of a signal).
int wait_process(pid_t pid) {
  if (pid < 0) return -1;
  int status = 0;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Runs argv in `cwd` with stdout and stderr into `log`; the exit status (-1 if it could not start).
int run_process(const std::vector<std::string>& argv, const fs::path& cwd, const fs::path& log) {
  return wait_process(start_process(argv, cwd, log));
}

// One command of a parallel batch: what it is, its command line and log, then its status and time.
struct Job {
  std::string what;
  std::vector<std::string> argv;
  fs::path log;
  int status = -1;
  double ms = 0;
};

// Runs the jobs in `cwd`, at most `parallel` at a time, each to its own log; returns when all are done.
void run_parallel(std::vector<Job>& jobs, const fs::path& cwd, int parallel) {
  struct Running {
    size_t job;
    pid_t pid;
    std::chrono::steady_clock::time_point t0;
  };
  std::vector<Running> running;
  size_t next = 0;
  while (next < jobs.size() || !running.empty()) {
    while (next < jobs.size() && int(running.size()) < std::max(parallel, 1)) {
      running.push_back({next, start_process(jobs[next].argv, cwd, jobs[next].log), std::chrono::steady_clock::now()});
      ++next;
    }
    bool reaped = false;
    for (size_t i = 0; i < running.size(); ++i) {
      Running& r = running[i];
      int status = 0;
      const pid_t done = r.pid < 0 ? r.pid : waitpid(r.pid, &status, WNOHANG);
      if (done == 0 || (done < 0 && r.pid >= 0 && errno == EINTR)) continue;
      Job& j = jobs[r.job];
      j.status = r.pid < 0 || done < 0 ? -1 : WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      j.ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - r.t0).count();
      running.erase(running.begin() + std::ptrdiff_t(i));
      reaped = true;
      break;
    }
    if (!reaped && !running.empty()) usleep(2000);
  }
}

// The archive's place inside a build directory (copied there by write_tree).
std::string archive_in_tree(const RuntimeArchive& a) { return "lib/libweft_rt_" + a.level + ".a"; }

// The flags that decide how the runtime header is compiled (a precompiled header must match
// them). The runtime's heavy kernels are only declared when an archive is linked
// (WEFT_RT_PRECOMPILED, weft/rt/Precompiled.h). -fno-trapping-math: no library enables
// floating-point traps or reads the exception flags, and without it GCC keeps a branch per
// element for any chain of two float compares (clamp01 in hard_swish and hard_sigmoid, clip),
// so such fused loops and epilogues stayed scalar: half of mobilenet_v3_small's time. Values are
// unchanged (no reassociation, NaN, infinities and signed zeros as before).
std::vector<std::string> language_flags(const ToolchainOptions& o, const RuntimeArchive& a) {
  std::vector<std::string> cmd = {"-std=c++20", "-O" + std::to_string(o.opt_level), "-march=" + o.cpu, "-fno-trapping-math", "-fPIC",
                                  "-fvisibility=hidden"};
  if (!a.path.empty()) cmd.push_back("-DWEFT_RT_PRECOMPILED");
  cmd.insert(cmd.end(), o.extra_flags.begin(), o.extra_flags.end());
  return cmd;
}

// The compiler, its flags and the libraries, which the command lines below are made of.
BuildRecipe recipe(const std::string& name, const ToolchainOptions& o, const RuntimeArchive& a) {
  BuildRecipe r;
  r.compiler = o.compiler;
  r.compile_flags = language_flags(o, a);
  // libstdc++ inside, only the API exported.
  r.link_flags = {"-shared", "-static-libstdc++", "-static-libgcc", "-Wl,--version-script=exports.map", "-Wl,-soname,lib" + name + ".so"};
  r.link_flags.insert(r.link_flags.end(), o.extra_flags.begin(), o.extra_flags.end());
  if (!a.path.empty()) r.libraries.push_back(archive_in_tree(a));
  return r;
}

// The file names of the source's translation units: NAME.cpp, NAME_1.cpp, ...
std::vector<std::string> unit_names(const CpuSource& src, const std::string& name) {
  std::vector<std::string> units = {name};
  for (size_t i = 1; i <= src.parts.size(); ++i) units.push_back(name + "_" + std::to_string(i));
  return units;
}

// g++ -c: one translation unit UNIT.cpp to UNIT.o. `pch` is a directory holding weft/runtime.h.gch, put
// before -Iinclude (build.sh is written without it: it rebuilds from the headers alone).
std::vector<std::string> compile_command(const std::string& name, const std::string& unit, const ToolchainOptions& o,
                                         const RuntimeArchive& a, const std::string& pch = "") {
  const BuildRecipe r = recipe(name, o, a);
  std::vector<std::string> cmd = {r.compiler};
  cmd.insert(cmd.end(), r.compile_flags.begin(), r.compile_flags.end());
  if (!pch.empty()) cmd.push_back("-I" + pch);
  cmd.insert(cmd.end(), {"-Iinclude", "-Wa,-I.", "-c", unit + ".cpp", "-o", unit + ".o"});
  return cmd;
}

// g++ -shared: the units' objects and the archive into the library.
std::vector<std::string> link_command(const std::string& name, const std::vector<std::string>& units, const ToolchainOptions& o,
                                      const RuntimeArchive& a, const std::string& output, bool external_weights) {
  const BuildRecipe r = recipe(name, o, a);
  std::vector<std::string> cmd = {r.compiler};
  cmd.insert(cmd.end(), r.link_flags.begin(), r.link_flags.end());
  cmd.insert(cmd.end(), {"-o", output});
  for (const std::string& u : units) cmd.push_back(u + ".o");
  cmd.insert(cmd.end(), r.libraries.begin(), r.libraries.end());
  // dladdr (finding the sidecar beside the library) lives in libdl before glibc 2.34; as-needed
  // keeps libdl out of the dependencies where libc has it.
  if (external_weights) cmd.insert(cmd.end(), {"-Wl,--push-state,--as-needed", "-ldl", "-Wl,--pop-state"});
  return cmd;
}

std::string joined(const std::vector<std::string>& argv) {
  std::string s;
  for (auto& a : argv) s += (s.empty() ? "" : " ") + a;
  return s;
}

// The temporary outputs beside the final ones, removed if weft is killed (SIGINT, SIGTERM,
// SIGHUP) while they exist, so that an interrupted compile leaves nothing behind in the
// output directory. The handler only unlinks fixed buffers (async-signal-safe), then dies
// of the same signal.
constexpr int kPartials = 2;
char partial_files[kPartials][4096];
volatile sig_atomic_t num_partials = 0;

extern "C" void remove_partials_and_die(int sig) {
  for (int i = 0; i < num_partials; ++i) unlink(partial_files[i]);
  signal(sig, SIG_DFL);
  raise(sig);
}

class PartialFiles {
 public:
  PartialFiles() {
    for (int i = 0; i < 3; ++i) {
      struct sigaction sa {};
      sa.sa_handler = remove_partials_and_die;
      sigemptyset(&sa.sa_mask);
      sigaction(kSignals[i], nullptr, &old_[i]);
      if (old_[i].sa_handler != SIG_IGN) sigaction(kSignals[i], &sa, nullptr);  // keep what the parent ignores ignored
    }
  }
  ~PartialFiles() {
    for (int i = 0; i < 3; ++i) sigaction(kSignals[i], &old_[i], nullptr);
    num_partials = 0;
  }
  PartialFiles(const PartialFiles&) = delete;
  PartialFiles& operator=(const PartialFiles&) = delete;
  void add(const fs::path& p) {
    const std::string s = p.string();
    if (num_partials >= kPartials || s.size() >= sizeof partial_files[0]) return;
    std::memcpy(partial_files[num_partials], s.c_str(), s.size() + 1);
    num_partials = num_partials + 1;
  }

 private:
  static constexpr int kSignals[3] = {SIGINT, SIGTERM, SIGHUP};
  struct sigaction old_[3];
};

// A temporary name beside `out` (same directory, so rename is atomic).
fs::path partial_path(const fs::path& out) {
  return out.parent_path() / ("." + out.filename().string() + ".partial-" + std::to_string(getpid()));
}

// The options with $WEFT_CXX, when set, as the compiler.
ToolchainOptions resolved(const ToolchainOptions& options) {
  ToolchainOptions o = options;
  const char* cxx = std::getenv("WEFT_CXX");
  if (cxx && *cxx) o.compiler = cxx;
  return o;
}

}  // namespace

std::string runtime_include_dir() {
  if (const char* env = std::getenv("WEFT_RUNTIME_DIR"); env && *env) return env;
#ifdef WEFT_INSTALL_BIN_TO_INCLUDE
  // An installed weft: PREFIX/bin/weft next to PREFIX/include/weft.
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const fs::path installed = (exe.parent_path() / WEFT_INSTALL_BIN_TO_INCLUDE).lexically_normal();
    if (fs::exists(installed / "weft" / "runtime.h", ec)) return installed.string();
  }
#endif
#ifdef WEFT_RUNTIME_INCLUDE_DIR
  return WEFT_RUNTIME_INCLUDE_DIR;
#else
  return "";
#endif
}

void check_cpu_level(const std::string& cpu, const ToolchainOptions& options) {
  bool plain = !cpu.empty() && cpu.size() <= 64 && cpu[0] != '-';
  for (char c : cpu) plain = plain && (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' || c == '+');
  const char* hint = " (use native for the build machine, or a level such as x86-64, x86-64-v2, x86-64-v3, x86-64-v4, or a CPU name such as skylake)";
  if (!plain) throw CompileError("--cpu '" + cpu + "' is not a CPU level" + hint);
  // Ask the compiler itself: the list of -march values depends on its version and target.
  TempDir tmp;
  write_file(tmp.path / "empty.cpp", "");
  const ToolchainOptions o = resolved(options);
  const fs::path log = tmp.path / "compiler.log";
  const int rc = run_process({o.compiler, "-march=" + cpu, "-fsyntax-only", "empty.cpp"}, tmp.path, log);
  if (rc == 0) return;
  if (rc < 0 || rc == 127) throw CompileError("cannot start the C++ compiler (" + o.compiler + ") to check --cpu " + cpu);
  std::string msg = read_file(log);
  if (size_t eol = msg.find('\n'); eol != std::string::npos) msg = msg.substr(0, eol);
  throw CompileError("--cpu '" + cpu + "' is not accepted by the C++ compiler (" + o.compiler + " -march=" + cpu + ": " + msg + ")" + hint);
}

namespace {

fs::path runtime_headers(const ToolchainOptions& options) {
  const fs::path rt = options.runtime_include_dir.empty() ? fs::path(runtime_include_dir()) : fs::path(options.runtime_include_dir);
  if (!fs::exists(rt / "weft" / "runtime.h"))
    throw CompileError("cannot find the weft runtime headers in '" + rt.string() + "' (set WEFT_RUNTIME_DIR to codegen/runtime/include)");
  return rt;
}

// The archive to link, when asked for and present; otherwise none, with the reason.
RuntimeArchive pick_archive(const ToolchainOptions& o) {
  if (!o.precompiled_runtime) return {"", "", "runtime: header-only (precompiled runtime turned off)"};
  return find_runtime_archive(o.compiler, o.cpu);
}

void write_tree(const CpuSource& src, const std::string& name, const fs::path& d, const ToolchainOptions& o, const RuntimeArchive& a) {
  std::error_code ec;
  fs::create_directories(d / "include", ec);
  if (ec) throw CompileError("cannot create " + d.string() + ": " + ec.message());
  fs::copy(runtime_headers(o) / "weft", d / "include" / "weft", fs::copy_options::recursive | fs::copy_options::overwrite_existing, ec);
  if (ec) throw CompileError("cannot copy the runtime headers into " + d.string() + ": " + ec.message());
  if (!a.path.empty()) {
    fs::create_directories(d / "lib", ec);
    fs::copy_file(a.path, d / archive_in_tree(a), fs::copy_options::overwrite_existing, ec);
    if (ec) throw CompileError("cannot copy the runtime archive " + a.path + " into " + d.string() + ": " + ec.message());
  }
  const std::vector<std::string> units = unit_names(src, name);
  write_file(d / (name + ".cpp"), src.source);
  for (size_t i = 0; i < src.parts.size(); ++i) write_file(d / (units[i + 1] + ".cpp"), src.parts[i]);
  // Embedded weights are weights.bin, which the assembler's .incbin reads; external ones
  // keep their sidecar name, so the directory holds what the library will look for.
  write_file(d / (src.weights_file.empty() ? std::string("weights.bin") : src.weights_file), src.weights);
  // The API is all the library exports: not libstdc++, not std templates it instantiated.
  write_file(d / "exports.map", "{\n  global:\n    weft_model_api;\n    " + name + "_api;\n  local:\n    *;\n};\n");
  // The units compile in parallel (as weft compile runs them), then link.
  std::string script = "#!/bin/sh\n# Rebuilds lib" + name + ".so from this directory, as weft compile did.\nset -e\n";
  if (units.size() == 1) {
    script += joined(compile_command(name, name, o, a)) + "\n";
  } else {
    for (size_t i = 0; i < units.size(); ++i) script += joined(compile_command(name, units[i], o, a)) + " & p" + std::to_string(i) + "=$!\n";
    for (size_t i = 0; i < units.size(); ++i) script += "wait $p" + std::to_string(i) + "\n";
  }
  write_file(d / "build.sh", script + joined(link_command(name, units, o, a, "lib" + name + ".so", !src.weights_file.empty())) + "\n");
}

std::string compiler_version(const ToolchainOptions& o) {
  TempDir tmp;
  const int rc = run_process({o.compiler, "--version"}, tmp.path, tmp.path / "version");
  return std::to_string(rc) + read_file(tmp.path / "version");
}

// Everything that decides the library's bytes, for the cache key.
std::string cache_key(const CpuSource& src, const std::string& name, const ToolchainOptions& o, const RuntimeArchive& a,
                      const std::string& headers) {
  const std::vector<std::string> units = unit_names(src, name);
  std::vector<std::string> parts = {"weft " WEFT_VERSION_STRING, src.source, src.weights_file,
                                    std::to_string(weft_rt::weights_hash(src.weights.data(), src.weights.size())),
                                    joined(compile_command(name, name, o, a)),
                                    joined(link_command(name, units, o, a, "lib" + name + ".so", !src.weights_file.empty()))};
  parts.insert(parts.end(), src.parts.begin(), src.parts.end());
  parts.push_back(compiler_version(o));
  parts.push_back(headers);
  parts.push_back(a.path.empty() ? "" : read_file(a.path));
  return CompileCache::key(parts);
}

double ms_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

// The precompiled header of weft/runtime.h for these flags: pch_dir/KEY/weft/runtime.h.gch
// beside a copy of runtime.h (g++ looks for NAME.gch where it finds NAME), KEY hashing the
// compiler, the flags and the runtime headers. Built on first use into a temporary directory
// and renamed into place, so concurrent compiles never see half of one. Returns the directory
// to put before -Iinclude, or "" (and why in `note`) when it cannot be built: the compile then
// parses the headers as before.
std::string precompiled_header(const ToolchainOptions& o, const RuntimeArchive& a, const std::string& headers,
                               BuildReport& report) {
  const auto t0 = std::chrono::steady_clock::now();
  const std::vector<std::string> flags = language_flags(o, a);
  const fs::path dir = fs::path(o.pch_dir) / CompileCache::key({"weft " WEFT_VERSION_STRING, compiler_version(o), joined(flags), headers});
  std::error_code ec;
  if (fs::exists(dir / "weft" / "runtime.h.gch", ec)) {
    report.steps.push_back({"precompiled runtime header (reused)", ms_since(t0)});
    return dir.string();
  }
  fs::create_directories(o.pch_dir, ec);
  const fs::path tmp = fs::path(o.pch_dir) / (".partial-" + std::to_string(getpid()) + "-" + dir.filename().string());
  fs::remove_all(tmp, ec);
  fs::create_directories(tmp / "weft", ec);
  const fs::path rt = runtime_headers(o);
  fs::copy_file(rt / "weft" / "runtime.h", tmp / "weft" / "runtime.h", ec);
  std::vector<std::string> cmd = {o.compiler};
  cmd.insert(cmd.end(), flags.begin(), flags.end());
  cmd.insert(cmd.end(), {"-I" + rt.string(), "-x", "c++-header", (rt / "weft" / "runtime.h").string(), "-o", "weft/runtime.h.gch"});
  const int rc = ec ? -1 : run_process(cmd, tmp, tmp / "compiler.log");
  fs::remove(tmp / "compiler.log", ec);
  if (rc == 0) fs::rename(tmp, dir, ec);  // fails harmlessly if a concurrent compile got there first
  fs::remove_all(tmp, ec);
  report.steps.push_back({"precompiled runtime header (built once for these flags)", ms_since(t0)});
  if (fs::exists(dir / "weft" / "runtime.h.gch", ec)) return dir.string();
  report.cache_note = "could not build a precompiled runtime header in " + o.pch_dir;
  return "";
}

}  // namespace

BuildRecipe cpu_build_recipe(const std::string& name, const ToolchainOptions& options) {
  const ToolchainOptions o = resolved(options);
  return recipe(name, o, pick_archive(o));
}

void write_source_tree(const CpuSource& src, const std::string& name, const std::string& dir, const ToolchainOptions& options) {
  const ToolchainOptions o = resolved(options);
  write_tree(src, name, dir, o, pick_archive(o));
}

BuildReport build_shared_library(const CpuSource& src, const std::string& name, const std::string& output, const ToolchainOptions& options) {
  BuildReport report;
  const ToolchainOptions o = resolved(options);
  const RuntimeArchive archive = pick_archive(o);
  report.runtime = archive.why;

  const fs::path out = fs::absolute(output);
  std::error_code ec;
  if (out.has_parent_path()) fs::create_directories(out.parent_path(), ec);
  const fs::path partial = partial_path(out);
  PartialFiles partials;
  partials.add(partial);

  std::string key, headers;
  if (!o.cache_dir.empty() || !o.pch_dir.empty()) headers = tree_contents((runtime_headers(o) / "weft").string());
  if (!o.cache_dir.empty()) {
    const auto t0 = std::chrono::steady_clock::now();
    key = cache_key(src, name, o, archive, headers);
    report.cache_hit = CompileCache(o.cache_dir).fetch(key, partial.string());
    report.steps.push_back({report.cache_hit ? "cache hit (" + o.cache_dir + ")" : "cache lookup (miss)", ms_since(t0)});
  }
  if (!report.cache_hit) {
    TempDir tmp;
    write_tree(src, name, tmp.path, o, archive);
    if (!o.pch_dir.empty()) report.pch = precompiled_header(o, archive, headers, report);
    // Compile the units (in parallel), then link: separate steps, so each one's time can be reported.
    const std::vector<std::string> units = unit_names(src, name);
    std::vector<Job> compiles;
    for (const std::string& u : units)
      compiles.push_back({"C++ compile " + (units.size() > 1 ? u + ".cpp " : "") + "(-O" + std::to_string(o.opt_level) + ")",
                          compile_command(name, u, o, archive, report.pch), tmp.path / (u + ".log")});
    const int parallel = o.jobs > 0 ? o.jobs : int(std::max(1u, std::thread::hardware_concurrency()));
    const auto t0 = std::chrono::steady_clock::now();
    run_parallel(compiles, tmp.path, parallel);
    if (units.size() > 1)
      report.steps.push_back({"C++ compile (-O" + std::to_string(o.opt_level) + "), " + std::to_string(units.size()) + " units, " +
                                  std::to_string(std::min<size_t>(size_t(parallel), units.size())) + " at a time", ms_since(t0)});
    for (const Job& j : compiles) report.steps.push_back({j.what, j.ms});
    auto check = [&](const Job& j) {
      if (j.status == 0) return;
      fs::remove(partial, ec);
      std::string msgs = read_file(j.log);
      if (msgs.size() > 4000) msgs = msgs.substr(0, 4000) + "\n...";
      throw CompileError(Msg() << "the C++ compiler (" << o.compiler << ") failed"
                               << (j.status < 0 || j.status == 127 ? " to start" : " with status " + std::to_string(j.status)) << " ("
                               << j.what << ") on the generated source (see it with --emit-source DIR):\n" << msgs);
    };
    for (const Job& j : compiles) check(j);
    std::vector<Job> link = {{"link", link_command(name, units, o, archive, partial.string(), !src.weights_file.empty()), tmp.path / "link.log"}};
    run_parallel(link, tmp.path, 1);
    report.steps.push_back({"link", link[0].ms});
    check(link[0]);
    if (!key.empty())
      if (std::string note = CompileCache(o.cache_dir).store(key, partial.string()); !note.empty()) report.cache_note = note;
  }
  // The sidecar goes first: a library never sits beside weights older than itself, and a
  // sidecar left by a failure after this point is refused by the old library's hash check.
  fs::path sidecar;
  if (!src.weights_file.empty()) {
    sidecar = out.parent_path() / src.weights_file;
    const fs::path partial_weights = partial_path(sidecar);
    partials.add(partial_weights);
    try {
      write_file(partial_weights, src.weights);
    } catch (...) {
      fs::remove(partial_weights, ec);
      fs::remove(partial, ec);
      throw;
    }
    fs::rename(partial_weights, sidecar, ec);
    if (ec) {
      const std::string why = ec.message();
      fs::remove(partial_weights, ec);
      fs::remove(partial, ec);
      throw CompileError("cannot write " + sidecar.string() + ": " + why);
    }
  }
  fs::rename(partial, out, ec);
  if (ec) {
    const std::string why = ec.message();
    fs::remove(partial, ec);
    if (!sidecar.empty()) fs::remove(sidecar, ec);
    throw CompileError("cannot write " + out.string() + ": " + why);
  }
  return report;
}

}  // namespace weft::codegen
