#include "node/intake/frame_check.h"

#include <cmath>

namespace tearline {
namespace {

using Problem = std::optional<FrameRejection>;

Problem reject(std::string what) { return FrameRejection{"rejected:" + std::move(what), ""}; }

Problem impostor(const std::string& claimed) {
  return FrameRejection{"rejected:claimed-identity", claimed};
}

Problem check_id(const std::string& id, const char* what, bool required) {
  if (required && id.empty()) return reject(std::string(what) + "-missing");
  if (id.size() > kIdBytesMax) return reject(std::string(what) + "-too-long");
  return std::nullopt;
}

Problem check_text(const std::string& text, const char* what) {
  if (text.size() > kTextBytesMax) return reject(std::string(what) + "-too-long");
  return std::nullopt;
}

Problem check_hour(double hour, const Scenario& scenario, const char* what) {
  if (!hour_in_range(hour, scenario)) return reject(std::string(what) + "-out-of-range");
  return std::nullopt;
}

Problem check_report(const v1::ThreatReport& report, const Scenario& scenario) {
  for (const auto& [id, what] :
       {std::pair{&report.report_id(), "report-id"}, std::pair{&report.trace_id(), "trace-id"},
        std::pair{&report.origin_agency(), "origin-agency"},
        std::pair{&report.source().agency(), "source-agency"},
        std::pair{&report.credibility(), "credibility"}}) {
    if (Problem problem = check_id(*id, what, false)) return problem;
  }
  const v1::Source& source = report.source();
  const std::string& identity = source.has_handle()   ? source.handle()
                                : source.has_sealed() ? source.sealed()
                                                      : source.pseudonym();
  if (Problem problem = check_id(identity, "source", false)) return problem;
  for (const auto& [text, what] :
       {std::pair{&source.value(), "source-value"}, std::pair{&report.subject(), "subject"},
        std::pair{&report.area(), "area"}, std::pair{&report.site(), "site"},
        std::pair{&report.method(), "method"}}) {
    if (Problem problem = check_text(*text, what)) return problem;
  }
  if (report.has_window()) {
    if (Problem problem = check_hour(report.window().start_h(), scenario, "window")) return problem;
    if (Problem problem = check_hour(report.window().end_h(), scenario, "window")) return problem;
    if (report.window().start_h() > report.window().end_h()) return reject("window-reversed");
  }
  if (Problem problem = check_hour(report.observed_at_h(), scenario, "observed-at")) {
    return problem;
  }
  if (!v1::Severity_IsValid(report.severity())) return reject("unknown-severity");
  if (!v1::Tlp_IsValid(report.tlp())) return reject("unknown-tlp");
  return std::nullopt;
}

// The frame's arrival hour, within the scenario and not before its body
// was sent (sent_h).
Problem check_arrival(double arrival_h, double sent_h, const Scenario& scenario) {
  if (Problem problem = check_hour(arrival_h, scenario, "arrival")) return problem;
  if (arrival_h < sent_h) return reject("arrival-before-sending");
  return std::nullopt;
}

Problem check_envelope(const v1::Envelope& envelope, double arrival_h, const std::string& from,
                       const Scenario& scenario) {
  if (envelope.sender() != from) return impostor(envelope.sender());
  if (Problem problem = check_id(envelope.message_id(), "message-id", true)) return problem;
  for (const auto& [id, what] :
       {std::pair{&envelope.trace_id(), "trace-id"}, std::pair{&envelope.handoff(), "handoff"},
        std::pair{&envelope.parent_message_id(), "parent"}}) {
    if (Problem problem = check_id(*id, what, false)) return problem;
  }
  if (Problem problem = check_hour(envelope.sent_at_h(), scenario, "sent-at")) return problem;
  if (Problem problem = check_arrival(arrival_h, envelope.sent_at_h(), scenario)) return problem;
  if (Problem problem = check_hour(envelope.deadline_h(), scenario, "deadline")) return problem;
  if (envelope.attempt() == 0) return reject("attempt-missing");
  return check_report(envelope.report(), scenario);
}

Problem check_ack(const v1::Ack& ack, double arrival_h, const std::string& from,
                  const Scenario& scenario) {
  if (ack.receiver() != from) return impostor(ack.receiver());
  if (Problem problem = check_id(ack.message_id(), "message-id", true)) return problem;
  if (Problem problem = check_hour(ack.received_at_h(), scenario, "received-at")) return problem;
  if (Problem problem = check_arrival(arrival_h, ack.received_at_h(), scenario)) return problem;
  return std::nullopt;
}

Problem check_poll(const v1::PollRequest& poll, double arrival_h, const std::string& from,
                   const Scenario& scenario) {
  if (poll.unit() != from) return impostor(poll.unit());
  if (Problem problem = check_text(poll.area(), "area")) return problem;
  if (Problem problem = check_hour(poll.at_h(), scenario, "poll-at")) return problem;
  if (Problem problem = check_arrival(arrival_h, poll.at_h(), scenario)) return problem;
  return std::nullopt;
}

}  // namespace

bool hour_in_range(double hour, const Scenario& scenario) {
  return std::isfinite(hour) && hour >= 0 && hour <= scenario.duration_h + kBeyondEndHoursMax;
}

std::optional<FrameRejection> check_frame(const v1::Frame& frame, const std::string& from,
                                          const Scenario& scenario) {
  if (frame.version() != 1) return reject("protocol-version");
  switch (frame.body_case()) {
    case v1::Frame::kEnvelope:
      return check_envelope(frame.envelope(), frame.arrival_h(), from, scenario);
    case v1::Frame::kAck:
      return check_ack(frame.ack(), frame.arrival_h(), from, scenario);
    case v1::Frame::kPoll:
      return check_poll(frame.poll(), frame.arrival_h(), from, scenario);
    case v1::Frame::BODY_NOT_SET:
      break;
  }
  return reject("empty-frame");
}

}  // namespace tearline
