#include "model/intelligence.h"

#include <algorithm>

#include "base/invariant.h"

namespace tearline {
namespace {

// A string field counts as present only if it is set and not empty.
bool present(bool has, const std::string& value) { return has && !value.empty(); }

bool has_subject(const v1::ThreatReport& report) {
  return present(report.has_subject(), report.subject());
}
bool has_site(const v1::ThreatReport& report) { return present(report.has_site(), report.site()); }

int severity_points(v1::Severity severity) {
  switch (severity) {
    case v1::SEVERITY_LOW:
      return 5;
    case v1::SEVERITY_MODERATE:
      return 15;
    case v1::SEVERITY_HIGH:
      return 30;
    case v1::SEVERITY_CRITICAL:
      return 40;
    default:
      return 0;
  }
}

}  // namespace

std::vector<std::string> detail_fields(const v1::ThreatReport& report) {
  std::vector<std::string> fields;
  if (has_subject(report)) fields.emplace_back("subject");
  if (present(report.has_area(), report.area())) fields.emplace_back("area");
  if (has_site(report)) fields.emplace_back("site");
  if (report.has_window()) fields.emplace_back("window");
  if (present(report.has_method(), report.method())) fields.emplace_back("method");
  return fields;
}

int detail_count(const v1::ThreatReport& report) {
  return static_cast<int>(detail_fields(report).size());
}

bool has_actionable_detail(const v1::ThreatReport& report) {
  return has_subject(report) && (has_site(report) || report.has_window());
}

bool parse_admiralty(const std::string& grading, int* reliability, int* credibility) {
  if (grading.size() != 2) return false;
  const char letter = grading[0];
  const char digit = grading[1];
  if (letter < 'A' || letter > 'F' || digit < '1' || digit > '6') return false;
  *reliability = letter - 'A' + 1;
  *credibility = digit - '0';
  return true;
}

// relevance = severity + detail + credibility + boost, clamped to 0..100:
//   severity     0..40  unspecified 0, low 5, moderate 15, high 30, critical 40
//   detail       0..30  6 per operational field present (5 fields)
//   credibility  0..30  reliability A..F gives 15..0 (3 per step), credibility
//                       1..6 gives 15..0 (3 per step); a malformed grading 0
// So a full A1 critical report with every field scores 100, and a tearline
// copy loses 18 points for site, window and method.
int relevance(const v1::ThreatReport& report, int boost) {
  int points = severity_points(report.severity()) + 6 * detail_count(report);
  int reliability = 0;
  int credibility = 0;
  if (parse_admiralty(report.credibility(), &reliability, &credibility)) {
    points += 3 * (6 - reliability) + 3 * (6 - credibility);
  }
  TEARLINE_ASSERT(points >= 0 && points <= 100);  // 40 + 30 + 30 at the most.
  return std::clamp(points + boost, 0, 100);
}

v1::ThreatReport sanitise(const v1::ThreatReport& report, const std::string& new_report_id) {
  v1::ThreatReport copy = report;
  copy.set_report_id(new_report_id);
  copy.clear_site();
  copy.clear_window();
  copy.clear_method();
  copy.mutable_source()->clear_identity();
  // A grading would hint at the source behind it, so the tearline copy
  // carries "cannot be judged" (F6): one more reason it looks nondescript.
  copy.set_credibility("F6");
  // The severity judgement rests on the stripped detail; what is left reads
  // as no more than moderate.
  if (copy.severity() > v1::SEVERITY_MODERATE) copy.set_severity(v1::SEVERITY_MODERATE);
  copy.set_sanitised(true);
  // A tearline copy never tells a unit enough to act on.
  TEARLINE_ASSERT(!has_actionable_detail(copy));
  return copy;
}

std::string severity_name(v1::Severity severity) {
  switch (severity) {
    case v1::SEVERITY_LOW:
      return "low";
    case v1::SEVERITY_MODERATE:
      return "moderate";
    case v1::SEVERITY_HIGH:
      return "high";
    case v1::SEVERITY_CRITICAL:
      return "critical";
    default:
      return "unspecified";
  }
}

bool parse_severity(const std::string& name, v1::Severity* severity) {
  for (v1::Severity candidate :
       {v1::SEVERITY_LOW, v1::SEVERITY_MODERATE, v1::SEVERITY_HIGH, v1::SEVERITY_CRITICAL}) {
    if (name == severity_name(candidate)) {
      *severity = candidate;
      return true;
    }
  }
  return false;
}

std::string tlp_name(v1::Tlp tlp) {
  switch (tlp) {
    case v1::TLP_CLEAR:
      return "clear";
    case v1::TLP_GREEN:
      return "green";
    case v1::TLP_AMBER:
      return "amber";
    case v1::TLP_AMBER_STRICT:
      return "amber+strict";
    case v1::TLP_RED:
      return "red";
    default:
      return "unspecified";
  }
}

bool parse_tlp(const std::string& name, v1::Tlp* tlp) {
  for (v1::Tlp candidate :
       {v1::TLP_CLEAR, v1::TLP_GREEN, v1::TLP_AMBER, v1::TLP_AMBER_STRICT, v1::TLP_RED}) {
    if (name == tlp_name(candidate)) {
      *tlp = candidate;
      return true;
    }
  }
  return false;
}

std::string intel_fault_verb(v1::IntelFault::Action action) {
  switch (action) {
    case v1::IntelFault::ACTION_LOSE:
      return "lose";
    case v1::IntelFault::ACTION_DELAY:
      return "delay";
    case v1::IntelFault::ACTION_WITHHOLD:
      return "withhold";
    case v1::IntelFault::ACTION_SHARE_FULL:
      return "share-full";
    default:
      return "";
  }
}

bool parse_intel_fault_verb(const std::string& name, v1::IntelFault::Action* action) {
  for (v1::IntelFault::Action candidate :
       {v1::IntelFault::ACTION_LOSE, v1::IntelFault::ACTION_DELAY, v1::IntelFault::ACTION_WITHHOLD,
        v1::IntelFault::ACTION_SHARE_FULL}) {
    if (name == intel_fault_verb(candidate)) {
      *action = candidate;
      return true;
    }
  }
  return false;
}

}  // namespace tearline
