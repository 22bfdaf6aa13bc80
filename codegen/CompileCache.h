// CompileCache.h - the optional cache of built model libraries, keyed by everything that decides their bytes.
#pragma once

#include <string>
#include <vector>

namespace weft::codegen {

// Where `weft compile` keeps built libraries: "" when caching is off ($WEFT_CACHE=0), else
// $WEFT_CACHE_DIR, else $XDG_CACHE_HOME/weft, else $HOME/.cache/weft ("" if neither is set).
std::string default_cache_dir();

// A directory of libraries named by a 128-bit key (hex). The key hashes the parts the caller
// lists: generated source, weights, compiler command lines and version, weft's version, the
// runtime headers and archive. Entries are written to a temporary name and renamed, so a
// reader never sees half a library; a concurrent writer of the same key writes the same bytes.
class CompileCache {
 public:
  explicit CompileCache(std::string dir) : dir_(std::move(dir)) {}
  static std::string key(const std::vector<std::string>& parts);
  // Copies the entry for `key` to `dest`; false if there is none (or it cannot be read).
  bool fetch(const std::string& key, const std::string& dest) const;
  // Stores `built` under `key`; "" on success, else why not (the build still succeeded).
  std::string store(const std::string& key, const std::string& built) const;
  const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
};

// The contents of every regular file under `dir`, in path order, for a cache key ("" if absent).
std::string tree_contents(const std::string& dir);

}  // namespace weft::codegen
