// CorpusReport.h - the corpus's report table (model, form, interpreter, compiled, compile seconds, failure
// reason) as Markdown and JSON, with pass counts per form.
#pragma once

#include <string>
#include <vector>

namespace weft::testing {

struct CorpusRow {
  std::string model, form;
  bool exported = true;      // false: PyTorch could not export this form (reason holds why)
  std::string interpreter;   // "pass", "fail", "not run"
  std::string compiled;      // "pass", "fail", "unsupported", "not run"
  double interpreter_s = 0;  // import + both sizes
  double compile_s = 0;      // emit + C++ build of the library (-O1)
  int sizes = 2;             // input sizes checked (1: the ONNX export baked its example's sizes in)
  std::string reason;        // the first failure: export, import, interpreter or compiled
  bool passed() const { return exported && interpreter == "pass" && compiled == "pass"; }
};

// `title` heads the Markdown; both files are overwritten.
void write_corpus_report(const std::vector<CorpusRow>& rows, const std::string& title, const std::string& md_path,
                         const std::string& json_path);

// "N of M model/form pairs pass (P%); per form: scripted a/b, ...": the summary line.
std::string corpus_summary(const std::vector<CorpusRow>& rows);

}  // namespace weft::testing
