#include "analysis/exports/otlp_time.h"

#include <cmath>
#include <limits>

#include "base/iso_time.h"

namespace tearline::trace_exports {

namespace {

constexpr int64_t kNsPerSecond = 1'000'000'000;
constexpr double kNsPerHour = 3600.0 * 1e9;

}  // namespace

std::optional<int64_t> unix_ns_of_iso(std::string_view iso) {
  const std::optional<IsoTime> time = parse_iso(iso);
  if (!time) return std::nullopt;
  const int64_t seconds = time->unix_s();
  // 2262-04-11 is where int64 nanoseconds end.
  if (seconds < 0 || seconds >= std::numeric_limits<int64_t>::max() / kNsPerSecond - 1) {
    return std::nullopt;
  }
  return seconds * kNsPerSecond + time->fraction_ns;
}

int64_t unix_ns_at(int64_t start_unix_ns, double t_h) {
  const double ns = static_cast<double>(start_unix_ns) + std::round(t_h * kNsPerHour);
  if (!(ns > 0)) return 0;
  if (ns >= 9.2e18) return std::numeric_limits<int64_t>::max();
  // Integer addition keeps the start's precision: a double holds unix
  // nanoseconds only to about 256 ns.
  return start_unix_ns + std::llround(t_h * kNsPerHour);
}

}  // namespace tearline::trace_exports
