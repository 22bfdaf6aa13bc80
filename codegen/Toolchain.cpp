// Toolchain.cpp - the compiler driver: temp build dir, runtime headers, g++, atomic rename.
#include "codegen/Toolchain.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "ir/Error.h"

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

// Runs argv in `cwd` with stdout and stderr into `log`; the exit status (-1 if it could not start).
int run_process(const std::vector<std::string>& argv, const fs::path& cwd, const fs::path& log) {
  pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    FILE* f = std::fopen(log.c_str(), "w");
    if (!f || chdir(cwd.c_str()) != 0) _exit(127);
    dup2(fileno(f), 1);
    dup2(fileno(f), 2);
    execvp(args[0], args.data());
    _exit(127);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::vector<std::string> compile_command(const std::string& name, const ToolchainOptions& o, const std::string& output) {
  std::vector<std::string> cmd = {o.compiler, "-std=c++20", "-O3", "-march=native", "-shared", "-fPIC",
                                  "-static-libstdc++", "-static-libgcc", "-fvisibility=hidden",
                                  "-Iinclude", "-Wa,-I.", "-Wl,--version-script=exports.map", "-Wl,-soname,lib" + name + ".so", "-o", output, name + ".cpp"};
  cmd.insert(cmd.end() - 3, o.extra_flags.begin(), o.extra_flags.end());
  return cmd;
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
#ifdef WEFT_RUNTIME_INCLUDE_DIR
  return WEFT_RUNTIME_INCLUDE_DIR;
#else
  return "";
#endif
}

void write_source_tree(const CpuSource& src, const std::string& name, const std::string& dir, const ToolchainOptions& options) {
  const fs::path d(dir);
  std::error_code ec;
  fs::create_directories(d / "include", ec);
  if (ec) throw CompileError("cannot create " + dir + ": " + ec.message());
  const fs::path rt = options.runtime_include_dir.empty() ? fs::path(runtime_include_dir()) : fs::path(options.runtime_include_dir);
  if (!fs::exists(rt / "weft" / "runtime.h"))
    throw CompileError("cannot find the weft runtime headers in '" + rt.string() + "' (set WEFT_RUNTIME_DIR to codegen/runtime/include)");
  fs::copy(rt / "weft", d / "include" / "weft", fs::copy_options::recursive | fs::copy_options::overwrite_existing, ec);
  if (ec) throw CompileError("cannot copy the runtime headers into " + dir + ": " + ec.message());
  write_file(d / (name + ".cpp"), src.source);
  write_file(d / "weights.bin", src.weights);
  // The API is all the library exports: not libstdc++, not std templates it instantiated.
  write_file(d / "exports.map", "{\n  global:\n    weft_model_api;\n    " + name + "_api;\n  local:\n    *;\n};\n");
  std::string cmd;
  for (auto& a : compile_command(name, resolved(options), "lib" + name + ".so")) cmd += (cmd.empty() ? "" : " ") + a;
  write_file(d / "build.sh", "#!/bin/sh\n# Rebuilds lib" + name + ".so from this directory, as weft compile did.\n" + cmd + "\n");
}

void build_shared_library(const CpuSource& src, const std::string& name, const std::string& output, const ToolchainOptions& options) {
  TempDir tmp;
  write_source_tree(src, name, tmp.path.string(), options);
  const ToolchainOptions o = resolved(options);

  const fs::path out = fs::absolute(output);
  std::error_code ec;
  if (out.has_parent_path()) fs::create_directories(out.parent_path(), ec);
  const fs::path partial = out.parent_path() / ("." + out.filename().string() + ".partial-" + std::to_string(getpid()));
  const fs::path log = tmp.path / "compiler.log";
  int rc = run_process(compile_command(name, o, partial.string()), tmp.path, log);
  if (rc != 0) {
    fs::remove(partial, ec);
    std::string msgs = read_file(log);
    if (msgs.size() > 4000) msgs = msgs.substr(0, 4000) + "\n...";
    throw CompileError(Msg() << "the C++ compiler (" << o.compiler << ") failed"
                             << (rc < 0 || rc == 127 ? " to start" : " with status " + std::to_string(rc))
                             << " on the generated source (see it with --emit-source DIR):\n" << msgs);
  }
  fs::rename(partial, out, ec);
  if (ec) {
    fs::remove(partial, ec);
    throw CompileError("cannot write " + out.string() + ": " + ec.message());
  }
}

}  // namespace weft::codegen
