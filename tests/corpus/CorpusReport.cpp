// CorpusReport.cpp - writes the corpus report table as Markdown and JSON (see CorpusReport.h).
#include "tests/corpus/CorpusReport.h"

#include <cstdio>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

namespace weft::testing {

namespace {

struct Count {
  int passed = 0, exported = 0, not_exported = 0;
};

// Per form, in the order forms first appear.
std::vector<std::pair<std::string, Count>> per_form(const std::vector<CorpusRow>& rows) {
  std::vector<std::pair<std::string, Count>> out;
  for (const CorpusRow& r : rows) {
    auto it = out.begin();
    while (it != out.end() && it->first != r.form) ++it;
    if (it == out.end()) it = out.insert(out.end(), {r.form, Count{}});
    it->second.passed += r.passed();
    it->second.exported += r.exported;
    it->second.not_exported += !r.exported;
  }
  return out;
}

std::string seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", s);
  return buf;
}

// A table cell: no pipes or newlines.
std::string cell(std::string s) {
  for (char& c : s)
    if (c == '|' || c == '\n') c = ' ';
  return s.size() > 240 ? s.substr(0, 237) + "..." : s;
}

}  // namespace

std::string corpus_summary(const std::vector<CorpusRow>& rows) {
  Count all;
  for (const auto& [form, c] : per_form(rows)) {
    all.passed += c.passed;
    all.exported += c.exported;
    all.not_exported += c.not_exported;
  }
  std::ostringstream s;
  s << all.passed << " of " << all.exported << " model/form pairs pass";
  if (all.exported) s << " (" << (100 * all.passed / all.exported) << "%)";
  s << "; per form:";
  for (const auto& [form, c] : per_form(rows)) s << " " << form << " " << c.passed << "/" << c.exported;
  s << "; " << all.not_exported << " not exported by PyTorch";
  return s.str();
}

void write_corpus_report(const std::vector<CorpusRow>& rows, const std::string& title, const std::string& md_path,
                         const std::string& json_path) {
  std::ofstream md(md_path);
  if (!md) throw std::runtime_error("cannot write " + md_path);
  md << "# " << title << "\n\n" << corpus_summary(rows) << ".\n\n";
  md << "| form | pass | exported | not exported |\n| --- | --- | --- | --- |\n";
  for (const auto& [form, c] : per_form(rows)) md << "| " << form << " | " << c.passed << " | " << c.exported << " | " << c.not_exported << " |\n";
  md << "\nA form checked at 1 size is an ONNX graph that holds its example input's sizes as constants\n"
        "(torch.onnx.export traced a size as a number): it is valid only at that size.\n";
  md << "\n| model | form | interpreter | compiled | sizes | interpreter s | compile s | failure reason |\n"
        "| --- | --- | --- | --- | --- | --- | --- | --- |\n";
  nlohmann::json js = nlohmann::json::array();
  for (const CorpusRow& r : rows) {
    const std::string interp = r.exported ? r.interpreter : "not exported";
    const std::string comp = r.exported ? r.compiled : "not exported";
    md << "| " << r.model << " | " << r.form << " | " << interp << " | " << comp << " | " << (r.exported ? std::to_string(r.sizes) : "")
       << " | " << (r.exported ? seconds(r.interpreter_s) : "") << " | " << (r.compile_s > 0 ? seconds(r.compile_s) : "") << " | "
       << cell(r.reason) << " |\n";
    js.push_back({{"model", r.model}, {"form", r.form}, {"exported", r.exported}, {"interpreter", interp}, {"compiled", comp},
                  {"sizes", r.sizes}, {"interpreter_seconds", r.interpreter_s}, {"compile_seconds", r.compile_s}, {"passed", r.passed()},
                  {"reason", r.reason}});
  }
  std::ofstream json(json_path);
  if (!json) throw std::runtime_error("cannot write " + json_path);
  json << nlohmann::json{{"title", title}, {"summary", corpus_summary(rows)}, {"cases", js}}.dump(1) << "\n";
}

}  // namespace weft::testing
