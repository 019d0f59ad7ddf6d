// A node without sockets for the fuzz targets: the small scenario without
// background traffic (so each input costs little), one node of it started,
// its trace and frames kept in memory.
#pragma once

#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>

#include <map>
#include <memory>
#include <string>

#include "node/node_core.h"
#include "runtime/make_role.h"
#include "trace/trace.h"

namespace tearline::fuzz {

class DiscardFrames final : public FrameSink {
 public:
  void deliver(const std::string&, const v1::Frame&) override {}
};

inline const Scenario& quiet_small_scenario() {
  static const Scenario scenario = [] {
    Scenario loaded = load_scenario(TEARLINE_SOURCE_DIR "/scenarios/small.toml");
    loaded.broker.background.rate_per_h = 0;
    for (AgencySpec& agency : loaded.agencies) agency.background.rate_per_h = 0;
    return loaded;
  }();
  return scenario;
}

// A signing key for each node of the scenario, made once per fuzzer process.
inline const std::map<std::string, SigningSeed>& signing_seeds() {
  static const std::map<std::string, SigningSeed> seeds = [] {
    std::map<std::string, SigningSeed> made;
    for (const std::string& name : quiet_small_scenario().node_names()) {
      made[name] = random_signing_seed();
    }
    return made;
  }();
  return seeds;
}

inline const OriginVerifier& origins() {
  static const OriginVerifier verifier = [] {
    std::map<std::string, SigningPublicKey> keys;
    for (const auto& [name, seed] : signing_seeds()) keys[name] = signing_public_key(seed);
    return OriginVerifier(std::move(keys));
  }();
  return verifier;
}

// Signs `report` as its origin would, if the origin is a node: lets inputs
// get past the signature check to the roles.
inline void sign_as_origin(v1::ThreatReport* report) {
  const auto seed = signing_seeds().find(report->origin_agency());
  if (seed != signing_seeds().end()) ReportSigner(seed->first, seed->second).sign(report);
}

// Node `index` (modulo the scenario's nodes) of the coordinated mode,
// started at hour 0.
class FuzzNode {
 public:
  explicit FuzzNode(size_t index)
      : scenario_(quiet_small_scenario()),
        name_(scenario_.node_names()[index % scenario_.node_names().size()]),
        core_(
            {name_, "coordinated", 1}, scenario_,
            [this](const Random& random) { return role(random); }, trace_, frames_, origins(),
            std::make_shared<spdlog::logger>("fuzz",
                                             std::make_shared<spdlog::sinks::null_sink_st>())) {
    core_.start(0, 1, scenario_.duration_h, "launcher");
  }

  NodeCore& core() { return core_; }
  const std::string& name() const { return name_; }
  const Scenario& scenario() const { return scenario_; }

 private:
  std::unique_ptr<Role> role(const Random& random) {
    static const SecretKey key = random_secret_key();
    return make_role(role_of(scenario_, name_), scenario_, name_, "coordinated", random, key,
                     ReportSigner(name_, signing_seeds().at(name_)));
  }

  const Scenario& scenario_;
  std::string name_;
  MemoryTraceSink trace_;
  DiscardFrames frames_;
  NodeCore core_;
};

}  // namespace tearline::fuzz
