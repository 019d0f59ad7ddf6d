#include "sweep/sweep_json.h"

#include "proto/proto_json.h"
#include "sweep/sweep_grid.h"

namespace tearline::sweep {
namespace {

// Printing fails only for values JSON cannot hold: a lead time that is not
// finite, which a report never holds.
constexpr proto_json::File<v1::SweepResults, SweepError> kSweepJson{"sweep.json", "sweep",
                                                                    kSweepJsonMaxBytes};

}  // namespace

std::string to_json(const v1::SweepResults& results) { return kSweepJson.print(results); }

v1::SweepResults sweep_from_json(std::string_view text) { return kSweepJson.parse(text); }

v1::SweepResults read_sweep_json(const std::string& path) { return kSweepJson.read(path); }

}  // namespace tearline::sweep
