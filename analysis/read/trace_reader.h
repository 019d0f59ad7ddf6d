// Reading a run's trace files (schema: proto/tearline/v1/trace.proto) into
// memory. Internal to tearline_report.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tearline::report {

struct EventFields;

// One trace line as read; absent fields hold their proto3 defaults. Only the
// fields the report uses are kept.
struct Event {
  size_t file = 0;   // Index into ModeTraces::files.
  size_t line = 0;   // 1-based line number in that file.
  size_t order = 0;  // Position in ModeTraces::events, i.e. in time order.
  double t_h = 0;
  std::optional<int64_t> wall_ms;
  std::string node;
  std::string kind;
  std::string msg;
  std::string trace;
  std::string peer;
  std::string handoff;
  std::string reason;
  std::string fault;  // fault: the command, e.g. "crash".
  std::string by;     // fault: who issued it.
  std::string parent;
  std::string source_kind;
  std::string source;
  std::string source_agency;
  std::vector<std::string> detail;
  bool actionable = false;
  std::optional<uint64_t> peak_rss_kib;
  std::optional<uint32_t> depth;  // Queue depth, messages (absent when 0).
  std::optional<uint32_t> attempt;
  double wait_h = 0;     // dequeued, served: time waiting in the queue.
  double service_h = 0;  // served: time in service.
  // shared, sanitised, withheld: the sharing policy's why (trace.proto).
  std::string source_value;
  std::optional<double> trust, full_trust_min, sanitised_trust_min;
  nlohmann::json run;    // RunInfo of a "run" event, else null.
  bool derived = false;  // Not read but derived: a crash loss (crash_losses.h).
};

// All events of one mode directory.
struct ModeTraces {
  std::string mode;
  std::vector<std::string> files;  // Paths, in the order read.
  std::vector<Event> events;       // In time order; see read_mode().
};

// The subdirectories of run_dir that hold a launcher.trace.jsonl, sorted by
// name. Empty if run_dir is not a readable directory.
std::vector<std::filesystem::path> find_mode_dirs(const std::filesystem::path& run_dir);

// Reads every *.trace.jsonl in mode_dir, as ModeScan::read() does: malformed
// lines and an earlier run's lines are skipped, with warnings naming file and
// line appended to *warnings (if not null). Events are sorted by scenario
// time, then wall time, then file and line, so one node's events keep the
// order it wrote them.
ModeTraces read_mode(const std::filesystem::path& mode_dir, std::vector<std::string>* warnings);

// An Event holding copies of `fields`.
Event event_of(const EventFields& fields);

// Assigns every field `from` and `to` share by name (all but Event::order
// and the run): Event and EventFields, either way.
template <typename From, typename To>
void copy_fields(const From& from, To* to) {
  to->file = from.file;
  to->line = from.line;
  to->t_h = from.t_h;
  to->wall_ms = from.wall_ms;
  to->node = from.node;
  to->kind = from.kind;
  to->msg = from.msg;
  to->trace = from.trace;
  to->peer = from.peer;
  to->handoff = from.handoff;
  to->reason = from.reason;
  to->fault = from.fault;
  to->by = from.by;
  to->parent = from.parent;
  to->source_kind = from.source_kind;
  to->source = from.source;
  to->source_agency = from.source_agency;
  to->detail.assign(from.detail.begin(), from.detail.end());
  to->actionable = from.actionable;
  to->peak_rss_kib = from.peak_rss_kib;
  to->depth = from.depth;
  to->attempt = from.attempt;
  to->wait_h = from.wait_h;
  to->service_h = from.service_h;
  to->source_value = from.source_value;
  to->trust = from.trust;
  to->full_trust_min = from.full_trust_min;
  to->sanitised_trust_min = from.sanitised_trust_min;
}

// Sorts by scenario time, then wall time, then file and line, and numbers
// the events' order.
void sort_in_time_order(std::vector<Event>* events);

// Parses one line into *event, replacing what it held (file, line and order
// are left 0). Returns why the line is malformed, or nullopt when it is fine.
// Tries read_flat_line() first, then parse_event_json().
std::optional<std::string> parse_event(std::string_view line, Event* event);

// parse_event() through the full JSON parser only: the reference the fast
// path is tested against.
std::optional<std::string> parse_event_json(std::string_view line, Event* event);

}  // namespace tearline::report
