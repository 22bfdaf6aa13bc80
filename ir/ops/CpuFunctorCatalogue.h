// CpuFunctorCatalogue.h - the elementwise kernels every model would otherwise instantiate, compiled once into the runtime archives.
#pragma once

#include <map>
#include <string>

namespace weft {

// An elementwise operator call prints as weft_rt::unary<R, A>(x, [](A x) {...}) or
// weft_rt::binary<R, A, B>(a, b, [](A a, B b) {...}, "op") (cpu_map_emitter), and each distinct
// lambda makes the model's compile instantiate and optimize a whole elementwise kernel: in a
// small model most of the C++ compile goes there. The catalogue is every such call the
// registry's emitters print for the common dtypes (f32, i64, bool) with default
// attributes. Each entry becomes a named functor struct, fn_<hash of its text> in namespace
// weft_rt::pre; the runtime archives instantiate unary/binary for each once (the weft build
// writes that source with weft_functor_catalogue), and the code generator replaces a lambda
// the catalogue holds by the struct and an `extern template` declaration, so the model's own
// compile only calls the kernel. Both sides take the text from here, so they cannot disagree.
struct CatalogueFunctor {
  std::string call;    // "weft_rt::binary<float, float, float>"
  std::string lambda;  // "[](float a, float b) { ... }", as the emitter printed it
  std::string name;    // "fn_0123456789abcdef", in namespace weft_rt::pre
};

// Keyed by catalogue_key(call, lambda); built from the registry on first use.
const std::map<std::string, CatalogueFunctor>& cpu_functor_catalogue();
std::string catalogue_key(const std::string& call, const std::string& lambda);

// The struct's definition, at file scope: namespace weft_rt::pre { struct NAME {...}; }
std::string catalogue_functor_struct(const CatalogueFunctor& f);
// The explicit instantiation of unary/binary for the struct: a definition (`template ...;`)
// for the archive, or with `extern_decl` a declaration for a model's translation unit.
std::string catalogue_instantiation(const CatalogueFunctor& f, bool extern_decl);
// The index just past the bracket matching the one at `open` ('(', '{' or '<') in C++ text,
// skipping string and character literals; npos if unbalanced.
size_t cpp_past_matching(const std::string& s, size_t open);

// The whole source the archives compile: the runtime header, then every struct and its
// instantiation.
std::string catalogue_archive_source();

}  // namespace weft
