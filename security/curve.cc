#include "security/curve.h"

namespace tearline {

void make_curve_server(zmq::socket_t& socket, const MemberKey& own, const char* domain) {
  socket.set(zmq::sockopt::curve_server, true);
  socket.set(zmq::sockopt::curve_secretkey, own.curve_secret_z85);
  socket.set(zmq::sockopt::zap_domain, domain);
#ifdef ZMQ_ZAP_ENFORCE_DOMAIN
  // Without a ZAP handler, refuse every client rather than admit any.
  socket.set(zmq::sockopt::zap_enforce_domain, true);
#endif
}

void make_curve_client(zmq::socket_t& socket, const MemberKey& own,
                       const std::string& server_public_z85) {
  socket.set(zmq::sockopt::curve_serverkey, server_public_z85);
  socket.set(zmq::sockopt::curve_publickey, own.curve_public_z85);
  socket.set(zmq::sockopt::curve_secretkey, own.curve_secret_z85);
}

std::string authenticated_member(const zmq::message_t& message) {
  const char* user_id = zmq_msg_gets(message.handle(), "User-Id");
  return user_id ? user_id : "";
}

}  // namespace tearline
