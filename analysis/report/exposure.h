// Which nodes saw a true source handle of another agency. Fed one event at a
// time. Internal to tearline_report. Not thread-safe.
#pragma once

#include <map>
#include <set>
#include <string>

#include "tearline/v1/run_report.pb.h"
#include "analysis/read/line_reader.h"

namespace tearline::report {

// From "received" events with source_kind "handle" whose source_agency is
// not the receiving node: source_handles_seen_by (node -> its handles,
// sorted) and nodes (how many).
class SourceExposure {
 public:
  void add(const EventFields& event);
  void fill(v1::Exposure* exposure) const;

 private:
  std::map<std::string, std::set<std::string>, std::less<>> handles_by_node_;
};

}  // namespace tearline::report
