#include "scenario/endpoints.h"

#include <regex>
#include <set>

#include "base/toml_reader.h"

namespace tearline {
namespace {

constexpr size_t kWrapperWordsMax = 32;

std::string endpoint_at(const TomlTable& table, std::string_view key) {
  const std::string value = table.required_string(key);
  if (!is_endpoint(value)) {
    table.fail(key, in_quotes(value) + " is not tcp://HOST:PORT or ipc:///PATH");
  }
  return value;
}

std::vector<std::string> wrapper_of(const TomlTable& table) {
  std::vector<std::string> wrapper;
  const toml::array* words = table.array("wrapper");
  if (words == nullptr) return wrapper;
  if (words->size() > kWrapperWordsMax) {
    table.fail("wrapper", "at most " + std::to_string(kWrapperWordsMax) + " strings");
  }
  for (const toml::node& word : *words) {
    const auto* text = word.as_string();
    if (text == nullptr) table.fail("wrapper", "strings only");
    wrapper.push_back(text->get());
  }
  return wrapper;
}

// The Slurm step a node runs as, both keys or neither: {job, step name}.
std::pair<std::string, std::string> slurm_step_of(const TomlTable& table) {
  static const std::regex job_form(R"([0-9]{1,20})");
  static const std::regex step_form(R"([A-Za-z0-9._\-]{1,128})");
  const std::optional<std::string> job = table.string("slurm_job");
  const std::optional<std::string> step = table.string("slurm_step");
  if (job.has_value() != step.has_value())
    table.fail("slurm_job", "slurm_job and slurm_step go together");
  if (!job) return {};
  if (!std::regex_match(*job, job_form)) table.fail("slurm_job", "a job id: digits");
  if (!std::regex_match(*step, step_form)) table.fail("slurm_step", "letters, digits, . _ - only");
  return {*job, *step};
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
                              {},
                              {},
                              {}};
  }
  endpoints.launcher_control_ = "ipc://" + socket_dir + "/launcher.control";
  return endpoints;
}

Endpoints Endpoints::from_hosts_file(const std::string& path,
                                     const std::vector<std::string>& nodes) {
  try {
    const toml::table document = read_toml_file(path, "hosts file");
    const TomlTable root(path, document, "", {"launcher", "node"});
    const std::optional<TomlTable> launcher = root.table("launcher", {"control"});
    if (!launcher) root.fail("launcher", "[launcher] with control = \"...\" is required");
    Endpoints endpoints;
    endpoints.launcher_control_ = endpoint_at(*launcher, "control");
    const std::optional<TomlTable> listed = root.table_of_names("node");
    if (!listed) root.fail("node", "no [node.\"NAME\"] tables");
    const std::set<std::string> wanted(nodes.begin(), nodes.end());
    for (const std::string& node : listed->keys()) {
      if (!wanted.contains(node)) listed->fail(node, "not a node of the scenario");
      const TomlTable table =
          listed->required_table(node, {"data", "control", "wrapper", "slurm_job", "slurm_step"});
      const auto [job, step] = slurm_step_of(table);
      endpoints.nodes_[node] = {endpoint_at(table, "data"), endpoint_at(table, "control"),
                                wrapper_of(table), job, step};
    }
    for (const std::string& node : nodes) {
      if (!endpoints.nodes_.contains(node)) {
        fail_at(path, {}, "no [node." + in_quotes(node) + "]");
      }
    }
    return endpoints;
  } catch (const TomlError& error) {
    throw EndpointsError(error.what());
  }
}

const NodeEndpoints& Endpoints::of(const std::string& node) const {
  const auto found = nodes_.find(node);
  if (found == nodes_.end()) throw EndpointsError("no endpoints for \"" + node + "\"");
  return found->second;
}

}  // namespace tearline
