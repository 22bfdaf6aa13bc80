// SplitBody.cpp - groups a body's lines into top-level statements and moves runs of them into chunk functions over a frame struct.
#include "codegen/SplitBody.h"

#include <cctype>
#include <map>
#include <set>
#include <vector>

namespace weft::codegen {

namespace {

bool starts_with(const std::string& s, const char* p) { return s.rfind(p, 0) == 0; }

// A line that begins a top-level statement: exactly two spaces of indent, not a closing brace.
bool top_level(const std::string& l) { return l.size() > 2 && starts_with(l, "  ") && l[2] != ' ' && l[2] != '}'; }

// A statement that leaves the function or a loop (only the final return may, outside a chunk).
bool jumps(const std::string& l) {
  const size_t i = l.find_first_not_of(' ');
  if (i == std::string::npos) return false;
  const std::string s = l.substr(i);
  return starts_with(s, "return ") || starts_with(s, "return;") || starts_with(s, "continue;") || starts_with(s, "break;") ||
         starts_with(s, "goto ");
}

// Whether `type` is weft_rt::Tensor or a std::tuple of such types, nested: the types whose
// default value a hoisted declaration may hold until its chunk assigns it. Advances `at` past it.
bool default_constructible(const std::string& type, size_t& at) {
  static const std::string kTensor = "weft_rt::Tensor", kTuple = "std::tuple<";
  if (type.compare(at, kTensor.size(), kTensor) == 0) {
    at += kTensor.size();
    return true;
  }
  if (type.compare(at, kTuple.size(), kTuple) != 0) return false;
  at += kTuple.size();
  for (;;) {
    if (!default_constructible(type, at)) return false;
    if (type.compare(at, 2, ", ") == 0) {
      at += 2;
    } else if (at < type.size() && type[at] == '>') {
      ++at;
      return true;
    } else {
      return false;
    }
  }
}

bool hoistable(const std::string& type) {
  size_t at = 0;
  return default_constructible(type, at) && at == type.size();
}

// The identifiers `text` names outside comments and string literals.
std::set<std::string> identifiers(const std::string& text) {
  std::set<std::string> ids;
  for (size_t i = 0; i < text.size();) {
    const char c = text[i];
    if (c == '/' && i + 1 < text.size() && text[i + 1] == '/') {
      i = text.find('\n', i);
      if (i == std::string::npos) break;
    } else if (c == '"' || c == '\'') {
      for (++i; i < text.size() && text[i] != c; ++i)
        if (text[i] == '\\') ++i;
      ++i;
    } else if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      size_t j = i;
      while (j < text.size() && (std::isalnum(static_cast<unsigned char>(text[j])) || text[j] == '_')) ++j;
      ids.insert(text.substr(i, j - i));
      i = j;
    } else if (std::isdigit(static_cast<unsigned char>(c))) {
      while (i < text.size() && (std::isalnum(static_cast<unsigned char>(text[i])) || text[i] == '_' || text[i] == '.')) ++i;
    } else {
      ++i;
    }
  }
  return ids;
}

// `TYPE NAME` -> {TYPE, NAME}.
std::pair<std::string, std::string> type_and_name(const std::string& decl) {
  const size_t space = decl.rfind(' ');
  return {decl.substr(0, space), decl.substr(space + 1)};
}

// The prefix's non-static declarations with constructor arguments (`  weft_rt::PlanFrame weft_plan(...);`):
// the chunks use them as the function did.
std::vector<std::string> prefix_variables(const std::string& prefix) {
  std::vector<std::string> vars;
  for (size_t at = 0; at < prefix.size();) {
    size_t eol = prefix.find('\n', at);
    if (eol == std::string::npos) eol = prefix.size();
    const std::string l = prefix.substr(at, eol - at);
    at = eol + 1;
    if (!top_level(l) || starts_with(l, "  //") || starts_with(l, "  static ")) continue;
    const size_t paren = l.find('(');
    const size_t space = paren == std::string::npos ? std::string::npos : l.rfind(' ', paren);
    if (space == std::string::npos || space <= 2 || l.find(" = ") < paren) continue;
    vars.push_back(l.substr(2, paren - 2));
  }
  return vars;
}

}  // namespace

SplitFunction split_body(const std::string& prefix, const std::string& body, const std::vector<std::string>& params,
                         const std::string& name, size_t per_chunk) {
  SplitFunction unsplit;
  unsplit.body = prefix + body;
  std::vector<std::string> lines;
  for (size_t at = 0; at < body.size();) {
    size_t eol = body.find('\n', at);
    if (eol == std::string::npos) eol = body.size();
    lines.push_back(body.substr(at, eol - at));
    at = eol + 1;
  }
  while (!lines.empty() && lines.back().empty()) lines.pop_back();
  if (lines.size() < 2 || !top_level(lines.back()) || !starts_with(lines.back(), "  return ")) return unsplit;
  const std::string ret = lines.back();
  lines.pop_back();

  // Top-level statements (their first line and continuation lines); the declarations become the frame's members.
  std::vector<std::vector<std::string>> stmts;
  std::vector<std::pair<std::string, std::string>> members;  // type, name
  size_t counted = 0;  // statements that are not comments
  for (std::string l : lines) {
    if (jumps(l)) return unsplit;
    if (!top_level(l)) {
      if (stmts.empty()) return unsplit;
      stmts.back().push_back(l);
      continue;
    }
    const size_t eq = l.find(" = ");
    const bool comment = starts_with(l, "  //");
    // `TYPE NAME;` (an if's result, assigned in its branches): default-constructed in the frame
    // alike, and later chunks read it.
    // A qualified type (`std::`, `weft_rt::`) tells it from a statement such as `throw e;`.
    const size_t space = l.find(' ', 2);
    if (!comment && eq == std::string::npos && l.back() == ';' && l.find('(') == std::string::npos &&
        space != std::string::npos && l.substr(2, space - 2).find("::") != std::string::npos) {
      const size_t name_at = l.rfind(' ') + 1;
      members.push_back({l.substr(2, name_at - 3), l.substr(name_at, l.size() - 1 - name_at)});
      continue;
    }
    if (!comment && eq != std::string::npos && l.rfind(' ', eq - 1) > 2) {  // `TYPE NAME = ...`: a declaration
      const size_t name_at = l.rfind(' ', eq - 1) + 1;
      const std::string type = l.substr(2, name_at - 3), var = l.substr(name_at, eq - name_at);
      if (!hoistable(type) || var.find_first_of("<>(),") != std::string::npos) return unsplit;
      members.push_back({type, var});
      l = "  " + l.substr(name_at);
    }
    counted += comment ? 0 : 1;
    stmts.push_back({l});
  }
  if (counted <= per_chunk) return unsplit;

  SplitFunction out;
  out.split = true;
  // The frame holds one array per distinct member type, so that constructing and destroying it
  // are loops: a member per variable would make the function's implicit destructor one
  // inlined release per tensor, a thousand for a large model, all in the outer function.
  const std::string frame_type = "weft_frame_" + name;
  std::vector<std::string> types;             // distinct member types, in order of first use
  std::map<std::string, std::string> slot_of;  // variable -> `vN[i]`
  {
    std::map<std::string, size_t> type_index, count;
    for (const auto& [type, var] : members) {
      const size_t t = type_index.emplace(type, types.size()).first->second;
      if (t == types.size()) types.push_back(type);
      slot_of[var] = "v" + std::to_string(t) + "[" + std::to_string(count[type]++) + "]";
    }
    out.frame = "// The variables of " + name + ", shared by its chunks (SplitBody.h); each chunk names its own.\nstruct " + frame_type + " {\n";
    for (size_t t = 0; t < types.size(); ++t) out.frame += "  " + types[t] + " v" + std::to_string(t) + "[" + std::to_string(count[types[t]]) + "];\n";
    out.frame += "};\n";
  }

  // What every chunk receives: the frame, the prefix's variables and the parameters, by reference.
  std::vector<std::string> context = prefix_variables(prefix);
  context.insert(context.end(), params.begin(), params.end());
  std::string formals = frame_type + "& weft_f", actuals = "weft_f";
  for (const std::string& decl : context) {
    const auto [type, var] = type_and_name(decl);
    formals += ", " + type + "& " + var;
    actuals += ", " + var;
  }
  // The members a piece of code names, bound by reference at its top.
  std::map<std::string, size_t> member_index;
  for (size_t i = 0; i < members.size(); ++i) member_index[members[i].second] = i;
  auto bind_members = [&](const std::string& code) {
    std::set<size_t> used;  // in the order of the members (their declarations)
    for (const std::string& id : identifiers(code))
      if (auto it = member_index.find(id); it != member_index.end()) used.insert(it->second);
    std::string refs;
    for (size_t i : used) refs += "  " + members[i].first + "& " + members[i].second + " = weft_f." + slot_of[members[i].second] + ";\n";
    return refs;
  };

  out.body = prefix + "  " + frame_type + " weft_f;\n";
  std::string code;
  size_t in_chunk = 0;
  auto close_chunk = [&] {
    const std::string chunk = "weft_chunk" + std::to_string(out.chunks.size()) + "_" + name;
    const std::string sig = "void " + chunk + "(" + formals + ")";
    out.chunk_declarations += sig + ";\n";
    out.chunks.push_back("__attribute__((noinline)) " + sig + " {\n" + bind_members(code) + code + "}\n");
    out.body += "  " + chunk + "(" + actuals + ");\n";
    code.clear();
    in_chunk = 0;
  };
  for (const auto& st : stmts) {
    for (const std::string& l : st) code += l + "\n";
    if (!starts_with(st[0], "  //") && ++in_chunk == per_chunk) close_chunk();
  }
  if (!code.empty()) close_chunk();
  out.body += bind_members(ret) + ret + "\n";
  return out;
}

}  // namespace weft::codegen
