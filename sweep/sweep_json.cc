#include "sweep/sweep_json.h"

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

#include "sweep/sweep_grid.h"

namespace tearline::sweep {
namespace {

constexpr const char* kTypeUrlPrefix = "type.googleapis.com";

}  // namespace

std::string to_json(const v1::SweepResults& results) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.always_print_primitive_fields = true;
  options.preserve_proto_field_names = true;
  // Printed from a deterministic serialisation, which sorts map keys
  // (parameters, plots, losses by reason), as report.json is.
  std::string binary;
  {
    google::protobuf::io::StringOutputStream stream(&binary);
    google::protobuf::io::CodedOutputStream out(&stream);
    out.SetSerializationDeterministic(true);
    results.SerializeToCodedStream(&out);
  }
  static const std::unique_ptr<google::protobuf::util::TypeResolver> resolver(
      google::protobuf::util::NewTypeResolverForDescriptorPool(
          kTypeUrlPrefix, google::protobuf::DescriptorPool::generated_pool()));
  std::string text;
  const auto status = google::protobuf::util::BinaryToJsonString(
      resolver.get(), std::string(kTypeUrlPrefix) + "/" + results.GetDescriptor()->full_name(),
      binary, &text, options);
  // Printing a well-formed message fails only for values JSON cannot hold:
  // a lead time that is not finite, which a report never holds.
  if (!status.ok()) throw SweepError("sweep.json: " + status.ToString());
  return text;
}

v1::SweepResults sweep_from_json(std::string_view text) {
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  v1::SweepResults results;
  const auto status = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(text.data(), text.size()), &results, options);
  if (!status.ok()) {
    throw SweepError(fmt::format("not a tearline sweep: {}", status.message().as_string()));
  }
  return results;
}

v1::SweepResults read_sweep_json(const std::string& path) {
  std::error_code error;
  const uintmax_t size_bytes = std::filesystem::file_size(path, error);
  if (error) throw SweepError(fmt::format("{}: cannot read: {}", path, error.message()));
  if (size_bytes > kSweepJsonMaxBytes) {
    throw SweepError(fmt::format("{}: {} bytes, more than a sweep's results ({} at most)", path,
                                 size_bytes, kSweepJsonMaxBytes));
  }
  std::ifstream in(path, std::ios::binary);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in && !in.eof()) throw SweepError(fmt::format("{}: cannot read", path));
  try {
    return sweep_from_json(text);
  } catch (const SweepError& e) {
    throw SweepError(fmt::format("{}: {}", path, e.what()));
  }
}

}  // namespace tearline::sweep
