// The text report's centre section: failovers, hours without an active
// centre, and which member sent the warnings.
#include <fmt/format.h>

#include <algorithm>

#include "analysis/explain/text_tables.h"

namespace tearline::explain {
namespace {

using report::Align;
using report::kLineWidthMax;
using report::TextTable;

// "2017-05-05 15:15", or "15:15" when on the same day as `since`.
std::string until_text(const std::optional<std::string>& iso, double t_h,
                       const std::string& since) {
  const std::string text = when_text(iso, t_h);
  constexpr size_t kDateSize = 11;  // "2017-05-05 ".
  if (iso && text.size() > kDateSize && since.starts_with(text.substr(0, kDateSize))) {
    return text.substr(kDateSize);
  }
  return text;
}

// "broker 812, broker.b 130", members in the centre's order.
std::string per_member_text(const google::protobuf::Map<std::string, uint32_t>& counts,
                            const v1::Centre& centre) {
  std::string text;
  for (const std::string& member : centre.members()) {
    if (!text.empty()) text += ", ";
    const auto found = counts.find(member);
    text +=
        fmt::format("{} {}", member, found == counts.end() ? "-" : std::to_string(found->second));
  }
  return text.empty() ? "-" : text;
}

void append_down_and_failovers(const v1::Centre& centre, std::string* out) {
  // Down intervals at their start and failovers, in time order; a down
  // interval before a failover at the same hour.
  struct Row {
    double t_h;
    int rank;
    std::vector<std::string> cells;
  };
  std::vector<Row> rows;
  for (const v1::Centre::Down& interval : centre.down()) {
    const std::string since =
        when_text(optional_of(interval.has_when(), interval.when()), interval.t_h());
    const bool back = interval.has_back();
    rows.push_back(
        {interval.t_h(),
         0,
         {"down",
          fmt::format("{} - {}", since,
                      back ? until_text(optional_of(interval.has_until(), interval.until()),
                                        interval.until_h(), since)
                           : "end of run"),
          fmt::format("({} h)", hours_text(interval.hours())),
          fmt::format("{} {}, {}", interval.member(), interval.reason(),
                      back ? "back on " + interval.back() : "no member active again")}});
  }
  for (const v1::Centre::Failover& failover : centre.failovers()) {
    rows.push_back(
        {failover.t_h(),
         1,
         {"failover", when_text(optional_of(failover.has_when(), failover.when()), failover.t_h()),
          "", fmt::format("{} -> {}", failover.from(), failover.to())}});
  }
  std::stable_sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
    return a.t_h != b.t_h ? a.t_h < b.t_h : a.rank < b.rank;
  });
  TextTable table({{"event"}, {"when"}, {"hours", Align::kRight}, {"members", Align::kLeft, true}},
                  2);
  for (Row& row : rows) table.add_row(std::move(row.cells));
  *out += table.render();
  *out += fmt::format("  without an active centre: {} h in all\n",
                      hours_text(centre.hours_without_centre()));
}

}  // namespace

void append_centre(const v1::RunReport& report, const Modes& modes, std::string* out) {
  for (const std::string& mode : modes) {
    const v1::ModeReport& mode_report = report.modes().at(mode);
    if (!mode_report.has_centre()) continue;
    const v1::Centre& centre = mode_report.centre();
    *out += fmt::format(
        "\nCENTRE, {}: failovers between the centre's members, hours without an active centre,\n"
        "and which member sent the warnings to units.\n",
        mode);
    if (centre.failovers().empty() && centre.down().empty()) {
      *out += "  no failover, and a member was the active centre throughout\n";
    } else {
      append_down_and_failovers(centre, out);
    }
    *out += report::cut(fmt::format("  warnings sent to units: {}; resent: {}",
                                    per_member_text(centre.warnings_by_member(), centre),
                                    per_member_text(centre.resends_by_member(), centre)),
                        kLineWidthMax) +
            '\n';
  }
}

}  // namespace tearline::explain
