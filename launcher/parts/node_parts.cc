#include "launcher/parts/node_parts.h"

#include <set>
#include <stdexcept>

#include "base/whole_file.h"
#include "scenario/scenario_part.h"

namespace tearline {

namespace fs = std::filesystem;

fs::path parts_dir(const fs::path& mode_dir) { return mode_dir / "parts"; }

fs::path part_path(const fs::path& mode_dir, const std::string& node) {
  return parts_dir(mode_dir) / (node + ".toml");
}

fs::path roster_path(const fs::path& mode_dir, const std::string& role) {
  return parts_dir(mode_dir) / (role == "unit" ? "units.roster.pb" : "roster.pb");
}

void write_node_parts(const fs::path& mode_dir, const std::string& scenario_path,
                      const std::set<std::string>& nodes, const PublicKeys& public_keys) {
  const ScenarioParts parts(scenario_path);
  fs::create_directories(parts_dir(mode_dir));
  for (const auto& [role, whole] :
       {std::pair("agency", &parts.roster()), std::pair("unit", &parts.unit_roster())}) {
    v1::Roster roster = *whole;
    add_public_keys(public_keys, &roster);
    const std::string error =
        write_whole_file(roster_path(mode_dir, role), roster.SerializeAsString());
    if (!error.empty()) throw std::runtime_error(error);
  }
  for (const std::string& node : nodes) {
    const std::string error = write_whole_file(part_path(mode_dir, node), parts.part_of(node));
    if (!error.empty()) throw std::runtime_error(error);
  }
}

}  // namespace tearline
