// GraphChecks.cpp - the defects of one ONNX graph's wiring that the spec forbids: a value written twice, a use before its definition, a cycle.
#include "importers/onnx/GraphChecks.h"

#include <map>
#include <set>
#include <unordered_map>

#include "ir/Error.h"

namespace weft::onnx_import {

namespace {

std::string node_label(const onnx::GraphProto& g, int i) {
  const onnx::NodeProto& n = g.node(i);
  std::string who = n.name().empty() ? "#" + std::to_string(i) : "'" + n.name() + "'";
  return "node " + who + " (" + n.op_type() + ")";
}

// A cycle through the nodes that Kahn's order could not place, as "A -> B -> A".
std::string describe_cycle(const onnx::GraphProto& g, const std::vector<std::vector<int>>& succ, const std::vector<int>& indegree) {
  // Every unplaced node has an unplaced predecessor, so walking predecessors must repeat.
  std::vector<std::vector<int>> pred(succ.size());
  for (size_t j = 0; j < succ.size(); ++j)
    for (int i : succ[j]) pred[size_t(i)].push_back(int(j));
  int start = 0;
  while (indegree[size_t(start)] == 0) ++start;
  std::vector<int> path;
  std::map<int, size_t> at;
  int cur = start;
  while (!at.count(cur)) {
    at[cur] = path.size();
    path.push_back(cur);
    for (int p : pred[size_t(cur)])
      if (indegree[size_t(p)] > 0) {
        cur = p;
        break;
      }
  }
  // path[at[cur]..] follows edges backwards, and cur -> path.back() closes it; print it forwards.
  std::string s = node_label(g, cur);
  for (size_t k = path.size(); k-- > at[cur];) s += " -> " + node_label(g, path[k]);
  return s;
}

}  // namespace

void check_graph_wiring(const onnx::GraphProto& g, const std::string& graph_name) {
  Span where{"onnx graph '" + graph_name + "'"};
  // Who writes each name: graph inputs and initializers first (-1), then nodes.
  std::unordered_map<std::string, int> writer;
  std::set<std::string> given;
  for (auto& in : g.input()) given.insert(in.name());
  for (auto& init : g.initializer()) given.insert(init.name());
  for (int i = 0; i < g.node_size(); ++i)
    for (auto& out : g.node(i).output()) {
      if (out.empty()) continue;
      if (given.count(out))
        throw CompileError(where, Msg() << node_label(g, i) << " writes '" << out
                                        << "', which is already a graph input or initializer; every value has one definition");
      auto [it, fresh] = writer.emplace(out, i);
      if (!fresh)
        throw CompileError(where, Msg() << node_label(g, it->second) << " and " << node_label(g, i) << " both write '" << out
                                        << "'; every value has one definition");
    }
  // Edges from a node to the later-listed nodes that read it; a read of a value defined by
  // the node itself or one listed after it breaks the topological order the spec demands.
  std::vector<std::vector<int>> succ(size_t(g.node_size()));
  std::vector<int> indegree(size_t(g.node_size()), 0);
  int first_bad_user = -1;
  std::string first_bad_value;
  for (int i = 0; i < g.node_size(); ++i)
    for (auto& in : g.node(i).input()) {
      auto it = writer.find(in);
      if (in.empty() || given.count(in) || it == writer.end()) continue;
      succ[size_t(it->second)].push_back(i);
      ++indegree[size_t(i)];
      if (it->second >= i && first_bad_user < 0) {
        first_bad_user = i;
        first_bad_value = in;
      }
    }
  if (first_bad_user < 0) return;
  std::vector<int> ready;
  for (int i = 0; i < g.node_size(); ++i)
    if (indegree[size_t(i)] == 0) ready.push_back(i);
  while (!ready.empty()) {
    int j = ready.back();
    ready.pop_back();
    for (int i : succ[size_t(j)])
      if (--indegree[size_t(i)] == 0) ready.push_back(i);
  }
  for (int d : indegree)
    if (d > 0) throw CompileError(where, "the nodes form a cycle: " + describe_cycle(g, succ, indegree));
  throw CompileError(where, Msg() << node_label(g, first_bad_user) << " uses '" << first_bad_value << "' before "
                                  << node_label(g, writer.at(first_bad_value))
                                  << " defines it (the spec requires nodes in topological order)");
}

}  // namespace weft::onnx_import
