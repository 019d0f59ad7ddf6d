#include "bench/hop_traffic.h"

#include <fmt/format.h>

#include <array>
#include <cstdint>
#include <iterator>

#include "base/invariant.h"
#include "node/role.h"
#include "security/pseudonym.h"
#include "tearline/v1/frame.pb.h"

namespace tearline::bench {
namespace {

// Its distinct sources, reporting in an irregular order: as many as
// several scenarios' agencies together, so the centre's pseudonym cache
// holds tens of entries.
constexpr size_t kSenderSources = 36;
constexpr std::array<const char*, 3> kSourceValues = {"insider", "officer", "technical"};
constexpr std::array<const char*, 4> kAreas = {"manchester", "london", "stpetersburg", "newyork"};
constexpr std::array<const char*, 5> kSites = {"arena", "metro", "station", "stadium", "market"};
constexpr std::array<const char*, 4> kMethods = {"ied", "vehicle", "knife", "firearm"};
constexpr std::array<const char*, 6> kCredibilities = {"A1", "B2", "B3", "C3", "D4", "F6"};
// Labels the centre routes on to the units of the area (AMBER+STRICT and RED
// it withholds: model/handling_caveats.h), so every report makes its copies.
constexpr std::array<v1::Tlp, 3> kTlps = {v1::TLP_CLEAR, v1::TLP_GREEN, v1::TLP_AMBER};
// Distinct subjects in circulation, in turns: a subject recurs after 970 h,
// outside the correlation window, so each report's subject is new to it.
constexpr uint64_t kSubjects = 97;
// A report leaves the agency this long after its source produced it...
constexpr double kAgencyDelayH = 2;
// ...and reaches the centre this long after (the scenario's link delay).
// Its sender resends it until this long after sending (agency.us's
// deadline, which the centre does not use).
constexpr double kAgencyDeadlineH = 168;
constexpr double kLinkDelayH = 0.5;

// The source of report n: a multiplicative hash spreads the reports over
// the sources irregularly, but every source recurs.
size_t source_of(uint64_t n) { return (n * 0x9e3779b97f4a7c15ULL >> 40) % kSenderSources; }

// The scenario of `reports` reports. No unit answers in the benchmark, so
// the centre's deadline lies beyond the run: it resends nothing, and every
// copy stays tracked, as one awaiting its acknowledgement. Its officers
// keep up (64 at 0.1 h against a report every 10 h); nothing else happens
// (no background, no loss).
std::string scenario_text(size_t reports) {
  const double duration_h = static_cast<double>(reports + 1) * kScenarioHoursPerMessage;
  std::string text = fmt::format(R"([scenario]
name = "bench-hop"
start = 2020-01-01T00:00:00Z
duration_h = {0}
ms_per_scenario_hour = 1
seed = 1

[[agency]]
name = "{1}"
country = "us"
desk = {{ workers = 1, service = {{ fixed_h = 1 }}, capacity_msgs = 100, ttl_h = 120, priority = "fifo" }}
database = {{ workers = 1, service = {{ fixed_h = 1 }}, capacity_msgs = 100, ttl_h = 120, priority = "fifo" }}
[agency.policy]
min_severity = "low"
insider   = {{ full_trust_min = 0.9, sanitised_trust_min = 0.3 }}
officer   = {{ full_trust_min = 0.5, sanitised_trust_min = 0.2 }}
technical = {{ full_trust_min = 0.5, sanitised_trust_min = 0.2 }}
open      = {{ full_trust_min = 0.0, sanitised_trust_min = 0.0 }}
)",
                                 duration_h, kSenderNode);
  for (size_t i = 0; i < kSenderSources; ++i) {
    text += fmt::format("[[agency.source]]\nhandle = \"us.source-{}\"\nvalue = \"{}\"\n", i + 1,
                        kSourceValues[i % kSourceValues.size()]);
  }
  text += fmt::format(R"(
[broker]
resend_interval_h = {0}
delivery_deadline_h = {0}
officers = {{ workers = 64, service = {{ fixed_h = 0.1 }}, capacity_msgs = 1000, ttl_h = 120 }}

[link_default]
delay = {{ fixed_h = {1} }}
)",
                      2 * duration_h, kLinkDelayH);
  for (const char* area : kAreas) {
    text += fmt::format(
        "[[unit]]\nname = \"unit.{0}\"\nagency = \"{1}\"\narea = \"{0}\"\nresponse_h = 24\n"
        "intake = {{ workers = 1, service = {{ fixed_h = 0.5 }}, capacity_msgs = 100, "
        "ttl_h = 120, priority = \"fifo\" }}\n",
        area, kSenderNode);
  }
  return text;
}

}  // namespace

HopTraffic make_hop_traffic(size_t reports) {
  HopTraffic traffic;
  traffic.scenario = parse_scenario(scenario_text(reports), "bench-hop.toml");
  // A copy for the one unit of the report's area, and one back home.
  traffic.copies_per_report = 2;
  const SecretKey agency_key = random_secret_key();
  const SigningSeed signing_seed = random_signing_seed();
  const ReportSigner signer(kSenderNode, signing_seed);
  traffic.signing_keys = {{kSenderNode, signing_public_key(signing_seed)}};
  std::array<std::string, kSenderSources> sealed;
  for (size_t i = 0; i < kSenderSources; ++i) {
    sealed[i] = seal_source(agency_key, fmt::format("us.source-{}", i + 1));
  }

  traffic.frames.reserve(reports);
  v1::Frame frame;
  for (uint64_t n = 1; n <= reports; ++n) {
    const double at_h = static_cast<double>(n) * kScenarioHoursPerMessage;
    // As agency.us names its copy for the centre of its own report.
    const std::string trace_id = fmt::format("us-report-{}", n);
    const std::string message_id = copy_message_id(trace_id, kCentreNode);

    frame.Clear();
    frame.set_version(1);
    frame.set_receiver_incarnation(1);
    frame.set_sender_incarnation(1);
    v1::Envelope* envelope = frame.mutable_envelope();
    envelope->set_message_id(message_id);
    envelope->set_trace_id(trace_id);
    envelope->set_sender(kSenderNode);
    envelope->set_sequence(n);
    envelope->set_sent_at_h(at_h);
    frame.set_arrival_h(at_h + kLinkDelayH);
    envelope->set_deadline_h(at_h + kAgencyDeadlineH);
    envelope->set_handoff(fmt::format("{}->{}", kSenderNode, kCentreNode));
    envelope->set_attempt(1);
    envelope->set_parent_message_id(trace_id);

    // Index arithmetic with coprime periods varies which fields are present.
    v1::ThreatReport* report = envelope->mutable_report();
    report->set_report_id(message_id);
    report->set_trace_id(trace_id);
    v1::Source* source = report->mutable_source();
    source->set_agency(kSenderNode);
    const size_t s = source_of(n);
    source->set_sealed(sealed[s]);
    source->set_value(kSourceValues[s % kSourceValues.size()]);
    report->set_subject(fmt::format("subject-{}", n % kSubjects));
    report->set_area(kAreas[n % kAreas.size()]);
    if (n % 4 != 0) report->set_site(kSites[n % kSites.size()]);
    if (n % 2 == 0) {
      report->mutable_window()->set_start_h(at_h + 48);
      report->mutable_window()->set_end_h(at_h + 72);
    }
    if (n % 3 != 0) report->set_method(kMethods[n % kMethods.size()]);
    report->set_credibility(kCredibilities[n % kCredibilities.size()]);
    report->set_severity(static_cast<v1::Severity>(1 + n % 4));
    report->set_tlp(kTlps[n % kTlps.size()]);
    report->set_observed_at_h(at_h - kAgencyDelayH);
    signer.sign(report);
    traffic.frames.push_back(frame.SerializeAsString());
  }
  TEARLINE_ASSERT(traffic.frames.size() == reports);
  return traffic;
}

}  // namespace tearline::bench
