#include "launcher/fault_event_counter.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <string_view>
#include <system_error>

namespace tearline {

void FaultEventCounter::read_new_lines(const std::filesystem::path& path, File* file) {
  std::error_code ec;
  const uint64_t size = std::filesystem::file_size(path, ec);
  if (ec) return;                                 // Not written yet.
  if (size < file->offset_bytes) *file = File{};  // Replaced: count it afresh.
  if (size == file->offset_bytes) return;
  std::ifstream in(path, std::ios::binary);
  in.seekg(static_cast<std::streamoff>(file->offset_bytes));
  std::string text(size - file->offset_bytes, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(in.gcount()));
  const size_t complete = text.rfind('\n');
  if (complete == std::string::npos) return;
  file->offset_bytes += complete + 1;
  std::string_view lines(text.data(), complete + 1);
  for (size_t start = 0; start < lines.size();) {
    const size_t end = lines.find('\n', start);
    const std::string_view line = lines.substr(start, end - start);
    start = end + 1;
    if (line.find("\"kind\":\"fault\"") == std::string_view::npos) continue;
    const nlohmann::json event = nlohmann::json::parse(line, nullptr, false);
    if (!event.is_object()) continue;
    ++file->count_by_fault_node[{event.value("fault", ""), event.value("node", "")}];
  }
}

size_t FaultEventCounter::count(const std::filesystem::path& path, const std::string& fault,
                                const std::string& node) {
  File& file = files_[path.string()];
  read_new_lines(path, &file);
  size_t count = 0;
  for (const auto& [fault_node, n] : file.count_by_fault_node) {
    if (fault_node.first == fault && (node.empty() || fault_node.second == node)) count += n;
  }
  return count;
}

}  // namespace tearline
