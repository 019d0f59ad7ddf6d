#include "cli/scenario_show.h"

#include <fmt/format.h>

#include "cli/run_command.h"
#include "scenario/scenario.h"
#include "scenario/scenario_overlay.h"

namespace tearline {

int show_command(const std::string& scenario) {
  const std::string path = resolve_scenario_path(scenario);
  std::string text;
  try {
    load_scenario(path);  // Every check a run makes, before a line is printed.
    text = scenario_toml_text(resolve_scenario_file(path).table);
  } catch (const std::runtime_error& error) {  // A ScenarioError, or a TomlError.
    fmt::print(stderr, "tearline scenario show: {}\n", error.what());
    return 2;
  }
  fmt::print("# {}, resolved by tearline scenario show\n{}", path, text);
  return 0;
}

}  // namespace tearline
