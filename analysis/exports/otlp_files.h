// Writing OTLP/JSON spans as they come into files of bounded size: each file
// is one complete ExportTraceServiceRequest {"resourceSpans":[...]}, spans
// are held only in a small batch, and a resource may appear in a file more
// than once (once per batch that has its spans). Internal to
// tearline_trace_exports.
#pragma once

#include <cstddef>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace tearline::trace_exports {

class OtlpFiles {
 public:
  // The first file is `path`; the next ones are path's stem + ".2.json",
  // ".3.json", ... beside it, each begun when writing on would take the
  // current one past max_file_bytes (a file passes it only when one span
  // alone would). Each file is written to "<file>.partial" and renamed when
  // complete. A path that exists and is no regular file (/dev/stdout) is
  // written in place, whole, never split. Throws std::runtime_error if a file
  // cannot be written.
  OtlpFiles(const std::string& path, size_t max_file_bytes);
  ~OtlpFiles();
  OtlpFiles(const OtlpFiles&) = delete;
  OtlpFiles& operator=(const OtlpFiles&) = delete;

  // A resource (its JSON {"attributes":[...]}), for add().
  size_t add_resource(const nlohmann::json& resource);
  // A span's JSON text.
  void add(size_t resource, const std::string& span);
  // Writes what is held and closes the last file. Returns each file's path
  // and size in bytes.
  std::vector<std::pair<std::string, size_t>> finish();

 private:
  void write_batch();
  void open_next();
  void close_current();

  const std::string path_;
  const size_t max_file_bytes_;
  const size_t batch_bytes_max_;
  bool in_place_ = false;
  std::vector<std::string> resources_;   // Serialised, by index.
  std::map<size_t, std::string> batch_;  // Serialised spans by resource, comma-joined.
  size_t batch_bytes_ = 0;
  std::ofstream out_;
  std::string current_;  // The file being written, "" when none.
  size_t current_bytes_ = 0;
  size_t current_entries_ = 0;
  std::vector<std::pair<std::string, size_t>> written_;
};

}  // namespace tearline::trace_exports
