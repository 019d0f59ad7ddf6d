#include "bench/signature_cost.h"

#include <time.h>

#include <stdexcept>

#include "bench/report_mix.h"
#include "security/report_signature.h"
#include "tearline/v1/frame.pb.h"

namespace tearline::bench {
namespace {

double thread_cpu_us() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) * 1e6 + static_cast<double>(now.tv_nsec) / 1e3;
}

}  // namespace

SignatureCost measure_signature_cost(const std::vector<std::string>& frames) {
  std::vector<v1::ThreatReport> reports;
  reports.reserve(frames.size());
  for (const std::string& bytes : frames) {
    v1::Frame frame;
    if (!frame.ParseFromString(bytes)) throw std::runtime_error("a benchmark frame does not parse");
    reports.push_back(frame.envelope().report());
  }
  const SigningSeed seed = random_signing_seed();
  const ReportSigner signer(kSenderNode, seed);
  const OriginVerifier origins({{kSenderNode, signing_public_key(seed)}});

  const double sign_start_us = thread_cpu_us();
  for (v1::ThreatReport& report : reports) signer.sign(&report);
  const double sign_us = thread_cpu_us() - sign_start_us;

  size_t verified = 0;
  const double verify_start_us = thread_cpu_us();
  for (const v1::ThreatReport& report : reports) verified += !origins.problem(report);
  const double verify_us = thread_cpu_us() - verify_start_us;
  if (verified != reports.size()) throw std::runtime_error("a signed report did not verify");

  const auto count = static_cast<double>(reports.size());
  return {sign_us / count, verify_us / count};
}

}  // namespace tearline::bench
