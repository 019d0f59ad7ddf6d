#include "cli/live_server_threads.h"

namespace tearline {

ConnectionThreads::ConnectionThreads(size_t max_connections) : max_connections_(max_connections) {}

ConnectionThreads::~ConnectionThreads() { shutdown(); }

void ConnectionThreads::enqueue(std::function<void()> serve_connection) {
  std::unique_lock lock(mutex_);
  connection_ended_.wait(lock, [this] { return running_ < max_connections_; });
  join_done_locked();
  ++running_;
  Connection& connection = connections_.emplace_back();
  // The thread marks its connection done under mutex_, which this thread
  // holds until `connection.thread` is set.
  connection.thread = std::thread([this, &connection, serve = std::move(serve_connection)] {
    serve();
    std::lock_guard ended(mutex_);
    connection.done = true;
    --running_;
    connection_ended_.notify_all();
  });
}

void ConnectionThreads::shutdown() {
  std::unique_lock lock(mutex_);
  connection_ended_.wait(lock, [this] { return running_ == 0; });
  join_done_locked();
}

void ConnectionThreads::join_done_locked() {
  // A done thread has left mutex_ for good, so joining it here cannot wait on us.
  for (auto it = connections_.begin(); it != connections_.end();) {
    if (!it->done) {
      ++it;
      continue;
    }
    it->thread.join();
    it = connections_.erase(it);
  }
}

}  // namespace tearline
