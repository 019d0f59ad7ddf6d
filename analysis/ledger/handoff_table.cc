#include "analysis/ledger/handoff_table.h"

#include <fmt/format.h>

#include <algorithm>
#include <string>

#include "analysis/read/percentiles.h"
#include "base/invariant.h"

namespace tearline::report {
namespace {

uint64_t key_of(uint32_t handoff, uint32_t msg) { return uint64_t{handoff} << 32 | msg; }

}  // namespace

void HandoffTable::Durations::add(const Stamp& from, const Stamp& to) {
  if (!from.set || !to.set) return;
  hours.push_back(to.t_h - from.t_h);
  if (from.has_wall && to.has_wall) wall_ms.push_back(to.wall_ms - from.wall_ms);
  TEARLINE_ASSERT(wall_ms.size() <= hours.size());
}

HandoffTable::Row* HandoffTable::row(uint32_t handoff) {
  if (const auto found = rows_.find(handoff); found != rows_.end()) return &found->second;
  if (not_rows_.contains(handoff)) return nullptr;
  HandoffName name = classify_handoff(context_->names.name(handoff));
  if (name.type == HandoffType::kOther) {
    not_rows_.emplace(handoff, true);
    return nullptr;
  }
  Row& added = rows_[handoff];
  added.name = std::move(name);
  return &added;
}

void HandoffTable::add_loss(uint32_t handoff, uint32_t msg, uint32_t loss_reason) {
  Row* found = row(handoff);
  if (found == nullptr || msg == 0) return;
  if (losses_.emplace(handoff, msg, loss_reason).second) ++found->lost[loss_reason];
}

void HandoffTable::add(const Step& step) {
  if (step.handoff == 0 || step.msg == 0) return;
  Row* found = row(step.handoff);
  if (found == nullptr) return;
  const auto stamp_once = [&step](Stamp* slot) {
    if (slot->set) return;
    *slot = {step.t_h, step.wall_ms.value_or(0), true, step.wall_ms.has_value()};
  };
  const auto mark = [](bool* flag, uint32_t* count) {
    if (!*flag) ++*count;
    *flag = true;
  };
  if (is_loss(step.kind)) add_loss(step.handoff, step.msg, step.loss_reason);
  Passage* way = nullptr;
  const auto here = [&]() -> Passage& {
    if (way == nullptr) way = &passages_[key_of(step.handoff, step.msg)];
    return *way;
  };
  if (step.kind == Kind::kInFlight) mark(&here().in_flight, &found->in_flight);
  switch (found->name.type) {
    case HandoffType::kLink:
      if (step.kind == Kind::kSent) {
        mark(&here().in, &found->in);
        stamp_once(&here().start);
      } else if (step.kind == Kind::kReceived) {
        mark(&here().out, &found->out);
        stamp_once(&here().end);
      } else if (step.kind == Kind::kResent) {
        ++found->resent;
      } else if (step.kind == Kind::kAttemptLost) {
        ++found->attempts_lost;
      } else if (step.kind == Kind::kAcked) {
        ++found->acked;
      }
      break;
    case HandoffType::kQueue:
      if (step.kind == Kind::kQueued) {
        mark(&here().in, &found->in);
        stamp_once(&here().start);
      } else if (step.kind == Kind::kDequeued) {
        stamp_once(&here().dequeued);
      } else if (step.kind == Kind::kServed) {
        mark(&here().out, &found->out);
        stamp_once(&here().end);
      } else if (is_loss(step.kind) && context_->names.name(step.reason) == "dropped:queue-full") {
        mark(&here().in, &found->in);  // Refused at the door: it arrived, but was never queued.
      }
      break;
    case HandoffType::kDecision:
      if (step.kind == Kind::kCreated) {
        mark(&here().in, &found->in);
        stamp_once(&here().start);
      } else if (step.kind == Kind::kShared || step.kind == Kind::kSanitised) {
        mark(&here().out, &found->out);
        stamp_once(&here().end);
        ++(step.kind == Kind::kShared ? found->shared_full : found->sanitised);
      }
      break;
    case HandoffType::kOther:
      break;
  }
}

void HandoffTable::fill_row(const Row& row, RowDurations* durations, v1::Handoff* out) const {
  out->set_from(row.name.from);
  out->set_to(row.name.to);
  out->set_type(std::string(type_name(row.name.type)));
  out->set_in(row.in);
  out->set_out(row.out);
  uint32_t lost_total = 0;
  for (const auto& [reason, count] : row.lost) {
    (*out->mutable_lost())[context_->names.name(reason)] = count;
    lost_total += count;
  }
  out->set_lost_total(lost_total);
  out->set_in_flight(row.in_flight);
  fill_percentiles(&durations->delay.hours, out->mutable_delay_h());
  fill_percentiles(&durations->delay.wall_ms, out->mutable_delay_wall_ms());
  fill_histogram(durations->delay.hours, out->mutable_delay_histogram_h());
  if (row.name.type == HandoffType::kQueue) {
    fill_percentiles(&durations->wait.hours, out->mutable_wait_h());
    fill_percentiles(&durations->wait.wall_ms, out->mutable_wait_wall_ms());
    fill_percentiles(&durations->service.hours, out->mutable_service_h());
    fill_percentiles(&durations->service.wall_ms, out->mutable_service_wall_ms());
  }
  if (row.name.type == HandoffType::kLink) {
    out->set_resent(row.resent);
    out->set_attempts_lost(row.attempts_lost);
    out->set_acked(row.acked);
  } else if (row.name.type == HandoffType::kDecision) {
    out->set_shared_full(row.shared_full);
    out->set_sanitised(row.sanitised);
  }
}

void HandoffTable::fill(v1::ModeReport* mode) const {
  std::unordered_map<uint32_t, RowDurations> durations;
  // Counted again from the passages and losses, to check add()'s counts.
  std::unordered_map<uint32_t, Row> recount;
  for (const auto& [key, way] : passages_) {
    const auto handoff = static_cast<uint32_t>(key >> 32);
    Row& again = recount[handoff];
    again.in += way.in ? 1 : 0;
    again.out += way.out ? 1 : 0;
    again.in_flight += way.in_flight ? 1 : 0;
    RowDurations& row = durations[handoff];
    row.delay.add(way.start, way.end);
    if (rows_.at(handoff).name.type == HandoffType::kQueue) {
      row.wait.add(way.start, way.dequeued);
      row.service.add(way.dequeued, way.end);
    }
  }
  std::vector<uint32_t> order;
  for (const auto& [handoff, row] : rows_) order.push_back(handoff);
  std::sort(order.begin(), order.end(), [this](uint32_t a, uint32_t b) {
    return context_->names.name(a) < context_->names.name(b);
  });
  for (const auto& [handoff, msg, reason] : losses_) ++recount[handoff].lost[reason];
  for (const uint32_t handoff : order) {
    const Row& row = rows_.at(handoff);
    // Each message counted once per step of its passage (distinct messages).
    const Row& again = recount[handoff];
    TEARLINE_ASSERT(row.in == again.in && row.out == again.out &&
                    row.in_flight == again.in_flight && row.lost == again.lost);
    const std::string& name = context_->names.name(handoff);
    v1::Handoff* out = mode->add_handoffs();
    out->set_name(name);
    fill_row(row, &durations[handoff], out);
    if (out->in() != out->out() + out->lost_total() + out->in_flight()) {
      v1::Anomaly* anomaly = mode->add_anomalies();
      anomaly->set_check("handoff_balance");
      anomaly->set_handoff(name);
      anomaly->set_message(fmt::format("{}: in {} != out {} + lost {} + in flight {}", name,
                                       out->in(), out->out(), out->lost_total(), out->in_flight()));
    }
  }
}

}  // namespace tearline::report
