#include "analysis/explain/copy_ends.h"

#include <fmt/format.h>

#include <algorithm>

#include "analysis/explain/words.h"

namespace tearline::explain {
namespace {

const v1::Hop* last_hop(const v1::Copy& copy) {
  return copy.hops().empty() ? nullptr : &copy.hops(copy.hops_size() - 1);
}

bool visits(const v1::Copy& copy, const std::string& node) {
  return std::any_of(copy.hops().begin(), copy.hops().end(),
                     [&node](const v1::Hop& hop) { return hop.node() == node; });
}

std::string withheld_why(const std::string& reason) {
  if (const std::string caveat = caveat_text(reason); !caveat.empty()) return "as " + caveat;
  if (reason == "withheld:below-severity") return "as less severe than its policy shares";
  if (reason == "withheld:source-protection") return "to protect its source";
  return "(" + reason + ")";
}

}  // namespace

CopyEnds::CopyEnds(const v1::PlotOutcome& plot, const v1::RunInfo& run) : plot_(plot), run_(run) {}

CopyEnds::Key CopyEnds::key_of(const std::string& handoff, const std::string& fate,
                               const std::string& reason) {
  // A copy in flight is keyed by where it was held, which its handoff says.
  return {handoff, fate, fate == "lost" ? reason : ""};
}

std::optional<double> CopyEnds::since_h(const v1::CopyEnd& end) const {
  std::optional<double> earliest;
  for (const v1::Copy& copy : plot_.copies()) {
    const v1::Hop* hop = last_hop(copy);
    if (!hop || key_of(hop->handoff(), copy.fate(), copy.reason()) !=
                    key_of(end.handoff(), end.fate(), end.reason())) {
      continue;
    }
    if (!earliest || hop->in_h() < *earliest) earliest = hop->in_h();
  }
  return earliest;
}

std::string CopyEnds::sentence(const v1::CopyEnd& end, const std::string& subject, bool plural,
                               std::optional<double> since_h) const {
  const std::string was = plural ? "were" : "was";
  const std::string& reason = end.reason();
  const std::string since =
      since_h ? fmt::format(", there since {}", date_text(run_.start_iso(), *since_h)) : "";
  if (end.fate() == "in_flight") {
    return fmt::format("{} {} still waiting in {} when the run ended{}.", subject, was,
                       end.handoff(), since);
  }
  if (reason.starts_with("withheld:")) {
    // Only lost_at groups, never one copy, are withheld here (rest()).
    return fmt::format("{} withheld {} {}.", end.node(), subject, withheld_why(reason));
  }
  if (reason.starts_with("expired:")) {
    return fmt::format("{} expired unread in {}{}.", subject, end.handoff(), since);
  }
  if (reason == "dropped:queue-full") {
    return fmt::format("{} {} dropped at {}: its queue was full.", subject, was, end.handoff());
  }
  const bool link = end.handoff().find("->") != std::string::npos;
  if (reason.starts_with("crash:")) {
    return fmt::format("{} {} lost {}{} when {} crashed.", subject, was,
                       link ? "on the link " : "at ", end.handoff(),
                       reason.substr(reason.find(':') + 1));
  }
  if (reason.starts_with("deadline:")) {
    return fmt::format("{} {} given up at {}: not acknowledged by the deadline.", subject, was,
                       end.handoff());
  }
  if (reason.starts_with("rejected:")) {
    return fmt::format("{} {} refused at {} ({}).", subject, was, end.handoff(), reason);
  }
  if (link) {
    return fmt::format("{} {} lost on the link {} ({}).", subject, was, end.handoff(), reason);
  }
  return fmt::format("{} {} lost at {} ({}).", subject, was, end.handoff(), reason);
}

std::vector<Fact> CopyEnds::of_sanitised(const v1::SharingDecision& decision) {
  if (!told_partners_.emplace(decision.handoff(), decision.for_()).second) return {};
  // The copies for the partner, grouped by where and how they ended.
  std::map<Key, std::vector<const v1::Copy*>> groups;
  for (const v1::Copy& copy : plot_.copies()) {
    const v1::Hop* hop = last_hop(copy);
    if (!hop || copy.parent().empty() || copy.hops(0).handoff() != decision.handoff() ||
        !visits(copy, decision.for_())) {
      continue;
    }
    groups[key_of(hop->handoff(), copy.fate(), copy.reason())].push_back(&copy);
  }
  size_t copies = 0;
  for (const auto& [key, group] : groups) copies += group.size();
  std::vector<Fact> facts;
  for (const auto& [key, group] : groups) {
    const v1::Copy& copy = *group.front();
    const v1::Hop& hop = *last_hop(copy);
    const bool plural = group.size() > 1;
    std::string subject;
    if (group.size() < copies) {
      subject = fmt::format("{} of the {} copies for {}", group.size(), copies, decision.for_());
    } else if (copies == decision.count()) {
      subject = plural ? "Those copies" : "That copy";
    } else {
      subject = fmt::format("The {} copies for {}", copies, decision.for_());
    }
    if (copy.fate() == "delivered") {
      facts.push_back(
          {fmt::format("{} reached {} on {}.", subject, hop.handoff(),
                       date_text(run_.start_iso(), hop.has_out_h() ? hop.out_h() : hop.in_h())),
           hop.handoff()});
      continue;
    }
    v1::CopyEnd end;
    end.set_handoff(hop.handoff());
    end.set_fate(copy.fate());
    end.set_reason(copy.reason());
    std::optional<double> earliest;
    for (const v1::Copy* each : group) {
      const double in_h = last_hop(*each)->in_h();
      if (!earliest || in_h < *earliest) earliest = in_h;
    }
    facts.push_back({sentence(end, subject, plural, earliest), hop.handoff()});
    told_[key] += group.size();
  }
  return facts;
}

std::vector<Fact> CopyEnds::rest() const {
  std::vector<Fact> facts;
  for (const v1::CopyEnd& end : plot_.lost_at()) {
    const bool told_as_decision =
        end.reason().starts_with("withheld:") &&
        std::any_of(plot_.withheld_at().begin(), plot_.withheld_at().end(),
                    [&end](const v1::SharingDecision& d) { return d.handoff() == end.handoff(); });
    if (told_as_decision) continue;
    const auto told = told_.find(key_of(end.handoff(), end.fate(), end.reason()));
    const size_t told_count = told == told_.end() ? 0 : told->second;
    if (end.count() <= told_count) continue;
    const size_t count = end.count() - told_count;
    facts.push_back({sentence(end, count_text(count, "copy", "copies"), count > 1, since_h(end)),
                     end.handoff()});
  }
  return facts;
}

std::optional<CopyEnds::Wait> CopyEnds::longest_wait(const std::string& msg) const {
  std::optional<Wait> longest;
  std::string next = msg;
  // Up the parents; a copy's ancestors are among the plot's copies, so at
  // most copies_size() steps (a cycle would be a bug of the report).
  for (int step = 0; step < plot_.copies_size() && !next.empty(); ++step) {
    const auto copy = std::find_if(plot_.copies().begin(), plot_.copies().end(),
                                   [&next](const v1::Copy& each) { return each.msg() == next; });
    if (copy == plot_.copies().end()) break;
    for (const v1::Hop& hop : copy->hops()) {
      if (hop.has_out_h() && (!longest || hop.out_h() - hop.in_h() > longest->hours)) {
        longest = Wait{hop.handoff(), hop.out_h() - hop.in_h()};
      }
    }
    next = copy->parent();
  }
  return longest;
}

std::vector<Fact> CopyEnds::largest_first() const {
  std::vector<const v1::CopyEnd*> ends;
  for (const v1::CopyEnd& end : plot_.lost_at()) ends.push_back(&end);
  std::stable_sort(ends.begin(), ends.end(), [](const v1::CopyEnd* a, const v1::CopyEnd* b) {
    return a->count() > b->count();
  });
  std::vector<Fact> facts;
  for (const v1::CopyEnd* end : ends) {
    facts.push_back({sentence(*end, count_text(end->count(), "copy", "copies"), end->count() > 1,
                              since_h(*end)),
                     end->handoff()});
  }
  return facts;
}

}  // namespace tearline::explain
