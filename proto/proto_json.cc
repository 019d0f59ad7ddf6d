#include "proto/proto_json.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/type_resolver_util.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <system_error>

namespace tearline::proto_json {
namespace {

constexpr const char* kTypeUrlPrefix = "type.googleapis.com";

}  // namespace

std::string print(const google::protobuf::Message& message, std::string* text) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.always_print_primitive_fields = true;
  options.preserve_proto_field_names = true;
  // Printed from a deterministic serialisation, which sorts map keys.
  std::string binary;
  {
    google::protobuf::io::StringOutputStream stream(&binary);
    google::protobuf::io::CodedOutputStream out(&stream);
    out.SetSerializationDeterministic(true);
    message.SerializeToCodedStream(&out);
  }
  static const std::unique_ptr<google::protobuf::util::TypeResolver> resolver(
      google::protobuf::util::NewTypeResolverForDescriptorPool(
          kTypeUrlPrefix, google::protobuf::DescriptorPool::generated_pool()));
  const auto status = google::protobuf::util::BinaryToJsonString(
      resolver.get(), std::string(kTypeUrlPrefix) + "/" + message.GetDescriptor()->full_name(),
      binary, text, options);
  return status.ok() ? "" : status.ToString();
}

std::string parse(std::string_view text, google::protobuf::Message* message) {
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  const auto status = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(text.data(), text.size()), message, options);
  return status.ok() ? "" : status.message().as_string();
}

std::string read_file(const std::string& path, size_t max_bytes, std::string* text) {
  std::error_code error;
  const uintmax_t size_bytes = std::filesystem::file_size(path, error);
  if (error) return "cannot read: " + error.message();
  if (size_bytes > max_bytes) {
    return std::to_string(size_bytes) + " bytes, more than " + std::to_string(max_bytes);
  }
  std::ifstream in(path, std::ios::binary);
  text->assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  if (!in && !in.eof()) return "cannot read";
  return "";
}

}  // namespace tearline::proto_json
