#include "analysis/compare/compare_json.h"

#include <google/protobuf/util/json_util.h>

#include <stdexcept>

namespace tearline::compare {

std::string comparison_json(const v1::RunComparison& comparison) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.always_print_primitive_fields = true;
  options.preserve_proto_field_names = true;
  std::string text;
  const auto status = google::protobuf::util::MessageToJsonString(comparison, &text, options);
  // compare.cc keeps non-finite hours out, the only values JSON cannot hold.
  if (!status.ok()) throw std::logic_error("comparison JSON: " + status.ToString());
  return text;
}

}  // namespace tearline::compare
