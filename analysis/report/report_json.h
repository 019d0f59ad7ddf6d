// report.json: a RunReport (proto/tearline/v1/run_report.proto) in
// protobuf's JSON mapping with the proto's field names. The one writer and
// the one reader of that file.
#pragma once

#include <string>
#include <string_view>

#include "tearline/v1/run_report.pb.h"

namespace tearline::report {

// Indented, fields with default values written too (a count of 0 reads
// better than a missing key); a field with presence is left out when unset.
std::string to_json(const v1::RunReport& report);

// Parses report.json. Unknown fields are refused (a file of another schema
// should not half-parse). Throws ReportError (report.h) naming what is
// wrong.
v1::RunReport report_from_json(std::string_view text);

// Reads and parses the file at `path`. Throws ReportError naming the file
// when it cannot be read or parsed; files above kReportJsonMaxBytes are
// refused unread.
v1::RunReport read_report_json(const std::string& path);

// A report.json larger than this is not one tearline wrote (manchester-2017
// writes about 70 KiB).
inline constexpr size_t kReportJsonMaxBytes = size_t{64} << 20;

}  // namespace tearline::report
