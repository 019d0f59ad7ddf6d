// The agency role tests' fixture (agency_test.cc, agency_poll_test.cc): an
// agency made on the role scenario of test_scenario.h, every agency signing
// with one seed.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <string>

#include "nodes/agency.h"
#include "nodes/test_scenario.h"

namespace tearline::test_support {

// The report at 10 h leaves the desk at 12 h and is filed at 15 h.
inline constexpr double kReportH = 10;
inline constexpr double kDeskDoneH = kReportH + kDeskServiceH;
inline constexpr double kFiledH = kDeskDoneH + kDatabaseServiceH;

inline bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

class AgencyTest : public ::testing::Test {
 protected:
  AgencyRole make(const std::string& name, const std::string& mode) {
    return AgencyRole(scenario_, name, mode, random_, random_secret_key(),
                      ReportSigner(name, signing_seed_));
  }

  // Whether `report`'s origin signed it, every agency signing with
  // signing_seed_ here.
  std::optional<std::string> signature_problem(const v1::ThreatReport& report) const {
    std::map<std::string, SigningPublicKey> keys;
    for (const AgencySpec& agency : scenario_.agencies) {
      keys[agency.name] = signing_public_key(signing_seed_);
    }
    return OriginVerifier(keys).problem(report);
  }

  const SigningSeed signing_seed_ = random_signing_seed();

  Scenario scenario_ = role_scenario();
  Random random_{1};
};

}  // namespace tearline::test_support
