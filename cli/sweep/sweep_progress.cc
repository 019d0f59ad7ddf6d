#include "cli/sweep/sweep_progress.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <utility>

namespace tearline {
namespace {

// "4:05", or "1:02:03" from an hour on.
std::string clock_text(double seconds) {
  const auto total = static_cast<long>(seconds + 0.5);
  return total >= 3600 ? fmt::format("{}:{:02}:{:02}", total / 3600, total / 60 % 60, total % 60)
                       : fmt::format("{}:{:02}", total / 60, total % 60);
}

}  // namespace

SweepProgress::SweepProgress(size_t total, size_t done_before, bool show, const WallClock& clock,
                             std::string label)
    : total_(total),
      done_before_(done_before),
      show_(show),
      tty_(isatty(STDERR_FILENO)),
      clock_(clock),
      label_(std::move(label)),
      began_(clock.now()) {}

void SweepProgress::update(size_t done, const std::string& activity) {
  if (!show_) return;
  const double elapsed_s = std::chrono::duration<double>(clock_.now() - began_).count();
  const size_t done_now = done - done_before_;
  std::string left = "";
  if (done_now > 0 && done < total_) {
    left =
        ", about " +
        clock_text(elapsed_s / static_cast<double>(done_now) * static_cast<double>(total_ - done)) +
        " left";
  }
  const std::string line = fmt::format("{}: {}/{} runs done, {}, {} elapsed{}", label_, done,
                                       total_, activity, clock_text(elapsed_s), left);
  if (tty_) {
    fmt::print(stderr, "\r{:<78}", line);
  } else if (done * 10 / std::max<size_t>(1, total_) != last_tenth_ ||
             (done == total_ && activity != last_activity_)) {
    last_tenth_ = done * 10 / std::max<size_t>(1, total_);
    last_activity_ = activity;
    fmt::print(stderr, "{}\n", line);
  }
}

void SweepProgress::finish() {
  if (show_ && tty_) fmt::print(stderr, "\n");
}

}  // namespace tearline
