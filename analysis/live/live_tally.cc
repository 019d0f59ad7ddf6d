#include "analysis/live/live_tally.h"

#include <algorithm>
#include <optional>
#include <tuple>

#include "analysis/read/handoff_stats.h"
#include "analysis/read/run_info.h"
#include "analysis/read/trace_scan.h"
#include "analysis/report/mode_builder.h"

namespace tearline::live {
namespace {

using nlohmann::json;

bool changes_depth(const std::string& kind) {
  return kind == "queued" || kind == "dequeued" || kind == "served" || kind == "expired";
}

// The report's time order (ModeScan::read_in_time_order()): scenario time,
// then wall time, then file, then line.
bool earlier(const report::Event& a, const report::Event& b) {
  return std::tie(a.t_h, a.wall_ms, a.file, a.line) < std::tie(b.t_h, b.wall_ms, b.file, b.line);
}

}  // namespace

LiveTally::LiveTally(std::filesystem::path mode_dir)
    : mode_dir_(std::move(mode_dir)), tail_(mode_dir_) {}

LiveTally::~LiveTally() = default;

bool LiveTally::update() {
  TraceTail::Batch batch = tail_.read_new();
  const bool changed = batch.restarted || batch.malformed_lines > 0 || !batch.events.empty();
  if (batch.restarted) forget();
  malformed_lines_ += batch.malformed_lines;
  if (!feed(&batch.events)) {
    // Read again from the start, for a builder made with every file found
    // by now and the run event, if written: this batch cannot ask again.
    tail_.restart();
    forget();
    batch = tail_.read_new();
    malformed_lines_ += batch.malformed_lines;
    feed(&batch.events);
  }
  return changed;
}

void LiveTally::forget() {
  builder_.reset();
  builder_files_ = 0;
  builder_has_run_ = false;
  depth_msgs_.clear();
  now_h_ = 0;
  events_ = 0;
  malformed_lines_ = 0;
}

bool LiveTally::feed(std::vector<report::Event>* events) {
  if (events->empty()) return true;
  std::stable_sort(events->begin(), events->end(), earlier);
  const auto run = std::find_if(events->rbegin(), events->rend(), [](const report::Event& event) {
    return event.kind == "run" && event.run.is_object();
  });
  const bool has_run = run != events->rend();
  if (builder_) {
    const bool new_file = std::any_of(events->begin(), events->end(), [this](const auto& event) {
      return event.file >= builder_files_;
    });
    if (new_file || (has_run && !builder_has_run_)) return false;
  } else {
    std::optional<v1::RunInfo> info =
        has_run ? report::parse_run_info(run->run, nullptr) : std::nullopt;
    builder_has_run_ = has_run;
    builder_files_ = tail_.files().size();
    builder_ = std::make_unique<report::ModeBuilder>(mode_dir_.filename().string(), std::move(info),
                                                     tail_.files());
  }
  for (const report::Event& event : *events) {
    builder_->add(report::fields_of(event));
    ++events_;
    if (event.node != "launcher") now_h_ = std::max(now_h_, event.t_h);
    if (changes_depth(event.kind) &&
        report::classify_handoff(event.handoff).type == report::HandoffType::kQueue) {
      depth_msgs_[event.handoff] = event.depth.value_or(0);
    }
  }
  return true;
}

v1::ModeReport LiveTally::snapshot() {
  if (!builder_) return v1::ModeReport();
  v1::ModeReport report = builder_->snapshot();
  // Nodes write their "in_flight" events when they stop, so while the run
  // goes what a handoff took in and has neither passed on nor lost is held
  // there: in flight, as the report will count it at the end.
  for (v1::Handoff& handoff : *report.mutable_handoffs()) {
    const uint64_t passed = uint64_t{handoff.out()} + handoff.lost_total();
    handoff.set_in_flight(handoff.in() > passed ? static_cast<uint32_t>(handoff.in() - passed) : 0);
  }
  return report;
}

json figures_json(const v1::ModeReport& report, const LiveTally& tally) {
  json handoffs = json::array();
  for (const v1::Handoff& row : report.handoffs()) {
    json lost = json::object();
    for (const auto& [reason, messages] : row.lost()) lost[reason] = messages;
    json depth = nullptr;
    if (row.type() == "queue") {
      const auto found = tally.depths().find(row.name());
      depth = found == tally.depths().end() ? 0u : found->second;
    }
    handoffs.push_back({{"name", row.name()},
                        {"type", row.type()},
                        {"in", row.in()},
                        {"out", row.out()},
                        {"lost", std::move(lost)},
                        {"lost_total", row.lost_total()},
                        {"in_flight", row.in_flight()},
                        {"depth", std::move(depth)}});
  }
  json plots = json::array();
  for (const v1::PlotOutcome& plot : report.plots()) {
    plots.push_back({{"id", plot.id()},
                     {"area", plot.area()},
                     {"attack_h", plot.attack_h()},
                     {"state", plot.averted()        ? "actionable"
                               : plot.warnings() > 0 ? "thin"
                                                     : "none"},
                     {"warnings", plot.warnings()}});
  }
  return {{"now_h", tally.now_h()},
          {"duration_h", report.has_run() ? json(report.run().duration_h()) : json(nullptr)},
          {"start_iso", report.run().start_iso()},
          {"events", tally.events()},
          {"malformed_lines", tally.malformed_lines()},
          {"handoffs", std::move(handoffs)},
          {"plots", std::move(plots)}};
}

}  // namespace tearline::live
