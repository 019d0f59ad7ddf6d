#include "node/fault_commands.h"

#include <fmt/format.h>

#include <cmath>

#include "base/control_chars.h"
#include "model/intelligence.h"
#include "node/intake/frame_check.h"

namespace tearline {

bool is_fault_command(const v1::ControlRequest& request) {
  switch (request.command_case()) {
    case v1::ControlRequest::kPause:
    case v1::ControlRequest::kResume:
    case v1::ControlRequest::kLink:
    case v1::ControlRequest::kPartition:
    case v1::ControlRequest::kHeal:
    case v1::ControlRequest::kQueue:
    case v1::ControlRequest::kCrash:
    case v1::ControlRequest::kIntel:
      return true;
    default:
      return false;
  }
}

namespace {

void append_value(std::string* text, const char* name, bool has, double value) {
  if (has) *text += fmt::format(" {}={}", name, value);
}

}  // namespace

std::string describe_command(const v1::ControlRequest& request) {
  switch (request.command_case()) {
    case v1::ControlRequest::kPing:
      return "ping";
    case v1::ControlRequest::kStart:
      return "start";
    case v1::ControlRequest::kGrant:
      return "grant";
    case v1::ControlRequest::kPeerGone:
      return "peer_gone";
    case v1::ControlRequest::kReplicate:
      return "replicate";
    case v1::ControlRequest::kStop:
      return "stop";
    case v1::ControlRequest::kStatus:
      return "status";
    case v1::ControlRequest::kPause:
      return "pause";
    case v1::ControlRequest::kResume:
      return "resume";
    case v1::ControlRequest::kHeal:
      return "heal";
    case v1::ControlRequest::kCrash:
      return "crash";
    case v1::ControlRequest::kLink: {
      const v1::SetLink& link = request.link();
      std::string text = "link " + link.peer();
      if (link.reset()) return text + " reset";
      append_value(&text, "delay_h", link.has_delay_h(), link.delay_h());
      append_value(&text, "jitter_h", link.has_jitter_h(), link.jitter_h());
      append_value(&text, "loss_probability", link.has_loss_probability(), link.loss_probability());
      append_value(&text, "duplicate_probability", link.has_duplicate_probability(),
                   link.duplicate_probability());
      append_value(&text, "reorder_probability", link.has_reorder_probability(),
                   link.reorder_probability());
      append_value(&text, "reorder_window_h", link.has_reorder_window_h(), link.reorder_window_h());
      append_value(&text, "bandwidth_msgs_per_h", link.has_bandwidth_msgs_per_h(),
                   link.bandwidth_msgs_per_h());
      return text;
    }
    case v1::ControlRequest::kPartition: {
      std::string text = "partition";
      for (const std::string& peer : request.partition().peers()) text += " " + peer;
      return text;
    }
    case v1::ControlRequest::kQueue: {
      const v1::SetQueue& queue = request.queue();
      std::string text = "queue " + queue.name();
      if (queue.reset()) return text + " reset";
      append_value(&text, "workers", queue.has_workers(), queue.workers());
      append_value(&text, "service_h", queue.has_service_h(), queue.service_h());
      append_value(&text, "capacity_msgs", queue.has_capacity_msgs(), queue.capacity_msgs());
      return text;
    }
    case v1::ControlRequest::kIntel:
      return describe_intel_fault(request.intel());
    case v1::ControlRequest::COMMAND_NOT_SET:
      break;
  }
  return "(no command)";
}

namespace {

bool hours_ok(double hours) {
  return std::isfinite(hours) && hours >= 0 && hours <= kFaultHoursMax;
}
bool probability_ok(double p) { return std::isfinite(p) && p >= 0 && p <= 1; }

std::string link_values_error(const v1::SetLink& link) {
  if (link.peer().empty() || link.peer().size() > kIdBytesMax) return "link needs a peer name";
  for (const double hours : {link.delay_h(), link.jitter_h(), link.reorder_window_h()}) {
    if (!hours_ok(hours)) return fmt::format("link hours must be finite, 0 to {}", kFaultHoursMax);
  }
  for (const double p :
       {link.loss_probability(), link.duplicate_probability(), link.reorder_probability()}) {
    if (!probability_ok(p)) return "link probabilities must be between 0 and 1";
  }
  if (link.has_bandwidth_msgs_per_h() &&
      !(std::isfinite(link.bandwidth_msgs_per_h()) && link.bandwidth_msgs_per_h() > 0)) {
    return "link bandwidth must be a finite number of messages per hour above 0";
  }
  return "";
}

std::string queue_values_error(const v1::SetQueue& queue) {
  if (queue.name().size() > kIdBytesMax) return "queue name too long";
  if (queue.workers() > kWorkersMax) {
    return fmt::format("queue workers must be at most {}", kWorkersMax);
  }
  if (!hours_ok(queue.service_h())) {
    return fmt::format("queue service_h must be finite, 0 to {}", kFaultHoursMax);
  }
  return "";
}

}  // namespace

std::string fault_values_error(const v1::ControlRequest& request) {
  switch (request.command_case()) {
    case v1::ControlRequest::kLink:
      return link_values_error(request.link());
    case v1::ControlRequest::kQueue:
      return queue_values_error(request.queue());
    case v1::ControlRequest::kIntel:
      return intel_fault_error(request.intel());
    case v1::ControlRequest::kPartition:
      if (static_cast<uint32_t>(request.partition().peers_size()) > kPartitionPeersMax) {
        return "too many peers in one partition";
      }
      return "";
    default:
      return "";
  }
}

namespace {

// The value matched and the name of its key ("report", "trace", "subject").
std::pair<std::string_view, const std::string*> target_of(const v1::IntelFault& fault) {
  switch (fault.target_case()) {
    case v1::IntelFault::kReport:
      return {"report", &fault.report()};
    case v1::IntelFault::kTrace:
      return {"trace", &fault.trace()};
    case v1::IntelFault::kSubject:
      return {"subject", &fault.subject()};
    case v1::IntelFault::TARGET_NOT_SET:
      break;
  }
  return {"", nullptr};
}

}  // namespace

std::string describe_intel_fault(const v1::IntelFault& fault) {
  const auto [key, value] = target_of(fault);
  // A target from outside is refused with a control character, and
  // described, in the log that says so, without it.
  std::string text = fmt::format("{} {} {}", intel_fault_verb(fault.action()), key,
                                 value ? printable(*value) : "");
  if (fault.action() == v1::IntelFault::ACTION_DELAY) {
    text += fmt::format(" delay_h={}", fault.delay_h());
  }
  return text;
}

std::string intel_fault_error(const v1::IntelFault& fault) {
  if (intel_fault_verb(fault.action()).empty()) return "an intel fault needs an action";
  const auto [key, value] = target_of(fault);
  if (value == nullptr || value->empty() || value->size() > kIdBytesMax) {
    return fmt::format("an intel fault needs a report, trace or subject of 1 to {} bytes",
                       kIdBytesMax);
  }
  // It is written to logs and printed: a newline or an escape would forge them.
  if (control_character_at(*value))
    return fmt::format("an intel fault's {} has a control character", key);
  const bool delay = fault.action() == v1::IntelFault::ACTION_DELAY;
  if (delay && !(std::isfinite(fault.delay_h()) && fault.delay_h() > 0 &&
                 fault.delay_h() <= kFaultHoursMax)) {
    return fmt::format("delay_h must be above 0 and at most {}", kFaultHoursMax);
  }
  if (!delay && fault.delay_h() != 0) return "delay_h applies to a delay only";
  return "";
}

LinkFault link_fault_from(const v1::SetLink& change) {
  LinkFault fault;
  fault.extra_delay_h = change.delay_h();
  fault.jitter_h = change.jitter_h();
  if (change.has_loss_probability()) fault.loss_probability = change.loss_probability();
  fault.duplicate_probability = change.duplicate_probability();
  fault.reorder_probability = change.reorder_probability();
  fault.reorder_window_h = change.reorder_window_h();
  if (change.has_bandwidth_msgs_per_h()) fault.bandwidth_msgs_per_h = change.bandwidth_msgs_per_h();
  return fault;
}

QueueConfig queue_config_with(QueueConfig config, const v1::SetQueue& change) {
  if (change.has_workers()) config.workers = change.workers();
  if (change.has_service_h()) {
    config.service = DelayModel{};
    config.service.fixed_h = change.service_h();
  }
  if (change.has_capacity_msgs()) config.capacity_msgs = change.capacity_msgs();
  return config;
}

}  // namespace tearline
