#include "analysis/exports/otlp_files.h"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include "base/invariant.h"

namespace tearline::trace_exports {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kHead = "{\"resourceSpans\":[\n";
constexpr std::string_view kTail = "\n]}\n";
constexpr size_t kBatchBytesMax = 1 << 20;

std::string entry(const std::string& resource, const std::string& spans) {
  return "{\"resource\":" + resource +
         ",\"scopeSpans\":[{\"scope\":{\"name\":\"tearline\"},\"spans\":[\n" + spans + "\n]}]}";
}

}  // namespace

OtlpFiles::OtlpFiles(const std::string& path, size_t max_file_bytes)
    : path_(path),
      max_file_bytes_(max_file_bytes),
      // A batch a quarter of a file at most, so files fill to 3/4 or more.
      batch_bytes_max_(std::max<size_t>(1, std::min(kBatchBytesMax, max_file_bytes / 4))) {
  std::error_code ignored;
  in_place_ = fs::exists(path, ignored) && !fs::is_regular_file(path, ignored);
}

OtlpFiles::~OtlpFiles() {
  // Not finished (an exception): no partial file is left behind.
  if (!current_.empty() && !in_place_) {
    out_.close();
    std::error_code ignored;
    fs::remove(current_ + ".partial", ignored);
  }
}

size_t OtlpFiles::add_resource(const nlohmann::json& resource) {
  resources_.push_back(resource.dump());
  return resources_.size() - 1;
}

void OtlpFiles::add(size_t resource, const std::string& text) {
  std::string& spans = batch_[resource];
  batch_bytes_ += text.size() + 2;
  if (!spans.empty()) spans += ",\n";
  spans += text;
  if (batch_bytes_ >= batch_bytes_max_) write_batch();
}

void OtlpFiles::write_batch() {
  for (const auto& [resource, spans] : batch_) {
    const std::string text = entry(resources_.at(resource), spans);
    if (current_.empty()) open_next();
    const size_t grown =
        current_bytes_ + (current_entries_ > 0 ? 2 : 0) + text.size() + kTail.size();
    if (current_entries_ > 0 && grown > max_file_bytes_ && !in_place_) {
      close_current();
      open_next();
    }
    if (current_entries_++ > 0) {
      out_ << ",\n";
      current_bytes_ += 2;
    }
    out_ << text;
    current_bytes_ += text.size();
    // A file passes max_file_bytes only when one entry alone would.
    TEARLINE_ASSERT(in_place_ || current_entries_ == 1 ||
                    current_bytes_ + kTail.size() <= max_file_bytes_);
  }
  batch_.clear();
  batch_bytes_ = 0;
}

void OtlpFiles::open_next() {
  if (written_.empty()) {
    current_ = path_;
  } else {
    const fs::path first(path_);
    current_ = (first.parent_path() /
                fmt::format("{}.{}.json", first.stem().string(), written_.size() + 1))
                   .string();
  }
  out_.open(in_place_ ? current_ : current_ + ".partial", std::ios::binary | std::ios::trunc);
  if (!out_) throw std::runtime_error("cannot write " + current_ + ": " + std::strerror(errno));
  out_ << kHead;
  current_bytes_ = kHead.size();
  current_entries_ = 0;
}

void OtlpFiles::close_current() {
  out_ << kTail;
  current_bytes_ += kTail.size();
  out_.flush();
  const bool ok = static_cast<bool>(out_);
  const std::string why = std::strerror(errno);
  out_.close();
  if (!ok) throw std::runtime_error("cannot write " + current_ + ": " + why);
  if (!in_place_) {
    std::error_code error;
    fs::rename(current_ + ".partial", current_, error);
    if (error) throw std::runtime_error("cannot write " + current_ + ": " + error.message());
  }
  written_.emplace_back(current_, current_bytes_);
  current_.clear();
}

std::vector<std::pair<std::string, size_t>> OtlpFiles::finish() {
  write_batch();
  if (current_.empty()) open_next();  // No span at all: one empty request.
  close_current();
  return written_;
}

}  // namespace tearline::trace_exports
