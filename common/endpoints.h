// Where a node's sockets live. Endpoints are ipc:// files in a short socket
// directory (sun_path is limited to 107 bytes, so not inside the run dir).
#pragma once

#include <string>

namespace tearline {

inline std::string data_endpoint(const std::string& socket_dir, const std::string& node) {
  return "ipc://" + socket_dir + "/" + node + ".data";
}

inline std::string control_endpoint(const std::string& socket_dir, const std::string& node) {
  return "ipc://" + socket_dir + "/" + node + ".control";
}

}  // namespace tearline
