// A change to a scenario as key-path overrides in the language of
// `tearline sweep --set` ("agency[agency.us].partner[agency.uk].trust" = "0.9"), and the
// scenario's text with them applied: the one place `tearline explain`
// writes a changed scenario.
#pragma once

#include <string>
#include <vector>

namespace tearline::whatif {

struct Override {
  std::string path;   // "agency[agency.us].partner[agency.uk].trust".
  std::string value;  // As a TOML literal's text: "0.9".
};

// `toml_text` (from `source`, for errors) with every override applied, as
// TOML text. Throws std::runtime_error naming a path that leads nowhere or
// a value of the wrong type.
std::string with_overrides(const std::string& toml_text, const std::string& source,
                           const std::vector<Override>& overrides);

}  // namespace tearline::whatif
