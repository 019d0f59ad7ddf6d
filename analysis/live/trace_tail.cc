#include "analysis/live/trace_tail.h"

#include <fstream>
#include <system_error>

#include "base/invariant.h"

namespace tearline::live {
namespace fs = std::filesystem;

namespace {

constexpr std::string_view kTraceSuffix = ".trace.jsonl";

}  // namespace

TraceTail::Batch TraceTail::read_new() {
  Batch batch;
  std::map<fs::path, uint64_t> sizes;
  std::error_code error;
  for (fs::directory_iterator it(mode_dir_, error), end; !error && it != end; it.increment(error)) {
    const std::string name = it->path().filename().string();
    if (!name.ends_with(kTraceSuffix)) continue;
    std::error_code size_error;
    const uint64_t size = fs::file_size(it->path(), size_error);
    if (!size_error) sizes[it->path()] = size;
  }
  for (const auto& [path, size] : sizes) {
    if (const auto known = files_.find(path);
        known != files_.end() && size < known->second.offset_bytes) {
      restart_ = true;
    }
  }
  if (restart_) {
    for (auto& [path, file] : files_) {
      const size_t index = file.index;  // A file keeps its index.
      file = File();
      file.index = index;
    }
    restart_ = false;
    batch.restarted = true;
  }
  for (const auto& [path, size] : sizes) {
    auto [known, inserted] = files_.try_emplace(path);
    if (inserted) {
      known->second.index = paths_.size();
      paths_.push_back(path.string());
    }
    TEARLINE_ASSERT(paths_.at(known->second.index) == path.string());  // A file keeps its index.
    read_file(path, size, &known->second, &batch);
  }
  return batch;
}

void TraceTail::read_file(const fs::path& path, uint64_t size_bytes, File* file, Batch* batch) {
  if (size_bytes <= file->offset_bytes) return;
  const uint64_t wanted = std::min<uint64_t>(size_bytes - file->offset_bytes, kReadBytesMax);
  std::ifstream in(path, std::ios::binary);
  in.seekg(static_cast<std::streamoff>(file->offset_bytes));
  std::string chunk(wanted, '\0');
  in.read(chunk.data(), static_cast<std::streamsize>(wanted));
  chunk.resize(static_cast<size_t>(std::max<std::streamsize>(in.gcount(), 0)));
  file->offset_bytes += chunk.size();
  size_t begin = 0;
  while (begin < chunk.size()) {
    const size_t newline = chunk.find('\n', begin);
    const std::string_view piece(chunk.data() + begin,
                                 (newline == std::string::npos ? chunk.size() : newline) - begin);
    if (newline == std::string::npos) {
      if (!file->skipping) file->partial.append(piece);
      if (file->partial.size() > kLineBytesMax) {
        file->partial.clear();
        file->skipping = true;
        ++batch->malformed_lines;
      }
      break;
    }
    ++file->lines;
    if (file->skipping) {
      file->skipping = false;
    } else if (file->partial.empty()) {
      take_line(piece, *file, batch);
    } else {
      file->partial.append(piece);
      take_line(file->partial, *file, batch);
      file->partial.clear();
    }
    begin = newline + 1;
  }
  // Bounded: a line too long is skipped, never held whole.
  TEARLINE_ASSERT(file->partial.size() <= kLineBytesMax);
}

void TraceTail::take_line(std::string_view line, const File& file, Batch* batch) {
  if (line.find_first_not_of(" \t\r") == std::string_view::npos) return;
  report::Event event;
  if (report::parse_event(line, &event)) {
    ++batch->malformed_lines;
    return;
  }
  event.file = file.index;
  event.line = file.lines;
  batch->events.push_back(std::move(event));
}

}  // namespace tearline::live
