// instances_perturbed_matmul.cpp - a runtime archive for tests only, whose matrix products (matmul, gemm) are wrong on purpose.
// `weft check --mark-all` must name the operator that diverges first, not its consumers; a
// library compiled against this archive (WEFT_RUNTIME_LIB_DIR, see tests/CMakeLists.txt) has one
// such operator. Nothing else builds or installs it, and the runtime's headers are unchanged: the
// runtime's own matmul and gemm are compiled here under other names, and the names the models
// call return their result with 1 added to its first element. Everything else is the archive of
// codegen/runtime/src/instances.cpp and of the generated functor_catalogue.cpp (the precompiled
// elementwise kernels, ir/ops/CpuFunctorCatalogue.h), which this file includes.
#define matmul matmul_unperturbed
#define gemm gemm_unperturbed
#include "weft/runtime.h"
#undef matmul
#undef gemm

namespace weft_rt {

template <typename T>
void perturb(Tensor& out) {
  if (out.size() > 0) out.data<T>()[0] += T(1);
}

// The declarations of Matmul.h, which the generated code calls: same names, same signatures.
template <typename T>
Tensor matmul(const Tensor& a, const Tensor& b, const Epilogue<T>& epi = {}) {
  Tensor out = matmul_unperturbed<T>(a, b, epi);
  perturb<T>(out);
  return out;
}

template <typename T>
Tensor gemm(const Tensor& a, const Tensor& b, const Tensor& c, double alpha_d, double beta_d, bool ta, bool tb,
            const Epilogue<T>& epi = {}) {
  Tensor out = gemm_unperturbed<T>(a, b, c, alpha_d, beta_d, ta, tb, epi);
  perturb<T>(out);
  return out;
}

}  // namespace weft_rt

// Precompiled.h declared the renamed kernels extern: they are defined here.
template decltype(weft_rt::matmul_unperturbed<float>) weft_rt::matmul_unperturbed<float>;
template decltype(weft_rt::matmul_unperturbed<double>) weft_rt::matmul_unperturbed<double>;
template decltype(weft_rt::gemm_unperturbed<float>) weft_rt::gemm_unperturbed<float>;
template decltype(weft_rt::gemm_unperturbed<double>) weft_rt::gemm_unperturbed<double>;

#include "instances.cpp"
#include "functor_catalogue.cpp"
