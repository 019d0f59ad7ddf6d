// Scenario hours as the dates a reader thinks in ("22 May", "22 May 21:31"),
// from a run's start_iso. The report's own `*_at` fields are ISO strings;
// the pictures need any hour of an axis, so they convert here.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace tearline::pictures {

class Dates {
 public:
  // start_iso: "YYYY-MM-DDTHH:MM..." (seconds and zone ignored: the axis
  // speaks minutes, in the scenario's own zone). An empty or unparsable one
  // leaves the dates absent: texts fall back to scenario hours.
  explicit Dates(std::string_view start_iso);

  bool known() const { return start_minute_.has_value(); }
  // "22 May" (or "h 1653" without a start).
  std::string day(double t_h) const;
  // "22 May 21:31" (or "1653.5 h").
  std::string minute(double t_h) const;
  // Hours from t_h to the next midnight at or after it (0 when unknown).
  double to_midnight_h(double t_h) const;
  // 0 for Monday .. 6 for Sunday (0 when unknown).
  int weekday(double t_h) const;

 private:
  std::optional<long long> start_minute_;  // Minutes since 1970-01-01.
};

}  // namespace tearline::pictures
