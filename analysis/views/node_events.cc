#include "analysis/views/node_events.h"

#include <fmt/format.h>

#include <algorithm>
#include <unordered_map>
#include <utility>

#include "analysis/views/crash_tracker.h"
#include "analysis/views/interner.h"

namespace tearline::trace_views {
namespace {

// The order of report::sort_in_time_order after add_crash_losses: a derived
// loss after the read event it ties with, derived losses in id order.
template <typename Row>
bool in_time_order(const Row& a, const Row& b) {
  if (a.key < b.key) return true;
  if (b.key < a.key) return false;
  if (a.derived != b.derived) return b.derived;
  return a.msg < b.msg;
}

struct LineageEntry {
  Lineage lineage;
};

}  // namespace

NodeRow NodeEvents::Held::row() const {
  return {key, derived, kind, msg, handoff, peer, reason, depth};
}

NodeEvents::Held NodeEvents::held_of(const report::EventFields& fields) {
  return {TimeKey::of(fields),         false,
          std::string(fields.kind),    std::string(fields.msg),
          std::string(fields.handoff), std::string(fields.peer),
          std::string(fields.reason),  fields.depth};
}

NodeEvents::NodeEvents(const std::filesystem::path& mode_dir, std::string node,
                       const TraceFilter& filter)
    : scan_(std::make_unique<report::ModeScan>(mode_dir)), node_(std::move(node)), filter_(filter) {
  info_ = mode_info(scan_->mode(), scan_->run_info(), filter_);
  const std::string own_name = node_ + ".trace.jsonl";
  const auto& files = scan_->files();
  for (size_t i = 0; i < files.size(); ++i) {
    if (std::filesystem::path(files[i]).filename() == own_name) streamed_file_ = i;
  }
}

NodeEvents::~NodeEvents() = default;

bool NodeEvents::in_plot(std::string_view trace, std::string_view msg) const {
  if (filter_.plot.empty()) return true;
  // As trace_of(LoadedMode, Event): its own trace id, else its message's.
  if (!trace.empty() || msg.empty()) return passes_plot(filter_, info_, trace);
  return plot_messages_.contains(msg);
}

void NodeEvents::read(std::vector<std::string>* warnings) {
  Interner names;
  CrashTracker crashes(&names);
  std::unordered_map<std::string_view, LineageEntry> lineages;  // For the plot filter.
  // The node's events outside its own file (by name), with their trace ids.
  std::vector<std::pair<Held, std::string>> apart;
  const size_t file_count = scan_->files().size();
  std::vector<size_t> events_by_file(file_count);
  std::vector<std::optional<TimeKey>> last_by_file(file_count);
  std::vector<bool> out_of_order(file_count);
  scan_->read(
      [&](const report::EventFields& fields) {
        crashes.add(fields);
        if (!filter_.plot.empty() && !fields.msg.empty()) {
          lineages[fields.msg].lineage.add(fields, TimeKey::of(fields));
        }
        if (fields.node != node_) return;
        known_ = true;
        const TimeKey key = TimeKey::of(fields);
        ++events_by_file[fields.file];
        if (last_by_file[fields.file] && key < *last_by_file[fields.file]) {
          out_of_order[fields.file] = true;
        }
        last_by_file[fields.file] = key;
        if (fields.file != streamed_file_ &&
            passes_node_and_window(filter_, fields.node, fields.t_h)) {
          apart.emplace_back(held_of(fields), std::string(fields.trace));
        }
      },
      warnings);
  if (!filter_.plot.empty()) {
    for (const auto& [id, entry] : lineages) {
      if (passes_plot(filter_, info_, trace_of(lineages, id))) plot_messages_.emplace(id);
    }
  }
  for (const DerivedLoss& derived : crashes.losses()) {
    if (names.text(derived.loss.node) != node_ ||
        !passes_node_and_window(filter_, node_, derived.loss.key.t_h) ||
        !in_plot(derived.last.trace, derived.msg)) {
      continue;
    }
    held_.push_back({derived.loss.key, true, "lost", std::string(derived.msg),
                     std::string(names.text(derived.loss.handoff)), "",
                     std::string(derived.loss.reason), std::nullopt});
  }

  // The file streamed: the one in time order that holds most of the node's
  // events (its own, or a centre member's); the rest are held.
  const std::optional<size_t> guessed = streamed_file_;
  streamed_file_.reset();
  for (size_t file = 0; file < file_count; ++file) {
    if (out_of_order[file] && warnings != nullptr) {
      warnings->push_back(
          fmt::format("{}: lines out of time order: node {}'s events held in memory",
                      scan_->files()[file], node_));
    }
    if (!out_of_order[file] && events_by_file[file] > 0 &&
        (!streamed_file_ || events_by_file[file] > events_by_file[*streamed_file_])) {
      streamed_file_ = file;
    }
  }
  if (streamed_file_ == guessed) {
    for (auto& [held, trace] : apart) {
      if (in_plot(trace, held.msg)) held_.push_back(std::move(held));
    }
  } else {
    apart.clear();
    scan_->read(
        [&](const report::EventFields& fields) {
          if (fields.file != streamed_file_ && fields.node == node_ &&
              passes_node_and_window(filter_, fields.node, fields.t_h) &&
              in_plot(fields.trace, fields.msg)) {
            held_.push_back(held_of(fields));
          }
        },
        nullptr);  // Warned in the first pass.
  }
  std::sort(held_.begin(), held_.end(), in_time_order<Held>);
}

void NodeEvents::for_each(const std::function<void(const NodeRow&)>& visit) {
  size_t next_held = 0;
  if (streamed_file_) {
    scan_->read(
        [&](const report::EventFields& fields) {
          if (fields.file != streamed_file_ || fields.node != node_ ||
              !passes_node_and_window(filter_, fields.node, fields.t_h) ||
              !in_plot(fields.trace, fields.msg)) {
            return;
          }
          const NodeRow row{TimeKey::of(fields), false,       fields.kind,   fields.msg,
                            fields.handoff,      fields.peer, fields.reason, fields.depth};
          for (; next_held < held_.size() && in_time_order(held_[next_held].row(), row);
               ++next_held) {
            visit(held_[next_held].row());
          }
          visit(row);
        },
        nullptr);  // Warned in the first pass.
  }
  for (; next_held < held_.size(); ++next_held) visit(held_[next_held].row());
}

}  // namespace tearline::trace_views
