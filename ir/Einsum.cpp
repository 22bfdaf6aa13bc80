// Einsum.cpp - parsing an einsum equation and planning it as broadcast products and sums (see Einsum.h).
#include "ir/Einsum.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <sstream>

namespace weft::einsum {
namespace {

using Labels = std::vector<int>;
constexpr int kEllipsis = 1000;  // labels of ellipsis dims: kEllipsis + position

bool is_label(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; }

// One term's labels; `rank` < 0 for the output (its ellipsis takes all `ellipsis_dims`).
std::string parse_term(const std::string& term, int rank, int ellipsis_dims, Labels& out) {
  size_t dots = term.find("...");
  int letters = int(term.size()) - (dots == std::string::npos ? 0 : 3);
  for (size_t i = 0; i < term.size(); ++i) {
    if (dots != std::string::npos && i == dots) {
      int n = rank < 0 ? ellipsis_dims : rank - letters;
      if (n < 0) return "equation term '" + term + "' has more labels than its input has dims";
      for (int j = 0; j < n; ++j) out.push_back(kEllipsis + (ellipsis_dims - n) + j);
      i += 2;
    } else if (is_label(term[i])) {
      out.push_back(term[i]);
    } else {
      return "equation has an unexpected character '" + std::string(1, term[i]) + "'";
    }
  }
  if (rank >= 0 && int(out.size()) != rank) {
    std::ostringstream m;
    m << "equation term '" << term << "' has " << out.size() << " labels for an input of rank " << rank;
    return m.str();
  }
  return "";
}

}  // namespace

std::string make_plan(const std::string& equation, const std::vector<int>& ranks, Plan& plan) {
  std::string eq;
  for (char c : equation)
    if (!std::isspace(static_cast<unsigned char>(c))) eq += c;
  size_t arrow = eq.find("->");
  std::string lhs = eq.substr(0, arrow);
  std::vector<std::string> terms;
  for (size_t start = 0;;) {
    size_t comma = lhs.find(',', start);
    terms.push_back(lhs.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  if (terms.size() != ranks.size()) {
    std::ostringstream m;
    m << "equation '" << equation << "' has " << terms.size() << " terms for " << ranks.size() << " operands";
    return m.str();
  }
  int ellipsis_dims = 0;
  for (size_t i = 0; i < terms.size(); ++i) {
    int letters = int(std::count_if(terms[i].begin(), terms[i].end(), is_label));
    if (terms[i].find("...") != std::string::npos) ellipsis_dims = std::max(ellipsis_dims, ranks[i] - letters);
  }
  std::vector<Labels> inputs(terms.size());
  for (size_t i = 0; i < terms.size(); ++i)
    if (std::string why = parse_term(terms[i], ranks[i], ellipsis_dims, inputs[i]); !why.empty()) return why;
  Labels output;
  if (arrow != std::string::npos) {
    if (std::string why = parse_term(eq.substr(arrow + 2), -1, ellipsis_dims, output); !why.empty()) return why;
  } else {  // implicit output: the ellipsis dims, then the labels used once, alphabetically
    std::map<int, int> uses;
    for (const Labels& l : inputs)
      for (int x : l) ++uses[x];
    for (auto [label, n] : uses)
      if (label >= kEllipsis) output.push_back(label);
    for (auto [label, n] : uses)
      if (label < kEllipsis && n == 1) output.push_back(label);
  }
  Labels order = output;  // output labels first, then summed ones
  for (int x : output) {
    if (std::count(output.begin(), output.end(), x) != 1) return "an output label is repeated";
    if (std::none_of(inputs.begin(), inputs.end(), [&](const Labels& l) { return std::count(l.begin(), l.end(), x) > 0; }))
      return "an output label appears in no operand";
  }
  for (const Labels& l : inputs)
    for (int x : l)
      if (std::find(order.begin(), order.end(), x) == order.end()) order.push_back(x);

  plan = Plan{};
  for (size_t i = 0; i < inputs.size(); ++i) {
    Operand o;
    o.rank = ranks[i];
    Labels labels = inputs[i];
    for (bool again = true; again;) {  // remove repeated labels one diagonal at a time
      again = false;
      for (size_t p = 0; p < labels.size() && !again; ++p)
        for (size_t q = p + 1; q < labels.size() && !again; ++q)
          if (labels[p] == labels[q]) {
            o.diagonals.emplace_back(int(p), int(q));
            labels.erase(labels.begin() + long(q));
            again = true;
          }
    }
    std::vector<int64_t> perm;
    for (size_t k = 0; k < order.size(); ++k) {
      auto it = std::find(labels.begin(), labels.end(), order[k]);
      if (it == labels.end()) o.unsqueeze.push_back(int64_t(k));
      else perm.push_back(it - labels.begin());
    }
    if (!std::is_sorted(perm.begin(), perm.end())) o.perm = perm;
    plan.operands.push_back(std::move(o));
  }
  for (size_t k = output.size(); k < order.size(); ++k) plan.summed.push_back(int64_t(k));
  return "";
}

}  // namespace weft::einsum
