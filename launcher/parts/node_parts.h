// The files a mode's nodes read at start instead of the whole scenario and
// public_keys.toml (scenario/scenario_part.h): each node's part and the two
// rosters, in the mode's parts/ folder, which the launcher removes when the
// mode ends. N nodes start in time about linear in N.
#pragma once

#include <filesystem>
#include <set>
#include <string>

#include "security/keys.h"

namespace tearline {

std::filesystem::path parts_dir(const std::filesystem::path& mode_dir);
std::filesystem::path part_path(const std::filesystem::path& mode_dir, const std::string& node);
// A unit reads the roster every unit shares; an agency and the centre the
// whole one.
std::filesystem::path roster_path(const std::filesystem::path& mode_dir, const std::string& role);

// Writes the part of each of `nodes` (a centre's two members share its
// part) and both rosters, with the public keys each may use. Throws
// std::runtime_error naming a file it cannot write, ScenarioError for a
// scenario it cannot read.
void write_node_parts(const std::filesystem::path& mode_dir, const std::string& scenario_path,
                      const std::set<std::string>& nodes, const PublicKeys& public_keys);

}  // namespace tearline
