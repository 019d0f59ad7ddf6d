// A run's traces as the exporters need them: the report reader's events and
// each mode's RunInfo. Internal to tearline_trace_exports.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "analysis/read/run_info.h"
#include "analysis/read/trace_reader.h"

namespace tearline::trace_exports {

struct ModeEvents {
  report::ModeTraces traces;
  std::optional<v1::RunInfo> run;  // RunInfo of the mode's run event.
};

// Every mode of run_dir, sorted by name, with the losses crashes caused
// (crash_losses.h). Malformed lines are skipped with one warning each
// (file:line) appended to *warnings, if not null.
std::vector<ModeEvents> read_run(const std::string& run_dir, std::vector<std::string>* warnings);

// Every plot's trace ids from the modes' run events, in first-seen order:
// what the diagrams draw when no trace id is chosen.
std::vector<std::string> plot_trace_ids(const std::vector<ModeEvents>& modes);
// The same from each mode's RunInfo (null where a mode has none).
std::vector<std::string> plot_trace_ids(const std::vector<const v1::RunInfo*>& runs);

// Each message's trace id as report::MessageIndex::trace_of() gives it (the
// first trace id among its events, else its nearest ancestor's), learnt from
// one pass over a mode's events: a string or two per message.
class TraceIds {
 public:
  void see(const report::Event& event);
  // "" when neither the message nor an ancestor has a trace id.
  std::string trace_of(const std::string& msg) const;

 private:
  struct Known {
    std::string trace;
    std::string parent;
    bool created = false;
  };
  std::unordered_map<std::string, Known> messages_;
};

// FNV-1a, 64 bits: the exporters' ids, stable from run to run (the same
// run, the same file).
uint64_t fnv1a(std::string_view text);

// Whether an event of `kind` ends a message's stay in a queue.
bool ends_queue_stay(std::string_view kind);

// An event's text fields as the exporters annotate a step with them, in one
// order: put(name, value) for each that is not empty. The Perfetto JSON
// export leaves out node and peer (its tracks name them already).
enum class WithNodeAndPeer { kNo, kYes };
template <typename Put>
void for_each_annotation(const report::Event& event, WithNodeAndPeer with, Put put) {
  const auto one = [&put](const char* name, const std::string& value) {
    if (!value.empty()) put(name, value);
  };
  one("msg", event.msg);
  one("trace", event.trace);
  if (with == WithNodeAndPeer::kYes) one("node", event.node);
  one("handoff", event.handoff);
  if (with == WithNodeAndPeer::kYes) one("peer", event.peer);
  one("reason", event.reason);
  one("parent", event.parent);
  one("fault", event.fault);
  one("by", event.by);
}

// "A->B" for a link handoff: true, with *from = A and *to = B.
bool split_link(const std::string& handoff, std::string* from, std::string* to);

}  // namespace tearline::trace_exports
