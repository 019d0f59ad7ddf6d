#include "traces/report/handoff_stats.h"

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <set>

#include "traces/report/message_fates.h"

namespace tearline::report {
namespace {

constexpr std::array<std::string_view, 4> kQueueDepartments = {"desk", "database", "officers",
                                                               "intake"};

void stamp_once(std::optional<Stamp>* slot, const Event& event) {
  if (!*slot) *slot = Stamp{event.t_h, event.wall_ms};
}

void record_link(HandoffRow* row, const Event& event) {
  if (event.kind == "sent") {
    row->in.insert(event.msg);
    stamp_once(&row->passages[event.msg].start, event);
  } else if (event.kind == "received") {
    row->out.insert(event.msg);
    stamp_once(&row->passages[event.msg].end, event);
  } else if (event.kind == "resent") {
    ++row->resent;
  } else if (event.kind == "attempt_lost") {
    ++row->attempts_lost;
  } else if (event.kind == "acked") {
    ++row->acked;
  }
}

void record_queue(HandoffRow* row, const Event& event) {
  if (event.kind == "queued") {
    row->in.insert(event.msg);
    stamp_once(&row->passages[event.msg].start, event);
  } else if (event.kind == "dequeued") {
    stamp_once(&row->passages[event.msg].dequeued, event);
  } else if (event.kind == "served") {
    row->out.insert(event.msg);
    stamp_once(&row->passages[event.msg].end, event);
  } else if (is_loss(event.kind) && event.reason == "dropped:queue-full") {
    row->in.insert(event.msg);  // Refused at the door: it arrived, but was never queued.
  }
}

void record_decision(HandoffRow* row, const Event& event) {
  if (event.kind == "created") {
    row->in.insert(event.msg);
    stamp_once(&row->passages[event.msg].start, event);
  } else if (event.kind == "shared" || event.kind == "sanitised") {
    row->out.insert(event.msg);
    stamp_once(&row->passages[event.msg].end, event);
    ++(event.kind == "shared" ? row->shared_full : row->sanitised);
  }
}

void record(HandoffRow* row, const Event& event) {
  if (is_loss(event.kind)) row->lost[loss_reason(event)].insert(event.msg);
  if (event.kind == "in_flight") row->in_flight.insert(event.msg);
  switch (row->name.type) {
    case HandoffType::kLink:
      record_link(row, event);
      break;
    case HandoffType::kQueue:
      record_queue(row, event);
      break;
    case HandoffType::kDecision:
      record_decision(row, event);
      break;
    case HandoffType::kOther:
      break;
  }
}

}  // namespace

HandoffName classify_handoff(std::string_view name) {
  if (const size_t arrow = name.find("->"); arrow != std::string_view::npos) {
    return {HandoffType::kLink, std::string(name.substr(0, arrow)),
            std::string(name.substr(arrow + 2))};
  }
  const size_t at = name.find('@');
  if (at == std::string_view::npos) return {};
  const std::string_view department = name.substr(0, at);
  const std::string node(name.substr(at + 1));
  if (department == "sharing") return {HandoffType::kDecision, node, node};
  for (const std::string_view queue : kQueueDepartments) {
    if (department == queue) return {HandoffType::kQueue, node, node};
  }
  return {};
}

std::string_view type_name(HandoffType type) {
  switch (type) {
    case HandoffType::kLink:
      return "link";
    case HandoffType::kQueue:
      return "queue";
    case HandoffType::kDecision:
      return "decision";
    case HandoffType::kOther:
      break;
  }
  return "other";
}

void HandoffTally::add(const Event& event) {
  if (event.handoff.empty() || event.msg.empty()) return;
  auto it = rows_.find(event.handoff);
  if (it == rows_.end()) {
    const HandoffName name = classify_handoff(event.handoff);
    if (name.type == HandoffType::kOther) return;
    HandoffRow row;
    row.name = name;
    it = rows_.emplace(event.handoff, std::move(row)).first;
  }
  record(&it->second, event);
}

}  // namespace tearline::report
