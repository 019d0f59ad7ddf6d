// Where the names of a run report (agency.us, desk@agency.uk,
// agency.us->agency.uk) are in a scenario's TOML: the key paths of
// `tearline sweep --set` that address them (sweep/sweep_grid.h), and the
// values the file gives them there.
#pragma once

#include <toml++/toml.h>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace tearline::whatif {

// An agency's trust in one partner: "agency[agency.us].partner[agency.uk].trust".
struct TrustPlace {
  std::string path;
  double trust = 0;
};

// A number of the file and whether it is written as an integer there (a
// changed value must be one too: sweep/sweep_grid.h keeps a value's type).
struct NumberAt {
  std::string key;
  double value = 0;
  bool integer = false;
};

// The link table a directed pair's messages use: "link[3]", or
// "link_default" for a pair the file does not list.
struct LinkPlace {
  std::string path;
  bool both_ways = false;  // The table also makes the reverse link.
  // Absent when the table has no loss (or delay) of its own: it takes
  // link_default's, which a change of this link cannot reach.
  std::optional<double> loss_probability;
  // The delay's keys that scale with it (fixed_h, mean_h, median_h, min_h,
  // max_h) and their values; empty without a delay table of its own.
  std::vector<NumberAt> delay_h;
};

// A department: "agency[agency.uk].desk", "broker.officers", "unit[unit.north].intake".
struct DepartmentPlace {
  std::string path;
  int64_t workers = 0;
  double ttl_h = 0;  // The file's, or the default (scenarios/README.md).
};

// An agency's policy for the source of one of its reports.
struct SharingThresholds {
  std::string source_value;  // "insider", "officer", "technical", "open".
  double full_trust_min = 0;
  double sanitised_trust_min = 0;
};

class ScenarioIndex {
 public:
  // `root`: the scenario's TOML, already loaded and checked as a scenario.
  explicit ScenarioIndex(toml::table root) : root_(std::move(root)) {}

  std::optional<TrustPlace> trust(const std::string& agency, const std::string& partner) const;
  std::optional<LinkPlace> link(const std::string& from, const std::string& to) const;
  // The policy of `agency` for the source of its report `report_id` (a
  // [[report]]'s id); nullopt when the file does not say.
  std::optional<SharingThresholds> thresholds(const std::string& agency,
                                              const std::string& report_id) const;
  // `handoff`: "desk@agency.uk", "database@agency.uk", "officers@broker" or
  // "intake@unit.manchester"; nullopt for any other.
  std::optional<DepartmentPlace> department(const std::string& handoff) const;

 private:
  // The index of the table of array `key` whose `name_key` is `name`.
  std::optional<size_t> index_of(const std::string& key, const std::string& name_key,
                                 const std::string& name) const;

  toml::table root_;
};

// The default of a queue table's ttl_h (scenarios/README.md, "Queue table").
inline constexpr double kDefaultTtlH = 720;

}  // namespace tearline::whatif
