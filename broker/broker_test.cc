#include "broker/broker.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "nodes/test_scenario.h"
#include "security/pseudonym.h"

namespace tearline {
namespace {

using test_support::FakeContext;
using test_support::kOfficersServiceH;

constexpr char kHandle[] = "us.officer-2";

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

class BrokerTest : public ::testing::Test {
 protected:
  // An agency's coordinated-mode envelope to the broker: the source sealed
  // with that agency's key, as AgencyRole does it.
  v1::Envelope from_agency(const std::string& agency, const std::string& message_id,
                           const std::string& trace_id) const {
    v1::Envelope envelope;
    envelope.set_message_id(message_id);
    envelope.set_sender(agency);
    envelope.set_handoff(agency + "->broker");
    envelope.set_parent_message_id(trace_id);
    v1::ThreatReport* report = envelope.mutable_report();
    report->set_report_id(message_id);
    report->set_trace_id(trace_id);
    report->set_origin_agency(agency);
    report->mutable_source()->set_agency(agency);
    report->mutable_source()->set_sealed(sealed_);
    report->mutable_source()->set_value("officer");
    report->set_subject("subject.abedi");
    report->set_area("manchester");
    report->set_credibility("C3");
    report->set_severity(v1::SEVERITY_MODERATE);
    report->set_tlp(v1::TLP_AMBER);
    return envelope;
  }

  Scenario scenario_ = test_support::role_scenario();
  Random random_{1};
  FakeContext context_{"broker"};
  const SecretKey agency_key_ = random_secret_key();
  const SecretKey centre_key_ = random_secret_key();
  const ReportSigner centre_signer_{"broker", random_signing_seed()};
  const std::string sealed_ = seal_source(agency_key_, kHandle);
};

TEST_F(BrokerTest, ReplacesTheSealedSourceByAPseudonym) {
  BrokerRole broker(scenario_, random_, centre_key_, centre_signer_);
  broker.advance(context_, 10);
  broker.on_envelope(context_, from_agency("agency.us", "agency.us#1", "us-1"), 10);

  const auto pseudonymised = context_.events_of("pseudonymised", "agency.us#1");
  ASSERT_EQ(pseudonymised.size(), 1u);
  EXPECT_EQ(pseudonymised[0]->handoff, "cipher@broker");
  EXPECT_EQ(pseudonymised[0]->t_h, 10.0);
  EXPECT_EQ(pseudonymised[0]->source_kind, "pseudonym");
  EXPECT_EQ(pseudonymised[0]->source_agency, "agency.us");
  EXPECT_EQ(pseudonymised[0]->source.rfind("ps-", 0), 0u);
  EXPECT_NE(pseudonymised[0]->source, sealed_);
  const std::string pseudonym = pseudonymised[0]->source;

  broker.advance(context_, 100);
  ASSERT_FALSE(context_.sent.empty());
  for (const FakeContext::Sent& sent : context_.sent) {
    const std::string wire = sent.envelope.SerializeAsString();
    EXPECT_FALSE(contains(wire, sealed_)) << "sealed token sent to " << sent.peer;
    EXPECT_FALSE(contains(wire, kHandle)) << "handle sent to " << sent.peer;
    EXPECT_EQ(sent.envelope.report().source().pseudonym(), pseudonym) << sent.peer;
    EXPECT_EQ(sent.envelope.report().source().agency(), "agency.us");
  }
  // Every step after the cipher carries the pseudonym, never the token.
  for (const TraceEvent& event : context_.events) {
    EXPECT_NE(event.source_kind, "sealed") << event.kind << " " << event.msg;
    EXPECT_NE(event.source_kind, "handle") << event.kind << " " << event.msg;
  }
}

TEST_F(BrokerTest, AClearHandleIsSealedByTheCentreNeverForwarded) {
  BrokerRole broker(scenario_, random_, centre_key_, centre_signer_);
  v1::Envelope envelope = from_agency("agency.us", "agency.us#1", "us-1");
  envelope.mutable_report()->mutable_source()->set_handle(kHandle);
  broker.on_envelope(context_, envelope, 10);
  const auto pseudonymised = context_.events_of("pseudonymised", "agency.us#1");
  ASSERT_EQ(pseudonymised.size(), 1u);
  EXPECT_EQ(pseudonymised[0]->source_kind, "pseudonym");
  EXPECT_EQ(pseudonymised[0]->reason, "clear handle sealed by the centre");
  broker.advance(context_, 100);
  ASSERT_FALSE(context_.sent.empty());
  for (const FakeContext::Sent& sent : context_.sent) {
    EXPECT_FALSE(contains(sent.envelope.SerializeAsString(), kHandle)) << sent.peer;
  }
}

TEST_F(BrokerTest, ASourceAlreadyCalledAPseudonymIsRejected) {
  BrokerRole broker(scenario_, random_, centre_key_, centre_signer_);
  v1::Envelope envelope = from_agency("agency.us", "agency.us#1", "us-1");
  envelope.mutable_report()->mutable_source()->set_pseudonym(kHandle);  // Anything at all.
  broker.on_envelope(context_, envelope, 10);
  broker.advance(context_, 100);
  EXPECT_TRUE(context_.sent.empty());
  const auto lost = context_.events_of("lost", "agency.us#1");
  ASSERT_EQ(lost.size(), 1u);
  EXPECT_EQ(lost[0]->reason, "rejected:source-not-sealed");
}

TEST_F(BrokerTest, TheSameSealedSourceGetsTheSamePseudonym) {
  BrokerRole broker(scenario_, random_, centre_key_, centre_signer_);
  broker.on_envelope(context_, from_agency("agency.us", "agency.us#1", "us-1"), 10);
  broker.on_envelope(context_, from_agency("agency.us", "agency.us#2", "us-2"), 11);
  const auto pseudonymised = context_.events_of("pseudonymised");
  ASSERT_EQ(pseudonymised.size(), 2u);
  EXPECT_EQ(pseudonymised[0]->source, pseudonymised[1]->source);
}

TEST_F(BrokerTest, ThePseudonymIsTheCentresKeyedHashOfEachSealedSource) {
  BrokerRole broker(scenario_, random_, centre_key_, centre_signer_);
  const SecretKey& centre_key = centre_key_;
  // Several sources, each reported more than once, interleaved.
  std::vector<std::string> sealed;
  for (int i = 0; i < 5; ++i) {
    sealed.push_back(seal_source(agency_key_, "us.source-" + std::to_string(i)));
  }
  for (int n = 0; n < 15; ++n) {
    const std::string id = "agency.us#" + std::to_string(n + 1);
    v1::Envelope envelope = from_agency("agency.us", id, "us-" + std::to_string(n + 1));
    envelope.mutable_report()->mutable_source()->set_sealed(sealed[n % sealed.size()]);
    broker.on_envelope(context_, envelope, 10 + n);
    const auto pseudonymised = context_.events_of("pseudonymised", id);
    ASSERT_EQ(pseudonymised.size(), 1u);
    EXPECT_EQ(pseudonymised[0]->source, pseudonymise(centre_key, sealed[n % sealed.size()]));
  }
}

TEST_F(BrokerTest, TwoAgenciesReportingTheSameSubjectAreCorrelatedAndRankedHigher) {
  BrokerRole broker(scenario_, random_, centre_key_, centre_signer_);
  broker.on_envelope(context_, from_agency("agency.us", "agency.us#1", "us-1"), 10);
  // While the officer is busy with the first: an unrelated report of the same
  // base relevance, then the second agency's report on the same subject.
  v1::Envelope unrelated = from_agency("agency.fr", "agency.fr#1", "fr-1");
  unrelated.mutable_report()->set_subject("subject.other");
  broker.on_envelope(context_, unrelated, 10.5);
  broker.on_envelope(context_, from_agency("agency.uk", "agency.uk#1", "uk-1"), 11);

  EXPECT_TRUE(context_.events_of("correlated", "agency.us#1").empty());
  EXPECT_TRUE(context_.events_of("correlated", "agency.fr#1").empty());
  const auto correlated = context_.events_of("correlated", "agency.uk#1");
  ASSERT_EQ(correlated.size(), 1u);
  EXPECT_EQ(correlated[0]->t_h, 11.0);
  EXPECT_EQ(correlated[0]->reason, "1 other agency reported this subject");

  const int base = context_.events_of("queued", "agency.us#1").at(0)->priority;
  EXPECT_EQ(context_.events_of("queued", "agency.fr#1").at(0)->priority, base);
  const int boosted = context_.events_of("queued", "agency.uk#1").at(0)->priority;
  EXPECT_EQ(boosted, std::min(100, base + scenario_.broker.correlation_boost));
  EXPECT_GT(boosted, base);
  EXPECT_EQ(correlated[0]->priority, boosted);

  // The officers take the correlated report before the earlier unrelated one.
  broker.advance(context_, 100);
  std::vector<std::string> served;
  for (const TraceEvent* event : context_.events_of("served")) served.push_back(event->msg);
  EXPECT_EQ(served, (std::vector<std::string>{"agency.us#1", "agency.uk#1", "agency.fr#1"}));
}

TEST_F(BrokerTest, TheSameAgencyTwiceIsNoCorrelation) {
  BrokerRole broker(scenario_, random_, centre_key_, centre_signer_);
  broker.on_envelope(context_, from_agency("agency.us", "agency.us#1", "us-1"), 10);
  broker.on_envelope(context_, from_agency("agency.us", "agency.us#2", "us-2"), 11);
  EXPECT_TRUE(context_.events_of("correlated").empty());
}

TEST_F(BrokerTest, ServedReportIsRoutedToEveryUnitOfItsAreaAndItsHomeAgency) {
  BrokerRole broker(scenario_, random_, centre_key_, centre_signer_);
  broker.on_envelope(context_, from_agency("agency.us", "agency.us#1", "us-1"), 10);
  EXPECT_TRUE(context_.sent.empty()) << "nothing leaves before the officers serve it";
  EXPECT_EQ(broker.next_wake_h(), 10 + kOfficersServiceH);

  broker.advance(context_, 100);
  const double served_h = 10 + kOfficersServiceH;
  const auto delivered = context_.events_of("delivered", "agency.us#1");
  ASSERT_EQ(delivered.size(), 1u);
  EXPECT_EQ(delivered[0]->handoff, "route@broker");
  EXPECT_EQ(delivered[0]->t_h, served_h);

  std::vector<std::string> peers;
  for (const FakeContext::Sent& sent : context_.sent) {
    peers.push_back(sent.peer);
    EXPECT_EQ(sent.at_h, served_h) << sent.peer;
    EXPECT_TRUE(sent.options.resend) << sent.peer;
    EXPECT_EQ(sent.options.deadline_h, served_h + scenario_.broker.delivery_deadline_h)
        << sent.peer;
    EXPECT_EQ(sent.envelope.parent_message_id(), "agency.us#1");
    EXPECT_EQ(sent.envelope.report().trace_id(), "us-1");
    EXPECT_EQ(sent.envelope.report().report_id(), sent.envelope.message_id());
    EXPECT_EQ(sent.envelope.report().subject(), "subject.abedi");
    EXPECT_FALSE(sent.envelope.report().sanitised());
    const auto created = context_.events_of("created", sent.envelope.message_id());
    ASSERT_EQ(created.size(), 1u);
    EXPECT_EQ(created[0]->parent, "agency.us#1");
    EXPECT_EQ(created[0]->peer, sent.peer);
    EXPECT_EQ(created[0]->handoff, "route@broker");
  }
  std::sort(peers.begin(), peers.end());
  EXPECT_EQ(peers,
            (std::vector<std::string>{"agency.us", "unit.manchester", "unit.manchester-ctu"}));
  // One copy each, each its own message.
  std::vector<std::string> ids;
  for (const FakeContext::Sent& sent : context_.sent) ids.push_back(sent.envelope.message_id());
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(std::unique(ids.begin(), ids.end()), ids.end());
}

TEST_F(BrokerTest, AReportWithoutAreaGoesOnlyBackToItsHomeAgency) {
  BrokerRole broker(scenario_, random_, centre_key_, centre_signer_);
  v1::Envelope envelope = from_agency("agency.us", "agency.us#1", "us-1");
  envelope.mutable_report()->clear_area();
  broker.on_envelope(context_, envelope, 10);
  broker.advance(context_, 100);
  ASSERT_EQ(context_.sent.size(), 1u);
  EXPECT_EQ(context_.sent[0].peer, "agency.us");
}

// Routes one report of `origin` labelled `tlp` and returns the peers it was
// sent to, sorted; `withheld` gets each withheld copy's peer and reason.
std::vector<std::string> route_labelled(BrokerRole& broker, FakeContext& context,
                                        v1::Envelope envelope, v1::Tlp tlp,
                                        std::map<std::string, std::string>* withheld) {
  envelope.mutable_report()->set_tlp(tlp);
  broker.on_envelope(context, envelope, 10);
  broker.advance(context, 100);
  std::vector<std::string> peers;
  for (const FakeContext::Sent& sent : context.sent) peers.push_back(sent.peer);
  std::sort(peers.begin(), peers.end());
  for (const TraceEvent* event : context.events_of("withheld")) {
    EXPECT_EQ(event->handoff, "route@broker");
    // Each withheld copy was made first: one copy, one fate.
    const auto created = context.events_of("created", event->msg);
    EXPECT_EQ(created.size(), 1u) << event->msg;
    if (!created.empty()) EXPECT_EQ(created[0]->peer, event->peer);
    (*withheld)[event->peer] = event->reason;
  }
  return peers;
}

// TLP 2.0 at the centre (model/handling_caveats.h): the units of the area
// need to know; unit.manchester and unit.manchester-ctu are agency.uk's.
TEST_F(BrokerTest, HonoursEachTlpLabelAsItRoutes) {
  const std::vector<std::string> everyone = {"agency.us", "unit.manchester", "unit.manchester-ctu"};
  const std::vector<std::string> home_only = {"agency.us"};
  const std::map<std::string, std::string> none;
  const auto both = [](const std::string& reason) {
    return std::map<std::string, std::string>{{"unit.manchester", reason},
                                              {"unit.manchester-ctu", reason}};
  };
  struct Case {
    v1::Tlp tlp;
    std::vector<std::string> sent_to;
    std::map<std::string, std::string> withheld;
  };
  for (const Case& expected :
       {Case{v1::TLP_CLEAR, everyone, none}, Case{v1::TLP_GREEN, everyone, none},
        Case{v1::TLP_AMBER, everyone, none},
        Case{v1::TLP_AMBER_STRICT, home_only, both("withheld:tlp-amber-strict")},
        Case{v1::TLP_RED, home_only, both("withheld:tlp-red")}}) {
    FakeContext context{"broker"};
    BrokerRole broker(scenario_, random_, centre_key_, centre_signer_);
    std::map<std::string, std::string> withheld;
    EXPECT_EQ(route_labelled(broker, context, from_agency("agency.us", "agency.us#1", "us-1"),
                             expected.tlp, &withheld),
              expected.sent_to)
        << expected.tlp;
    EXPECT_EQ(withheld, expected.withheld) << expected.tlp;
  }
}

TEST_F(BrokerTest, AmberStrictGoesToTheUnitsOfTheOriginatingCountry) {
  BrokerRole broker(scenario_, random_, centre_key_, centre_signer_);
  std::map<std::string, std::string> withheld;
  EXPECT_EQ(route_labelled(broker, context_, from_agency("agency.uk", "agency.uk#1", "uk-1"),
                           v1::TLP_AMBER_STRICT, &withheld),
            (std::vector<std::string>{"agency.uk", "unit.manchester", "unit.manchester-ctu"}));
  EXPECT_TRUE(withheld.empty());
}

TEST_F(BrokerTest, ACentreThatOverridesCaveatsRoutesEveryLabel) {
  scenario_.broker.honour_tlp = false;
  for (const v1::Tlp tlp : {v1::TLP_AMBER_STRICT, v1::TLP_RED}) {
    FakeContext context{"broker"};
    BrokerRole broker(scenario_, random_, centre_key_, centre_signer_);
    std::map<std::string, std::string> withheld;
    EXPECT_EQ(route_labelled(broker, context, from_agency("agency.us", "agency.us#1", "us-1"), tlp,
                             &withheld),
              (std::vector<std::string>{"agency.us", "unit.manchester", "unit.manchester-ctu"}))
        << tlp;
    EXPECT_TRUE(withheld.empty()) << tlp;
  }
}

TEST_F(BrokerTest, RecordInFlightCoversTheOfficersQueue) {
  BrokerRole broker(scenario_, random_, centre_key_, centre_signer_);
  broker.on_envelope(context_, from_agency("agency.us", "agency.us#1", "us-1"), 10);
  broker.on_envelope(context_, from_agency("agency.uk", "agency.uk#1", "uk-1"), 10);
  context_.events.clear();
  broker.record_in_flight(context_, 11);
  std::vector<std::string> held;
  for (const TraceEvent* event : context_.events_of("in_flight")) {
    held.push_back(event->msg);
    EXPECT_EQ(event->handoff, "officers@broker");
  }
  std::sort(held.begin(), held.end());
  EXPECT_EQ(held, (std::vector<std::string>{"agency.uk#1", "agency.us#1"}));
  v1::NodeStatus status;
  broker.fill_status(&status);
  EXPECT_EQ(status.queue_depth_msgs().at("officers@broker"), 2u);
}

}  // namespace
}  // namespace tearline
