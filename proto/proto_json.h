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

// One of those files: a `Message` printed, parsed and read by the functions
// above, each failure thrown as an `Error` (constructed from a string) that
// names what is wrong. `file` names the file in a print error
// ("report.json: ..."), `kind` what a parse error says the text is not ("not
// a tearline report: ..."), `max_bytes` the largest file read.
template <typename Message, typename Error>
struct File {
  const char* file;
  const char* kind;
  size_t max_bytes;

  std::string print(const Message& message) const {
    std::string text;
    if (const std::string error = proto_json::print(message, &text); !error.empty()) {
      throw Error(std::string(file) + ": " + error);
    }
    return text;
  }

  Message parse(std::string_view text) const {
    Message message;
    if (const std::string error = proto_json::parse(text, &message); !error.empty()) {
      throw Error(std::string("not a tearline ") + kind + ": " + error);
    }
    return message;
  }

  // Errors name `path`.
  Message read(const std::string& path) const {
    std::string text;
    if (const std::string error = read_file(path, max_bytes, &text); !error.empty()) {
      throw Error(path + ": " + error);
    }
    try {
      return parse(text);
    } catch (const Error& e) {
      throw Error(path + ": " + e.what());
    }
  }
};

}  // namespace tearline::proto_json
