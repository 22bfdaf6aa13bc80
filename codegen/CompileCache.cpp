// CompileCache.cpp - cache keys (two 64-bit content hashes) and atomic entries under the cache directory.
#include "codegen/CompileCache.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "weft/rt/Hash.h"

namespace weft::codegen {

namespace fs = std::filesystem;

std::string default_cache_dir() {
  if (const char* on = std::getenv("WEFT_CACHE"); on && std::string(on) == "0") return "";
  if (const char* d = std::getenv("WEFT_CACHE_DIR"); d && *d) return d;
  if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x) return (fs::path(x) / "weft").string();
  if (const char* h = std::getenv("HOME"); h && *h) return (fs::path(h) / ".cache" / "weft").string();
  return "";
}

std::string CompileCache::key(const std::vector<std::string>& parts) {
  // Each part with its length, so that moving bytes between parts changes the key.
  std::string all;
  for (const std::string& p : parts) all += std::to_string(p.size()) + ":" + p;
  const uint64_t a = weft_rt::weights_hash(all.data(), all.size());
  all += "\x01salt";
  const uint64_t b = weft_rt::weights_hash(all.data(), all.size());
  char hex[33];
  std::snprintf(hex, sizeof hex, "%016llx%016llx", static_cast<unsigned long long>(a), static_cast<unsigned long long>(b));
  return hex;
}

bool CompileCache::fetch(const std::string& key, const std::string& dest) const {
  std::error_code ec;
  const fs::path entry = fs::path(dir_) / (key + ".so");
  if (!fs::is_regular_file(entry, ec)) return false;
  fs::copy_file(entry, dest, fs::copy_options::overwrite_existing, ec);
  return !ec;
}

std::string CompileCache::store(const std::string& key, const std::string& built) const {
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec) return "cannot create " + dir_ + ": " + ec.message();
  const fs::path entry = fs::path(dir_) / (key + ".so");
  const fs::path tmp = fs::path(dir_) / ("." + key + ".so.tmp-" + std::to_string(getpid()));
  fs::copy_file(built, tmp, fs::copy_options::overwrite_existing, ec);
  if (!ec) fs::rename(tmp, entry, ec);
  if (ec) {
    const std::string why = ec.message();
    fs::remove(tmp, ec);
    return "cannot write " + entry.string() + ": " + why;
  }
  return "";
}

std::string tree_contents(const std::string& dir) {
  std::error_code ec;
  std::vector<fs::path> files;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
    if (it->is_regular_file(ec)) files.push_back(it->path());
  std::sort(files.begin(), files.end());
  std::string all;
  for (const fs::path& f : files) {
    std::ifstream in(f, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    all += fs::relative(f, dir, ec).string() + "\n" + ss.str();
  }
  return all;
}

}  // namespace weft::codegen
