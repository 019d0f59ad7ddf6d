// The benchmark's hop is tuned (reused buffers and events, a flat table of
// received ids, a pseudonym cache): it must still do exactly what the plain
// hop does, down to the bytes it sends and traces.
#include "bench/broker_hop.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "bench/report_mix.h"
#include "model/intelligence.h"
#include "trace/report_fields.h"
#include "node/role.h"

namespace tearline::bench {
namespace {

// The hop written plainly, as the benchmark first had it: a fresh frame and
// fresh events per message, report_event() for each event, a set of
// strings, a hash per pseudonym.
class PlainHop {
 public:
  PlainHop(const std::string& trace_path, const SecretKey& centre_key)
      : writer_(trace_path), centre_key_(centre_key) {}

  void handle(std::string_view from, std::string_view payload) {
    v1::Frame inbound;
    ASSERT_TRUE(inbound.ParseFromArray(payload.data(), static_cast<int>(payload.size())));
    v1::Envelope* envelope = inbound.mutable_envelope();
    const std::string id = envelope->message_id();
    now_h_ = std::max(now_h_, envelope->sent_at_h());
    v1::Frame ack;
    ack.set_version(1);
    ack.mutable_ack()->set_message_id(id);
    ack.mutable_ack()->set_receiver(spec_.name);
    ack.mutable_ack()->set_sequence(envelope->sequence());
    ack.mutable_ack()->set_received_at_h(now_h_);
    ack_ = ack.SerializeAsString();
    forwards_.clear();
    if (!received_.insert(id).second) return;

    TraceEvent received =
        report_event("received", id, envelope->report(), now_h_, envelope->handoff());
    received.peer = from;
    received.attempt = envelope->attempt();
    trace(std::move(received));
    v1::ThreatReport* report = envelope->mutable_report();
    const std::string cipher = "cipher@" + spec_.name;
    if (report->source().has_sealed()) {
      report->mutable_source()->set_pseudonym(pseudonymise(centre_key_, report->source().sealed()));
      trace(report_event("pseudonymised", id, *report, now_h_, cipher));
    }
    int boost = 0;
    if (report->has_subject()) {
      const int others = correlator_.observe(report->subject(), report->origin_agency(), now_h_);
      if (others > 0) {
        boost = others * spec_.correlation_boost;
        TraceEvent correlated = report_event("correlated", id, *report, now_h_, cipher);
        correlated.reason = correlation_reason(others);
        correlated.priority = relevance(*report, boost);
        trace(std::move(correlated));
      }
    }
    const int priority = relevance(*report, boost);
    if (!report->has_area()) return;
    for (const CoveredArea& covered : kCoveredAreas) {
      if (covered.area != report->area()) continue;
      const std::string unit = covered.unit;
      const std::string handoff = spec_.name + "->" + unit;
      const std::string copy_id = copy_message_id(id, unit);
      envelope->set_message_id(copy_id);
      envelope->set_trace_id(envelope->report().trace_id());
      envelope->set_sender(spec_.name);
      envelope->set_sequence(++sequences_[unit]);
      envelope->set_sent_at_h(now_h_);
      envelope->set_deadline_h(now_h_ + spec_.delivery_deadline_h);
      envelope->set_handoff(handoff);
      envelope->set_attempt(1);
      envelope->set_parent_message_id(id);
      envelope->mutable_report()->set_report_id(copy_id);
      TraceEvent sent = report_event("sent", copy_id, envelope->report(), now_h_, handoff);
      sent.peer = unit;
      sent.attempt = envelope->attempt();
      sent.priority = priority;
      trace(std::move(sent));
      forwards_.push_back(inbound.SerializeAsString());
    }
  }
  const std::string& ack() const { return ack_; }
  const std::vector<std::string>& forwards() const { return forwards_; }

 private:
  void trace(TraceEvent event) {
    event.node = spec_.name;
    event.mode = "coordinated";
    writer_.write(event);
  }

  const BrokerSpec spec_;
  JsonlTraceWriter writer_;
  SecretKey centre_key_;
  Correlator correlator_{spec_.correlation_window_h};
  std::unordered_set<std::string> received_;
  std::map<std::string, uint64_t> sequences_;
  double now_h_ = 0;
  std::string ack_;
  std::vector<std::string> forwards_;
};

std::string without_wall_time(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return std::regex_replace(text.str(), std::regex(R"(\{"wall_ms":[0-9]+,)"), "{");
}

class BrokerHopTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("tearline_broker_hop_test_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
};

// The benchmark's frames, a few of them altered so that every path of the
// hop is taken: every third report is another agency's, and every
// twentieth is about one subject, so the centre correlates them.
std::vector<std::string> frames_with_correlation(size_t count) {
  std::vector<std::string> frames = make_inbound_frames(count);
  const char* const agencies[] = {"agency.us", "agency.uk", "agency.ru"};
  for (size_t i = 0; i < frames.size(); i += 20) {
    v1::Frame frame;
    EXPECT_TRUE(frame.ParseFromString(frames[i]));
    v1::ThreatReport* report = frame.mutable_envelope()->mutable_report();
    report->set_origin_agency(agencies[(i / 20) % std::size(agencies)]);
    report->set_subject("subject-plot");
    frames[i] = frame.SerializeAsString();
  }
  return frames;
}

TEST_F(BrokerHopTest, SendsAndTracesExactlyWhatThePlainHopDoes) {
  constexpr size_t kFrames = 30000;
  const std::vector<std::string> frames = frames_with_correlation(kFrames);
  // Now and then a resend, and a frame overtaken by the next ones.
  std::vector<size_t> order;
  for (size_t i = 0; i < kFrames; ++i) {
    order.push_back(i);
    if (i % 1000 == 999) order.push_back(i - 5);
  }
  for (size_t i = 0; i + 3 < order.size(); i += 101) std::swap(order[i], order[i + 3]);

  uint64_t correlated = 0;
  {
    const SecretKey centre_key = random_secret_key();
    BrokerHop hop((dir_ / "tuned.jsonl").string(), centre_key, kFrames);
    PlainHop plain((dir_ / "plain.jsonl").string(), centre_key);
    for (size_t n = 0; n < order.size(); ++n) {
      const std::string& frame = frames[order[n]];
      hop.handle(kSenderNode, frame);
      plain.handle(kSenderNode, frame);
      ASSERT_EQ(hop.ack(), plain.ack()) << "frame " << n;
      ASSERT_EQ(hop.forwards().size(), plain.forwards().size()) << "frame " << n;
      for (size_t f = 0; f < plain.forwards().size(); ++f) {
        ASSERT_EQ(hop.forwards()[f], plain.forwards()[f]) << "frame " << n;
      }
    }
    correlated = hop.correlated();
  }
  EXPECT_GT(correlated, kFrames / 30);  // The correlated path is taken.
  const std::string tuned = without_wall_time(dir_ / "tuned.jsonl");
  EXPECT_GT(tuned.size(), kFrames * 1000);
  EXPECT_TRUE(tuned == without_wall_time(dir_ / "plain.jsonl"));
}

TEST(ReportMixTest, TensOfSourcesEachReportingRepeatedly) {
  const std::vector<std::string> frames = make_inbound_frames(3000);
  std::map<std::string, int> reports_by_source;
  for (const std::string& bytes : frames) {
    v1::Frame frame;
    ASSERT_TRUE(frame.ParseFromString(bytes));
    const v1::ThreatReport& report = frame.envelope().report();
    EXPECT_EQ(report.origin_agency(), kSenderNode);
    ++reports_by_source[report.source().sealed()];
  }
  EXPECT_EQ(reports_by_source.size(), kSenderSources);
  for (const auto& [sealed, reports] : reports_by_source) EXPECT_GT(reports, 20) << sealed;
}

TEST(ReceivedIdsTest, KnowsEveryIdItWasGivenAndNoOther) {
  ReceivedIds ids(100);  // Grows well past what it expected.
  std::set<std::string> reference;
  for (int i = 0; i < 20000; ++i) {
    const std::string id = "us-report-" + std::to_string(i % 7000) + ">broker";
    EXPECT_EQ(ids.insert(id, ReceivedIds::hash(id)), reference.insert(id).second) << id;
  }
  EXPECT_EQ(ids.size(), reference.size());
  // Ids of every length, the empty one included, and sharing hashes.
  ReceivedIds odd(4);
  EXPECT_TRUE(odd.insert("", 7));
  EXPECT_FALSE(odd.insert("", 7));
  EXPECT_TRUE(odd.insert("a", 7));
  EXPECT_TRUE(odd.insert(std::string(3 << 20, 'x'), 7));  // Longer than a block.
  EXPECT_FALSE(odd.insert("a", 7));
  EXPECT_FALSE(odd.insert(std::string(3 << 20, 'x'), 7));
}

}  // namespace
}  // namespace tearline::bench
