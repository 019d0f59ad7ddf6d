#include "whatif/overrides.h"

#include "sweep/sweep_grid.h"

namespace tearline::whatif {

std::string with_overrides(const std::string& toml_text, const std::string& source,
                           const std::vector<Override>& overrides) {
  std::vector<sweep::Parameter> parameters;
  std::vector<std::string> point;
  for (const Override& o : overrides) {
    parameters.push_back({o.path, {o.value}});
    point.push_back(o.value);
  }
  return sweep::apply_point(toml_text, source, parameters, point);
}

}  // namespace tearline::whatif
