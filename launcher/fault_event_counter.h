// Counts the "fault" events in trace files that nodes and fault tools append
// to while a run is live, reading each file only from where the previous
// count stopped. The launcher asks it, on each node death, whether a fault
// asked for that death.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <utility>

namespace tearline {

class FaultEventCounter {
 public:
  // How many "fault" events named `fault` (written at `node`, unless `node`
  // is empty) `path` holds now. A line not yet ended is left for later.
  size_t count(const std::filesystem::path& path, const std::string& fault,
               const std::string& node);

 private:
  struct File {
    uint64_t offset_bytes = 0;  // Of the first line not yet counted.
    std::map<std::pair<std::string, std::string>, size_t> count_by_fault_node;
  };
  void read_new_lines(const std::filesystem::path& path, File* file);

  std::map<std::string, File> files_;
};

}  // namespace tearline
