// A run event's RunInfo (proto/tearline/v1/trace.proto) through its
// generated type: how every reader of traces reads it. Internal to the
// analysis layers.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "tearline/v1/trace.pb.h"

namespace tearline::report {

// `run`, the "run" field of a trace line, read leniently: unknown fields are
// ignored (traces may be older, and RunInfo has reserved fields). Nullopt,
// with why in *error (if not null), when it is not a RunInfo.
std::optional<v1::RunInfo> parse_run_info(const nlohmann::json& run, std::string* error);

// The centre of `run_info`: a node (other than the launcher) that is none of
// its agencies and units. False without a RunInfo, or one that names no
// agency (a run always has agencies: such a RunInfo tells nothing).
bool is_centre(const v1::RunInfo* run_info, std::string_view node);

}  // namespace tearline::report
