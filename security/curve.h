// CURVE on a socket (ZeroMQ RFC 26): every tearline socket is encrypted and
// authenticated this way, data and control (docs/SECURITY.md).
#pragma once

#include <string>
#include <zmq.hpp>

#include "security/keys.h"

namespace tearline {

// Makes `socket` a CURVE server with `own` key, whose clients the process's
// ZapHandler admits by `domain`. Call before bind().
void make_curve_server(zmq::socket_t& socket, const MemberKey& own, const char* domain);

// Makes `socket` a CURVE client with `own` key that only talks to the server
// holding the secret key of `server_public_z85`. Call before connect().
void make_curve_client(zmq::socket_t& socket, const MemberKey& own,
                       const std::string& server_public_z85);

// The member a received message came from, as its ZapHandler named it; ""
// on a socket without CURVE.
std::string authenticated_member(const zmq::message_t& message);

}  // namespace tearline
