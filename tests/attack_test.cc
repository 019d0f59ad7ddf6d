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

#include "security/report_signature.h"
#include "security/curve.h"
#include "security/keys.h"
#include "tearline/v1/control.pb.h"
#include "tearline/v1/frame.pb.h"
#include "tests/child.h"

namespace tearline::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// A handshake's outcome, as the connecting socket's monitor reports it.
enum class Handshake { kSucceeded, kRefused, kNoAnswer };

class Attacker {
 public:
  // A socket of `type` to `endpoint`: with CURVE as `own` if given (the
  // server known by `server_key`), else without any security.
  zmq::socket_t& connect(zmq::socket_type type, const std::string& endpoint,
                         const std::optional<MemberKey>& own = std::nullopt,
                         const std::string& server_key = "", const std::string& routing_id = "") {
    zmq::socket_t& socket = sockets_.emplace_back(context_, type);
    socket.set(zmq::sockopt::linger, 0);
    if (!routing_id.empty()) socket.set(zmq::sockopt::routing_id, routing_id);
    if (own) make_curve_client(socket, *own, server_key);
    const std::string monitor = "inproc://attack-monitor-" + std::to_string(sockets_.size());
    zmq_socket_monitor(socket.handle(), monitor.c_str(),
                       ZMQ_EVENT_HANDSHAKE_SUCCEEDED | ZMQ_EVENT_HANDSHAKE_FAILED_AUTH |
                           ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL |
                           ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL);
    monitors_.emplace_back(context_, zmq::socket_type::pair).connect(monitor);
    socket.connect(endpoint);
    return socket;
  }

  // The last socket's first handshake event, waited for at most 10 s.
  Handshake handshake() {
    zmq::socket_t& monitor = monitors_.back();
    std::vector<zmq::pollitem_t> items = {{monitor.handle(), 0, ZMQ_POLLIN, 0}};
    zmq::poll(items, 10s);
    if (!(items[0].revents & ZMQ_POLLIN)) return Handshake::kNoAnswer;
    std::vector<zmq::message_t> event;
    (void)zmq::recv_multipart(monitor, std::back_inserter(event));
    uint16_t id = 0;
    std::memcpy(&id, event.at(0).data(), sizeof id);
    return id == ZMQ_EVENT_HANDSHAKE_SUCCEEDED ? Handshake::kSucceeded : Handshake::kRefused;
  }

  ~Attacker() {
    for (zmq::socket_t& socket : sockets_) socket.close();
    for (zmq::socket_t& monitor : monitors_) monitor.close();
  }

 private:
  zmq::context_t context_;
  std::deque<zmq::socket_t> sockets_;
  std::deque<zmq::socket_t> monitors_;
};

std::string serialised(const google::protobuf::Message& message) {
  return message.SerializeAsString();
}

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

nlohmann::json node_entry(const nlohmann::json& nodes, const std::string& name) {
  for (const auto& node : nodes["nodes"]) {
    if (node["name"] == name) return node;
  }
  return {};
}

std::vector<nlohmann::json> events_of(const fs::path& trace, const std::string& kind) {
  std::vector<nlohmann::json> events;
  std::istringstream lines(slurp(trace));
  for (std::string line; std::getline(lines, line);) {
    const nlohmann::json event = nlohmann::json::parse(line);
    if (event["kind"] == kind) events.push_back(event);
  }
  return events;
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

// An insider: a client holding one member's stolen key (the key file in
// <run>/keys/), with the rest of the run's public keys, as every member has.
// It sends each attempt as a frame whose claimed sender is that member (so
// the impostor check of issue 9 passes) and whose report is what it wants
// others to take in.
struct Attempt {
  std::string key_of;  // The member whose key sends it.
  std::string to;      // The node it is sent to.
  v1::ThreatReport report;
  std::string reason;  // The rejection the receiver must trace.
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
// traced rejected by its receiver with both identities.
void expect_every_attempt_refused(const fs::path& scenario, const fs::path& keys,
                                  const std::string& mode, const nlohmann::json& reference,
                                  const std::vector<Attempt>& attempts, const fs::path& run) {
  Child launcher({"run", scenario.string(), "--mode", mode, "--scale", "20", "--keys",
                  keys.string(), "--out", run.string(), "--quiet"},
                 run.parent_path());
  ASSERT_TRUE(await_live(run / mode));
  const nlohmann::json nodes = read_json(run / mode / "nodes.json");
  Attacker attacker;
  for (size_t i = 0; i < attempts.size(); ++i) {
    const Attempt& attempt = attempts[i];
    const nlohmann::json receiver = node_entry(nodes, attempt.to);
    zmq::socket_t& socket = attacker.connect(zmq::socket_type::push, receiver["data"],
                                             load_member_key(member_key_path(keys, attempt.key_of)),
                                             receiver["public_key"]);
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
  std::multiset<std::string> expected;
  for (const Attempt& attempt : attempts) {
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
      // A unit to a unit; an agency to another agency's unit.
      {"unit.south", "unit.north", warning_signed_by(k, "unit.south", "agency.bb"),
       "rejected:not-its-role"},
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
      {"unit.south", "unit.north", warning_signed_by(k, "unit.south", "agency.bb"),
       "rejected:not-its-role"},
  };
  expect_every_attempt_refused(scenario, keys, "bilateral", reference_report, bilateral,
                               dir.path() / "bilateral-run");
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
