// Reading and validating scenario files: the tables in the order their
// references need them, each checked against what came before. The format is
// documented key by key in scenarios/README.md; keep the two in step.

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>
#include <string_view>
#include <utility>

#include "base/invariant.h"
#include "base/iso_time.h"
#include "model/intelligence.h"
#include "scenario/scenario.h"
#include "scenario/scenario_overlay.h"
#include "scenario/scenario_part.h"
#include "scenario/scenario_reading.h"

namespace tearline {
namespace {

using namespace scenario_reading;

constexpr int64_t kCorrelationBoostMax = 100;  // Relevance is capped at 100 anyway.

// Reads one scenario document, once.
class Loader {
 public:
  // With a `roster`, the document is a node's part (scenario/scenario_part.h).
  Loader(std::string file, const toml::table& document, const v1::Roster* roster)
      : file_(std::move(file)), document_(document), roster_(roster) {}

  Scenario load() && {
    const TomlTable root(file_, document_, "",
                         {"scenario", "agency", "broker", "unit", "link_default", "link", "report",
                          "plot", "fault"});
    scenario_.source_path = file_;
    read_scenario(root);
    read_agencies(root);
    read_broker(root);
    read_units(root);
    read_plots(root);
    read_links(root);
    read_reports(root);
    scenario_.faults = read_faults(root, scenario_, nodes_);
    // Every process was claimed under its name exactly once, but the units
    // named only (scenario_part.h), which the roster holds distinct from the
    // units it describes, and which no agency or broker name can be.
    TEARLINE_ASSERT(nodes_.size() + scenario_.units_named_only.size() ==
                    scenario_.process_names().size());
    return std::move(scenario_);
  }

 private:
  void read_scenario(const TomlTable& root) {
    const TomlTable table = root.required_table(
        "scenario",
        {"name", "description", "start", "end", "duration_h", "ms_per_scenario_hour", "seed"});
    scenario_.name = table.required_string("name");
    scenario_.description = table.string("description").value_or("");

    const std::optional<double> start_s = table.time_s("start");
    if (!start_s) table.fail_missing("start");
    if (*start_s != std::floor(*start_s)) table.fail("start", "must be a whole second");
    const auto start_unix_s = static_cast<int64_t>(*start_s);
    scenario_.start_unix_s = start_unix_s;
    scenario_.start_iso = format_iso(start_unix_s, "Z");

    const std::optional<double> end_h = read_time_h(table, "end", scenario_.start_unix_s);
    const std::optional<double> duration_h = table.number("duration_h");
    if (end_h && duration_h) table.fail("duration_h", "give end or duration_h, not both");
    if (!end_h && !duration_h) table.fail_missing("duration_h");
    scenario_.duration_h = end_h ? *end_h : *duration_h;
    if (scenario_.duration_h <= 0) {
      table.fail(end_h ? "end" : "duration_h", "must be after the start");
    }
    scenario_.ms_per_scenario_hour = table.bounded_number(
        "ms_per_scenario_hour", NumberBound::kNonNegative, scenario_.ms_per_scenario_hour);
    scenario_.seed = static_cast<uint64_t>(table.bounded_integer(
        "seed", 0, std::numeric_limits<int64_t>::max(), static_cast<int64_t>(scenario_.seed)));
  }

  // The name of a node, `prefix` followed by a suffix; `fallback`, if given,
  // is the default and also valid without a suffix (the broker's "broker").
  std::string read_node_name(const TomlTable& table, std::string_view prefix,
                             std::optional<std::string> fallback = std::nullopt) {
    std::string name =
        fallback ? table.string("name").value_or(*fallback) : table.required_string("name");
    if (!valid_node_name(name, prefix) && !(fallback && name == *fallback)) {
      table.fail("name", "must be " + (fallback ? *fallback + " or " : "") + std::string(prefix) +
                             "<name> with lower-case letters, digits, '.', '_' or '-', got " +
                             in_quotes(name));
    }
    claim_unique(nodes_, table, "name", name);
    return name;
  }

  void read_agencies(const TomlTable& root) {
    const std::vector<TomlTable> tables =
        root.tables("agency", {"name", "country", "desk", "database", "background", "policy",
                               "partner", "source", "journal"});
    if (tables.size() + 2 > kNodesMax) fail_too_many_nodes(root, "agency", tables.size() + 2);
    struct PartnerRef {
      TomlTable table;
      std::string agency;
      std::string partner;
    };
    std::vector<PartnerRef> partner_refs;
    for (const TomlTable& table : tables) {
      AgencySpec agency;
      agency.name = read_node_name(table, "agency.");
      agency.country = table.string("country").value_or(agency.name.substr(sizeof "agency." - 1));
      agency.desk = read_queue(table, "desk");
      agency.database = read_queue(table, "database");
      agency.background = read_background(table);
      agency.policy = read_policy(table);
      agency.journal = table.boolean("journal").value_or(false);
      for (const TomlTable& partner_table : table.tables("partner", {"agency", "trust"})) {
        PartnerSpec partner;
        partner.agency = partner_table.required_string("agency");
        for (const PartnerSpec& earlier : agency.partners) {
          if (earlier.agency == partner.agency) {
            partner_table.fail("agency",
                               in_quotes(partner.agency) + " is listed twice as a partner");
          }
        }
        partner.trust = partner_table.bounded_number("trust", NumberBound::kProbability);
        agency.partners.push_back(partner);
        partner_refs.push_back({partner_table, agency.name, partner.agency});
      }
      for (const TomlTable& source_table : table.tables("source", {"handle", "value"})) {
        SourceSpec source;
        source.handle = source_table.required_string("handle");
        claim_unique(source_handles_, source_table, "handle", source.handle);
        source.value = source_table.choice<std::string>("value", {{"insider", "insider"},
                                                                  {"officer", "officer"},
                                                                  {"technical", "technical"},
                                                                  {"open", "open"}});
        agency.sources.push_back(source);
      }
      scenario_.agencies.push_back(std::move(agency));
    }
    if (roster_) {
      scenario_.agencies =
          agencies_with_roster(std::move(scenario_.agencies), *roster_, file_, nodes_);
    }
    if (scenario_.agencies.empty()) root.fail("agency", "at least one [[agency]] is required");
    for (const PartnerRef& ref : partner_refs) {
      if (ref.partner == ref.agency)
        ref.table.fail("agency", "an agency cannot be its own partner");
      check_agency_ref(ref.table, "agency", ref.partner, scenario_, nodes_);
    }
  }

  void read_broker(const TomlTable& root) {
    const TomlTable table = root.required_table(
        "broker", {"name", "officers", "background", "correlation_window_h", "correlation_boost",
                   "resend_interval_h", "delivery_deadline_h", "journal", "standby",
                   "failover_after_h", "honour_tlp"});
    BrokerSpec& broker = scenario_.broker;
    broker.name = read_node_name(table, "broker.", broker.name);
    broker.officers = read_queue(table, "officers");
    broker.background = read_background(table);
    broker.correlation_window_h = table.bounded_number(
        "correlation_window_h", NumberBound::kNonNegative, broker.correlation_window_h);
    broker.correlation_boost = static_cast<int>(table.bounded_integer(
        "correlation_boost", 0, kCorrelationBoostMax, broker.correlation_boost));
    broker.resend_interval_h =
        table.bounded_number("resend_interval_h", NumberBound::kPositive, broker.resend_interval_h);
    broker.delivery_deadline_h = table.bounded_number(
        "delivery_deadline_h", NumberBound::kNonNegative, broker.delivery_deadline_h);
    broker.journal = table.boolean("journal").value_or(false);
    if (table.has("standby")) {
      broker.standby = table.required_string("standby");
      if (!valid_node_name(broker.standby, "broker.")) {
        table.fail("standby",
                   "must be broker.<name> with lower-case letters, digits, '.', '_' or '-', got " +
                       in_quotes(broker.standby));
      }
      claim_unique(nodes_, table, "standby", broker.standby);
      if (!broker.journal) {
        table.fail("standby",
                   "needs journal = true: the standby takes over from a copy of the "
                   "centre's journal");
      }
    }
    broker.failover_after_h = table.bounded_number("failover_after_h", NumberBound::kNonNegative,
                                                   broker.failover_after_h);
    broker.honour_tlp = table.boolean("honour_tlp").value_or(broker.honour_tlp);
  }

  [[noreturn]] static void fail_too_many_nodes(const TomlTable& root, std::string_view key,
                                               size_t nodes) {
    root.fail(key, "a scenario has at most " + std::to_string(kNodesMax) +
                       " nodes (agencies, a centre and units together); this one has at least " +
                       std::to_string(nodes));
  }

  void read_units(const TomlTable& root) {
    const std::vector<TomlTable> tables = root.tables(
        "unit", {"name", "agency", "area", "response_h", "poll_interval_h", "intake", "journal"});
    const size_t nodes = scenario_.agencies.size() + 1 + tables.size();
    if (nodes > kNodesMax) fail_too_many_nodes(root, "unit", nodes);
    for (const TomlTable& table : tables) {
      UnitSpec unit;
      unit.name = read_node_name(table, "unit.");
      unit.agency = table.required_string("agency");
      check_agency_ref(table, "agency", unit.agency, scenario_, nodes_);
      unit.area = table.required_string("area");
      unit.response_h = table.bounded_number("response_h", NumberBound::kNonNegative);
      unit.poll_interval_h =
          table.bounded_number("poll_interval_h", NumberBound::kPositive, unit.poll_interval_h);
      unit.intake = read_queue(table, "intake");
      unit.journal = table.boolean("journal").value_or(false);
      scenario_.units.push_back(std::move(unit));
    }
    if (roster_) {
      scenario_.units =
          units_with_roster(std::move(scenario_.units), *roster_, scenario_, file_, nodes_);
      scenario_.units_named_only = units_named_only(*roster_, scenario_.units);
    }
    if (scenario_.units.empty()) root.fail("unit", "at least one [[unit]] is required");
  }

  void read_plots(const TomlTable& root) {
    std::map<std::string, TomlPlace> ids;
    for (const TomlTable& table :
         root.tables("plot", {"id", "area", "site", "attack_at", "attack_h", "description"})) {
      PlotSpec plot;
      plot.id = table.required_string("id");
      claim_unique(ids, table, "id", plot.id);
      plot.area = table.required_string("area");
      // A plot no unit covers could never be averted: almost surely a typo.
      std::vector<std::string> areas;
      for (const UnitSpec& unit : scenario_.units) areas.push_back(unit.area);
      if (std::find(areas.begin(), areas.end(), plot.area) == areas.end()) {
        table.fail("area", "no unit covers area " + in_quotes(plot.area) +
                               did_you_mean(plot.area, areas, "unit areas"));
      }
      plot.site = table.required_string("site");
      plot.attack_h = read_moment_h(table, "attack_at", "attack_h", scenario_);
      plot.description = table.string("description").value_or("");
      scenario_.plots.push_back(std::move(plot));
    }
  }

  void read_links(const TomlTable& root) {
    const TomlTable fallback = root.required_table("link_default", {"delay", "loss"});
    scenario_.link_default.delay = read_delay_table(fallback, "delay");
    scenario_.link_default.loss = read_loss(fallback).value_or(LossModel{});

    std::map<std::pair<std::string, std::string>, TomlPlace> pairs;
    for (const TomlTable& table :
         root.tables("link", {"from", "to", "both_ways", "delay", "loss"})) {
      LinkSpec link;
      link.from = table.required_string("from");
      check_node_ref(table, "from", link.from, nodes_);
      link.to = table.required_string("to");
      check_node_ref(table, "to", link.to, nodes_);
      if (link.to == link.from) table.fail("to", "a link cannot lead from a node to itself");
      link.delay =
          table.has("delay") ? read_delay_table(table, "delay") : scenario_.link_default.delay;
      link.loss = read_loss(table).value_or(scenario_.link_default.loss);
      std::vector<LinkSpec> directions = {link};
      if (table.boolean("both_ways").value_or(false)) {
        directions.push_back({link.to, link.from, link.delay, link.loss});
      }
      for (LinkSpec& direction : directions) {
        const auto [it, added] =
            pairs.emplace(std::pair(direction.from, direction.to), table.where("to"));
        if (!added) {
          table.fail("to", "link " + direction.from + " -> " + direction.to +
                               " is already defined by " + it->second.key + " (line " +
                               std::to_string(it->second.region.begin.line) + ")");
        }
        scenario_.links.push_back(std::move(direction));
      }
    }
  }

  void read_reports(const TomlTable& root) {
    std::map<std::string, TomlPlace> ids;
    for (const TomlTable& table :
         root.tables("report", {"id", "agency", "source", "plot", "at", "at_h", "subject", "area",
                                "site", "window", "method", "credibility", "severity", "tlp"})) {
      ReportSpec report;
      report.id = table.required_string("id");
      claim_unique(ids, table, "id", report.id);
      report.agency = table.required_string("agency");
      check_agency_ref(table, "agency", report.agency, scenario_, nodes_);
      report.source = table.required_string("source");
      const AgencySpec* agency_spec = scenario_.agency(report.agency);
      TEARLINE_ASSERT(agency_spec != nullptr);  // check_agency_ref let it through.
      const AgencySpec& agency = *agency_spec;
      if (std::none_of(agency.sources.begin(), agency.sources.end(),
                       [&](const SourceSpec& source) { return source.handle == report.source; })) {
        std::vector<std::string> handles;
        for (const SourceSpec& source : agency.sources) handles.push_back(source.handle);
        table.fail("source", report.agency + " has no source " + in_quotes(report.source) +
                                 did_you_mean(report.source, handles, "its sources"));
      }
      report.plot = table.string("plot").value_or("");
      if (!report.plot.empty() &&
          std::none_of(scenario_.plots.begin(), scenario_.plots.end(),
                       [&](const PlotSpec& plot) { return plot.id == report.plot; })) {
        std::vector<std::string> plot_ids;
        for (const PlotSpec& plot : scenario_.plots) plot_ids.push_back(plot.id);
        table.fail("plot", "unknown plot " + in_quotes(report.plot) +
                               did_you_mean(report.plot, plot_ids, "plots"));
      }
      report.at_h = read_moment_h(table, "at", "at_h", scenario_);
      report.subject = table.string("subject");
      report.area = table.string("area");
      report.site = table.string("site");
      report.method = table.string("method");
      if (const std::optional<TomlTable> window =
              table.table("window", {"start", "end", "start_h", "end_h"})) {
        v1::TimeWindow time_window;
        time_window.set_start_h(read_moment_h(*window, "start", "start_h", scenario_));
        time_window.set_end_h(read_moment_h(*window, "end", "end_h", scenario_));
        if (time_window.end_h() < time_window.start_h()) {
          window->fail(window->has("end") ? "end" : "end_h", "must not be before the start");
        }
        report.window = time_window;
      }
      report.credibility = table.required_string("credibility");
      int reliability = 0;
      int credibility = 0;
      if (!parse_admiralty(report.credibility, &reliability, &credibility)) {
        table.fail("credibility",
                   "expected an Admiralty grading A-F then 1-6, such as \"B2\", got " +
                       in_quotes(report.credibility));
      }
      report.severity = read_severity(table, "severity");
      report.tlp = read_tlp(table, "tlp");
      scenario_.reports.push_back(std::move(report));
    }
  }

  std::string file_;
  const toml::table& document_;
  const v1::Roster* roster_;  // Null for a whole scenario file.
  Scenario scenario_;
  NamePlaces nodes_;           // Node name -> where it is named.
  NamePlaces source_handles_;  // Source handle -> where it is named.
};

}  // namespace

Scenario scenario_reading::parse_document(const toml::table& document, const std::string& file,
                                          const v1::Roster* roster) {
  return Loader(file, document, roster).load();
}

Scenario load_scenario(const std::string& path) {
  try {
    return parse_document(resolve_scenario_file(path).table, path);
  } catch (const TomlError& error) {
    throw ScenarioError(error.what());
  }
}

Scenario parse_scenario(std::string_view text, const std::string& path) {
  try {
    return parse_document(resolve_scenario_text(text, path).table, path);
  } catch (const TomlError& error) {
    throw ScenarioError(error.what());
  }
}

}  // namespace tearline

namespace tearline {

Scenario load_scenario_part(const std::string& part_path, const v1::Roster& roster) {
  try {
    return parse_document(read_toml_file(part_path, "scenario part"), part_path, &roster);
  } catch (const TomlError& error) {
    throw ScenarioError(error.what());
  }
}

Scenario parse_scenario_part(std::string_view text, const std::string& path,
                             const v1::Roster& roster) {
  try {
    return parse_document(parse_toml(text, path), path, &roster);
  } catch (const TomlError& error) {
    throw ScenarioError(error.what());
  }
}

}  // namespace tearline
