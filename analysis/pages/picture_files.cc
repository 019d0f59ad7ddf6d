#include "analysis/pages/picture_files.h"

#include <algorithm>
#include <stdexcept>

#include "analysis/pictures/handoff_map.h"
#include "analysis/pictures/plot_timeline.h"
#include "analysis/pictures/svg.h"
#include "base/invariant.h"
#include "base/whole_file.h"

namespace tearline::pages {
namespace {

// Mode names and plot ids come from scenario files: a file name keeps only
// what cannot climb out of dir or confuse a shell.
std::string file_name_part(std::string name) {
  std::replace_if(
      name.begin(), name.end(),
      [](char c) {
        const bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                          (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
        return !safe;
      },
      '_');
  if (name.empty() || name.front() == '.') name.insert(0, "_");
  // Neither "", "." nor "..", and no separator: a name inside dir.
  TEARLINE_ASSERT(!name.empty() && name.front() != '.' && name.find('/') == std::string::npos);
  return name;
}

void write(const std::filesystem::path& path, const pictures::Picture& picture,
           std::vector<std::filesystem::path>* written) {
  if (const std::string error = write_whole_file(path, pictures::standalone_svg(picture));
      !error.empty()) {
    throw std::runtime_error(error);
  }
  written->push_back(path);
}

}  // namespace

std::vector<std::filesystem::path> write_pictures(const v1::RunReport& report,
                                                  const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> written;
  std::vector<std::string> plots;
  for (const auto& [mode_name, mode] : report.modes()) {
    write(dir / ("map-" + file_name_part(mode_name) + ".svg"),
          pictures::handoff_map(mode, mode_name), &written);
    for (const v1::PlotOutcome& plot : mode.plots()) {
      if (std::find(plots.begin(), plots.end(), plot.id()) == plots.end())
        plots.push_back(plot.id());
    }
  }
  for (const std::string& plot : plots) {
    const pictures::Picture timeline = pictures::plot_timeline(report, plot);
    if (timeline.svg.empty()) continue;
    write(dir / ("timeline-" + file_name_part(plot) + ".svg"), timeline, &written);
  }
  std::sort(written.begin(), written.end());
  return written;
}

}  // namespace tearline::pages
