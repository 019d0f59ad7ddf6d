#include "analysis/compare/compare.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>
#include <optional>
#include <stdexcept>
#include <vector>

namespace tearline::compare {

namespace {

using v1::HandoffChange;
using v1::PlotChange;

v1::CountChange count_change(uint32_t a, uint32_t b) {
  v1::CountChange change;
  change.set_a(a);
  change.set_b(b);
  change.set_delta(int64_t{b} - int64_t{a});
  return change;
}

// A report is untrusted input: a non-finite hour (protobuf's JSON accepts
// "NaN") counts as absent, so that it can neither win a ranking nor break
// the sort's ordering.
std::optional<double> finite(bool present, double value) {
  if (!present || !std::isfinite(value)) return std::nullopt;
  return value;
}

v1::PlotSide plot_side(const v1::PlotOutcome& plot) {
  v1::PlotSide side;
  side.set_averted(plot.averted());
  const auto lead_h = finite(plot.has_lead_time_h(), plot.lead_time_h());
  if (lead_h) side.set_lead_time_h(*lead_h);
  if (plot.has_first_actionable_unit()) {
    side.set_first_actionable_unit(plot.first_actionable_unit());
  }
  side.set_warnings(plot.warnings());
  return side;
}

PlotChange::Outcome outcome_of(const v1::PlotSide& a, const v1::PlotSide& b) {
  if (a.averted() && b.averted()) return PlotChange::STILL_AVERTED;
  if (a.averted()) return PlotChange::NO_LONGER_AVERTED;
  if (b.averted()) return PlotChange::NOW_AVERTED;
  return PlotChange::STILL_NOT_AVERTED;
}

bool outcome_changed(const PlotChange& plot) {
  return plot.outcome() == PlotChange::NOW_AVERTED ||
         plot.outcome() == PlotChange::NO_LONGER_AVERTED;
}

double lead_change_size_h(const PlotChange& plot) {
  return plot.has_lead_time_change_h() ? std::abs(plot.lead_time_change_h()) : 0.0;
}

void add_plots(const v1::ModeReport& a, const v1::ModeReport& b, v1::ModeComparison* out) {
  std::map<std::string, const v1::PlotOutcome*> b_by_id;
  for (const auto& plot : b.plots()) b_by_id.emplace(plot.id(), &plot);
  std::map<std::string, bool> in_a;
  std::vector<PlotChange> plots;
  for (const auto& plot_a : a.plots()) {
    if (!in_a.emplace(plot_a.id(), true).second) continue;  // A repeated id: the first counts.
    PlotChange change;
    change.set_id(plot_a.id());
    change.set_area(plot_a.area());
    *change.mutable_a() = plot_side(plot_a);
    const auto found = b_by_id.find(plot_a.id());
    if (found == b_by_id.end()) {
      change.set_outcome(PlotChange::ONLY_IN_A);
    } else {
      *change.mutable_b() = plot_side(*found->second);
      change.set_outcome(outcome_of(change.a(), change.b()));
      if (change.outcome() == PlotChange::STILL_AVERTED && change.a().has_lead_time_h() &&
          change.b().has_lead_time_h()) {
        change.set_lead_time_change_h(change.b().lead_time_h() - change.a().lead_time_h());
      }
    }
    plots.push_back(std::move(change));
  }
  for (const auto& plot_b : b.plots()) {
    if (!in_a.emplace(plot_b.id(), true).second) continue;
    PlotChange change;
    change.set_id(plot_b.id());
    change.set_area(plot_b.area());
    *change.mutable_b() = plot_side(plot_b);
    change.set_outcome(PlotChange::ONLY_IN_B);
    plots.push_back(std::move(change));
  }
  std::stable_sort(plots.begin(), plots.end(), [](const PlotChange& x, const PlotChange& y) {
    if (outcome_changed(x) != outcome_changed(y)) return outcome_changed(x);
    return lead_change_size_h(x) > lead_change_size_h(y);
  });
  for (auto& plot : plots) *out->add_plots() = std::move(plot);
}

v1::DelayChange delay_change(std::optional<double> a_h, std::optional<double> b_h) {
  v1::DelayChange change;
  if (a_h) change.set_a_h(*a_h);
  if (b_h) change.set_b_h(*b_h);
  if (a_h && b_h) change.set_delta_h(*b_h - *a_h);
  return change;
}

double relative_change(const v1::DelayChange& delay) {
  if (delay.has_a_h() != delay.has_b_h()) return 1.0;
  if (!delay.has_a_h()) return 0.0;
  const double larger_h = std::max(std::abs(delay.a_h()), std::abs(delay.b_h()));
  if (larger_h <= 0.0) return 0.0;
  return std::min(1.0, std::abs(delay.delta_h()) / larger_h);
}

bool delay_differs(const v1::DelayChange& delay) {
  return delay.has_a_h() != delay.has_b_h() || (delay.has_a_h() && delay.a_h() != delay.b_h());
}

HandoffChange handoff_change(const v1::Handoff* a, const v1::Handoff* b) {
  static const v1::Handoff kAbsent;
  const v1::Handoff& in_a = a != nullptr ? *a : kAbsent;
  const v1::Handoff& in_b = b != nullptr ? *b : kAbsent;
  HandoffChange change;
  change.set_name(a != nullptr ? a->name() : b->name());
  change.set_type(a != nullptr ? a->type() : b->type());
  change.set_presence(a == nullptr   ? HandoffChange::ONLY_IN_B
                      : b == nullptr ? HandoffChange::ONLY_IN_A
                                     : HandoffChange::IN_BOTH);
  *change.mutable_in() = count_change(in_a.in(), in_b.in());
  *change.mutable_out() = count_change(in_a.out(), in_b.out());
  *change.mutable_lost() = count_change(in_a.lost_total(), in_b.lost_total());
  *change.mutable_in_flight() = count_change(in_a.in_flight(), in_b.in_flight());
  const auto p50 = [](const v1::Handoff& h) {
    return finite(h.delay_h().has_p50(), h.delay_h().p50());
  };
  const auto p90 = [](const v1::Handoff& h) {
    return finite(h.delay_h().has_p90(), h.delay_h().p90());
  };
  *change.mutable_delay_p50_h() = delay_change(p50(in_a), p50(in_b));
  *change.mutable_delay_p90_h() = delay_change(p90(in_a), p90(in_b));
  change.set_p90_relative_change(relative_change(change.delay_p90_h()));
  if (in_a.has_shared_full() || in_b.has_shared_full()) {
    *change.mutable_shared_full() = count_change(in_a.shared_full(), in_b.shared_full());
  }
  if (in_a.has_sanitised() || in_b.has_sanitised()) {
    *change.mutable_sanitised() = count_change(in_a.sanitised(), in_b.sanitised());
  }
  change.set_changed(change.in().delta() != 0 || change.out().delta() != 0 ||
                     change.lost().delta() != 0 || change.in_flight().delta() != 0 ||
                     change.shared_full().delta() != 0 || change.sanitised().delta() != 0 ||
                     delay_differs(change.delay_p50_h()) || delay_differs(change.delay_p90_h()));
  return change;
}

int64_t losses_change(const HandoffChange& handoff) {
  return std::abs(handoff.lost().delta()) + std::abs(handoff.in_flight().delta());
}

void add_handoffs(const v1::ModeReport& a, const v1::ModeReport& b, v1::ModeComparison* out) {
  std::map<std::string, const v1::Handoff*> b_by_name;
  for (const auto& handoff : b.handoffs()) b_by_name.emplace(handoff.name(), &handoff);
  std::map<std::string, bool> in_a;
  std::vector<HandoffChange> handoffs;
  for (const auto& handoff : a.handoffs()) {
    if (!in_a.emplace(handoff.name(), true).second) continue;
    const auto found = b_by_name.find(handoff.name());
    handoffs.push_back(
        handoff_change(&handoff, found == b_by_name.end() ? nullptr : found->second));
  }
  for (const auto& handoff : b.handoffs()) {
    if (in_a.emplace(handoff.name(), true).second) {
      handoffs.push_back(handoff_change(nullptr, &handoff));
    }
  }
  std::sort(handoffs.begin(), handoffs.end(), [](const HandoffChange& x, const HandoffChange& y) {
    if (losses_change(x) != losses_change(y)) return losses_change(x) > losses_change(y);
    if (x.p90_relative_change() != y.p90_relative_change()) {
      return x.p90_relative_change() > y.p90_relative_change();
    }
    const int64_t in_x = std::abs(x.in().delta());
    const int64_t in_y = std::abs(y.in().delta());
    if (in_x != in_y) return in_x > in_y;
    return x.name() < y.name();
  });
  for (auto& handoff : handoffs) *out->add_handoffs() = std::move(handoff);
}

void add_counts(const v1::ModeReport& a, const v1::ModeReport& b, v1::ModeComparison* out) {
  v1::MessagesChange& messages = *out->mutable_messages();
  *messages.mutable_created() = count_change(a.messages().created(), b.messages().created());
  *messages.mutable_delivered() = count_change(a.messages().delivered(), b.messages().delivered());
  *messages.mutable_lost() = count_change(a.messages().lost(), b.messages().lost());
  *messages.mutable_in_flight() = count_change(a.messages().in_flight(), b.messages().in_flight());
  *messages.mutable_unaccounted() =
      count_change(a.messages().unaccounted(), b.messages().unaccounted());

  std::map<std::string, v1::CountChange> by_reason;
  for (const auto& [reason, lost] : a.lost_by_reason()) by_reason[reason].set_a(lost);
  for (const auto& [reason, lost] : b.lost_by_reason()) by_reason[reason].set_b(lost);
  std::vector<v1::ReasonChange> reasons;
  for (const auto& [reason, lost] : by_reason) {
    v1::ReasonChange change;
    change.set_reason(reason);
    *change.mutable_lost() = count_change(lost.a(), lost.b());
    reasons.push_back(std::move(change));
  }
  std::stable_sort(reasons.begin(), reasons.end(), [](const auto& x, const auto& y) {
    return std::abs(x.lost().delta()) > std::abs(y.lost().delta());
  });
  for (auto& reason : reasons) *out->add_lost_by_reason() = std::move(reason);
}

void add_exposure(const v1::ModeReport& a, const v1::ModeReport& b, v1::ModeComparison* out) {
  v1::ExposureChange& exposure = *out->mutable_exposure();
  *exposure.mutable_nodes() = count_change(a.exposure().nodes(), b.exposure().nodes());
  std::map<std::string, v1::CountChange> by_node;
  for (const auto& [node, seen] : a.exposure().source_handles_seen_by()) {
    by_node[node].set_a(static_cast<uint32_t>(seen.handles_size()));
  }
  for (const auto& [node, seen] : b.exposure().source_handles_seen_by()) {
    by_node[node].set_b(static_cast<uint32_t>(seen.handles_size()));
  }
  std::vector<v1::ExposureChange::Node> nodes;
  for (const auto& [name, handles] : by_node) {
    v1::ExposureChange::Node node;
    node.set_node(name);
    *node.mutable_handles() = count_change(handles.a(), handles.b());
    nodes.push_back(std::move(node));
  }
  std::stable_sort(nodes.begin(), nodes.end(), [](const auto& x, const auto& y) {
    return std::abs(x.handles().delta()) > std::abs(y.handles().delta());
  });
  for (auto& node : nodes) *exposure.add_by_node() = std::move(node);
}

v1::ModeComparison compare_mode(const std::string& mode_a, const v1::ModeReport& a,
                                const std::string& mode_b, const v1::ModeReport& b) {
  v1::ModeComparison comparison;
  comparison.set_mode_a(mode_a);
  comparison.set_mode_b(mode_b);
  add_plots(a, b, &comparison);
  add_handoffs(a, b, &comparison);
  add_counts(a, b, &comparison);
  add_exposure(a, b, &comparison);
  return comparison;
}

std::optional<std::string> scenario_of(const v1::RunReport& report) {
  if (report.has_scenario()) return report.scenario();
  for (const auto& [mode, mode_report] : report.modes()) {
    if (mode_report.has_run() && !mode_report.run().scenario().empty()) {
      return mode_report.run().scenario();
    }
  }
  return std::nullopt;
}

std::optional<uint64_t> seed_of(const v1::RunReport& report) {
  if (report.has_seed()) return report.seed();
  for (const auto& [mode, mode_report] : report.modes()) {
    if (mode_report.has_run()) return mode_report.run().seed();
  }
  return std::nullopt;
}

v1::RunSide run_side(const NamedReport& named) {
  v1::RunSide side;
  side.set_path(named.path);
  if (const auto scenario = scenario_of(named.report)) side.set_scenario(*scenario);
  if (const auto seed = seed_of(named.report)) side.set_seed(*seed);
  return side;
}

// Bilateral, coordinated, then any other mode by name.
std::vector<std::string> modes_in_order(const v1::RunReport& a, const v1::RunReport& b) {
  std::vector<std::string> modes;
  for (const auto& [mode, report] : a.modes()) modes.push_back(mode);
  for (const auto& [mode, report] : b.modes()) {
    if (!a.modes().contains(mode)) modes.push_back(mode);
  }
  const auto rank = [](const std::string& mode) {
    return mode == "bilateral" ? 0 : mode == "coordinated" ? 1 : 2;
  };
  std::sort(modes.begin(), modes.end(), [&](const std::string& x, const std::string& y) {
    return rank(x) != rank(y) ? rank(x) < rank(y) : x < y;
  });
  return modes;
}

std::string faults_key(const v1::ModeReport& mode) {
  std::string key;
  for (const auto& fault : mode.faults()) {
    key += fmt::format("{}|{}|{}|{}\n", fault.node(), fault.t_h(), fault.fault(), fault.by());
  }
  return key;
}

// Which side lacks a fact: "A", "B" or "A and B".
const char* unknown_in(bool known_in_a, bool known_in_b) {
  return !known_in_a && !known_in_b ? "A and B" : known_in_a ? "B" : "A";
}

void add_caveats(const v1::RunComparison& comparison, const v1::RunReport& a,
                 const v1::RunReport& b, v1::RunComparison* out) {
  const v1::RunSide& side_a = comparison.a();
  const v1::RunSide& side_b = comparison.b();
  if (!side_a.has_scenario() || !side_b.has_scenario()) {
    out->add_caveats(fmt::format("scenario unknown in {}: like may not be compared with like",
                                 unknown_in(side_a.has_scenario(), side_b.has_scenario())));
  } else if (side_a.scenario() != side_b.scenario()) {
    out->add_caveats(fmt::format(
        "different scenarios ({}, {}): differences are what the variant changes, and chance "
        "where it draws differently",
        side_a.scenario(), side_b.scenario()));
  }
  if (!side_a.has_seed() || !side_b.has_seed()) {
    out->add_caveats(fmt::format("seed unknown in {}: differences may mix chance and change",
                                 unknown_in(side_a.has_seed(), side_b.has_seed())));
  } else if (side_a.seed() != side_b.seed()) {
    out->add_caveats(fmt::format("different seeds ({}, {}): differences mix chance and change",
                                 side_a.seed(), side_b.seed()));
  }
  for (const std::string& mode : modes_in_order(a, b)) {
    const bool in_a = a.modes().contains(mode);
    const bool in_b = b.modes().contains(mode);
    if (in_a != in_b) {
      out->add_caveats(fmt::format("mode {} only in {}: not compared", mode, in_a ? "A" : "B"));
      continue;
    }
    const v1::ModeReport& mode_a = a.modes().at(mode);
    const v1::ModeReport& mode_b = b.modes().at(mode);
    if (faults_key(mode_a) != faults_key(mode_b)) {
      out->add_caveats(fmt::format(
          "different faults in {} ({} in A, {} in B): differences include what they cost", mode,
          mode_a.faults_size(), mode_b.faults_size()));
    }
  }
}

}  // namespace

v1::RunComparison compare_runs(const NamedReport& a, const NamedReport& b) {
  v1::RunComparison comparison;
  *comparison.mutable_a() = run_side(a);
  *comparison.mutable_b() = run_side(b);
  add_caveats(comparison, a.report, b.report, &comparison);
  for (const std::string& mode : modes_in_order(a.report, b.report)) {
    if (!a.report.modes().contains(mode) || !b.report.modes().contains(mode)) continue;
    *comparison.add_modes() =
        compare_mode(mode, a.report.modes().at(mode), mode, b.report.modes().at(mode));
  }
  return comparison;
}

v1::RunComparison compare_modes(const NamedReport& run, const std::string& mode_a,
                                const std::string& mode_b) {
  for (const std::string& mode : {mode_a, mode_b}) {
    if (!run.report.modes().contains(mode)) {
      throw std::invalid_argument(fmt::format("{}: the report has no {} mode", run.path, mode));
    }
  }
  v1::RunComparison comparison;
  *comparison.mutable_a() = run_side(run);
  *comparison.mutable_b() = run_side(run);
  *comparison.add_modes() =
      compare_mode(mode_a, run.report.modes().at(mode_a), mode_b, run.report.modes().at(mode_b));
  return comparison;
}

bool has_changes(const v1::ModeComparison& mode) {
  for (const auto& plot : mode.plots()) {
    if (plot.outcome() != PlotChange::STILL_AVERTED &&
        plot.outcome() != PlotChange::STILL_NOT_AVERTED) {
      return true;
    }
    if (plot.has_lead_time_change_h() && plot.lead_time_change_h() != 0.0) return true;
  }
  for (const auto& handoff : mode.handoffs()) {
    if (handoff.changed()) return true;
  }
  const auto& m = mode.messages();
  for (const auto* count : {&m.created(), &m.delivered(), &m.lost(), &m.in_flight(),
                            &m.unaccounted(), &mode.exposure().nodes()}) {
    if (count->delta() != 0) return true;
  }
  for (const auto& reason : mode.lost_by_reason()) {
    if (reason.lost().delta() != 0) return true;
  }
  for (const auto& node : mode.exposure().by_node()) {
    if (node.handles().delta() != 0) return true;
  }
  return false;
}

}  // namespace tearline::compare
