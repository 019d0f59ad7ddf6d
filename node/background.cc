#include "node/background.h"

namespace tearline {

BackgroundStream::BackgroundStream(std::string owner, const BackgroundSpec& spec,
                                   std::vector<std::string> areas, const Random& random,
                                   double end_h)
    : owner_(std::move(owner)),
      spec_(spec),
      areas_(std::move(areas)),
      random_(random),
      end_h_(end_h) {
  schedule_next();
}

void BackgroundStream::schedule_next() {
  next_h_.reset();
  if (spec_.rate_per_h <= 0) return;
  const double at_h =
      last_h_ + random_.exponential(1.0 / spec_.rate_per_h, "background-arrival:" + owner_,
                                    std::to_string(count_));
  if (at_h < end_h_) next_h_ = at_h;
}

void BackgroundStream::skip_until(double now_h) {
  while (next_h_ && *next_h_ < now_h) {
    last_h_ = *next_h_;
    ++count_;
    schedule_next();
  }
}

v1::ThreatReport BackgroundStream::pop() {
  const std::string stream = "background-fields:" + owner_;
  const std::string key = std::to_string(count_);
  const std::string report_id = "bg." + owner_ + "." + key;
  v1::ThreatReport report;
  report.set_report_id(report_id);
  report.set_trace_id(report_id);
  report.set_background(true);
  report.set_observed_at_h(*next_h_);
  report.mutable_source()->set_value("open");

  double pick = random_.uniform(stream, key, 0);
  v1::Severity severity = v1::SEVERITY_LOW;
  for (const auto& [candidate, weight] : spec_.severity_weights) {
    severity = candidate;
    if (pick < weight) break;
    pick -= weight;
  }
  report.set_severity(severity);
  report.set_tlp(v1::TLP_GREEN);
  report.set_credibility("C3");
  if (!areas_.empty() && random_.uniform(stream, key, 1) < spec_.area_share) {
    const auto index =
        static_cast<size_t>(random_.uniform(stream, key, 2) * static_cast<double>(areas_.size()));
    report.set_area(areas_[index < areas_.size() ? index : 0]);
  }
  if (random_.uniform(stream, key, 3) < spec_.field_share) report.set_subject("bg-" + key);
  if (random_.uniform(stream, key, 4) < spec_.field_share) report.set_site("unspecified");
  if (random_.uniform(stream, key, 5) < spec_.field_share) report.set_method("unspecified");
  if (random_.uniform(stream, key, 6) < spec_.field_share) {
    // Some day within the next month, for two days.
    const double start_h = *next_h_ + 24 + random_.uniform(stream, key, 7) * 720;
    report.mutable_window()->set_start_h(start_h);
    report.mutable_window()->set_end_h(start_h + 48);
  }

  last_h_ = *next_h_;
  ++count_;
  schedule_next();
  return report;
}

}  // namespace tearline
