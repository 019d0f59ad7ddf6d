#include "scenario/endpoints.h"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <filesystem>
#include <regex>
#include <set>

namespace tearline {
namespace {

constexpr size_t kMaxWrapperWords = 32;

std::string endpoint_at(const toml::table& table, const std::string& path, const char* key,
                        const std::string& where) {
  const std::optional<std::string> value = table[key].value<std::string>();
  if (!value) throw EndpointsError(fmt::format("{}: {}.{}: required, a string", path, where, key));
  if (!is_endpoint(*value)) {
    throw EndpointsError(fmt::format("{}: {}.{}: \"{}\" is not tcp://HOST:PORT or ipc:///PATH",
                                     path, where, key, *value));
  }
  return *value;
}

void only_keys(const toml::table& table, const std::string& path, const std::string& where,
               const std::set<std::string>& allowed) {
  for (const auto& [key, value] : table) {
    if (!allowed.contains(std::string(key.str()))) {
      throw EndpointsError(fmt::format("{}: {}.{}: unknown key", path, where, key.str()));
    }
  }
}

}  // namespace

bool is_endpoint(const std::string& text) {
  static const std::regex form(R"((tcp://[A-Za-z0-9.\-\[\]:*]+:[0-9]{1,5})|(ipc:///[^\s]+))");
  return text.size() <= 256 && std::regex_match(text, form);
}

Endpoints Endpoints::in_folder(const std::string& socket_dir,
                               const std::vector<std::string>& nodes) {
  Endpoints endpoints;
  for (const std::string& node : nodes) {
    endpoints.nodes_[node] = {"ipc://" + socket_dir + "/" + node + ".data",
                              "ipc://" + socket_dir + "/" + node + ".control",
                              {}};
  }
  endpoints.launcher_control_ = "ipc://" + socket_dir + "/launcher.control";
  return endpoints;
}

Endpoints Endpoints::from_hosts_file(const std::string& path,
                                     const std::vector<std::string>& nodes) {
  toml::table document;
  std::error_code missing;
  if (!std::filesystem::is_regular_file(path, missing)) {
    throw EndpointsError("cannot read hosts file " + path + ": no such file");
  }
  try {
    document = toml::parse_file(path);
  } catch (const toml::parse_error& error) {
    const toml::source_position& at = error.source().begin;
    throw EndpointsError(
        fmt::format("{}:{}:{}: {}", path, at.line, at.column, error.description()));
  }
  only_keys(document, path, "(top level)", {"launcher", "node"});
  const toml::table* launcher = document["launcher"].as_table();
  if (!launcher) throw EndpointsError(path + ": [launcher] with control = \"...\" is required");
  only_keys(*launcher, path, "launcher", {"control"});
  Endpoints endpoints;
  endpoints.launcher_control_ = endpoint_at(*launcher, path, "control", "launcher");
  const toml::table* listed = document["node"].as_table();
  if (!listed) throw EndpointsError(path + ": no [node.\"NAME\"] tables");
  const std::set<std::string> wanted(nodes.begin(), nodes.end());
  for (const auto& [name, value] : *listed) {
    const std::string node(name.str());
    const std::string where = "node.\"" + node + "\"";
    if (!wanted.contains(node)) {
      throw EndpointsError(fmt::format("{}: {}: not a node of the scenario", path, where));
    }
    const toml::table* table = value.as_table();
    if (!table) throw EndpointsError(fmt::format("{}: {}: must be a table", path, where));
    only_keys(*table, path, where, {"data", "control", "wrapper"});
    NodeEndpoints entry{
        endpoint_at(*table, path, "data", where), endpoint_at(*table, path, "control", where), {}};
    if (const toml::node* wrapper = table->get("wrapper")) {
      const toml::array* words = wrapper->as_array();
      if (!words || words->size() > kMaxWrapperWords) {
        throw EndpointsError(
            fmt::format("{}: {}.wrapper: at most {} strings", path, where, kMaxWrapperWords));
      }
      for (const toml::node& word : *words) {
        const std::optional<std::string> text = word.value<std::string>();
        if (!text) throw EndpointsError(fmt::format("{}: {}.wrapper: strings only", path, where));
        entry.wrapper.push_back(*text);
      }
    }
    endpoints.nodes_[node] = std::move(entry);
  }
  for (const std::string& node : nodes) {
    if (!endpoints.nodes_.contains(node)) {
      throw EndpointsError(fmt::format("{}: no [node.\"{}\"]", path, node));
    }
  }
  return endpoints;
}

const NodeEndpoints& Endpoints::of(const std::string& node) const {
  const auto found = nodes_.find(node);
  if (found == nodes_.end()) throw EndpointsError("no endpoints for \"" + node + "\"");
  return found->second;
}

}  // namespace tearline
