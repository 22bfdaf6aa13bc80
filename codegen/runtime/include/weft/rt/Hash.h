// Hash.h - the 64-bit content hash of a weights sidecar, shared by `weft compile` and the artifact.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace weft_rt {

// A fast non-cryptographic hash (multiply-xorshift over 8-byte words, four independent
// lanes so it runs near memory speed: a 50 MB sidecar hashes in a few ms). It detects
// truncation, corruption and a sidecar from another compile; it is no defence against
// a deliberate forgery. Words are read in host byte order: the library and the compiler
// that wrote its sidecar run on the same architecture.
inline uint64_t weights_hash(const void* data, size_t n) {
  constexpr uint64_t k1 = 0x9E3779B97F4A7C15ull, k2 = 0xC2B2AE3D27D4EB4Full;
  auto mix = [](uint64_t h) {
    h ^= h >> 31;
    h *= 0xBF58476D1CE4E5B9ull;
    h ^= h >> 29;
    return h;
  };
  const unsigned char* p = static_cast<const unsigned char*>(data);
  uint64_t lane[4] = {k1, k2, k1 ^ k2, k1 + k2};
  size_t i = 0;
  for (; i + 32 <= n; i += 32)
    for (int j = 0; j < 4; ++j) {
      uint64_t w;
      std::memcpy(&w, p + i + 8 * j, 8);
      lane[j] = (lane[j] ^ w) * k2;
      lane[j] ^= lane[j] >> 32;
    }
  uint64_t h = uint64_t(n) * k1;
  for (int j = 0; j < 4; ++j) h = mix(h ^ mix(lane[j] + uint64_t(j)));
  for (; i < n; ++i) h = (h ^ p[i]) * k1;
  return mix(h);
}

}  // namespace weft_rt
