// The attacks of issue 9, repeated from outside against a live run: a
// process without a key tries to forge a warning, to take a node's name, to
// crash the centre and to ask the launcher for an absurd restart; a process
// holding a member's key tries to speak as another member. None of it may
// change any node's behaviour or the report, and what reaches a node is
// traced as rejected with the claimed and the authenticated identity
// (docs/SECURITY.md).
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

// A made-up actionable warning about the small scenario's plot, as if from
// agency.bb: what a forger would want a unit to act on.
v1::Frame forged_warning(const std::string& sender) {
  v1::Frame frame;
  frame.set_version(1);
  frame.set_receiver_incarnation(1);
  v1::Envelope* envelope = frame.mutable_envelope();
  envelope->set_message_id("forged-1");
  envelope->set_trace_id("bb-north-1");
  envelope->set_sender(sender);
  envelope->set_sequence(1);
  envelope->set_sent_at_h(1);
  frame.set_arrival_h(1.5);
  envelope->set_attempt(1);
  envelope->set_handoff(sender + "->broker");
  v1::ThreatReport* report = envelope->mutable_report();
  report->set_report_id("forged-1");
  report->set_trace_id("bb-north-1");
  report->set_origin_agency("agency.bb");
  report->set_subject("subject.x");
  report->set_area("north");
  report->set_site("station");
  report->mutable_window()->set_start_h(std::numeric_limits<double>::quiet_NaN());
  report->mutable_window()->set_end_h(200);
  report->set_severity(v1::SEVERITY_CRITICAL);
  report->set_tlp(v1::TLP_AMBER);
  return frame;
}

TEST(Attack, NothingFromOutsideTheRunChangesItAndImpostorsAreTracedAsRejected) {
  TempDir dir;
  const fs::path keys = dir.path() / "keys";
  ASSERT_EQ(run_tearline({"keys", "small", keys.string()}, dir.path()).exit_code, 0);
  const std::vector<std::string> common = {"--mode", "coordinated", "--keys", keys.string(),
                                           "--quiet"};
  std::vector<std::string> reference_args = {"run", "small", "--scale",
                                             "0",   "--out", (dir.path() / "reference").string()};
  reference_args.insert(reference_args.end(), common.begin(), common.end());
  const Finished reference = run_tearline(reference_args, dir.path());
  ASSERT_EQ(reference.exit_code, 0) << reference.err;

  const fs::path run = dir.path() / "attacked";
  std::vector<std::string> attacked_args = {"run", "small", "--scale", "20", "--out", run.string()};
  attacked_args.insert(attacked_args.end(), common.begin(), common.end());
  Child launcher(attacked_args, dir.path());
  ASSERT_TRUE(await_live(run / "coordinated"));
  const nlohmann::json nodes = read_json(run / "coordinated" / "nodes.json");
  const nlohmann::json broker = node_entry(nodes, "broker");
  const nlohmann::json agency = node_entry(nodes, "agency.bb");
  const MemberKey stranger = generate_member_key("agency.bb");  // Not the run's key.
  Attacker attacker;

  // A forged warning, without a key and with a stranger's key, under
  // agency.bb's name: the handshake fails, nothing is delivered.
  const std::string forged = serialised(forged_warning("agency.bb"));
  attacker.connect(zmq::socket_type::dealer, broker["data"], std::nullopt, "", "agency.bb")
      .send(zmq::buffer(forged), zmq::send_flags::dontwait);
  EXPECT_EQ(attacker.handshake(), Handshake::kRefused);
  attacker.connect(zmq::socket_type::push, broker["data"], stranger, broker["public_key"])
      .send(zmq::buffer(forged), zmq::send_flags::dontwait);
  EXPECT_EQ(attacker.handshake(), Handshake::kRefused);

  // A stranger's crash of the centre, and its restart request to the
  // launcher with an absurd delay.
  v1::ControlRequest crash;
  crash.set_request_id(1);
  crash.set_issued_by("tearline fault");
  crash.mutable_crash();
  attacker.connect(zmq::socket_type::dealer, broker["control"])
      .send(zmq::buffer(serialised(crash)), zmq::send_flags::dontwait);
  EXPECT_EQ(attacker.handshake(), Handshake::kRefused);
  attacker.connect(zmq::socket_type::dealer, broker["control"], stranger, broker["public_key"])
      .send(zmq::buffer(serialised(crash)), zmq::send_flags::dontwait);
  EXPECT_EQ(attacker.handshake(), Handshake::kRefused);
  v1::LauncherRequest restart;
  restart.set_request_id(1);
  restart.set_node("broker");
  restart.mutable_restart()->set_after_h(1e300);
  attacker
      .connect(zmq::socket_type::dealer, nodes["launcher_control"].get<std::string>(), stranger,
               nodes["launcher_public_key"])
      .send(zmq::buffer(serialised(restart)), zmq::send_flags::dontwait);
  EXPECT_EQ(attacker.handshake(), Handshake::kRefused);

  // A member's own key (agency.aa's) is let in on data, but may not speak
  // as agency.bb, nor send a warning with a NaN window.
  const MemberKey insider = load_member_key(member_key_path(keys, "agency.aa"));
  zmq::socket_t& impostor =
      attacker.connect(zmq::socket_type::push, broker["data"], insider, broker["public_key"]);
  EXPECT_EQ(attacker.handshake(), Handshake::kSucceeded);
  impostor.send(zmq::buffer(forged), zmq::send_flags::none);
  impostor.send(zmq::buffer(serialised(forged_warning("agency.aa"))), zmq::send_flags::none);
  // ...nor bytes that do not parse (a string field that is not UTF-8).
  v1::Frame unreadable = forged_warning("agency.aa");
  unreadable.mutable_envelope()->mutable_report()->mutable_window()->set_start_h(190);
  std::string bytes = serialised(unreadable);
  const size_t id_at = bytes.find("forged-1");
  ASSERT_NE(id_at, std::string::npos);
  bytes[id_at] = '\xff';
  impostor.send(zmq::buffer(bytes), zmq::send_flags::none);
  // And it may not command any node: control admits the launcher and the
  // operator only.
  attacker.connect(zmq::socket_type::dealer, agency["control"], insider, agency["public_key"])
      .send(zmq::buffer(serialised(crash)), zmq::send_flags::dontwait);
  EXPECT_EQ(attacker.handshake(), Handshake::kRefused);
  // Nor a unit's, with a fault aimed at the agency's intelligence.
  v1::ControlRequest lose;
  lose.set_request_id(2);
  lose.mutable_intel()->set_action(v1::IntelFault::ACTION_LOSE);
  lose.mutable_intel()->set_report("bb-north-1");
  attacker
      .connect(zmq::socket_type::dealer, agency["control"],
               load_member_key(member_key_path(keys, "unit.north")), agency["public_key"])
      .send(zmq::buffer(serialised(lose)), zmq::send_flags::dontwait);
  EXPECT_EQ(attacker.handshake(), Handshake::kRefused);

  const auto finished = launcher.wait(120s);
  ASSERT_TRUE(finished.has_value());
  EXPECT_EQ(finished->exit_code, 0) << finished->err;
  EXPECT_EQ(comparable_report(read_json(run / "report.json")),
            comparable_report(read_json(dir.path() / "reference" / "report.json")));
  for (const auto& entry : fs::directory_iterator(run / "coordinated")) {
    if (entry.path().extension() != ".jsonl") continue;
    EXPECT_EQ(slurp(entry.path()).find("forged-1"), std::string::npos) << entry.path();
    EXPECT_TRUE(events_of(entry.path(), "fault").empty()) << entry.path();
  }
  const auto rejected = events_of(run / "coordinated" / "broker.trace.jsonl", "rejected");
  ASSERT_EQ(rejected.size(), 3u);
  EXPECT_EQ(rejected[0]["peer"], "agency.aa");
  EXPECT_EQ(rejected[0]["claimed"], "agency.bb");
  EXPECT_EQ(rejected[0]["reason"], "rejected:claimed-identity");
  EXPECT_EQ(rejected[1]["peer"], "agency.aa");
  EXPECT_EQ(rejected[1]["reason"], "rejected:window-out-of-range");
  EXPECT_EQ(rejected[2]["peer"], "agency.aa");
  EXPECT_EQ(rejected[2]["reason"], "rejected:unreadable");
  // Traced, not logged to stderr by libprotobuf (an empty stderr is removed).
  EXPECT_FALSE(fs::exists(run / "coordinated" / "broker.stderr"));
  // The stranger's CURVE attempts are named in the logs of those it tried.
  EXPECT_NE(slurp(run / "coordinated" / "broker.log").find("refused a tearline.data connection"),
            std::string::npos);
  EXPECT_NE(slurp(run / "coordinated" / "agency.bb.log").find("refused a tearline.control"),
            std::string::npos);
}

// A message that no node created appears in a trace (written there by
// whoever can write the run folder, or by a bug): the run fails and names it.
TEST(Attack, AMessageNoNodeCreatedFailsTheRunAndIsListed) {
  TempDir dir;
  const fs::path run = dir.path() / "run";
  Child launcher(
      {"run", "small", "--mode", "coordinated", "--scale", "10", "--out", run.string(), "--quiet"},
      dir.path());
  ASSERT_TRUE(await_live(run / "coordinated"));
  // Written now: lines older than the run's start are an earlier run's.
  const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  const std::string ghost =
      R"({"wall_ms":)" + std::to_string(now_ms) +
      R"(,"t_h":5,"node":"unit.north","mode":"coordinated","kind":"received",)"
      R"("msg":"ghost-1","trace":"bb-north-1","peer":"broker"})"
      "\n";
  // One write in append mode, as the node's own writer appends: lines stay whole.
  const int fd =
      ::open((run / "coordinated" / "unit.north.trace.jsonl").c_str(), O_WRONLY | O_APPEND);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::write(fd, ghost.data(), ghost.size()), static_cast<ssize_t>(ghost.size()));
  ::close(fd);
  const auto finished = launcher.wait(120s);
  ASSERT_TRUE(finished.has_value());
  EXPECT_EQ(finished->exit_code, 1);
  EXPECT_NE(finished->err.find("1 messages that no node created: ghost-1"), std::string::npos)
      << finished->err;
}

}  // namespace
}  // namespace tearline::testing
