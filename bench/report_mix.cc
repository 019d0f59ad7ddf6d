#include "bench/report_mix.h"

#include <array>
#include <cstdint>

#include "security/pseudonym.h"
#include "node/role.h"
#include "tearline/v1/frame.pb.h"

namespace tearline::bench {
namespace {

constexpr std::array<const char*, 3> kSourceValues = {"insider", "officer", "technical"};
constexpr std::array<const char*, 5> kSites = {"arena", "metro", "station", "stadium", "market"};
constexpr std::array<const char*, 4> kMethods = {"ied", "vehicle", "knife", "firearm"};
constexpr std::array<const char*, 6> kCredibilities = {"A1", "B2", "B3", "C3", "D4", "F6"};
constexpr std::array<v1::Tlp, 3> kTlps = {v1::TLP_AMBER, v1::TLP_AMBER_STRICT, v1::TLP_RED};
// Distinct subjects in circulation, in turns: a subject recurs after 970 h,
// outside the correlation window, so each report's subject is new to it.
constexpr uint64_t kSubjects = 97;
constexpr double kDeliveryDeadlineH = 168;
// A report leaves the agency this long after its source produced it.
constexpr double kAgencyDelayH = 2;

// The source of report n: a multiplicative hash spreads the reports over
// the sources irregularly, but every source recurs.
size_t source_of(uint64_t n) { return (n * 0x9e3779b97f4a7c15ULL >> 40) % kSenderSources; }

}  // namespace

std::vector<std::string> make_inbound_frames(size_t count) {
  const SecretKey agency_key = random_secret_key();
  std::array<std::string, kSenderSources> sealed;
  for (size_t i = 0; i < kSenderSources; ++i) {
    sealed[i] = seal_source(agency_key, "us.source-" + std::to_string(i + 1));
  }

  std::vector<std::string> frames;
  frames.reserve(count);
  v1::Frame frame;
  for (uint64_t n = 1; n <= count; ++n) {
    const double at_h = static_cast<double>(n) * kScenarioHoursPerMessage;
    // As agency.us names its copy for the broker of its own report.
    const std::string trace_id = "us-report-" + std::to_string(n);
    const std::string message_id = copy_message_id(trace_id, "broker");

    frame.Clear();
    frame.set_version(1);
    v1::Envelope* envelope = frame.mutable_envelope();
    envelope->set_message_id(message_id);
    envelope->set_trace_id(trace_id);
    envelope->set_sender(kSenderNode);
    envelope->set_sequence(n);
    envelope->set_sent_at_h(at_h);
    envelope->set_deadline_h(at_h + kDeliveryDeadlineH);
    envelope->set_handoff(std::string(kSenderNode) + "->broker");
    envelope->set_attempt(1);
    envelope->set_parent_message_id(trace_id);

    // Index arithmetic with coprime periods varies which fields are present.
    v1::ThreatReport* report = envelope->mutable_report();
    report->set_report_id(message_id);
    report->set_trace_id(trace_id);
    report->set_origin_agency(kSenderNode);
    v1::Source* source = report->mutable_source();
    source->set_agency(kSenderNode);
    const size_t s = source_of(n);
    source->set_sealed(sealed[s]);
    source->set_value(kSourceValues[s % kSourceValues.size()]);
    report->set_subject("subject-" + std::to_string(n % kSubjects));
    report->set_area(kCoveredAreas[n % std::size(kCoveredAreas)].area);
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
    frames.push_back(frame.SerializeAsString());
  }
  return frames;
}

}  // namespace tearline::bench
