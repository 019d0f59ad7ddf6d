// Writing a TOML table as text a person reads: toml++'s printer, with each
// float in the shortest form that reads back as the same double (0.9, not
// toml++'s 0.90000000000000002), so that a table printed and parsed again is
// the same table, value for value.
#pragma once

#include <toml++/toml.h>

#include <string>
#include <string_view>

namespace tearline {

// `table` as TOML text, ending in a newline.
std::string toml_text(const toml::table& table);

// `text` (toml++'s output) with every float shortened; strings, dates and
// integers are left as they are.
std::string shortest_floats(std::string_view text);

}  // namespace tearline
