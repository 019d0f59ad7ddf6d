// The project's JSON files of proto messages (report.json, sweep.json): how
// they are printed and read, defined once. Printed in protobuf's JSON
// mapping with the proto's field names, indented, fields with default
// values written too (a count of 0 reads better than a missing key), map
// keys sorted (the same message, the same bytes); read strictly (an unknown
// field is refused: a file of another schema should not half-parse).
#pragma once

#include <google/protobuf/message.h>

#include <cstddef>
#include <string>
#include <string_view>

namespace tearline::proto_json {

// Prints `message` into *text. Returns "" or why it cannot (a value JSON
// cannot hold, such as a non-finite double).
std::string print(const google::protobuf::Message& message, std::string* text);

// Parses `text` into *message. Returns "" or what is wrong with it.
std::string parse(std::string_view text, google::protobuf::Message* message);

// Reads the file at `path` into *text, refusing one larger than max_bytes
// unread. Returns "" or why it cannot ("cannot read: ...", "N bytes, more
// than M"), without the path.
std::string read_file(const std::string& path, size_t max_bytes, std::string* text);

}  // namespace tearline::proto_json
