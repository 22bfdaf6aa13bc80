// Weights.h - external weights: the sidecar file a library maps at create() and checks by size and hash.
#pragma once

#include <dlfcn.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <mutex>
#include <string>

#include "weft/rt/Hash.h"
#include "weft/rt/Tensor.h"

namespace weft_rt {

// One library's loaded sidecar. It lives in the generated source (one per library, never
// shared with another model in the process) and stays mapped until the library unloads.
struct WeightsState {
  std::mutex mutex;
  bool loaded = false;
  void* map = nullptr;
  size_t size = 0;
  ~WeightsState() {
    if (map) munmap(map, size);
  }
};

// What `weft compile --weights external` records in the library about its sidecar.
struct WeightsSource {
  const char* file;                          // the sidecar's name, looked up beside the library
  uint64_t size;                             // its exact size in bytes
  uint64_t hash;                             // weights_hash of its contents
  void (*bind)(const unsigned char* base);   // points every constant into the mapped file
  WeightsState* state;
};

// The directory of the library holding `address` ("" if unknown: then the file name is
// used as given, relative to the working directory).
inline std::string library_dir(const void* address) {
  Dl_info info;
  if (!dladdr(address, &info) || !info.dli_fname) return "";
  std::string path = info.dli_fname;
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? "" : path.substr(0, slash + 1);
}

// Maps, checks and binds the sidecar the first time a model of this library is created
// (`path`: weft_options.weights_path, or NULL for the file beside the library). Later
// creates reuse it. Throws Error saying which file and what is wrong with it.
inline void load_weights(const WeightsSource* src, const char* path) {
  if (!src) return;  // embedded weights
  WeightsState& st = *src->state;
  std::lock_guard<std::mutex> lock(st.mutex);
  if (st.loaded) return;
  const std::string file = path && *path ? std::string(path) : library_dir(reinterpret_cast<const void*>(src->bind)) + src->file;
  const std::string what = "weights file '" + file + "'";
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    throw Error("cannot open " + what + ": " + std::strerror(errno) +
                " (weft compile --weights external writes it beside the library; weft_options.weights_path names another place)");
  struct stat sb;
  if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
    ::close(fd);
    throw Error(what + " is not a regular file");
  }
  if (uint64_t(sb.st_size) != src->size) {
    ::close(fd);
    throw Error(what + " has " + std::to_string(uint64_t(sb.st_size)) + " bytes, expected " + std::to_string(src->size) +
                ": it is truncated or belongs to another compile of the model");
  }
  void* map = nullptr;
  if (src->size > 0) {
    map = mmap(nullptr, size_t(src->size), PROT_READ, MAP_PRIVATE, fd, 0);
    ::close(fd);
    if (map == MAP_FAILED) throw Error("cannot map " + what + ": " + std::strerror(errno));
  } else {
    ::close(fd);
  }
  if (weights_hash(map, size_t(src->size)) != src->hash) {
    if (map) munmap(map, size_t(src->size));
    throw Error(what + " is corrupted or belongs to another compile of the model (its content hash does not match the library's)");
  }
  src->bind(static_cast<const unsigned char*>(map));
  st.map = map;
  st.size = size_t(src->size);
  st.loaded = true;
}

}  // namespace weft_rt
