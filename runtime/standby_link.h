// A centre's hot standby (docs/DURABILITY.md, "Hot standby"), seen from one
// of its two member processes. The active member streams its journal to the
// passive one and holds back what it made durable (frames, control replies)
// until the passive member acknowledges holding it too; the passive member
// writes the chunks into its copy and acknowledges them. Both ends speak
// Replication messages, PUSHed to the other member's data socket.
#pragma once

#include <spdlog/spdlog.h>

#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <zmq.hpp>

#include "durability/journal_replica.h"
#include "durability/journal_stream.h"
#include "node/intake/frame_check.h"
#include "runtime/node_sockets.h"

namespace tearline {

class StandbyLink {
 public:
  // The link of process `member` of `node`, whose other member is
  // `other_member` (empty: the node has one, and the link stays idle).
  // `journal_path` is the member's journal, or the passive member's copy.
  StandbyLink(std::string node, std::string member, std::string other_member,
              std::string journal_path, NodeSockets& sockets, std::shared_ptr<spdlog::logger> log);

  const std::string& other_member() const { return other_member_; }

  // The active member: what it made durable leaves it only once the passive
  // member holds it too, unless it streams to none.
  bool holding() const { return stream_ && stream_->durable_bytes() < hold_until_bytes_; }
  bool streams_to(const std::string& member) const {
    return stream_ && stream_->to_member() == member;
  }

  // Starts (or, with an empty member, stops) streaming the journal to the
  // other member; an error text if it cannot. `active`: this member keeps a
  // journal and has started.
  std::string start_stream(const std::string& member, bool active);
  // The journal is committed up to `written_bytes`: nothing leaves before
  // the passive member holds that much. Streams it.
  void committed(uint64_t written_bytes);
  // Queues the journal bytes written since the last chunk, and sends.
  void pump(uint64_t written_bytes);
  // Sends what waits, as far as the other member's socket takes it.
  void flush();
  bool waiting() const { return !outbox_.empty(); }

  // What a Replication message from the other member brought.
  struct Received {
    bool acknowledged = false;                // The passive member holds more: release_held.
    std::optional<FrameRejection> rejection;  // To trace as a rejected frame.
  };
  // Takes a message from the other member: a chunk of the journal (the
  // passive member; `started` is whether this member runs the node) or the
  // answer to one (the active member).
  Received receive(const zmq::message_t& message, bool started);

  // The length of the passive member's copy, if it holds one.
  std::optional<uint64_t> replica_bytes() const;
  // A passive member taking over: its copy is now its journal.
  void drop_replica() { replica_.reset(); }

  // Closes the socket to the other member (before the context closes).
  void close();

 private:
  zmq::socket_t& member_socket();

  const std::string node_;
  const std::string member_;        // This process's name: the node's, or its standby's.
  const std::string other_member_;  // A centre's other member; empty for other nodes.
  const std::string journal_path_;
  NodeSockets& sockets_;
  std::shared_ptr<spdlog::logger> log_;
  std::optional<zmq::socket_t> member_socket_;
  std::optional<JournalReplica> replica_;  // The passive member's copy.
  std::optional<JournalStream> stream_;    // The active member's stream to it.
  std::deque<std::string> outbox_;         // Serialized Replication messages.
  // The journal's length at the last commit: what the standby must hold
  // before anything leaves.
  uint64_t hold_until_bytes_ = 0;
};

}  // namespace tearline
