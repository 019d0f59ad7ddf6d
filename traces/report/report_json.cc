#include "traces/report/report_json.h"

#include <fmt/format.h>
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/type_resolver_util.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <system_error>

#include "traces/report/report.h"

namespace tearline::report {
namespace {

constexpr const char* kTypeUrlPrefix = "type.googleapis.com";

}  // namespace

std::string to_json(const v1::RunReport& report) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.always_print_primitive_fields = true;
  options.preserve_proto_field_names = true;
  // Printed from a deterministic serialisation, which sorts map keys: the
  // modes, losses by reason and exposure come in name order, the same
  // every time.
  std::string binary;
  {
    google::protobuf::io::StringOutputStream stream(&binary);
    google::protobuf::io::CodedOutputStream out(&stream);
    out.SetSerializationDeterministic(true);
    report.SerializeToCodedStream(&out);
  }
  static const std::unique_ptr<google::protobuf::util::TypeResolver> resolver(
      google::protobuf::util::NewTypeResolverForDescriptorPool(
          kTypeUrlPrefix, google::protobuf::DescriptorPool::generated_pool()));
  std::string text;
  const auto status = google::protobuf::util::BinaryToJsonString(
      resolver.get(), std::string(kTypeUrlPrefix) + "/" + report.GetDescriptor()->full_name(),
      binary, &text, options);
  // Printing a well-formed message fails only for values JSON cannot hold,
  // which the report never computes (non-finite hours are a bug).
  if (!status.ok()) throw ReportError("report.json: " + status.ToString());
  return text;
}

v1::RunReport report_from_json(std::string_view text) {
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  v1::RunReport report;
  const auto status = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(text.data(), text.size()), &report, options);
  if (!status.ok()) {
    throw ReportError(fmt::format("not a tearline report: {}", status.message().as_string()));
  }
  return report;
}

v1::RunReport read_report_json(const std::string& path) {
  std::error_code error;
  const uintmax_t size_bytes = std::filesystem::file_size(path, error);
  if (error) throw ReportError(fmt::format("{}: cannot read: {}", path, error.message()));
  if (size_bytes > kReportJsonMaxBytes) {
    throw ReportError(fmt::format("{}: {} bytes, more than a report ({} at most)", path, size_bytes,
                                  kReportJsonMaxBytes));
  }
  std::ifstream in(path, std::ios::binary);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in && !in.eof()) throw ReportError(fmt::format("{}: cannot read", path));
  try {
    return report_from_json(text);
  } catch (const ReportError& e) {
    throw ReportError(fmt::format("{}: {}", path, e.what()));
  }
}

}  // namespace tearline::report
