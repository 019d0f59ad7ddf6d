#include "analysis/report/plot_outcomes.h"

#include <algorithm>
#include <map>
#include <set>
#include <string_view>
#include <tuple>

#include "analysis/read/handoff_stats.h"
#include "base/invariant.h"
#include "base/iso_time.h"

namespace tearline::report {
namespace {

constexpr std::string_view kIntakePrefix = "intake@";

bool has(const std::vector<std::string>& detail, std::string_view field) {
  return std::find(detail.begin(), detail.end(), field) != detail.end();
}

// The fields an actionable warning needs that `detail` lacks.
std::vector<std::string> missing_of(const std::vector<std::string>& detail) {
  std::vector<std::string> missing;
  if (!has(detail, "subject")) missing.emplace_back("subject");
  if (!has(detail, "site") && !has(detail, "window")) missing.emplace_back("site or window");
  return missing;
}

// Whether an event starts a passage through its handoff, and ends it.
bool starts_passage(Kind kind) {
  return kind == Kind::kSent || kind == Kind::kQueued || kind == Kind::kCreated;
}
bool ends_passage(Kind kind) {
  return kind == Kind::kReceived || kind == Kind::kServed || kind == Kind::kShared ||
         kind == Kind::kSanitised;
}

const char* fate_name(Fate fate) {
  switch (fate) {
    case Fate::kDelivered:
      return "delivered";
    case Fate::kLost:
      return "lost";
    case Fate::kInFlight:
      return "in_flight";
    case Fate::kUnaccounted:
      break;
  }
  return "unaccounted";
}

}  // namespace

bool has_actionable_detail(const std::vector<std::string>& detail) {
  return missing_of(detail).empty();
}

bool PlotTracker::is_plot_trace(uint32_t trace) const {
  return trace != 0 && context_->plots_by_trace().contains(trace);
}

const std::vector<PlotTracker::PlotEvent>* PlotTracker::events_of(uint32_t msg) const {
  const auto found = plot_events_.find(msg);
  return found == plot_events_.end() ? nullptr : &found->second;
}

void PlotTracker::add(const Step& step, const EventFields& fields, const MessageLedger& ledger) {
  if (step.msg == 0) return;
  const bool decision = step.kind == Kind::kSanitised || step.kind == Kind::kWithheld;
  const bool delivery = step.kind == Kind::kDelivered &&
                        context_->names.name(step.handoff).starts_with(kIntakePrefix);
  // A message of another trace (the event says so) is none of the plots'.
  if ((decision || delivery) && (step.trace == 0 || is_plot_trace(step.trace))) {
    const uint32_t detail = fields.detail.empty() ? 0 : ledger.messages()[step.msg].latest_detail;
    if (delivery) {
      const std::string_view unit =
          std::string_view(context_->names.name(step.handoff)).substr(kIntakePrefix.size());
      const uint32_t unit_id = context_->names.find(unit);
      if (unit_id != Interner::kNone && context_->is_unit(unit_id)) {
        deliveries_.push_back({step.msg, unit_id, step.trace, detail, step.t_h});
      }
    } else {
      Decision& made = decisions_.emplace_back();
      made.kind = step.kind;
      made.msg = step.msg;
      made.trace = step.trace;
      made.handoff = step.handoff;
      made.node = step.node;
      made.peer = step.peer;
      made.detail = detail;
      made.reason = step.reason;
      made.source_value = 0;
      made.trust = fields.trust;
      made.full_trust_min = fields.full_trust_min;
      made.sanitised_trust_min = fields.sanitised_trust_min;
      if (!fields.source_value.empty()) {
        made.source_value = context_->names.id(fields.source_value);
      }
    }
  }
  const uint32_t trace = step.trace != 0 ? step.trace : ledger.trace_of(step.msg);
  if (is_plot_trace(trace)) {
    plot_events_[step.msg].push_back({step.order, step.t_h, step.node, step.handoff, step.file,
                                      fields.attempt.value_or(0), step.kind});
  }
}

std::vector<std::string> PlotTracker::path_of(const MessageLedger& ledger, uint32_t msg) const {
  // The events of `msg` and of its ancestors, each ancestor's only before
  // its child was created, so that a sibling branch (the original filed at
  // home while a copy went abroad) stays out of the path.
  std::vector<const PlotEvent*> events;
  uint64_t cutoff = UINT64_MAX;
  std::set<uint32_t> visited;
  for (int depth = 0; msg != 0 && depth <= kLineageDepthMax && visited.insert(msg).second;
       ++depth) {
    if (const auto* own = events_of(msg)) {
      for (const PlotEvent& event : *own) {
        if (event.order < cutoff) events.push_back(&event);
      }
    }
    const MessageState& message = ledger.messages()[msg];
    if (!message.created || message.parent == 0) break;
    cutoff = message.created_order;
    msg = message.parent;
  }
  std::sort(events.begin(), events.end(),
            [](const PlotEvent* a, const PlotEvent* b) { return a->order < b->order; });
  std::vector<std::string> path;
  std::set<uint32_t> named;
  for (const PlotEvent* event : events) {
    const std::string& handoff = context_->names.name(event->handoff);
    if (classify_handoff(handoff).type == HandoffType::kOther) continue;
    if (named.insert(event->handoff).second) path.push_back(handoff);
  }
  return path;
}

std::optional<uint32_t> PlotTracker::centre_member(const MessageLedger& ledger, uint32_t msg,
                                                   uint32_t centre) const {
  // The member whose send of the warning (or of its nearest ancestor the
  // centre sent) reached its receiver: the send whose attempt the
  // receiver's "received" names, else the last before it, else the last.
  std::set<uint32_t> visited;
  for (int depth = 0; msg != 0 && depth <= kLineageDepthMax && visited.insert(msg).second;
       ++depth, msg = ledger.messages()[msg].parent) {
    const auto* events = events_of(msg);
    if (events == nullptr) continue;
    std::vector<const PlotEvent*> sends;
    for (const PlotEvent& event : *events) {
      if (is_send(event.kind) && event.node == centre && context_->is_node_file(event.file)) {
        sends.push_back(&event);
      }
    }
    if (sends.empty()) continue;
    const auto received = std::find_if(events->begin(), events->end(), [&](const PlotEvent& e) {
      return e.kind == Kind::kReceived && e.node != centre && e.handoff == sends.front()->handoff;
    });
    if (received == events->end()) return sends.back()->file;
    const PlotEvent* last_before = nullptr;
    const PlotEvent* same_attempt = nullptr;
    for (const PlotEvent* send : sends) {
      if (send->order > received->order) break;
      last_before = send;
      if (received->attempt != 0 && send->attempt == received->attempt) same_attempt = send;
    }
    if (same_attempt != nullptr) return same_attempt->file;
    return (last_before != nullptr ? last_before : sends.back())->file;
  }
  return std::nullopt;
}

void PlotTracker::fill_copy(const MessageLedger& ledger, uint32_t msg, v1::Copy* copy) const {
  const MessageState& message = ledger.messages()[msg];
  const Interner& names = context_->names;
  copy->set_msg(context_->msgs.name(msg));
  if (message.parent != 0) copy->set_parent(context_->msgs.name(message.parent));
  copy->set_trace(names.name(ledger.trace_of(msg)));
  if (const auto* events = events_of(msg)) {
    for (const PlotEvent& event : *events) {
      const auto type = classify_handoff(names.name(event.handoff)).type;
      if (type == HandoffType::kOther) continue;
      // The latest hop through this handoff, if the message is still in it.
      v1::Hop* open = nullptr;
      for (int i = copy->hops_size() - 1; i >= 0; --i) {
        if (copy->hops(i).handoff() == names.name(event.handoff)) {
          if (!copy->hops(i).has_out_h()) open = copy->mutable_hops(i);
          break;
        }
      }
      if (starts_passage(event.kind) && open == nullptr) {
        v1::Hop* hop = copy->add_hops();
        hop->set_handoff(names.name(event.handoff));
        hop->set_node(names.name(event.node));
        hop->set_in_h(event.t_h);
      } else if (ends_passage(event.kind) && open != nullptr) {
        open->set_out_h(event.t_h);
      }
    }
  }
  copy->set_fate(fate_name(message.fate));
  const EventRef& end = message.end();
  switch (message.fate) {
    case Fate::kLost:
      copy->set_reason(names.name(end.loss_reason));
      break;
    case Fate::kInFlight:
      copy->set_reason(names.name(end.reason));
      break;
    case Fate::kUnaccounted:
      copy->set_reason(names.name(message.unaccounted_reason));
      break;
    case Fate::kDelivered:
      break;
  }
  for (const std::string& field : ledger.detail(message.created_detail)) copy->add_detail(field);
}

void PlotTracker::fill_plot(const MessageLedger& ledger, const v1::RunInfo::Plot& plot,
                            const std::vector<uint32_t>& msgs, uint32_t centre,
                            v1::PlotOutcome* out) const {
  const Interner& names = context_->names;
  const std::string& start_iso = context_->run_info()->start_iso();
  std::set<uint32_t> traces;
  for (const std::string& trace : plot.trace_ids()) traces.insert(names.find(trace));
  const auto iso = [&start_iso](double t_h) { return iso_plus_hours(start_iso, t_h); };
  out->set_id(plot.id());
  out->set_area(plot.area());
  out->set_attack_h(plot.attack_h());
  if (const auto at = iso(plot.attack_h())) out->set_attack_at(*at);

  std::unordered_map<uint32_t, const v1::RunInfo::Unit*> units;
  for (const auto& unit : context_->run_info()->units()) units[names.find(unit.name())] = &unit;
  const Delivery* first = nullptr;
  uint32_t warnings = 0;
  uint32_t actionable_in_time = 0;
  for (const Delivery& delivery : deliveries_) {
    const v1::RunInfo::Unit* unit = units.at(delivery.unit);
    const uint32_t trace = delivery.trace != 0 ? delivery.trace : ledger.trace_of(delivery.msg);
    if (unit->area() != plot.area() || !traces.contains(trace)) continue;
    ++warnings;
    const MessageState& message = ledger.messages()[delivery.msg];
    const std::vector<std::string>& detail =
        ledger.detail(delivery.detail != 0 ? delivery.detail : message.latest_detail);
    const bool actionable = message.acted >= 0 ? message.acted == 1 : has_actionable_detail(detail);
    const double respond_by_h = plot.attack_h() - unit->response_h();
    const bool in_time = delivery.t_h <= respond_by_h;
    if (actionable && in_time) {
      ++actionable_in_time;
      if (first == nullptr || delivery.t_h < first->t_h) first = &delivery;
      continue;
    }
    v1::Warning* warning = out->add_warnings_not_actionable();
    warning->set_unit(unit->name());
    warning->set_msg(context_->msgs.name(delivery.msg));
    warning->set_at_h(delivery.t_h);
    if (const auto at = iso(delivery.t_h)) warning->set_at(*at);
    for (const std::string& field : detail) warning->add_detail(field);
    warning->set_actionable(actionable);
    warning->set_in_time(in_time);
    if (!actionable) {
      for (std::string& field : missing_of(detail)) warning->add_missing(std::move(field));
    }
    warning->set_respond_by_h(respond_by_h);
  }
  // Each warning is the first actionable one's kind, or listed as not.
  TEARLINE_ASSERT(actionable_in_time + static_cast<uint32_t>(out->warnings_not_actionable_size()) ==
                  warnings);
  TEARLINE_ASSERT((first != nullptr) == (actionable_in_time > 0));
  out->set_averted(first != nullptr);
  out->set_warnings(warnings);
  if (first != nullptr) {
    if (const auto at = iso(first->t_h)) out->set_first_actionable_at(*at);
    out->set_first_actionable_at_h(first->t_h);
    out->set_first_actionable_unit(names.name(first->unit));
    out->set_first_actionable_msg(context_->msgs.name(first->msg));
    out->set_lead_time_h(plot.attack_h() - first->t_h);
    for (std::string& handoff : path_of(ledger, first->msg)) out->add_path(std::move(handoff));
    if (centre != 0) {
      if (const auto member = centre_member(ledger, first->msg, centre)) {
        out->set_centre_member(context_->stem(*member));
      }
    }
  }

  // Copies that ended lost or in flight, grouped by where and why.
  std::map<std::tuple<std::string, std::string, std::string, std::string>, uint32_t> ends;
  for (const uint32_t msg : msgs) {
    const MessageState& message = ledger.messages()[msg];
    if (message.fate != Fate::kLost && message.fate != Fate::kInFlight) continue;
    const EventRef& end = message.end();
    const bool lost = message.fate == Fate::kLost;
    ++ends[{names.name(end.handoff), names.name(end.node),
            names.name(lost ? end.loss_reason : end.reason), lost ? "lost" : "in_flight"}];
  }
  for (const auto& [key, count] : ends) {
    TEARLINE_ASSERT(count > 0);
    v1::CopyEnd* end = out->add_lost_at();
    end->set_handoff(std::get<0>(key));
    end->set_node(std::get<1>(key));
    end->set_reason(std::get<2>(key));
    end->set_fate(std::get<3>(key));
    end->set_count(count);
  }

  // Sharing decisions that sanitised or withheld the plot's copies, grouped.
  using DecisionKey =
      std::tuple<std::string, std::string, std::string, std::vector<std::string>, std::string,
                 std::string, std::optional<double>, std::optional<double>, std::optional<double>>;
  std::map<DecisionKey, uint32_t> degraded, withheld;
  for (const Decision& made : decisions_) {
    const uint32_t trace = made.trace != 0 ? made.trace : ledger.trace_of(made.msg);
    if (!traces.contains(trace)) continue;
    ++(made.kind == Kind::kSanitised ? degraded : withheld)[{
        names.name(made.handoff), names.name(made.node), names.name(made.peer),
        ledger.detail(made.detail), names.name(made.reason), names.name(made.source_value),
        made.trust, made.full_trust_min, made.sanitised_trust_min}];
  }
  const auto fill_decisions = [](const std::map<DecisionKey, uint32_t>& groups,
                                 google::protobuf::RepeatedPtrField<v1::SharingDecision>* list) {
    for (const auto& [key, count] : groups) {
      const auto& [handoff, node, peer, detail, reason, source_value, trust, full_min,
                   sanitised_min] = key;
      v1::SharingDecision* made = list->Add();
      made->set_handoff(handoff);
      made->set_node(node);
      made->set_for_(peer);
      for (const std::string& field : detail) made->add_detail_left(field);
      made->set_count(count);
      made->set_reason(reason);
      made->set_source_value(source_value);
      if (trust) made->set_trust(*trust);
      if (full_min) made->set_full_trust_min(*full_min);
      if (sanitised_min) made->set_sanitised_trust_min(*sanitised_min);
    }
  };
  fill_decisions(degraded, out->mutable_degraded_at());
  fill_decisions(withheld, out->mutable_withheld_at());

  for (const uint32_t msg : msgs) {
    if (static_cast<size_t>(out->copies_size()) < kPlotCopiesMax) {
      fill_copy(ledger, msg, out->add_copies());
    } else {
      out->set_copies_omitted(out->copies_omitted() + 1);
    }
  }
  // Every copy of the plot listed or counted as left out, once.
  TEARLINE_ASSERT(static_cast<size_t>(out->copies_size()) + out->copies_omitted() == msgs.size());
}

void PlotTracker::fill(const MessageLedger& ledger, uint32_t centre, v1::ModeReport* mode) const {
  if (!context_->run_info()) return;
  const auto& plots = context_->run_info()->plots();
  // Each plot's messages (its traces' and their descendants'), in the order
  // they first appeared.
  std::vector<std::vector<uint32_t>> msgs(static_cast<size_t>(plots.size()));
  for (uint32_t msg = 1; msg < ledger.messages().size(); ++msg) {
    if (ledger.messages()[msg].last.kind_name == 0) continue;
    const auto found = context_->plots_by_trace().find(ledger.trace_of(msg));
    if (found == context_->plots_by_trace().end()) continue;
    for (const uint32_t plot : found->second) msgs[plot].push_back(msg);
  }
  TEARLINE_ASSERT(mode->plots().empty());  // Filled once, a plot a row, in RunInfo's order.
  for (int plot = 0; plot < plots.size(); ++plot) {
    fill_plot(ledger, plots.Get(plot), msgs[static_cast<size_t>(plot)], centre, mode->add_plots());
  }
}

}  // namespace tearline::report
