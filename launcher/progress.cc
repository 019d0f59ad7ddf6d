#include "launcher/progress.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>

#include "base/iso_time.h"

namespace tearline {

std::string scenario_time_text(int64_t start_unix_s, double t_h) {
  // "YYYY-MM-DDTHH:MM:SS" as "YYYY-MM-DD HH:MM".
  std::string text = format_iso(start_unix_s + static_cast<int64_t>(t_h * 3600), "");
  text[10] = ' ';
  return text.substr(0, 16);
}

Progress::Progress(std::string mode, int64_t start_unix_s, double duration_h, bool enabled,
                   const WallClock& clock)
    : mode_(std::move(mode)),
      start_unix_s_(start_unix_s),
      duration_h_(duration_h),
      enabled_(enabled),
      terminal_(isatty(STDERR_FILENO) != 0),
      clock_(clock) {}

void Progress::update(double now_h, double behind_h) {
  if (!enabled_) return;
  const double fraction = std::clamp(now_h / duration_h_, 0.0, 1.0);
  // Below an hour behind is the pace's own granularity, not a lag.
  const std::string lag =
      behind_h >= 1 ? fmt::format("  {:.0f} h behind the pace", behind_h) : std::string();
  if (terminal_) {
    constexpr auto kRedraw = std::chrono::milliseconds(100);
    const WallClock::Time now = clock_.now();
    if (now - last_drawn_ < kRedraw && fraction < 1) return;
    last_drawn_ = now;
    constexpr int kBarWidth = 30;
    const int filled = static_cast<int>(fraction * kBarWidth);
    fmt::print(
        stderr, "\r{:<12} {} UTC  day {:>3}/{}  [{}{}] {:3.0f}%{:<28}", mode_,
        scenario_time_text(start_unix_s_, now_h),
        std::min(static_cast<int>(now_h / 24) + 1, static_cast<int>(std::ceil(duration_h_ / 24))),
        static_cast<int>(std::ceil(duration_h_ / 24)),
        std::string(static_cast<size_t>(filled), '#'),
        std::string(static_cast<size_t>(kBarWidth - filled), '.'), fraction * 100, lag);
    std::fflush(stderr);
    return;
  }
  const int quarter = static_cast<int>(fraction * 4);
  if (quarter > last_quarter_) {
    last_quarter_ = quarter;
    fmt::print(stderr, "{}: scenario time {} UTC ({:.0f}%){}\n", mode_,
               scenario_time_text(start_unix_s_, now_h), fraction * 100, lag);
  }
}

void Progress::finish(const std::string& outcome) {
  if (!enabled_) return;
  if (terminal_) fmt::print(stderr, "\n");
  fmt::print(stderr, "{}: {}\n", mode_, outcome);
}

}  // namespace tearline
