#include "whatif/candidates.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <utility>

#include "base/toml_reader.h"

namespace tearline::whatif {
namespace {

// The candidates made so far, each set of overrides once.
class CandidateList {
 public:
  void add(Candidate candidate) {
    std::vector<std::pair<std::string, std::string>> key;
    for (const Override& o : candidate.overrides) key.emplace_back(o.path, o.value);
    std::sort(key.begin(), key.end());
    if (!candidate.overrides.empty() && seen_.insert(key).second) {
      candidates_.push_back(std::move(candidate));
    }
  }
  std::vector<Candidate> take() { return std::move(candidates_); }

 private:
  std::vector<Candidate> candidates_;
  std::set<std::vector<std::pair<std::string, std::string>>> seen_;
};

// "agency.us->agency.uk" or "poll:unit.x->agency.uk" as (from, to); empty
// for a handoff that is not a link.
std::pair<std::string, std::string> link_ends(const std::string& handoff) {
  const size_t arrow = handoff.find("->");
  if (arrow == std::string::npos) return {};
  const size_t colon = handoff.rfind(':', arrow);
  const size_t begin = colon == std::string::npos ? 0 : colon + 1;
  return {handoff.substr(begin, arrow - begin), handoff.substr(arrow + 2)};
}

bool is_sharing(const std::string& handoff) { return handoff.rfind("sharing@", 0) == 0; }

std::string link_name(const std::string& from, const std::string& to, const LinkPlace& place) {
  if (place.path == "link_default") {
    return fmt::format("the default link (every pair not listed, {} -> {} among them)", from, to);
  }
  return fmt::format("link {} -> {}{}", from, to, place.both_ways ? " (both ways)" : "");
}

// A number's new text, an integer where the file writes one (rounded down).
std::string number_text(double value, bool integer) {
  return integer ? std::to_string(static_cast<int64_t>(std::floor(value))) : show_number(value);
}

struct Maker {
  const ScenarioIndex& index;
  double duration_h;
  CandidateList list;

  // `what`: how the agency shares at `trust` ("shares with agency.uk in
  // full"); `why` follows the trust's change in the description.
  void trust_to(const std::string& agency, const std::string& partner, double trust,
                const std::string& what, const std::string& why) {
    const auto place = index.trust(agency, partner);
    if (!place || place->trust == trust) return;
    list.add({fmt::format("{} {} (trust {} -> {}{})", agency, what, show_number(place->trust),
                          show_number(trust), why),
              {{place->path, show_number(trust)}}});
  }

  void full_sharing(const v1::SharingDecision& decision, const std::string& note) {
    // Above 1 means never in full (scenarios/README.md, "Policy table").
    if (!decision.has_full_trust_min() || decision.full_trust_min() > 1) return;
    trust_to(decision.node(), decision.for_(), decision.full_trust_min(),
             "shares with " + decision.for_() + " in full",
             fmt::format(", its full_trust_min for {} reports{}", decision.source_value(), note));
  }

  void link_loss(const std::string& handoff, double probability, const std::string& note) {
    const auto [from, to] = link_ends(handoff);
    const auto place = from.empty() ? std::nullopt : index.link(from, to);
    if (!place || !place->loss_probability || *place->loss_probability == probability) return;
    list.add({fmt::format("{} {} (loss {} -> {}{})", link_name(from, to, *place),
                          probability == 0 ? "loses nothing" : "loses everything",
                          show_number(*place->loss_probability), show_number(probability), note),
              {{place->path + ".loss.probability", show_number(probability)}}});
  }

  void link_delay(const std::string& handoff, double factor) {
    const auto [from, to] = link_ends(handoff);
    const auto place = from.empty() ? std::nullopt : index.link(from, to);
    if (!place || place->delay_h.empty()) return;
    Candidate candidate;
    std::string changes;
    for (const NumberAt& part : place->delay_h) {
      const std::string text = number_text(part.value * factor, part.integer);
      if (text == number_text(part.value, part.integer)) continue;
      candidate.overrides.push_back({place->path + ".delay." + part.key, text});
      changes += fmt::format("{}{} {} -> {}", changes.empty() ? "" : ", ", part.key,
                             show_number(part.value), text);
    }
    candidate.description =
        fmt::format("{} twice as {} (delay {}: {})", link_name(from, to, *place),
                    factor < 1 ? "fast" : "slow", factor < 1 ? "halved" : "doubled", changes);
    list.add(std::move(candidate));
  }

  void workers(const std::string& handoff, int64_t workers, const std::string& note) {
    const auto place = index.department(handoff);
    if (!place || place->workers == workers) return;
    list.add({fmt::format("{} with {} (workers {} -> {}{})", handoff,
                          workers > place->workers ? "twice the workers" : "1 worker",
                          place->workers, workers, note),
              {{place->path + ".workers", std::to_string(workers)}}});
  }
  void more_workers(const std::string& handoff, const std::string& note) {
    if (const auto place = index.department(handoff)) {
      workers(handoff, place->workers * 2, note);
    }
  }

  void no_expiry(const std::string& handoff, const std::string& note) {
    const auto place = index.department(handoff);
    const auto ttl_h = static_cast<int64_t>(std::ceil(duration_h)) + 1;
    if (!place || place->ttl_h >= static_cast<double>(ttl_h)) return;
    list.add({fmt::format("{} keeps what waits to the end of the run (ttl_h {} -> {}: no "
                          "expiry{})",
                          handoff, show_number(place->ttl_h), ttl_h, note),
              {{place->path + ".ttl_h", std::to_string(ttl_h)}}});
  }

  void undo_loss(const v1::PlotOutcome& plot, const v1::CopyEnd& loss) {
    if (loss.fate() != "lost") return;
    const std::string note = fmt::format("; undoes the loss of {} cop{} there ({})", loss.count(),
                                         loss.count() == 1 ? "y" : "ies", loss.reason());
    if (is_sharing(loss.handoff())) {
      for (const v1::SharingDecision& decision : plot.withheld_at()) {
        if (decision.node() != loss.node()) continue;
        full_sharing(decision,
                     fmt::format("; undoes the withholding of {} cop{} ({})", decision.count(),
                                 decision.count() == 1 ? "y" : "ies", decision.reason()));
      }
    } else if (!link_ends(loss.handoff()).first.empty()) {
      link_loss(loss.handoff(), 0, note);
    } else if (loss.reason().rfind("expired", 0) == 0) {
      no_expiry(loss.handoff(), note);
    } else if (loss.reason().rfind("dropped", 0) == 0) {
      more_workers(loss.handoff(), note);
    }
  }

  void avert(const v1::PlotOutcome& plot) {
    for (const v1::CopyEnd& loss : plot.lost_at()) undo_loss(plot, loss);
    for (const v1::SharingDecision& decision : plot.withheld_at()) full_sharing(decision, "");
    for (const v1::SharingDecision& decision : plot.degraded_at()) full_sharing(decision, "");
    std::vector<std::string> links;
    std::vector<std::string> departments;
    std::set<std::string> seen;
    for (const v1::Copy& copy : plot.copies()) {
      for (const v1::Hop& hop : copy.hops()) {
        if (!seen.insert(hop.handoff()).second || is_sharing(hop.handoff())) continue;
        (link_ends(hop.handoff()).first.empty() ? departments : links).push_back(hop.handoff());
      }
    }
    for (const std::string& link : links) link_loss(link, 0, "");
    for (const std::string& link : links) link_delay(link, 0.5);
    for (const std::string& department : departments) more_workers(department, "");
    for (const std::string& department : departments) no_expiry(department, "");
  }

  // The sharing decision of `agency` for `partner` on an averted plot's
  // path made sanitised, then withheld: its trust lowered to the policy's
  // thresholds for the warning's report's source (or, when they cannot be
  // found, to 0).
  void share_less(const std::string& agency, const std::string& partner,
                  const v1::PlotOutcome& plot) {
    const std::string& msg = plot.first_actionable_msg();
    const auto policy = index.thresholds(agency, msg.substr(0, msg.find('>')));
    if (!policy) {
      trust_to(agency, partner, 0, "withholds from " + partner, "");
      return;
    }
    if (policy->sanitised_trust_min < policy->full_trust_min) {
      trust_to(agency, partner, policy->sanitised_trust_min,
               "shares with " + partner + " only sanitised",
               fmt::format(", its sanitised_trust_min for {} reports", policy->source_value));
    }
    if (policy->sanitised_trust_min > 0) {
      trust_to(agency, partner, 0, "withholds from " + partner,
               fmt::format(", below its sanitised_trust_min for {} reports", policy->source_value));
    }
  }

  void lose(const v1::PlotOutcome& plot) {
    std::vector<std::string> hops(plot.path().begin(), plot.path().end());
    if (hops.empty()) {
      for (const v1::Copy& copy : plot.copies()) {
        for (const v1::Hop& hop : copy.hops()) hops.push_back(hop.handoff());
      }
    }
    for (size_t i = 0; i < hops.size(); ++i) {
      const std::string& handoff = hops[i];
      if (is_sharing(handoff)) {
        // The partner is where the next hop, the liaison link, leads.
        const auto [from, to] =
            i + 1 < hops.size() ? link_ends(hops[i + 1]) : std::pair<std::string, std::string>();
        if (!to.empty()) share_less(from, to, plot);
      } else if (!link_ends(handoff).first.empty()) {
        link_loss(handoff, 1, "");
        link_delay(handoff, 2);
      } else {
        workers(handoff, 1, "");
      }
    }
  }
};

}  // namespace

std::vector<Candidate> candidates_for(const v1::PlotOutcome& plot, Question question,
                                      const ScenarioIndex& index, double duration_h) {
  Maker maker{index, duration_h, {}};
  if (question == Question::kAvert) {
    maker.avert(plot);
  } else {
    maker.lose(plot);
  }
  return maker.list.take();
}

std::vector<Candidate> union_of(const std::vector<std::vector<Candidate>>& lists) {
  CandidateList list;
  for (const std::vector<Candidate>& candidates : lists) {
    for (const Candidate& candidate : candidates) list.add(candidate);
  }
  return list.take();
}

}  // namespace tearline::whatif
