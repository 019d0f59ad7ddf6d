// The node processes of a mode: how they ended and their peak memory. Fed
// one event at a time. Internal to tearline_report. Not thread-safe.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tearline/v1/run_report.pb.h"
#include "analysis/read/line_reader.h"

namespace tearline::report {

// Every node that has a trace file (other than the launcher's and the fault
// tools') or a "node_stopped" event, sorted by name: its exits (the
// node_stopped reasons, "exit:0", "signal:KILL"; the last one in exit) and
// its largest peak memory, from nodes.json when the launcher wrote one.
class NodeExits {
 public:
  // `files`: the mode's trace files.
  explicit NodeExits(const std::vector<std::string>& files);

  void add(const EventFields& event);
  // A node that died with the launcher (message_ledger.h): its last exit.
  void add_exit(const std::string& node, const std::string& reason);
  void fill(v1::ModeReport* mode) const;

 private:
  std::map<std::string, v1::NodeExit, std::less<>> nodes_;
  std::string nodes_json_;  // Path of the mode's nodes.json.

  v1::NodeExit& node(std::string_view name);
};

}  // namespace tearline::report
