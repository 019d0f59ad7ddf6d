#include "runtime/standby_link.h"

#include "base/invariant.h"

namespace tearline {

StandbyLink::StandbyLink(std::string node, std::string member, std::string other_member,
                         std::string journal_path, NodeSockets& sockets,
                         std::shared_ptr<spdlog::logger> log)
    : node_(std::move(node)),
      member_(std::move(member)),
      other_member_(std::move(other_member)),
      journal_path_(std::move(journal_path)),
      sockets_(sockets),
      log_(std::move(log)) {}

zmq::socket_t& StandbyLink::member_socket() {
  TEARLINE_ASSERT(!other_member_.empty());
  // The other member holds the node's key: both members are the node.
  if (!member_socket_) member_socket_.emplace(sockets_.connect_push(node_, other_member_));
  return *member_socket_;
}

void StandbyLink::flush() {
  while (!outbox_.empty()) {
    if (!member_socket().send(zmq::buffer(outbox_.front()), zmq::send_flags::dontwait)) {
      return;
    }
    outbox_.pop_front();
  }
}

std::string StandbyLink::start_stream(const std::string& member, bool active) {
  stream_.reset();
  member_socket_.reset();  // What was queued for an earlier copy is dropped.
  outbox_.clear();
  if (member.empty()) return "";
  if (member != other_member_) {
    return other_member_.empty() ? "this node has no standby"
                                 : "the journal streams only to " + other_member_;
  }
  if (!active) return "only the active member streams its journal";
  stream_.emplace(journal_path_, member_, member);
  log_->info("streaming the journal to {}", member);
  return "";
}

void StandbyLink::committed(uint64_t written_bytes) {
  if (!stream_) return;
  // A journal only grows.
  TEARLINE_ASSERT(written_bytes >= hold_until_bytes_);
  hold_until_bytes_ = written_bytes;
  pump(written_bytes);
}

void StandbyLink::pump(uint64_t written_bytes) {
  if (!stream_) return;
  for (const v1::Replication& chunk : stream_->next_chunks(written_bytes)) {
    outbox_.push_back(chunk.SerializeAsString());
  }
  flush();
}

StandbyLink::Received StandbyLink::receive(const zmq::message_t& message, bool started) {
  v1::Replication replication;
  if (!replication.ParseFromArray(message.data(), static_cast<int>(message.size()))) {
    return {false, FrameRejection{"rejected:replication-unreadable", other_member_}};
  }
  if (replication.has_ack()) {
    if (stream_) stream_->acknowledged(replication.ack());
    return {true, std::nullopt};
  }
  if (!replication.has_chunk()) return {};
  const v1::JournalChunk& chunk = replication.chunk();
  const std::string claimed = chunk.from_member().substr(0, kIdBytesMax);
  if (started || chunk.from_member() != other_member_) {
    // Two active members would be a split brain: the launcher starts one.
    return {false, FrameRejection{started ? "rejected:journal-chunk-to-active-member"
                                          : "rejected:journal-chunk-from-a-stranger",
                                  claimed}};
  }
  if (!replica_) replica_.emplace(journal_path_);
  std::string error;
  if (!replica_->write(chunk.offset(), chunk.data(), &error)) {
    log_->error("data: journal chunk from {} refused: {}", chunk.from_member(), error);
    return {false, FrameRejection{"rejected:journal-chunk-out-of-place", claimed}};
  }
  v1::Replication answer;
  answer.mutable_ack()->set_member(member_);
  answer.mutable_ack()->set_durable_bytes(replica_->durable_bytes());
  outbox_.push_back(answer.SerializeAsString());
  flush();
  return {};
}

std::optional<uint64_t> StandbyLink::replica_bytes() const {
  if (!replica_) return std::nullopt;
  return replica_->durable_bytes();
}

void StandbyLink::close() {
  if (member_socket_) member_socket_->close();
}

}  // namespace tearline
