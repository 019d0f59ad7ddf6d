#include "nodes/intel_faults.h"

#include <fmt/format.h>

#include <algorithm>

#include "trace/report_fields.h"

namespace tearline {
namespace {

bool matches(const v1::IntelFault& fault, const v1::ThreatReport& report) {
  switch (fault.target_case()) {
    case v1::IntelFault::kReport:
      return report.trace_id() == fault.report();
    case v1::IntelFault::kTrace:
      return report.trace_id() == fault.trace();
    case v1::IntelFault::kSubject:
      return report.has_subject() && report.subject() == fault.subject();
    case v1::IntelFault::TARGET_NOT_SET:
      break;
  }
  return false;
}

}  // namespace

bool IntelFaults::add(const v1::IntelFault& fault, std::string* error) {
  if (faults_.size() == kIntelFaultsMax) {
    return *error =
               fmt::format("{} intel faults are held already; no more are taken", kIntelFaultsMax),
           false;
  }
  faults_.push_back(fault);
  return true;
}

std::optional<IntelHit> IntelFaults::match(const v1::ThreatReport& report) const {
  const auto found = std::find_if(faults_.rbegin(), faults_.rend(),
                                  [&](const v1::IntelFault& f) { return matches(f, report); });
  if (found == faults_.rend()) return std::nullopt;
  return IntelHit{found->action(), found->delay_h(), describe_intel_fault(*found)};
}

void IntelFaults::hold(ServedReport served, double release_h, std::string fault) {
  served.at_h = release_h;
  const auto after =
      std::upper_bound(held_.begin(), held_.end(), release_h,
                       [](double hour, const HeldReport& held) { return hour < held.served.at_h; });
  held_.insert(after, HeldReport{std::move(served), std::move(fault)});
}

std::optional<double> IntelFaults::next_release_h() const {
  if (held_.empty()) return std::nullopt;
  return held_.front().served.at_h;
}

std::vector<HeldReport> IntelFaults::take_released(double now_h) {
  const auto end = std::find_if(held_.begin(), held_.end(), [now_h](const HeldReport& held) {
    return held.served.at_h > now_h;
  });
  std::vector<HeldReport> released(std::make_move_iterator(held_.begin()),
                                   std::make_move_iterator(end));
  held_.erase(held_.begin(), end);
  return released;
}

void IntelFaults::record_in_flight(NodeContext& context, double now_h,
                                   const std::string& handoff) const {
  for (const auto& [held, fault] : held_) {
    TraceEvent event = report_event("in_flight", held.message_id, held.report, now_h, handoff);
    event.reason = "held by a delay fault";
    context.trace(std::move(event));
  }
}

}  // namespace tearline
