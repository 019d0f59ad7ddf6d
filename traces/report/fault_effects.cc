#include "traces/report/fault_effects.h"

#include <map>
#include <optional>
#include <set>
#include <string>

namespace tearline::report {
namespace {

using nlohmann::json;

struct Window {
  const Event* fault = nullptr;
  std::optional<double> until_h;
  std::string verb;    // "partition", "link", "crash", "kill", "pause", "stop", "queue", ...
  std::string target;  // link: the peer or "*"; queue: the department.
};

Window window_of(const Event& fault) {
  Window window;
  window.fault = &fault;
  const std::string& text = fault.fault;
  const size_t space = text.find(' ');
  window.verb = text.substr(0, space);
  if (window.verb == "signal") {
    window.verb = text == "signal KILL" ? "kill" : text == "signal STOP" ? "stop" : "signal";
  } else if (space != std::string::npos) {
    const size_t next = text.find(' ', space + 1);
    window.target = text.substr(space + 1, next == std::string::npos ? next : next - space - 1);
  }
  return window;
}

// True if `later` at the same node ends `window`.
bool undoes(const Window& window, const Event& later) {
  if (later.node != window.fault->node) return false;
  if (window.verb == "crash" || window.verb == "kill") return later.kind == "node_started";
  if (later.kind != "fault") return false;
  const std::string& text = later.fault;
  if (window.verb == "pause") return text == "resume";
  if (window.verb == "partition") return text == "heal";
  if (window.verb == "stop") return text == "signal CONT";
  if (window.verb == "link")
    return text == "link " + window.target + " reset" || text == "link * reset";
  if (window.verb == "queue") return text == "queue " + window.target + " reset";
  return false;
}

bool link_matches(const Window& window, const Event& event) {
  if (event.node != window.fault->node) return false;
  if (window.target == "*") return event.handoff.starts_with(event.node + "->");
  return event.handoff == event.node + "->" + window.target;
}

}  // namespace

json fault_effects(const std::vector<Event>& events, const MessageIndex& index,
                   const json& run_info) {
  std::vector<Window> windows;
  for (size_t i = 0; i < events.size(); ++i) {
    if (events[i].kind != "fault") continue;
    Window window = window_of(events[i]);
    if (window.verb == "resume" || window.verb == "heal" || window.verb == "signal" ||
        window.fault->fault.ends_with(" reset")) {
      continue;  // An undo, not a fault of its own.
    }
    for (size_t j = i + 1; j < events.size(); ++j) {
      if (undoes(window, events[j])) {
        window.until_h = events[j].t_h;
        break;
      }
    }
    windows.push_back(window);
  }

  std::map<std::string, std::set<std::string>> plots_by_trace;
  if (run_info.is_object() && run_info.contains("plots")) {
    for (const json& plot : run_info["plots"]) {
      for (const json& trace : plot.value("trace_ids", json::array())) {
        plots_by_trace[trace.get<std::string>()].insert(plot.value("id", ""));
      }
    }
  }

  json result = json::array();
  for (const Window& window : windows) {
    const Event& fault = *window.fault;
    const std::string& node = fault.node;
    const auto inside = [&](const Event& event) {
      return event.t_h >= fault.t_h && (!window.until_h || event.t_h <= *window.until_h);
    };
    std::map<std::string, int64_t> lost;
    int64_t attempts_lost = 0;
    std::set<std::string> delayed;
    std::set<std::string> touched;  // Messages lost or delayed.
    std::map<std::string, double> queued_at_h;
    for (const Event& event : events) {
      if (!inside(event) && !(window.verb == "queue" && event.kind == "served")) continue;
      const bool loss = is_loss(event.kind) || event.kind == "attempt_lost";
      bool charged = false;
      if (loss) {
        if (window.verb == "partition") charged = event.reason == "partition" && event.node == node;
        if (window.verb == "link") {
          charged = event.reason == "link-loss:injected" && link_matches(window, event);
        }
        if (window.verb == "crash" || window.verb == "kill")
          charged = event.reason == "crash:" + node;
        if (window.verb == "queue") charged = event.handoff == window.target && event.node == node;
      }
      if (charged) {
        if (event.kind == "attempt_lost") {
          ++attempts_lost;
        } else {
          ++lost[loss_reason(event)];
        }
        touched.insert(event.msg);
        continue;
      }
      if (!inside(event)) {
        // A message queued during a queue fault and served after it.
        if (queued_at_h.contains(event.msg) && window.until_h && event.t_h > *window.until_h) {
          delayed.insert(event.msg);
        }
        continue;
      }
      if (window.verb == "link" && event.kind == "sent" && link_matches(window, event)) {
        delayed.insert(event.msg);
      }
      if ((window.verb == "pause" || window.verb == "stop" || window.verb == "crash" ||
           window.verb == "kill") &&
          (event.kind == "sent" || event.kind == "resent") && event.peer == node) {
        delayed.insert(event.msg);
      }
      if (window.verb == "queue" && event.kind == "queued" && event.handoff == window.target &&
          event.node == node) {
        queued_at_h[event.msg] = event.t_h;
      }
    }
    touched.insert(delayed.begin(), delayed.end());
    std::set<std::string> plots;
    for (const std::string& msg : touched) {
      const auto found = plots_by_trace.find(index.trace_of(msg));
      if (found != plots_by_trace.end()) plots.insert(found->second.begin(), found->second.end());
    }
    result.push_back({{"node", node},
                      {"t_h", fault.t_h},
                      {"fault", fault.fault},
                      {"by", fault.by},
                      {"until_h", window.until_h ? json(*window.until_h) : json(nullptr)},
                      {"lost", lost},
                      {"attempts_lost", attempts_lost},
                      {"delayed", delayed.size()},
                      {"plots", plots}});
  }
  return result;
}

}  // namespace tearline::report
