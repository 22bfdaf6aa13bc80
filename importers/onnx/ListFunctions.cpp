// ListFunctions.cpp - list helper functions, written in the IR text format and parsed into the module.
#include "importers/onnx/ListFunctions.h"

#include "ir/Parser.h"

namespace weft::onnx_import {

namespace {

// Loops are tail calls: an accumulator and a reversed prefix (rev_append) instead of
// recursion on the way back, so no helper grows the stack with the list.
const char* kListLibrary = R"(
def @seq_rev_append[T](%xs: List[T], %acc: List[T]) -> List[T] {
  match (%xs) {
    Cons(%h, %t) => @seq_rev_append(%t, Cons(%h, %acc)),
    Nil => %acc,
  }
}
def @seq_reverse[T](%xs: List[T]) -> List[T] { @seq_rev_append(%xs, Nil) }
def @seq_length_from[T](%xs: List[T], %n: i64[]) -> i64[] {
  match (%xs) {
    Cons(_, %t) => @seq_length_from(%t, add(%n, 1i64)),
    Nil => %n,
  }
}
def @seq_length[T](%xs: List[T]) -> i64[] { @seq_length_from(%xs, 0i64) }
def @seq_position[T](%xs: List[T], %p: i64[]) -> i64[] {
  if (less(%p, 0i64)) { add(%p, @seq_length(%xs)) } else { %p }
}
def @seq_at[T](%xs: List[T], %i: i64[]) -> T {
  match (%xs) {
    Cons(%h, %t) => if (equal(%i, 0i64)) { %h } else { @seq_at(%t, sub(%i, 1i64)) },
  }
}
def @seq_insert_after[T](%xs: List[T], %i: i64[], %x: T, %before: List[T]) -> List[T] {
  if (equal(%i, 0i64)) {
    @seq_rev_append(%before, Cons(%x, %xs))
  } else {
    match (%xs) {
      Cons(%h, %t) => @seq_insert_after(%t, sub(%i, 1i64), %x, Cons(%h, %before)),
    }
  }
}
def @seq_insert[T](%xs: List[T], %i: i64[], %x: T) -> List[T] { @seq_insert_after(%xs, %i, %x, Nil) }
def @seq_erase_after[T](%xs: List[T], %i: i64[], %before: List[T]) -> List[T] {
  match (%xs) {
    Cons(%h, %t) => if (equal(%i, 0i64)) { @seq_rev_append(%before, %t) } else { @seq_erase_after(%t, sub(%i, 1i64), Cons(%h, %before)) },
  }
}
def @seq_erase[T](%xs: List[T], %i: i64[]) -> List[T] { @seq_erase_after(%xs, %i, Nil) }
)";

// Copies every function of `text` into `m` (they are looked up by name, so parsing them
// in a module of their own and moving them over is enough).
void add_functions(Module& m, const std::string& text, const std::string& what) {
  Module parsed = parse_module(text, what);
  for (auto& name : parsed.function_names()) m.add_function(name, parsed.function(name));
}

// `f32[?, ?]`: a tensor type of the given rank, every dim left to run time.
std::string any_shape(DType dtype, int rank) {
  std::string s = std::string(dtype_name(dtype)) + "[";
  for (int i = 0; i < rank; ++i) s += i ? ", ?" : "?";
  return s + "]";
}

}  // namespace

void ensure_list_library(Module& m) {
  // Parsed per module, not shared: type inference writes into the nodes it checks.
  if (!m.function("seq_length")) add_functions(m, kListLibrary, "<onnx list library>");
}

std::string list_concat_function(Module& m, DType dtype, int elem_rank, int axis, bool new_axis, bool newest_first,
                                 bool with_empty) {
  std::string name = Msg() << (with_empty ? "seq_stack_" : "seq_concat_") << dtype_name(dtype) << "_r" << elem_rank << "_a"
                           << axis << (new_axis ? "_new" : "") << (newest_first ? "_rev" : "");
  if (m.function(name)) return name;
  std::string elem = any_shape(dtype, elem_rank), out = any_shape(dtype, elem_rank + (new_axis ? 1 : 0));
  std::string prep = new_axis ? (Msg() << "unsqueeze(%h, axes=[" << axis << "])").str() : std::string("%h");
  std::string joined = newest_first ? "concat(" + prep + ", %acc, axis=" + std::to_string(axis) + ")"
                                    : "concat(%acc, " + prep + ", axis=" + std::to_string(axis) + ")";
  std::string text = Msg()
      << "def @" << name << "(%xs: List[" << elem << "]" << (with_empty ? ", %empty: " + out : "") << ") -> " << out << " {\n"
      << "  match (%xs) {\n"
      << "    Cons(%h, %t) => @" << name << "_go(%t, " << prep << "),\n"
      << (with_empty ? "    Nil => %empty,\n" : "") << "  }\n}\n"
      << "def @" << name << "_go(%xs: List[" << elem << "], %acc: " << out << ") -> " << out << " {\n"
      << "  match (%xs) {\n"
      << "    Cons(%h, %t) => @" << name << "_go(%t, " << joined << "),\n"
      << "    Nil => %acc,\n  }\n}\n";
  add_functions(m, text, "<onnx list concat>");
  return name;
}

std::string list_split_function(Module& m, DType dtype, int rank, int axis, bool keep_dims) {
  std::string name = Msg() << "seq_split_" << dtype_name(dtype) << "_r" << rank << "_a" << axis << (keep_dims ? "" : "_squeeze");
  if (m.function(name)) return name;
  std::string x = any_shape(dtype, rank), part = any_shape(dtype, keep_dims ? rank : rank - 1);
  std::string finish = keep_dims ? std::string("%part") : (Msg() << "squeeze(%part, axes=[" << axis << "])").str();
  std::string text = Msg()
      << "def @" << name << "(%x: " << x << ", %starts: i64[?], %ends: i64[?], %k: i64[], %acc: List[" << part << "]) -> List["
      << part << "] {\n"
      << "  if (less(%k, 0i64)) { %acc } else {\n"
      << "    let %s = unsqueeze(gather(%starts, %k), axes=[0]);\n"
      << "    let %e = unsqueeze(gather(%ends, %k), axes=[0]);\n"
      << "    let %part = slice(%x, %s, %e, const i64[1] [" << axis << "]);\n"
      << "    @" << name << "(%x, %starts, %ends, sub(%k, 1i64), Cons(" << finish << ", %acc))\n"
      << "  }\n}\n";
  add_functions(m, text, "<onnx list split>");
  return name;
}

}  // namespace weft::onnx_import
