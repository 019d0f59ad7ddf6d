// `tearline compare --json FILE`: a RunComparison
// (proto/tearline/v1/run_comparison.proto) in protobuf's JSON mapping with
// the proto's field names.
#pragma once

#include <string>

#include "tearline/v1/run_comparison.pb.h"

namespace tearline::compare {

// Indented; fields with default values written too (a delta of 0 reads
// better than a missing key); a field with presence is left out when unset.
std::string comparison_json(const v1::RunComparison& comparison);

}  // namespace tearline::compare
