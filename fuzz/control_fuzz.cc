// Control handling: a control request as it comes off a node's control
// socket (from the launcher or the operator), checked and carried out as the
// node runtime does, then a window. Byte 0 picks the node, byte 1 the issuer.
#include <cstddef>
#include <cstdint>

#include "fuzz/fuzz_node.h"
#include "fuzz/quiet_protobuf.h"
#include "node/control_check.h"
#include "node/fault_commands.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tearline;
  if (size < 2) return 0;
  fuzz::FuzzNode node(data[0]);
  const std::string issuer = data[1] % 2 ? "launcher" : "operator";
  v1::ControlRequest request;
  if (size - 2 > kControlRequestBytesMax ||
      !request.ParseFromArray(data + 2, static_cast<int>(size - 2))) {
    return 0;
  }
  std::string error;
  if (request.has_grant()) {
    if (grant_error(request.grant(), node.scenario()).empty()) {
      node.core().run_window(request.grant());
    }
  } else if (request.has_start()) {
    error = start_error(request.start(), node.scenario());
  } else if (is_fault_command(request)) {
    node.core().apply_fault(request, issuer, &error);
  }
  describe_command(request);
  if (!node.core().crash_requested()) {
    v1::Grant grant;
    grant.set_round(1);
    grant.set_until_h(node.scenario().duration_h + 1);
    node.core().run_window(grant);
    node.core().stop(issuer);
  }
  return 0;
}
