// What report signatures cost (security/report_signature.h): the CPU time per
// message of signing a report, as its author does once, and of verifying
// it, as every node that takes it in does, measured on the real
// ReportSigner and OriginVerifier over the benchmark's inbound reports.
#pragma once

#include <string>
#include <vector>

namespace tearline::bench {

struct SignatureCost {
  double sign_us_per_msg = 0;
  double verify_us_per_msg = 0;
};

// Signs, then verifies, the report of every serialized Frame{envelope} of
// `frames` on this thread. Throws std::runtime_error if a frame does not
// parse or a signature does not verify (the measurement would be wrong).
SignatureCost measure_signature_cost(const std::vector<std::string>& frames);

}  // namespace tearline::bench
