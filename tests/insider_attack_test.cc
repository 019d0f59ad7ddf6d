// The attacks of issue 19, from inside: a process holding a member's stolen
// key tries to speak as another member, to forge where a report came from,
// to say what its role never says and to tamper with a signed report. Each
// attempt is traced rejected by its receiver, with both identities, and the
// run is the clean reference run (docs/SECURITY.md).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>
#include <zmq.h>

#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <set>
#include <zmq.hpp>
#include <zmq_addon.hpp>

#include "security/curve.h"
#include "security/keys.h"
#include "security/report_signature.h"
#include "tearline/v1/control.pb.h"
#include "tearline/v1/frame.pb.h"
#include "tests/attacker.h"
#include "tests/child.h"

namespace tearline::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// An insider: a client holding one member's stolen key (the key file in
// <run>/keys/), with the rest of the run's public keys, as every member has.
// It sends each attempt as a frame whose claimed sender is that member (so
// the impostor check of issue 9 passes) and whose report is what it wants
// others to take in.
struct Attempt {
  std::string key_of;  // The member whose key sends it.
  std::string to;      // The node it is sent to.
  v1::ThreatReport report;
  // The rejection the receiver must trace; empty: the receiver refuses the
  // key at the handshake, as it does every key of a node it does not deal
  // with (a unit knows only its agency's, the centre's and the agencies'
  // keys), and logs it.
  std::string reason;
};

// An actionable warning about the small scenario's plot, as `signer` would
// sign it (with its key from `keys`), claiming `origin`, about `area`.
v1::ThreatReport warning_signed_by(const fs::path& keys, const std::string& signer,
                                   const std::string& origin, const std::string& area = "north") {
  v1::ThreatReport report;
  report.set_report_id("forged-report");
  report.set_trace_id("bb-north-1");
  report.mutable_source()->set_agency(origin);
  report.mutable_source()->set_value("insider");
  report.set_subject("subject-n");
  report.set_area(area);
  report.set_site("station");
  report.mutable_window()->set_start_h(190);
  report.mutable_window()->set_end_h(210);
  report.set_credibility("A1");
  report.set_severity(v1::SEVERITY_CRITICAL);
  report.set_tlp(v1::TLP_AMBER);
  report.set_observed_at_h(30);
  ReportSigner(signer, load_member_key(member_key_path(keys, signer)).signing_seed).sign(&report);
  report.set_origin_agency(origin);  // What it claims, signed or not.
  return report;
}

v1::ThreatReport tampered(v1::ThreatReport report) {
  report.mutable_window()->set_start_h(150);  // Earlier: it would make a unit act.
  return report;
}

std::string frame_of(const Attempt& attempt, int index) {
  v1::Frame frame;
  frame.set_version(1);
  frame.set_receiver_incarnation(1);
  v1::Envelope* envelope = frame.mutable_envelope();
  envelope->set_message_id("forged-" + std::to_string(index));
  envelope->set_trace_id("bb-north-1");
  envelope->set_sender(attempt.key_of);
  envelope->set_sequence(1);
  envelope->set_sent_at_h(1);
  frame.set_arrival_h(1.5);
  envelope->set_attempt(1);
  envelope->set_handoff(attempt.key_of + "->" + attempt.to);
  *envelope->mutable_report() = attempt.report;
  return serialised(frame);
}

// Runs `scenario` in `mode` at a pace an attacker can act within, sends
// every attempt once the nodes are up, and checks: the run is the clean
// reference run, nothing of the attempts is taken in anywhere, and each is
// traced rejected by its receiver with both identities, or refused at the
// handshake and logged by its receiver with the key.
void expect_every_attempt_refused(const fs::path& scenario, const fs::path& keys,
                                  const std::string& mode, const nlohmann::json& reference,
                                  const std::vector<Attempt>& attempts, const fs::path& run) {
  Child launcher({"run", scenario.string(), "--mode", mode, "--scale", "20", "--keys",
                  keys.string(), "--out", run.string(), "--quiet"},
                 run.parent_path());
  ASSERT_TRUE(await_live(run / mode));
  const nlohmann::json nodes = read_json(run / mode / "nodes.json");
  Attacker attacker;
  std::vector<std::pair<std::string, std::string>> refused_keys;  // (receiver, key).
  for (size_t i = 0; i < attempts.size(); ++i) {
    const Attempt& attempt = attempts[i];
    const nlohmann::json receiver = node_entry(nodes, attempt.to);
    const MemberKey stolen = load_member_key(member_key_path(keys, attempt.key_of));
    zmq::socket_t& socket =
        attacker.connect(zmq::socket_type::push, receiver["data"], stolen, receiver["public_key"]);
    if (attempt.reason.empty()) {
      ASSERT_EQ(attacker.handshake(), Handshake::kRefused)
          << attempt.key_of << " to " << attempt.to;
      refused_keys.emplace_back(attempt.to, stolen.curve_public_z85);
      continue;
    }
    ASSERT_EQ(attacker.handshake(), Handshake::kSucceeded)
        << attempt.key_of << " to " << attempt.to;
    socket.send(zmq::buffer(frame_of(attempt, static_cast<int>(i))), zmq::send_flags::none);
  }
  const auto finished = launcher.wait(120s);
  ASSERT_TRUE(finished.has_value());
  EXPECT_EQ(finished->exit_code, 0) << finished->err;
  EXPECT_EQ(comparable_report(read_json(run / "report.json"))["modes"][mode],
            comparable_report(reference)["modes"][mode]);
  std::multiset<std::string> traced;
  for (const auto& entry : fs::directory_iterator(run / mode)) {
    if (entry.path().extension() != ".jsonl") continue;
    EXPECT_EQ(slurp(entry.path()).find("forged-"), std::string::npos) << entry.path();
    const std::string node = entry.path().stem().stem().string();
    for (const nlohmann::json& event : events_of(entry.path(), "rejected")) {
      traced.insert(node + " <- " + event.value("peer", "") + " claiming " +
                    event.value("claimed", "") + ": " + event.value("reason", ""));
    }
  }
  for (const auto& [receiver, key] : refused_keys) {
    EXPECT_NE(slurp(run / mode / (receiver + ".log")).find("with key " + key), std::string::npos)
        << receiver << " did not log the key it refused";
  }
  std::multiset<std::string> expected;
  for (const Attempt& attempt : attempts) {
    if (attempt.reason.empty()) continue;
    expected.insert(attempt.to + " <- " + attempt.key_of + " claiming " +
                    attempt.report.origin_agency() + ": " + attempt.reason);
  }
  EXPECT_EQ(traced, expected);
}

// Issue 19: one member's key cannot speak for another member, forge where a
// report came from, or say what its role never says. Each role's key in
// turn tries a report with another agency's origin, a report to a unit, a
// report to an agency as a partner it is not, a forged corroboration and a
// tampered signed report (docs/SECURITY.md, proto/PROTOCOL.md "Who may say
// what").
TEST(Attack, AMembersKeySpeaksOnlyAsThatMemberAndInItsRole) {
  TempDir dir;
  const fs::path scenario = dir.path() / "small-with-a-stranger.toml";
  std::ofstream(scenario) << slurp(source_dir() + "/scenarios/small.toml") << "\n"
                          << slurp(source_dir() + "/tests/scenarios/stranger_agency.toml");
  const fs::path keys = dir.path() / "keys";
  ASSERT_EQ(run_tearline({"keys", scenario.string(), keys.string()}, dir.path()).exit_code, 0);
  const fs::path reference_run = dir.path() / "reference";
  const Finished reference =
      run_tearline({"run", scenario.string(), "--scale", "0", "--keys", keys.string(), "--out",
                    reference_run.string(), "--quiet"},
                   dir.path());
  ASSERT_EQ(reference.exit_code, 0) << reference.err;
  const nlohmann::json reference_report = read_json(reference_run / "report.json");
  const fs::path k = keys;

  const std::vector<Attempt> coordinated = {
      // A unit speaks for an agency to the centre (its forged corroboration
      // was correlated, routed and acted on before).
      {"unit.south", "broker", warning_signed_by(k, "unit.south", "agency.bb"),
       "rejected:not-its-role"},
      // An agency claims another's origin: a forged corroboration.
      {"agency.aa", "broker", warning_signed_by(k, "agency.aa", "agency.bb"),
       "rejected:not-its-own-report"},
      // The centre's key relays a signed report it tampered with.
      {"broker", "unit.north", tampered(warning_signed_by(k, "agency.bb", "agency.bb")),
       "rejected:bad-signature"},
      // The centre's key warns a unit about another area.
      {"broker", "unit.north", warning_signed_by(k, "agency.bb", "agency.bb", "south"),
       "rejected:another-area"},
      // A unit to a unit (refused at the handshake); an agency to another
      // agency's unit.
      {"unit.south", "unit.north", warning_signed_by(k, "unit.south", "agency.bb"), ""},
      {"agency.aa", "unit.south", warning_signed_by(k, "agency.aa", "agency.aa", "south"),
       "rejected:not-its-unit"},
      // Partners share only without a centre.
      {"agency.bb", "agency.aa", warning_signed_by(k, "agency.bb", "agency.bb"),
       "rejected:not-in-this-mode"},
  };
  expect_every_attempt_refused(scenario, keys, "coordinated", reference_report, coordinated,
                               dir.path() / "coordinated-run");

  const std::vector<Attempt> bilateral = {
      // An agency shares as a partner it is not.
      {"agency.cc", "agency.aa", warning_signed_by(k, "agency.cc", "agency.cc"),
       "rejected:not-a-partner"},
      // A unit as a partner agency.
      {"unit.south", "agency.aa", warning_signed_by(k, "unit.south", "agency.bb"),
       "rejected:not-its-role"},
      // An agency passes on another's report as its own share...
      {"agency.aa", "agency.bb", warning_signed_by(k, "agency.aa", "agency.bb"),
       "rejected:not-its-own-report"},
      // ...or hands its own unit a partner's report it tampered with.
      {"agency.aa", "unit.north", tampered(warning_signed_by(k, "agency.bb", "agency.bb")),
       "rejected:bad-signature"},
      {"unit.south", "unit.north", warning_signed_by(k, "unit.south", "agency.bb"), ""},
  };
  expect_every_attempt_refused(scenario, keys, "bilateral", reference_report, bilateral,
                               dir.path() / "bilateral-run");
}

}  // namespace
}  // namespace tearline::testing
