// The mirror (trace_event.h) against the schema (trace.proto): the same
// fields, in the same order, under the same names, of the same types, and
// the writer writes each under its proto name.
#include "trace/trace_event.h"

#include <google/protobuf/descriptor.h>
#include <gtest/gtest.h>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "tearline/v1/trace.pb.h"
#include "trace/trace.h"

namespace tearline {
namespace {

using google::protobuf::FieldDescriptor;

// Converts to any member type: T{AnyField{}...} compiles with as many as T
// has members, and no more.
struct AnyField {
  template <typename T>
  operator T() const;  // Never called: only in unevaluated aggregate checks.
};

template <typename T, typename... Fields>
constexpr size_t member_count() {
  if constexpr (requires { T{Fields{}..., AnyField{}}; }) {
    return member_count<T, Fields..., AnyField>();
  } else {
    return sizeof...(Fields);
  }
}

template <typename T>
struct IsOptional : std::false_type {};
template <typename T>
struct IsOptional<std::optional<T>> : std::true_type {};

template <typename T>
struct IsVector : std::false_type {};
template <typename T>
struct IsVector<std::vector<T>> : std::true_type {};

// The proto type of the writer's field type `T` (the run, already JSON, is
// told apart by name).
template <typename T>
FieldDescriptor::CppType cpp_type_of() {
  if constexpr (IsOptional<T>::value || IsVector<T>::value) {
    return cpp_type_of<typename T::value_type>();
  } else if constexpr (std::is_same_v<T, std::string> || std::is_same_v<T, std::string_view>) {
    return FieldDescriptor::CPPTYPE_STRING;
  } else if constexpr (std::is_same_v<T, bool>) {
    return FieldDescriptor::CPPTYPE_BOOL;
  } else if constexpr (std::is_same_v<T, double>) {
    return FieldDescriptor::CPPTYPE_DOUBLE;
  } else if constexpr (std::is_same_v<T, int32_t>) {
    return FieldDescriptor::CPPTYPE_INT32;
  } else if constexpr (std::is_same_v<T, uint32_t>) {
    return FieldDescriptor::CPPTYPE_UINT32;
  } else if constexpr (std::is_same_v<T, int64_t>) {
    return FieldDescriptor::CPPTYPE_INT64;
  } else {
    static_assert(std::is_same_v<T, uint64_t>, "a field type without a proto type");
    return FieldDescriptor::CPPTYPE_UINT64;
  }
}

TEST(TraceEventTest, EveryMemberIsVisited) {
  size_t visited = 0;
  TraceEvent event;
  for_each_field([&visited](const char*, auto&) { ++visited; }, event);
  EXPECT_EQ(member_count<TraceEvent>(), visited) << "a member for_each_field does not visit";
}

TEST(TraceEventTest, MirrorsTheProtoFieldByField) {
  const google::protobuf::Descriptor* proto = v1::TraceEvent::descriptor();
  int index = 0;
  TraceEvent event;
  for_each_field(
      [&](const char* name, auto& member) {
        using Member = std::decay_t<decltype(member)>;
        ASSERT_LT(index, proto->field_count()) << name << " is not in trace.proto";
        const FieldDescriptor* field = proto->field(index++);
        EXPECT_EQ(field->name(), name);
        if (field->name() == "run") {
          EXPECT_EQ(field->message_type(), v1::RunInfo::descriptor());
          return;
        }
        EXPECT_EQ(field->cpp_type(), cpp_type_of<Member>()) << name;
        EXPECT_EQ(field->is_repeated(), IsVector<Member>::value) << name;
        EXPECT_EQ(field->has_presence(), IsOptional<Member>::value) << name;
      },
      event);
  EXPECT_EQ(index, proto->field_count()) << "trace.proto has fields the mirror lacks";
}

// A value other than the field's default, so that the writer writes it.
template <typename T>
void set_non_default(T* member) {
  if constexpr (IsOptional<T>::value) {
    *member = typename T::value_type{};  // Present, though zero.
  } else if constexpr (IsVector<T>::value) {
    member->emplace_back("x");
  } else if constexpr (std::is_same_v<T, std::string_view>) {
    *member = "x";
  } else if constexpr (std::is_same_v<T, bool>) {
    *member = true;
  } else {
    *member = T(1);
  }
}

TEST(TraceEventTest, TheWriterWritesEachFieldUnderItsProtoName) {
  TraceEvent empty;
  for_each_field(
      [&](const char* name, auto&) {
        TraceEvent event;
        for_each_field(
            [&](const char* other, auto& member) {
              using Member = std::decay_t<decltype(member)>;
              if (std::string_view(other) != name) return;
              if constexpr (std::is_same_v<Member, std::string>) {
                // The run is written verbatim: a JSON object.
                member = std::string_view(name) == "run" ? "{}" : "x";
              } else {
                set_non_default(&member);
              }
            },
            event);
        std::string line;
        append_json_line(event, &line);
        const std::string key = "\"" + std::string(name) + "\":";
        EXPECT_NE(line.find(key), std::string::npos) << line;
      },
      empty);
}

}  // namespace
}  // namespace tearline
