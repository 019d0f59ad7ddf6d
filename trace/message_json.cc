#include "trace/message_json.h"

#include <google/protobuf/descriptor.h>

#include "base/invariant.h"

namespace tearline {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

// One value of `field` (element `index` of a repeated field, or -1).
nlohmann::json value_json(const Message& message, const FieldDescriptor* field, int index) {
  const Reflection* reflection = message.GetReflection();
  const bool repeated = index >= 0;
  switch (field->cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
      return repeated ? reflection->GetRepeatedInt32(message, field, index)
                      : reflection->GetInt32(message, field);
    case FieldDescriptor::CPPTYPE_INT64:
      return repeated ? reflection->GetRepeatedInt64(message, field, index)
                      : reflection->GetInt64(message, field);
    case FieldDescriptor::CPPTYPE_UINT32:
      return repeated ? reflection->GetRepeatedUInt32(message, field, index)
                      : reflection->GetUInt32(message, field);
    case FieldDescriptor::CPPTYPE_UINT64:
      return repeated ? reflection->GetRepeatedUInt64(message, field, index)
                      : reflection->GetUInt64(message, field);
    case FieldDescriptor::CPPTYPE_DOUBLE:
      return repeated ? reflection->GetRepeatedDouble(message, field, index)
                      : reflection->GetDouble(message, field);
    case FieldDescriptor::CPPTYPE_FLOAT:
      return static_cast<double>(repeated ? reflection->GetRepeatedFloat(message, field, index)
                                          : reflection->GetFloat(message, field));
    case FieldDescriptor::CPPTYPE_BOOL:
      return repeated ? reflection->GetRepeatedBool(message, field, index)
                      : reflection->GetBool(message, field);
    case FieldDescriptor::CPPTYPE_STRING:
      return repeated ? reflection->GetRepeatedString(message, field, index)
                      : reflection->GetString(message, field);
    case FieldDescriptor::CPPTYPE_ENUM:
      return repeated ? reflection->GetRepeatedEnum(message, field, index)->name()
                      : reflection->GetEnum(message, field)->name();
    case FieldDescriptor::CPPTYPE_MESSAGE:
      return message_json(repeated ? reflection->GetRepeatedMessage(message, field, index)
                                   : reflection->GetMessage(message, field));
  }
  TEARLINE_ASSERT(false && "a proto field of no known C++ type");
  return nullptr;
}

}  // namespace

nlohmann::json message_json(const Message& message) {
  // nlohmann::json keeps an object's keys in a std::map: sorted.
  nlohmann::json object = nlohmann::json::object();
  const google::protobuf::Descriptor* descriptor = message.GetDescriptor();
  for (int i = 0; i < descriptor->field_count(); ++i) {
    const FieldDescriptor* field = descriptor->field(i);
    if (field->is_repeated()) {
      nlohmann::json array = nlohmann::json::array();
      const int size = message.GetReflection()->FieldSize(message, field);
      for (int j = 0; j < size; ++j) array.push_back(value_json(message, field, j));
      object[field->name()] = std::move(array);
    } else {
      object[field->name()] = value_json(message, field, -1);
    }
  }
  TEARLINE_ASSERT(object.size() == static_cast<size_t>(descriptor->field_count()));
  return object;
}

}  // namespace tearline
