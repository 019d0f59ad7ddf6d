#include "analysis/ledger/mode_context.h"

#include <filesystem>
#include <string_view>

namespace tearline::report {
namespace {

constexpr std::string_view kTraceSuffix = ".trace.jsonl";

}  // namespace

ModeContext::ModeContext(std::optional<v1::RunInfo> run_info, const std::vector<std::string>& files)
    : run_info_(std::move(run_info)) {
  for (const std::string& path : files) {
    std::string name = std::filesystem::path(path).filename().string();
    if (name.ends_with(kTraceSuffix)) name.resize(name.size() - kTraceSuffix.size());
    stems_.push_back(std::move(name));
  }
  if (!run_info_) return;
  for (const std::string& agency : run_info_->agencies()) agencies_.insert(names.id(agency));
  for (const auto& unit : run_info_->units()) units_.insert(names.id(unit.name()));
  for (int plot = 0; plot < run_info_->plots_size(); ++plot) {
    for (const std::string& trace : run_info_->plots(plot).trace_ids()) {
      plots_by_trace_[names.id(trace)].push_back(static_cast<uint32_t>(plot));
    }
  }
}

bool ModeContext::is_node_file(uint32_t file) const {
  return stems_[file] != "launcher" && stems_[file] != "faults";
}

bool ModeContext::is_centre(uint32_t node) const {
  return run_info_ && node != 0 && names.name(node) != "launcher" && !is_agency(node) &&
         !is_unit(node);
}

}  // namespace tearline::report
