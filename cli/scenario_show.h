// `tearline scenario show FILE`: the scenario as a run reads it, printed as
// TOML: an overlay with every `extends` resolved and its [set] applied
// (scenarios/README.md, "Overlays"), a plain file as its table (without its
// comments).
#pragma once

#include <string>

namespace tearline {

// Prints the resolved scenario `scenario` (a file, or a name under
// scenarios/) to stdout after checking that it loads. Exit 0 printed; 2 a
// bad scenario, named with its file and line on stderr.
int show_command(const std::string& scenario);

}  // namespace tearline
