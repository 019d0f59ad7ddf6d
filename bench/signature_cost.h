// What report signatures cost (security/report_signature.h), under Google
// Benchmark: signing a report, as its author does once, and verifying it,
// as every node that takes it in does, on the real ReportSigner and
// OriginVerifier over the broker hop benchmark's reports, one thread, CPU
// time per report ("sign_report", "verify_report").
#pragma once

#include <string>
#include <vector>

namespace tearline::bench {

// Registers both benchmarks over the reports of `frames` (serialized
// Frame{envelope}s, which must outlive the run). Throws std::runtime_error
// if a frame does not parse.
void register_signature_cost(const std::vector<std::string>& frames);

}  // namespace tearline::bench
