// Frame handling: bytes as they come off a data socket, from any member, into
// a node that then runs a window. Byte 0 picks the receiving node, byte 1 the
// authenticated sender (its low 7 bits) and whether the report is signed as
// its origin would sign it (its high bit: so inputs reach the roles as well
// as the signature check); the rest is the frame.
#include <cstddef>
#include <cstdint>

#include "fuzz/fuzz_node.h"
#include "fuzz/quiet_protobuf.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tearline;
  if (size < 2) return 0;
  fuzz::FuzzNode node(data[0]);
  const std::vector<std::string> names = node.scenario().node_names();
  const std::string& from = names[(data[1] & 0x7f) % names.size()];
  v1::Frame frame;
  if (from == node.name() || size - 2 > kDataFrameBytesMax ||
      !frame.ParseFromArray(data + 2, static_cast<int>(size - 2))) {
    node.core().reject_frame(from, {"rejected:unreadable", ""});
    return 0;
  }
  if ((data[1] & 0x80) && frame.has_envelope()) {
    fuzz::sign_as_origin(frame.mutable_envelope()->mutable_report());
  }
  node.core().take_frame(from, frame);
  v1::Grant grant;
  grant.set_round(1);
  grant.set_until_h(node.scenario().duration_h + 1);
  node.core().run_window(grant);
  node.core().stop("launcher");
  return 0;
}
