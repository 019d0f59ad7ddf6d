// A scenario: everything a run is made of, read from a TOML file that users
// edit (scenarios/*.toml; the format is documented in scenarios/README.md).
//
// Times in the file are either TOML date-times (converted to scenario hours
// since [scenario].start) or numbers of hours where the key ends in _h.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "model/delay_model.h"
#include "model/department.h"
#include "model/sharing_policy.h"
#include "tearline/v1/control.pb.h"
#include "tearline/v1/report.pb.h"

namespace tearline {

// A link between two nodes: delay and loss of every message sent over it.
struct LinkSpec {
  std::string from;  // Node name.
  std::string to;    // Node name.
  DelayModel delay;
  LossModel loss;
};

// Reports of the unrelated mass, arriving as a Poisson stream.
struct BackgroundSpec {
  double rate_per_h = 0;
  // Probabilities of each severity; normalised when read.
  std::map<v1::Severity, double> severity_weights;
  // Probability that a background report names one of the scenario's unit
  // areas (drawn uniformly among them); otherwise its area is absent.
  double area_share = 0;
  // Probability that each operational field (subject, site, window, method)
  // is present.
  double field_share = 0.5;
};

struct PartnerSpec {
  std::string agency;  // Partner agency node name.
  double trust = 0;    // 0..1: how far this agency trusts the partner.
};

struct SourceSpec {
  std::string handle;  // e.g. "us.insider-7"
  std::string value;   // "insider", "officer", "technical", "open"
};

struct AgencySpec {
  std::string name;           // Node name, "agency.<country>".
  std::string country;        // e.g. "uk".
  QueueConfig desk;           // The analysis desk.
  QueueConfig database;       // The national database department.
  BackgroundSpec background;  // Arriving at the database department.
  SharingPolicy policy;
  std::vector<PartnerSpec> partners;
  std::vector<SourceSpec> sources;
  bool journal = false;  // Keeps a journal (docs/DURABILITY.md).
};

struct BrokerSpec {
  std::string name = "broker";
  QueueConfig officers;
  BackgroundSpec background;  // Arriving at the officers' queue.
  double correlation_window_h = 720;
  int correlation_boost = 25;        // Added to relevance per other agency.
  double resend_interval_h = 6;      // Unacknowledged deliveries are resent this often...
  double delivery_deadline_h = 168;  // ...until this long after the first send.
  bool journal = false;              // Keeps a journal (docs/DURABILITY.md).
  // A hot standby's member name ("broker.b"), or empty: a second broker
  // process that holds a copy of the journal and takes over when the
  // active one dies (docs/DURABILITY.md, "Hot standby").
  std::string standby;
  double failover_after_h = 0.25;  // Silence of the active one before the standby takes over.
  // Whether the centre honours reports' TLP labels as it routes them
  // (docs/MODEL.md, "Handling caveats"); false asks what a centre that
  // overrides them would change.
  bool honour_tlp = true;
};

struct UnitSpec {
  std::string name;             // Node name, "unit.<city>".
  std::string agency;           // The national agency whose database it polls.
  std::string area;             // The area it covers, e.g. "manchester".
  double response_h = 24;       // Time it needs between a warning and the attack.
  double poll_interval_h = 24;  // How often it queries its national database.
  QueueConfig intake;
  bool journal = false;  // Keeps a journal (docs/DURABILITY.md).
};

// A report that a source of an agency produces at a given time.
struct ReportSpec {
  std::string id;      // Unique; becomes the trace id, e.g. "us-manchester-1".
  std::string agency;  // Producing agency node name.
  std::string source;  // Handle of one of the agency's sources.
  std::string plot;    // Plot id it is about; empty if about none.
  double at_h = 0;     // When the source produces it.
  std::optional<std::string> subject, area, site, method;
  std::optional<v1::TimeWindow> window;
  std::string credibility = "C3";  // Admiralty grading.
  v1::Severity severity = v1::SEVERITY_MODERATE;
  v1::Tlp tlp = v1::TLP_AMBER;
};

// A fault the launcher injects at a scenario time ([[fault]]).
struct FaultSpec {
  double at_h = 0;
  std::string node;
  // "pause", "link", "partition", "queue", "crash", and the faults aimed at
  // intelligence "lose", "delay", "withhold", "share-full" (control commands
  // the node carries out), or "kill", "stop" (signals to its process).
  std::string command;
  // For control commands: the request, with its parameters.
  v1::ControlRequest request;
  // pause, link, partition, queue, stop: undone this long after (resume,
  // link reset, heal, queue reset, SIGCONT).
  std::optional<double> for_h;
  // crash, kill: the node is started again this long after.
  std::optional<double> restart_after_h;
};

// Ground truth: an attack planned for an area at a time.
struct PlotSpec {
  std::string id;    // e.g. "plot.manchester-2017-05-22".
  std::string area;  // e.g. "manchester".
  std::string site;
  double attack_h = 0;
  std::string description;
};

struct Scenario {
  std::string name;
  std::string description;
  std::string source_path;  // The file it was read from.
  std::string start_iso;    // Scenario hour 0, ISO 8601 UTC.
  int64_t start_unix_s = 0;
  double duration_h = 0;
  double ms_per_scenario_hour = 10;  // Default pace of a run (0: unpaced).
  uint64_t seed = 1;                 // Default seed of a run.

  std::vector<AgencySpec> agencies;
  BrokerSpec broker;
  std::vector<UnitSpec> units;
  // Units known by name only, sorted: a unit's part read with its roster
  // describes the units it deals with, and names the others
  // (scenario_part.h).
  std::vector<std::string> units_named_only;
  std::vector<LinkSpec> links;
  LinkSpec link_default;  // from/to empty: applies to any pair not listed.
  std::vector<ReportSpec> reports;
  std::vector<PlotSpec> plots;
  std::vector<FaultSpec> faults;  // In file order.

  const AgencySpec* agency(const std::string& name) const;
  const UnitSpec* unit(const std::string& name) const;
  // Whether `name` is a node of the scenario (described or named only),
  // without building node_names(): asked of every peer a grant names.
  bool has_node(const std::string& name) const;
  // The link from `from` to `to`, or link_default with from/to filled in.
  LinkSpec link(const std::string& from, const std::string& to) const;
  // Every node name: agencies, the broker, units (those named only last).
  std::vector<std::string> node_names() const;
  // The same without the units named only.
  std::vector<std::string> described_node_names() const;
  // Every process a run may start: the nodes, and the centre's standby.
  std::vector<std::string> process_names() const;
  // The same without the units named only: the processes a node whose part
  // this is may reach.
  std::vector<std::string> described_process_names() const;
  // Whether `node` keeps a journal (`journal = true` in its table).
  bool journaled(const std::string& node) const;
  // The country `node` belongs to: an agency's, a unit's agency's; empty for
  // the centre, which belongs to none (handling caveats: docs/MODEL.md).
  std::string country_of(const std::string& node) const;
  // The areas the units cover, sorted, each once: where background reports
  // are about.
  std::vector<std::string> unit_areas() const;
};

// Thrown for a scenario that cannot be used. what() names the file, the line
// (when known) and the key: "scenarios/x.toml:12: agency[1].desk.workers:
// must be at least 1".
class ScenarioError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Reads and validates a scenario file. Unknown keys, missing required keys,
// wrong types, out-of-range values, and references to unknown nodes, sources
// or plots are errors. An overlay is read resolved (scenario_overlay.h).
Scenario load_scenario(const std::string& path);
// The same for a scenario's text; `path` names it in errors (and its folder
// holds an overlay's base).
Scenario parse_scenario(std::string_view text, const std::string& path);

}  // namespace tearline
