#include "analysis/read/run_info.h"

#include <google/protobuf/util/json_util.h>

namespace tearline::report {

std::optional<v1::RunInfo> parse_run_info(const nlohmann::json& run, std::string* error) {
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;
  v1::RunInfo info;
  const auto status = google::protobuf::util::JsonStringToMessage(run.dump(), &info, options);
  if (!status.ok()) {
    if (error != nullptr) *error = status.message().as_string();
    return std::nullopt;
  }
  return info;
}

bool is_centre(const v1::RunInfo* run_info, std::string_view node) {
  if (run_info == nullptr || run_info->agencies().empty() || node.empty() || node == "launcher") {
    return false;
  }
  for (const std::string& agency : run_info->agencies()) {
    if (agency == node) return false;
  }
  for (const v1::RunInfo::Unit& unit : run_info->units()) {
    if (unit.name() == node) return false;
  }
  return true;
}

}  // namespace tearline::report
