// Progress of a run in scenario time: an updating line on a terminal, a line
// every quarter otherwise.
#pragma once

#include <cstdint>
#include <string>

namespace tearline {

class Progress {
 public:
  Progress(std::string mode, int64_t start_unix_s, double duration_h, bool enabled);
  void update(double now_h);
  void finish(const std::string& outcome);

 private:
  std::string mode_;
  int64_t start_unix_s_;
  double duration_h_;
  bool enabled_;
  bool terminal_;
  int last_quarter_ = -1;
};

// "2017-05-22 21:31" for a scenario hour.
std::string scenario_time_text(int64_t start_unix_s, double t_h);

}  // namespace tearline
