#include "analysis/read/trace_reader.h"

#include <algorithm>
#include <system_error>
#include <tuple>
#include <utility>

#include "analysis/read/trace_scan.h"

namespace tearline::report {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kLauncherTrace = "launcher.trace.jsonl";

}  // namespace

std::vector<fs::path> find_mode_dirs(const fs::path& run_dir) {
  std::vector<fs::path> modes;
  std::error_code ec;
  for (fs::directory_iterator it(run_dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code entry_ec;
    if (it->is_directory(entry_ec) && fs::is_regular_file(it->path() / kLauncherTrace, entry_ec)) {
      modes.push_back(it->path());
    }
  }
  std::sort(modes.begin(), modes.end());
  return modes;
}

ModeTraces read_mode(const fs::path& mode_dir, std::vector<std::string>* warnings) {
  ModeScan scan(mode_dir);
  ModeTraces traces;
  traces.mode = scan.mode();
  traces.files = scan.files();
  scan.read([&traces](const EventFields& fields) { traces.events.push_back(event_of(fields)); },
            warnings);
  sort_in_time_order(&traces.events);
  return traces;
}

void sort_in_time_order(std::vector<Event>* events) {
  // Sorts small keys, then moves each event once: events are large.
  struct Key {
    double t_h;
    int64_t wall_ms;
    size_t file, line, index;
  };
  std::vector<Key> keys;
  keys.reserve(events->size());
  for (size_t i = 0; i < events->size(); ++i) {
    const Event& event = (*events)[i];
    keys.push_back({event.t_h, event.wall_ms.value_or(0), event.file, event.line, i});
  }
  // The index breaks ties as stable_sort would.
  std::sort(keys.begin(), keys.end(), [](const Key& a, const Key& b) {
    return std::tie(a.t_h, a.wall_ms, a.file, a.line, a.index) <
           std::tie(b.t_h, b.wall_ms, b.file, b.line, b.index);
  });
  std::vector<Event> sorted;
  sorted.reserve(events->size());
  for (const Key& key : keys) sorted.push_back(std::move((*events)[key.index]));
  *events = std::move(sorted);
  for (size_t i = 0; i < events->size(); ++i) (*events)[i].order = i;
}

}  // namespace tearline::report
