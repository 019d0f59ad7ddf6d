// The parts of reading a scenario file (scenario_loader.cc holds the whole):
// the models a table describes (delays, losses, queues, background streams,
// sharing policies), moments in scenario time, the names of nodes and the
// references to them, and the fault schedule. Internal to tearline_scenario;
// errors are TomlErrors (base/toml_reader.h), which parse_scenario turns into
// ScenarioErrors.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/toml_reader.h"
#include "scenario/scenario.h"
#include "tearline/v1/roster.pb.h"

namespace tearline::scenario_reading {

// Agencies, a centre and units together: each is a process, and a centre
// holds a socket and a connection for each of the others.
inline constexpr size_t kNodesMax = 4'000;

// A department's capacity at most, so a typo cannot make a node allocate
// without bound (its workers: kWorkersMax, model/department.h).
inline constexpr int64_t kCapacityMsgsMax = 10'000'000;

// model_readers.cc: the models of docs/MODEL.md, each from its table.
DelayModel read_delay_table(const TomlTable& parent, std::string_view key);
std::optional<LossModel> read_loss(const TomlTable& parent);  // From "loss", if present.
QueueConfig read_queue(const TomlTable& parent, std::string_view key);
BackgroundSpec read_background(const TomlTable& parent);  // From "background", if present.
SharingPolicy read_policy(const TomlTable& parent);       // From "policy".
v1::Severity read_severity(const TomlTable& table, std::string_view key,
                           std::optional<v1::Severity> fallback = std::nullopt);
v1::Tlp read_tlp(const TomlTable& table, std::string_view key);

// scenario_places.cc: times, names and references.

// A date-time or date at `key`, as hours since `start_unix_s`.
std::optional<double> read_time_h(const TomlTable& table, std::string_view key,
                                  int64_t start_unix_s);
// A point in scenario time given as `date_key` (date-time) or `hours_key`
// (hours since the start), exactly one of them, within `scenario`'s span
// (its start and duration read already).
double read_moment_h(const TomlTable& table, std::string_view date_key, std::string_view hours_key,
                     const Scenario& scenario);

// Where each name of a kind (node names, source handles) is first given.
using NamePlaces = std::map<std::string, TomlPlace>;
// Records the value of `key` in `seen`, failing if an earlier table has it.
void claim_unique(NamePlaces& seen, const TomlTable& table, std::string_view key,
                  const std::string& value);
// "agency.uk" for prefix "agency.": the prefix, then [a-z0-9] and "._-".
bool valid_node_name(std::string_view name, std::string_view prefix);

// `name`, at `key`, is one of `nodes` (every process name claimed so far).
void check_node_ref(const TomlTable& table, std::string_view key, const std::string& name,
                    const NamePlaces& nodes);
// `name` is an agency of `scenario`.
void check_agency_ref(const TomlTable& table, std::string_view key, const std::string& name,
                      const Scenario& scenario, const NamePlaces& nodes);
// `name` is a node that can be the other end of a link: the centre, not its
// standby.
void check_peer_ref(const TomlTable& table, std::string_view key, const std::string& name,
                    const Scenario& scenario, const NamePlaces& nodes);

// scenario_roster.cc: a node's part read with the run's roster
// (scenario_part.h). The agencies (units) in the roster's order: each one
// `read` from the part's tables in its place, the others made from the
// roster, checked and claimed in `nodes`. Fails on a read node the roster
// lacks, on a name twice, on an unknown reference, and on more than kNodesMax
// nodes.
std::vector<AgencySpec> agencies_with_roster(std::vector<AgencySpec> read, const v1::Roster& roster,
                                             const std::string& file, NamePlaces& nodes);
std::vector<UnitSpec> units_with_roster(std::vector<UnitSpec> read, const v1::Roster& roster,
                                        const Scenario& scenario, const std::string& file,
                                        NamePlaces& nodes);
// The units `roster` names only (checked by units_with_roster), less those
// `described`: sorted, each once.
std::vector<std::string> units_named_only(const v1::Roster& roster,
                                          const std::vector<UnitSpec>& described);

// intel_fault_reader.cc: the target and action of a fault aimed at
// intelligence ([[fault]] with command lose, delay, withhold or share-full)
// at the agency `node`, of a scenario whose reports are read.
void read_intel_fault(const TomlTable& table, const Scenario& scenario, const std::string& node,
                      v1::IntelFault* fault);
// The most of them one agency holds (nodes/intel_faults.h, kIntelFaultsMax):
// beyond, it would refuse them as they come, and the run go on without.
inline constexpr size_t kIntelFaultsPerAgencyMax = 1'000;

// fault_reader.cc: the [[fault]] tables, in file order, of a scenario whose
// nodes are read.
std::vector<FaultSpec> read_faults(const TomlTable& root, const Scenario& scenario,
                                   const NamePlaces& nodes);

// scenario_loader.cc: a scenario from its parsed TOML document, read from
// `file`; a node's part with the run's `roster`, a whole file without one.
// Throws ScenarioError.
Scenario parse_document(const toml::table& document, const std::string& file,
                        const v1::Roster* roster = nullptr);

}  // namespace tearline::scenario_reading
