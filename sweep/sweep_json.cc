#include "sweep/sweep_json.h"

#include <fmt/format.h>

#include "proto/proto_json.h"
#include "sweep/sweep_grid.h"

namespace tearline::sweep {

std::string to_json(const v1::SweepResults& results) {
  std::string text;
  // Printing fails only for values JSON cannot hold: a lead time that is not
  // finite, which a report never holds.
  if (const std::string error = proto_json::print(results, &text); !error.empty()) {
    throw SweepError("sweep.json: " + error);
  }
  return text;
}

v1::SweepResults sweep_from_json(std::string_view text) {
  v1::SweepResults results;
  if (const std::string error = proto_json::parse(text, &results); !error.empty()) {
    throw SweepError(fmt::format("not a tearline sweep: {}", error));
  }
  return results;
}

v1::SweepResults read_sweep_json(const std::string& path) {
  std::string text;
  if (const std::string error = proto_json::read_file(path, kSweepJsonMaxBytes, &text);
      !error.empty()) {
    throw SweepError(fmt::format("{}: {}", path, error));
  }
  try {
    return sweep_from_json(text);
  } catch (const SweepError& e) {
    throw SweepError(fmt::format("{}: {}", path, e.what()));
  }
}

}  // namespace tearline::sweep
