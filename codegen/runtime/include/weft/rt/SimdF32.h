// SimdF32.h - the f32 vector the GEMM kernels are written in, picked at compile time from the target ISA.
#pragma once

#include <cstring>

#if defined(__AVX512F__) || (defined(__AVX2__) && defined(__FMA__))
#include <immintrin.h>
#endif

// Generated libraries are compiled with -march=<cpu>, so the ISA macros say what the machine
// running the library has. Each level gives the same few operations on one register-wide
// vector (fma is fused: one rounding, as the kernels' tolerance contract allows); the GEMM
// microkernel and the small-matrix kernels are written once over them.
namespace weft_rt::simd {

#if defined(__AVX512F__)
inline constexpr const char* kIsa = "avx512";
inline constexpr int kLanes = 16;
using VF = __m512;
inline VF vzero() { return _mm512_setzero_ps(); }
inline VF vload(const float* p) { return _mm512_loadu_ps(p); }
inline void vstore(float* p, VF v) { _mm512_storeu_ps(p, v); }
inline VF vbroadcast(const float* p) { return _mm512_set1_ps(*p); }
inline VF vfma(VF a, VF b, VF c) { return _mm512_fmadd_ps(a, b, c); }
inline VF vadd(VF a, VF b) { return _mm512_add_ps(a, b); }
// The masked extract names its pass-through: GCC 12's unmasked forms (and _mm512_reduce_add_ps)
// (and _mm512_castps512_ps256) pass an "undefined" vector that -Wall reports as uninitialized.
inline float vsum(VF v) {
  const __m512d d = _mm512_castps_pd(v);
  const __m256 lo = _mm256_castpd_ps(_mm512_mask_extractf64x4_pd(_mm256_setzero_pd(), 0xF, d, 0));
  const __m256 hi = _mm256_castpd_ps(_mm512_mask_extractf64x4_pd(_mm256_setzero_pd(), 0xF, d, 1));
  const __m256 h8 = _mm256_add_ps(lo, hi);
  const __m128 h = _mm_add_ps(_mm256_castps256_ps128(h8), _mm256_extractf128_ps(h8, 1));
  const __m128 q = _mm_add_ps(h, _mm_movehl_ps(h, h));
  return _mm_cvtss_f32(_mm_add_ss(q, _mm_movehdup_ps(q)));
}
#elif defined(__AVX2__) && defined(__FMA__)
inline constexpr const char* kIsa = "avx2";
inline constexpr int kLanes = 8;
using VF = __m256;
inline VF vzero() { return _mm256_setzero_ps(); }
inline VF vload(const float* p) { return _mm256_loadu_ps(p); }
inline void vstore(float* p, VF v) { _mm256_storeu_ps(p, v); }
inline VF vbroadcast(const float* p) { return _mm256_broadcast_ss(p); }
inline VF vfma(VF a, VF b, VF c) { return _mm256_fmadd_ps(a, b, c); }
inline VF vadd(VF a, VF b) { return _mm256_add_ps(a, b); }
inline float vsum(VF v) {
  const __m128 h = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  const __m128 q = _mm_add_ps(h, _mm_movehl_ps(h, h));
  return _mm_cvtss_f32(_mm_add_ss(q, _mm_movehdup_ps(q)));
}
#else
// Portable: a 16-byte GCC/Clang vector (SSE2, NEON; wider ones change the x86-64 ABI without AVX).
inline constexpr const char* kIsa = "generic";
inline constexpr int kLanes = 4;
typedef float VF __attribute__((vector_size(16)));
inline VF vzero() { return VF{}; }
inline VF vload(const float* p) {
  VF v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
inline void vstore(float* p, VF v) { std::memcpy(p, &v, sizeof v); }
inline VF vbroadcast(const float* p) { return VF{} + *p; }
inline VF vfma(VF a, VF b, VF c) { return a * b + c; }
inline VF vadd(VF a, VF b) { return a + b; }
inline float vsum(VF v) {
  float s = 0;
  for (int i = 0; i < kLanes; ++i) s += v[i];
  return s;
}
#endif

}  // namespace weft_rt::simd
