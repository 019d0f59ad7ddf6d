// sweep.json: a SweepResults (proto/tearline/v1/sweep_results.proto) in
// protobuf's JSON mapping with the proto's field names. The one writer and
// the one reader of that file.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "tearline/v1/sweep_results.pb.h"

namespace tearline::sweep {

// Indented, fields with default values written too (an exit code of 0 and
// an empty map read better than a missing key); a field with presence is
// left out when unset. Maps come in key order, the same every time.
std::string to_json(const v1::SweepResults& results);

// Parses sweep.json. Unknown fields are refused (a file of another schema
// should not half-parse). Throws SweepError (sweep_grid.h) naming what is
// wrong.
v1::SweepResults sweep_from_json(std::string_view text);

// Reads and parses the file at `path`. Throws SweepError naming the file
// when it cannot be read or parsed; files above kSweepJsonMaxBytes are
// refused unread.
v1::SweepResults read_sweep_json(const std::string& path);

// A sweep.json larger than this is not one tearline wrote (a row is about
// 600 bytes: this holds some 400,000 runs x modes).
inline constexpr size_t kSweepJsonMaxBytes = size_t{256} << 20;

}  // namespace tearline::sweep
