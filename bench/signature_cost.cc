#include "bench/signature_cost.h"

#include <benchmark/benchmark.h>

#include <memory>
#include <stdexcept>

#include "bench/hop_traffic.h"
#include "security/report_signature.h"
#include "tearline/v1/frame.pb.h"

namespace tearline::bench {

void register_signature_cost(const std::vector<std::string>& frames) {
  auto reports = std::make_shared<std::vector<v1::ThreatReport>>();
  reports->reserve(frames.size());
  for (const std::string& bytes : frames) {
    v1::Frame frame;
    if (!frame.ParseFromString(bytes)) throw std::runtime_error("a benchmark frame does not parse");
    reports->push_back(frame.envelope().report());
  }
  const SigningSeed seed = random_signing_seed();
  auto signer = std::make_shared<ReportSigner>(kSenderNode, seed);
  auto origins = std::make_shared<OriginVerifier>(
      std::map<std::string, SigningPublicKey>{{kSenderNode, signing_public_key(seed)}});
  for (v1::ThreatReport& report : *reports) signer->sign(&report);

  benchmark::RegisterBenchmark("sign_report", [reports, signer](benchmark::State& state) {
    // Signatures are deterministic: signing a signed report again gives the
    // same bytes, so the reports stay what verify_report expects.
    size_t next = 0;
    for (auto _ : state) {
      v1::ThreatReport& report = (*reports)[next++ % reports->size()];
      signer->sign(&report);
      benchmark::DoNotOptimize(report);
    }
  })->Unit(benchmark::kMicrosecond);
  benchmark::RegisterBenchmark("verify_report", [reports, origins](benchmark::State& state) {
    size_t next = 0;
    size_t refused = 0;
    for (auto _ : state)
      refused += origins->problem((*reports)[next++ % reports->size()]).has_value();
    if (refused > 0) state.SkipWithError("a signed report did not verify");
  })->Unit(benchmark::kMicrosecond);
}

}  // namespace tearline::bench
