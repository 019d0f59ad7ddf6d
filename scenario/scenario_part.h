// A node's part of a scenario (issue 22): what one node needs to run, so that
// starting N nodes costs N small reads rather than N whole scenarios (each
// node parsing a 1,000-node file took about 30 ms; start-up grew with the
// square of the nodes).
//
// A part is two files the launcher writes into the mode's folder: the node's
// scenario TOML, in the scenario format (the run's settings, the centre's
// table, the node's own table, the links from and to it, its reports and the
// plots they are about), and a roster (proto/tearline/v1/roster.proto), which
// names every agency and unit with what the others check of it (and carries
// their public keys: security/keys.h, public_keys_of): one whole, for the
// agencies and the centre, and one for every unit, which describes only the
// units a unit's links reach, so that what a unit reads and holds grows with
// the agencies, not with every unit of the run. A node reads both and gets a Scenario that answers
// all it asks of the other nodes as the whole file's would. The whole file still works
// (load_scenario): a node started by hand needs no part.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/toml_reader.h"
#include "scenario/scenario.h"
#include "tearline/v1/roster.pb.h"

namespace tearline {

// A roster file at most this large: 4,000 nodes of short names.
inline constexpr size_t kRosterBytesMax = 4 * 1024 * 1024;

// Every agency and unit of `scenario`, in its order.
v1::Roster roster_of(const Scenario& scenario);

// Reads the run's roster: bounded, and checked where a part is read.
// Throws ScenarioError naming the file.
v1::Roster load_roster(const std::string& path);
// Reads a node's scenario TOML at `part_path` with the run's `roster`, checked
// as a scenario file is (every reference known, the roster's too); the other
// agencies and units get the roster's fields and their defaults besides
// (scenario_loader.cc). Throws ScenarioError naming the file.
Scenario load_scenario_part(const std::string& part_path, const v1::Roster& roster);
// The same for a part's text; `path` names it in errors.
Scenario parse_scenario_part(std::string_view text, const std::string& path,
                             const v1::Roster& roster);

// A scenario file cut into its nodes' parts, indexed once so that each part
// costs what is in it.
class ScenarioParts {
 public:
  // Reads and checks the scenario file; throws ScenarioError.
  explicit ScenarioParts(const std::string& scenario_path);
  ScenarioParts(const ScenarioParts&) = delete;  // Its indexes point into document_.
  ScenarioParts& operator=(const ScenarioParts&) = delete;

  // The run's roster, whole: what an agency and the centre read.
  const v1::Roster& roster() const { return roster_; }
  // The roster every unit reads: every agency, only the units a unit's links
  // reach (none in the shipped and generated scenarios), the others named
  // only, sorted. A unit's own table is in its part.
  const v1::Roster& unit_roster() const { return unit_roster_; }
  // `node`'s scenario TOML (the centre's, for its standby too).
  std::string part_of(const std::string& node) const;

 private:
  toml::table document_;
  v1::Roster roster_;
  v1::Roster unit_roster_;
  std::map<std::string, const toml::table*> node_tables_;           // Agency or unit -> its table.
  std::map<std::string, std::vector<const toml::table*>> links_;    // Node -> links from or to it.
  std::map<std::string, std::vector<const toml::table*>> reports_;  // Agency -> its reports.
  std::map<std::string, const toml::table*> plots_;                 // Plot id -> its table.
};

}  // namespace tearline
