#include "traces/report/centre.h"

#include <algorithm>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "traces/report/iso_time.h"
#include "traces/report/json_fields.h"

namespace tearline::report {
namespace {

using nlohmann::json;

constexpr std::string_view kTraceSuffix = ".trace.jsonl";
// Trace files written by tools rather than by a node.
constexpr std::string_view kLauncherFile = "launcher";
constexpr std::string_view kFaultToolsFile = "faults";
// A process's clean exit; at the scenario's end it is the run's stop.
constexpr std::string_view kCleanExit = "exit:0";

// The name of each trace file without ".trace.jsonl": for a centre's member
// file, the member's name.
std::vector<std::string> file_stems(const ModeTraces& traces) {
  std::vector<std::string> stems;
  for (const std::string& path : traces.files) {
    std::string name = std::filesystem::path(path).filename().string();
    if (name.ends_with(kTraceSuffix)) name.resize(name.size() - kTraceSuffix.size());
    stems.push_back(std::move(name));
  }
  return stems;
}

bool is_node_file(std::string_view stem) {
  return stem != kLauncherFile && stem != kFaultToolsFile;
}

using NameSet = std::set<std::string, std::less<>>;

// The names in a RunInfo list: agencies' strings, or units' "name" fields.
std::optional<NameSet> names_in(const json& run_info, const char* key) {
  const auto list = run_info.find(key);
  if (list == run_info.end() || !list->is_array()) return std::nullopt;
  NameSet names;
  for (const json& item : *list) {
    if (item.is_string()) names.insert(item.get<std::string>());
    if (item.is_object()) names.insert(string_field(item, "name"));
  }
  return names;
}

// The receiving node of a send: its peer, or the far end of its link.
std::string_view receiver_of(const Event& send) {
  if (!send.peer.empty()) return send.peer;
  const size_t arrow = send.handoff.find("->");
  return arrow == std::string::npos ? std::string_view()
                                    : std::string_view(send.handoff).substr(arrow + 2);
}

bool is_send(const Event& event) { return event.kind == "sent" || event.kind == "resent"; }

// The centre's send of `message` that reached its receiver (the one whose
// attempt the receiver's "received" names, else the last before it), or
// its last send; null if the centre never sent it.
const Event* centre_send(const Message& message, const std::string& centre,
                         const std::vector<std::string>& stems) {
  std::vector<const Event*> sends;
  for (const Event* event : message.events) {
    if (is_send(*event) && event->node == centre && !event->derived &&
        is_node_file(stems[event->file])) {
      sends.push_back(event);
    }
  }
  if (sends.empty()) return nullptr;
  const auto received =
      std::find_if(message.events.begin(), message.events.end(), [&](const Event* event) {
        return event->kind == "received" && event->node != centre &&
               event->handoff == sends.front()->handoff;
      });
  if (received == message.events.end()) return sends.back();
  const Event* last_before = nullptr;
  const Event* same_attempt = nullptr;
  for (const Event* send : sends) {
    if (send->order > (*received)->order) break;
    last_before = send;
    if ((*received)->attempt && send->attempt == (*received)->attempt) same_attempt = send;
  }
  if (same_attempt != nullptr) return same_attempt;
  return last_before != nullptr ? last_before : sends.back();
}

}  // namespace

json centre_record(const ModeTraces& traces, const json& run_info) {
  if (!run_info.is_object()) return nullptr;
  const auto agencies = names_in(run_info, "agencies");
  const auto units = names_in(run_info, "units");
  if (!agencies || !units) return nullptr;
  const std::vector<std::string> stems = file_stems(traces);

  std::optional<std::string> centre;
  for (const Event& event : traces.events) {
    if (event.derived || event.node.empty() || !is_node_file(stems[event.file])) continue;
    if (centre && event.node >= *centre) continue;  // The first by name, should there be two.
    if (!agencies->contains(event.node) && !units->contains(event.node)) centre = event.node;
  }
  if (!centre) return nullptr;

  const std::string start_iso = string_field(run_info, "start_iso");
  const auto duration = run_info.find("duration_h");
  const double duration_h =
      duration != run_info.end() && duration->is_number() ? duration->get<double>() : 0.0;

  std::set<std::string> members;
  std::map<std::string, int64_t> sent_by_member;
  std::map<std::string, int64_t> resent_by_member;
  json failovers = json::array();
  std::vector<const Event*> stops;
  // When a member became the active centre, and which, in time order.
  std::vector<std::pair<double, std::string>> starts;
  for (const Event& event : traces.events) {
    if (event.node != *centre || event.derived) continue;
    const std::string& stem = stems[event.file];
    if (stem == kLauncherFile) {
      if (!event.peer.empty()) members.insert(event.peer);
      if (event.kind == "failover") {
        if (!event.reason.empty()) members.insert(event.reason);
        failovers.push_back({{"t_h", event.t_h},
                             {"when", iso_or_null(start_iso, event.t_h)},
                             {"from", event.reason},
                             {"to", event.peer}});
        starts.emplace_back(event.t_h, event.peer);
      }
      if (event.kind == "node_stopped" &&
          !(event.reason == kCleanExit && event.t_h >= duration_h)) {
        stops.push_back(&event);
      }
      continue;
    }
    if (!is_node_file(stem)) continue;
    members.insert(stem);
    if (event.kind == "node_started") starts.emplace_back(event.t_h, stem);
    if (is_send(event) && units->contains(receiver_of(event))) {
      ++(event.kind == "sent" ? sent_by_member : resent_by_member)[stem];
    }
  }

  std::sort(starts.begin(), starts.end());  // Files are read one after another.
  json down = json::array();
  double hours_without_centre = 0;
  for (const Event* stop : stops) {
    const auto back = std::find_if(starts.begin(), starts.end(),
                                   [stop](const auto& start) { return start.first >= stop->t_h; });
    const double until_h = back != starts.end() ? back->first : std::max(stop->t_h, duration_h);
    const double hours = until_h - stop->t_h;
    hours_without_centre += hours;
    down.push_back({{"t_h", stop->t_h},
                    {"when", iso_or_null(start_iso, stop->t_h)},
                    {"until_h", until_h},
                    {"until", iso_or_null(start_iso, until_h)},
                    {"hours", hours},
                    {"member", stop->peer.empty() ? *centre : stop->peer},
                    {"reason", stop->reason},
                    {"back", back != starts.end() ? json(back->second) : json(nullptr)}});
  }

  json member_list = json::array();
  if (members.contains(*centre)) member_list.push_back(*centre);
  json warnings = json::object();
  json resends = json::object();
  for (const std::string& member : members) {
    if (member != *centre) member_list.push_back(member);
    warnings[member] = sent_by_member[member];
    resends[member] = resent_by_member[member];
  }
  return {{"node", *centre},
          {"members", std::move(member_list)},
          {"failovers", std::move(failovers)},
          {"down", std::move(down)},
          {"hours_without_centre", hours_without_centre},
          {"warnings_by_member", std::move(warnings)},
          {"resends_by_member", std::move(resends)}};
}

void add_centre_members(const ModeTraces& traces, const MessageIndex& index, const json& centre,
                        json* plots) {
  if (!centre.is_object()) return;
  const std::string name = string_field(centre, "node");
  const std::vector<std::string> stems = file_stems(traces);
  for (json& plot : *plots) {
    json member = nullptr;
    std::string id = string_field(plot, "first_actionable_msg");
    std::set<std::string> visited;  // Guards against a cycle of parents.
    while (!id.empty() && visited.insert(id).second) {
      const Message* message = index.find(id);
      if (message == nullptr) break;
      if (const Event* send = centre_send(*message, name, stems)) {
        member = stems[send->file];
        break;
      }
      id = message->parent;
    }
    plot["centre_member"] = std::move(member);
  }
}

}  // namespace tearline::report
