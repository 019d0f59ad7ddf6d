// The live server's connections, each on a thread of its own, at most
// `max_connections` at once: a connection that stalls (a page that stopped
// reading, a request that never ends) holds only its own thread, never the
// others' turn, as it would in httplib's fixed pool of 8. Beyond the cap the
// listener waits until a connection ends (the connections' timeouts bound
// that wait) and new ones queue in the kernel's backlog.
#pragma once

#include <httplib.h>

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <list>
#include <mutex>
#include <thread>

namespace tearline {

class ConnectionThreads : public httplib::TaskQueue {
 public:
  explicit ConnectionThreads(size_t max_connections);
  ~ConnectionThreads() override;  // Waits for every connection to end.

  // Runs `serve_connection` on a thread of its own once fewer than
  // max_connections run. Called by httplib's listener only.
  void enqueue(std::function<void()> serve_connection) override;
  // Waits for every connection to end. Called by httplib once it stops
  // listening.
  void shutdown() override;

 private:
  struct Connection {
    std::thread thread;
    bool done = false;
  };
  // Joins the threads whose connection has ended; with mutex_ held.
  void join_done_locked();

  const size_t max_connections_;
  std::mutex mutex_;
  std::condition_variable connection_ended_;
  size_t running_ = 0;
  std::list<Connection> connections_;  // Stable addresses: each thread marks its own.
};

}  // namespace tearline
