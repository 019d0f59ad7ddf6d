// Signature checking (security/report_signature.h): any report, as bytes off
// the wire, is checked without harm; a report its origin signed verifies,
// and a change to anything the signature covers makes it fail while a
// change to what it leaves out (the per-copy id, the source's identity)
// does not. Byte 0 picks the signing node, byte 1 the field changed; the
// rest is the report.
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "fuzz/fuzz_node.h"
#include "fuzz/quiet_protobuf.h"

namespace {

using tearline::v1::ThreatReport;

// Another double: its lowest bit flipped (adding 1 would keep NaN and huge
// values as they are).
double other(double value) { return std::bit_cast<double>(std::bit_cast<uint64_t>(value) ^ 1); }

// Changes one field the signature covers, picked by `which`.
void change_covered(ThreatReport* report, uint8_t which) {
  switch (which % 8) {
    case 0:
      report->set_subject(report->subject() + "x");
      break;
    case 1:
      report->has_site() ? report->clear_site() : report->set_site("station");
      break;
    case 2:
      report->mutable_window()->set_end_h(other(report->window().end_h()));
      break;
    case 3:
      report->set_sanitised(!report->sanitised());
      break;
    case 4:
      report->set_trace_id(report->trace_id() + "x");
      break;
    case 5:
      report->mutable_signature()->set_parent_report_id(report->signature().parent_report_id() +
                                                        "x");
      break;
    case 6:
      report->set_observed_at_h(other(report->observed_at_h()));
      break;
    default:
      report->set_credibility(report->credibility() == "A1" ? "F6" : "A1");
      break;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tearline;
  if (size < 2) return 0;
  ThreatReport report;
  if (!report.ParseFromArray(data + 2, static_cast<int>(size - 2))) return 0;
  const OriginVerifier& origins = fuzz::origins();
  (void)origins.problem(report);  // Whatever it carries: no crash, no leak.

  if (report.report_id().empty()) report.set_report_id("r");  // A signature names its report.
  const auto& seeds = fuzz::signing_seeds();
  auto signer = seeds.begin();
  std::advance(signer, data[0] % seeds.size());
  ReportSigner(signer->first, signer->second).sign(&report);
  if (origins.problem(report)) std::abort();  // Signed as its origin: verifies.

  ThreatReport copy = report;
  copy.set_report_id(copy.report_id() + ">copy");
  copy.mutable_source()->set_pseudonym("ps-0");
  if (origins.problem(copy)) std::abort();  // Not covered: still verifies.

  change_covered(&report, data[1]);
  if (origins.problem(report) != "bad-signature") std::abort();
  return 0;
}
