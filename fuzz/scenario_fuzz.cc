// The scenario loader: any text either loads into a scenario or is refused
// with a ScenarioError, never anything else.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "scenario/scenario.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const tearline::Scenario scenario = tearline::parse_scenario(text, "fuzz.toml");
    (void)scenario.node_names();
  } catch (const tearline::ScenarioError&) {
  }
  return 0;
}
