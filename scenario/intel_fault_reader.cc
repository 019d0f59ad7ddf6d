// A fault aimed at intelligence in a scenario's [[fault]] (scenarios/README.md,
// "Faults aimed at intelligence"): `report`, `trace` or `subject` names what
// it aims at, `command` what befalls it at the agency `node`'s desk.

#include <algorithm>
#include <set>

#include "base/control_chars.h"
#include "model/intelligence.h"
#include "scenario/scenario_reading.h"

namespace tearline::scenario_reading {
namespace {

// Within the bounds a node checks (node/intake/frame_check.h, kIdBytesMax).
constexpr size_t kTargetBytesMax = 128;
constexpr double kDelayHoursMax = 24.0 * 365;

void read_report_target(const TomlTable& table, const Scenario& scenario, const std::string& node,
                        const std::string& id) {
  const auto found = std::find_if(scenario.reports.begin(), scenario.reports.end(),
                                  [&](const ReportSpec& report) { return report.id == id; });
  if (found == scenario.reports.end()) {
    std::vector<std::string> ids;
    for (const ReportSpec& report : scenario.reports) ids.push_back(report.id);
    table.fail("report", "no report " + in_quotes(id) + " in the scenario" +
                             did_you_mean(id, ids, "reports"));
  }
  if (found->agency != node) {
    table.fail("report", in_quotes(id) + " is " + in_quotes(found->agency) +
                             "'s report: a fault aimed at it acts at the desk of " +
                             in_quotes(found->agency) + ", not of " + in_quotes(node));
  }
}

void read_subject_target(const TomlTable& table, const Scenario& scenario,
                         const std::string& subject) {
  std::set<std::string> subjects;
  for (const ReportSpec& report : scenario.reports) {
    if (report.subject) subjects.insert(*report.subject);
  }
  if (!subjects.contains(subject)) {
    table.fail("subject",
               "no report of the scenario is about " + in_quotes(subject) +
                   did_you_mean(subject, {subjects.begin(), subjects.end()}, "subjects"));
  }
}

}  // namespace

void read_intel_fault(const TomlTable& table, const Scenario& scenario, const std::string& node,
                      v1::IntelFault* fault) {
  const std::string command = table.required_string("command");
  v1::IntelFault::Action action = v1::IntelFault::ACTION_UNSPECIFIED;
  if (!parse_intel_fault_verb(command, &action)) {
    table.fail("command", in_quotes(command) + " is not lose, delay, withhold or share-full");
  }
  fault->set_action(action);
  if (!scenario.agency(node)) {
    table.fail("node", in_quotes(node) +
                           " is not an agency: a fault aimed at intelligence acts "
                           "at an agency's analysis desk");
  }
  const int targets =
      int(table.has("report")) + int(table.has("trace")) + int(table.has("subject"));
  if (targets != 1) {
    table.fail(table.has("report")  ? "report"
               : table.has("trace") ? "trace"
                                    : "command",
               in_quotes(command) + " needs exactly one of report, trace and subject");
  }
  for (std::string_view key : {"report", "trace", "subject"}) {
    if (!table.has(key)) continue;
    const std::string value = table.required_string(key);
    if (value.size() > kTargetBytesMax) {
      table.fail(key, "must be at most " + std::to_string(kTargetBytesMax) + " bytes");
    }
    if (control_character_at(value)) table.fail(key, "must have no control character");
    if (key == "report") {
      read_report_target(table, scenario, node, value);
      fault->set_report(value);
    } else if (key == "trace") {
      fault->set_trace(value);
    } else {
      read_subject_target(table, scenario, value);
      fault->set_subject(value);
    }
  }
  if (fault->action() == v1::IntelFault::ACTION_DELAY) {
    const double delay_h = table.bounded_number("delay_h", NumberBound::kPositive);
    if (delay_h > kDelayHoursMax) {
      table.fail("delay_h", "must be at most " + std::to_string(int(kDelayHoursMax)) + " hours");
    }
    fault->set_delay_h(delay_h);
  }
}

}  // namespace tearline::scenario_reading
