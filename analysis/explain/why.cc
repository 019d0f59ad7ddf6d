// explain(): each plot's story per mode, from the report's facts only. The
// order follows the intelligence: who held it, what the sharing decisions
// did to it, where its copies ended, which warnings reached a unit and why
// they were not enough. Facts a report lacks (older reports, bilateral runs
// without copies) are left out, never guessed.
#include "analysis/explain/why.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "analysis/explain/copy_ends.h"
#include "analysis/explain/words.h"

namespace tearline::explain {
namespace {

// The node a handoff belongs to: "desk@agency.us" -> "agency.us",
// "agency.us->broker" -> "agency.us".
std::string node_of(const std::string& handoff) {
  const size_t at = handoff.find('@');
  if (at != std::string::npos) return handoff.substr(at + 1);
  return handoff.substr(0, handoff.find("->"));
}

// Agencies that held the plot's reports, with how many source reports each
// where the copies tell (0 where only a decision or the path does).
std::map<std::string, size_t> holders(const v1::PlotOutcome& plot) {
  std::map<std::string, size_t> by_agency;
  for (const v1::Copy& copy : plot.copies()) {
    if (copy.parent().empty() && copy.hops_size() > 0) ++by_agency[copy.hops(0).node()];
  }
  for (const auto* decisions : {&plot.withheld_at(), &plot.degraded_at()}) {
    for (const v1::SharingDecision& decision : *decisions) {
      // The centre's and a poll's refusals are made by no holder of the source.
      if (decision.handoff().starts_with("sharing@")) by_agency[decision.node()];
    }
  }
  for (const v1::CopyEnd& end : plot.lost_at()) {
    if (end.handoff().starts_with("sharing@")) by_agency[end.node()];
  }
  if (!plot.path().empty()) by_agency[node_of(plot.path(0))];
  return by_agency;
}

Fact holders_fact(const v1::PlotOutcome& plot) {
  const std::map<std::string, size_t> by_agency = holders(plot);
  if (by_agency.empty()) return {};
  // Counts only where the copies tell them for every holder.
  const bool counted = std::all_of(by_agency.begin(), by_agency.end(),
                                   [](const auto& holder) { return holder.second > 0; });
  std::vector<std::string> names;
  for (const auto& [agency, reports] : by_agency) {
    names.push_back(!counted
                        ? agency
                        : fmt::format("{} ({})", agency, count_text(reports, "report", "reports")));
  }
  // Where the intelligence starts: a source report's first hop, else the
  // path's, else the first sharing decision.
  std::string handoff;
  if (plot.copies_size() > 0 && plot.copies(0).hops_size() > 0) {
    handoff = plot.copies(0).hops(0).handoff();
  } else if (!plot.path().empty()) {
    handoff = plot.path(0);
  } else if (!plot.withheld_at().empty()) {
    handoff = plot.withheld_at(0).handoff();
  } else if (!plot.degraded_at().empty()) {
    handoff = plot.degraded_at(0).handoff();
  }
  return {fmt::format("The intelligence was held by {}.", list_text(names)), handoff};
}

// "an insider's report": what the policy's thresholds were for.
std::string report_of(const std::string& source_value) {
  static const std::map<std::string, std::string> kPhrases = {
      {"insider", "an insider's report"},
      {"officer", "an officer's report"},
      {"technical", "a technical source's report"},
      {"open", "an open source's report"},
      {"fallback", "a report of a source value it does not list"}};
  const auto found = kPhrases.find(source_value);
  return found != kPhrases.end() ? found->second
                                 : fmt::format("a report of source value \"{}\"", source_value);
}

bool has_policy_numbers(const v1::SharingDecision& decision) {
  return !decision.source_value().empty() && decision.has_trust() &&
         decision.has_full_trust_min() && decision.has_sanitised_trust_min();
}

std::string detail_text(const google::protobuf::RepeatedPtrField<std::string>& fields) {
  return fields.empty() ? "no operational detail"
                        : list_text(std::vector<std::string>(fields.begin(), fields.end()));
}

std::string sanitised_sentence(const v1::SharingDecision& decision) {
  const std::string head =
      fmt::format("{} sanitised {} for {}, leaving {}", decision.node(),
                  count_text(decision.count(), "copy", "copies"), decision.for_(),
                  decision.detail_left().empty() ? "no operational detail"
                                                 : "only " + detail_text(decision.detail_left()));
  if (!has_policy_numbers(decision)) return head + ", under its sharing policy.";
  if (decision.full_trust_min() > 1) {
    return fmt::format("{}: its policy never shares {} in full.", head,
                       report_of(decision.source_value()));
  }
  return fmt::format("{}: it trusts {} at {}, under the {} its policy asks to share {} in full.",
                     head, decision.for_(), trust_text(decision.trust()),
                     trust_text(decision.full_trust_min()), report_of(decision.source_value()));
}

std::string withheld_sentence(const v1::SharingDecision& decision) {
  const std::string head =
      fmt::format("{} withheld {} from {}", decision.node(),
                  count_text(decision.count(), "copy", "copies"), decision.for_());
  if (const std::string caveat = caveat_text(decision.reason()); !caveat.empty()) {
    return head + ": marked " + caveat + ".";
  }
  if (decision.reason() == "withheld:below-severity") {
    return head + ": less severe than its policy shares.";
  }
  if (decision.reason() != "withheld:source-protection" && !decision.reason().empty()) {
    return fmt::format("{} under its sharing policy ({}).", head, decision.reason());
  }
  if (!has_policy_numbers(decision))
    return head + " under its sharing policy, to protect its source.";
  return fmt::format(
      "{} to protect its source: it trusts {} at {}, under the {} its policy asks to share {} "
      "even sanitised.",
      head, decision.for_(), trust_text(decision.trust()),
      trust_text(decision.sanitised_trust_min()), report_of(decision.source_value()));
}

// Warnings of one kind: the same unit, verdict (actionable, in time),
// detail and missing fields.
using WarningKey = std::tuple<std::string, bool, bool, std::string, std::string>;

// Fields the warning lacked to be actionable (docs/MODEL.md: a subject plus a
// site or a window), from `missing` or, in older reports, from its detail.
std::vector<std::string> missing_of(const v1::Warning& warning) {
  if (!warning.missing().empty()) return {warning.missing().begin(), warning.missing().end()};
  if (warning.actionable()) return {};
  const auto has = [&warning](const std::string& field) {
    return std::find(warning.detail().begin(), warning.detail().end(), field) !=
           warning.detail().end();
  };
  std::vector<std::string> missing;
  if (!has("subject")) missing.push_back("subject");
  if (!has("site") && !has("window")) {
    missing.push_back("site");
    missing.push_back("window");
  }
  return missing;
}

// The hour by which a unit had to be warned: the attack minus its response
// time, from the warning or the run's unit list.
std::optional<double> respond_by_h(const v1::Warning& warning, const v1::ModeReport& mode,
                                   double attack_h) {
  if (warning.has_respond_by_h()) return warning.respond_by_h();
  for (const auto& unit : mode.run().units()) {
    if (unit.name() == warning.unit()) return attack_h - unit.response_h();
  }
  return std::nullopt;
}

std::string warnings_sentence(const std::vector<const v1::Warning*>& group,
                              const v1::ModeReport& mode, double attack_h, const CopyEnds& ends) {
  const v1::Warning& first = *group.front();
  const std::string& start = mode.run().start_iso();
  const std::string when = group.size() == 1
                               ? "on " + date_text(start, first.at_h())
                               : fmt::format("between {} and {}", date_text(start, first.at_h()),
                                             date_text(start, group.back()->at_h()));
  std::vector<std::string> why;
  if (!first.actionable()) {
    std::vector<std::string> lacked;
    for (const std::string& field : missing_of(first)) lacked.push_back("no " + field);
    why.push_back("too thin to act on" + (lacked.empty() ? "" : ", with " + list_text(lacked)));
  }
  if (!first.in_time()) {
    const std::optional<double> by_h = respond_by_h(first, mode, attack_h);
    if (!by_h) {
      why.push_back("too late to act on");
    } else {
      why.push_back(
          fmt::format("too late: {}{} after the unit had to act, by {} (the attack less its "
                      "response time of {})",
                      group.size() == 1 ? "" : "the first ", duration_text(first.at_h() - *by_h),
                      date_text(start, *by_h), duration_text(attack_h - *by_h)));
    }
    // What made it late, where the copies tell.
    if (const std::optional<CopyEnds::Wait> wait = ends.longest_wait(first.msg())) {
      why.back() += fmt::format("; on its way it waited longest in {}, {}", wait->handoff,
                                duration_text(wait->hours));
    }
  }
  return fmt::format("{} reached {} {} with {}: {}.",
                     count_text(group.size(), "warning", "warnings"), first.unit(), when,
                     detail_text(first.detail()), fmt::join(why, ", and "));
}

std::vector<Fact> warning_facts(const v1::PlotOutcome& plot, const v1::ModeReport& mode,
                                const CopyEnds& ends) {
  std::map<WarningKey, std::vector<const v1::Warning*>> groups;
  std::vector<WarningKey> order;
  for (const v1::Warning& warning : plot.warnings_not_actionable()) {
    std::vector<std::string> detail(warning.detail().begin(), warning.detail().end());
    const WarningKey key{warning.unit(), warning.actionable(), warning.in_time(),
                         fmt::format("{}", fmt::join(detail, ",")),
                         fmt::format("{}", fmt::join(missing_of(warning), ","))};
    if (groups[key].empty()) order.push_back(key);
    groups[key].push_back(&warning);
  }
  std::vector<Fact> facts;
  for (const WarningKey& key : order) {
    std::vector<const v1::Warning*>& group = groups[key];
    std::stable_sort(group.begin(), group.end(), [](const v1::Warning* a, const v1::Warning* b) {
      return a->at_h() < b->at_h();
    });
    facts.push_back(
        {warnings_sentence(group, mode, plot.attack_h(), ends), "intake@" + std::get<0>(key)});
  }
  return facts;
}

std::string averted_headline(const v1::PlotOutcome& plot, const v1::ModeReport& mode) {
  if (!plot.has_first_actionable_at_h() || !plot.has_lead_time_h()) {
    return fmt::format("Averted: an actionable warning reached {} in time.",
                       plot.first_actionable_unit());
  }
  return fmt::format("Averted: an actionable warning reached {} on {}, {} before the attack.",
                     plot.first_actionable_unit(),
                     date_text(mode.run().start_iso(), plot.first_actionable_at_h()),
                     duration_text(plot.lead_time_h()));
}

std::vector<Fact> averted_facts(const v1::PlotOutcome& plot) {
  std::vector<Fact> facts;
  if (plot.path().empty()) return facts;
  facts.push_back({fmt::format("Its path: {}.", fmt::join(plot.path(), " > ")), plot.path(0)});
  if (plot.has_centre_member()) {
    std::string handoff;
    for (const std::string& step : plot.path()) {
      if (step.starts_with(plot.centre_member() + "->")) handoff = step;
    }
    facts.push_back(
        {fmt::format("The centre's member {} sent it to the unit.", plot.centre_member()),
         handoff});
  }
  return facts;
}

// The main loss when no warning arrived: what the sharing decisions
// withheld, else the largest group of copies that ended on the way.
std::string main_loss(const v1::PlotOutcome& plot, const CopyEnds& ends) {
  if (!plot.withheld_at().empty()) {
    std::set<std::string> agencies;
    std::set<std::string> partners;
    bool protecting_sources = true;
    bool caveated = true;  // Every refusal a handling caveat's.
    size_t copies = 0;
    for (const v1::SharingDecision& decision : plot.withheld_at()) {
      agencies.insert(decision.node());
      partners.insert(decision.for_());
      copies += decision.count();
      protecting_sources =
          protecting_sources &&
          (decision.reason().empty() || decision.reason() == "withheld:source-protection");
      caveated = caveated && !caveat_text(decision.reason()).empty();
    }
    return fmt::format("{} withheld {} from {}{}", list_text({agencies.begin(), agencies.end()}),
                       count_text(copies, "copy", "copies"),
                       list_text({partners.begin(), partners.end()}),
                       protecting_sources ? " to protect a source"
                       : caveated         ? " as TLP labels require"
                                          : " under its sharing policy");
  }
  const std::vector<Fact> largest = ends.largest_first();
  if (largest.empty()) return "";
  std::string text = largest.front().text;
  text.pop_back();  // Its full stop.
  return text;
}

std::string not_averted_headline(const v1::PlotOutcome& plot, const CopyEnds& ends) {
  const auto& warnings = plot.warnings_not_actionable();
  if (warnings.empty()) {
    const std::string head =
        fmt::format("Not averted: no warning reached a unit of {}", plot.area());
    const std::string loss = main_loss(plot, ends);
    return loss.empty() ? head + "." : head + "; " + loss + ".";
  }
  std::set<std::string> units;
  size_t thin = 0;
  size_t late_only = 0;
  for (const v1::Warning& warning : warnings) {
    units.insert(warning.unit());
    if (!warning.actionable()) ++thin;
    if (warning.actionable() && !warning.in_time()) ++late_only;
  }
  std::string verdict;
  if (late_only == 0) {
    verdict =
        warnings.size() == 1 ? "it lacked the detail to act on" : "none had the detail to act on";
  } else if (thin == 0) {
    verdict = warnings.size() == 1 ? "it came too late to act on" : "none came in time to act on";
  } else {
    verdict = fmt::format("{} too thin to act on and {} too late", thin, late_only);
  }
  return fmt::format("Not averted: {} reached {}, but {}.",
                     count_text(size_t(warnings.size()), "warning", "warnings"),
                     list_text(std::vector<std::string>(units.begin(), units.end())), verdict);
}

Story story_of(const v1::PlotOutcome& plot, const std::string& mode_name,
               const v1::ModeReport& mode) {
  Story story;
  story.plot = plot.id();
  story.mode = mode_name;
  story.averted = plot.averted();
  const Fact held = holders_fact(plot);
  if (!held.text.empty()) story.facts.push_back(held);
  if (plot.averted()) {
    story.headline = averted_headline(plot, mode);
    for (Fact& fact : averted_facts(plot)) story.facts.push_back(std::move(fact));
    return story;
  }
  CopyEnds ends(plot, mode.run());
  for (const v1::SharingDecision& decision : plot.withheld_at()) {
    story.facts.push_back({withheld_sentence(decision), decision.handoff()});
  }
  for (const v1::SharingDecision& decision : plot.degraded_at()) {
    story.facts.push_back({sanitised_sentence(decision), decision.handoff()});
    for (Fact& fact : ends.of_sanitised(decision)) story.facts.push_back(std::move(fact));
  }
  const std::vector<Fact> rest = ends.rest();
  story.facts.insert(story.facts.end(), rest.begin(), rest.end());
  for (Fact& fact : warning_facts(plot, mode, ends)) story.facts.push_back(std::move(fact));
  story.headline = not_averted_headline(plot, ends);
  if (story.facts.empty()) {
    story.facts.push_back({"No agency held intelligence about it, as far as the traces show.", ""});
  }
  return story;
}

}  // namespace

std::vector<Story> explain(const v1::RunReport& report) {
  std::vector<std::string> modes;
  for (const auto& [name, mode] : report.modes()) modes.push_back(name);
  std::sort(modes.begin(), modes.end());
  // Plots in the order of the first mode that lists them.
  std::vector<std::string> plot_ids;
  for (const std::string& name : modes) {
    for (const v1::PlotOutcome& plot : report.modes().at(name).plots()) {
      if (std::find(plot_ids.begin(), plot_ids.end(), plot.id()) == plot_ids.end()) {
        plot_ids.push_back(plot.id());
      }
    }
  }
  std::vector<Story> stories;
  for (const std::string& id : plot_ids) {
    for (const std::string& name : modes) {
      const v1::ModeReport& mode = report.modes().at(name);
      for (const v1::PlotOutcome& plot : mode.plots()) {
        if (plot.id() == id) stories.push_back(story_of(plot, name, mode));
      }
    }
  }
  return stories;
}

std::string anchor_of(const std::string& mode, const std::string& handoff) {
  std::string anchor = "h-" + mode + "-" + handoff;
  for (char& c : anchor) {
    const bool kept = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '_' || c == '.' || c == '-';
    if (!kept) c = '_';
  }
  return anchor;
}

}  // namespace tearline::explain
