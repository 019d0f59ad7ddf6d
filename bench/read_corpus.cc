#include "bench/read_corpus.h"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <memory>

#include "trace/trace.h"

namespace tearline::bench {
namespace {

namespace fs = std::filesystem;

constexpr int64_t kWallStartMs = 1795674690881;
// Scenario hours between two messages' creation; each lifecycle fits in it,
// so every node file is written in time order.
constexpr double kMessageSpacingH = 0.05;
constexpr double kStepH = 0.002;  // Between two steps of one message.
constexpr const char* kPlotId = "plot.manchester-2017-05-22";

struct Agency {
  std::string_view name;
  std::string_view unit;  // Where its reports go.
  std::string_view area;
};
constexpr std::array<Agency, 3> kAgencies = {{{"agency.uk", "unit.manchester", "manchester"},
                                              {"agency.us", "unit.newyork", "newyork"},
                                              {"agency.ru", "unit.stpetersburg", "stpetersburg"}}};
constexpr std::array<std::string_view, 4> kUnits = {"unit.manchester", "unit.london",
                                                    "unit.newyork", "unit.stpetersburg"};

std::string run_json(std::string_view mode_name) {
  std::string plot_ids;
  for (const std::string_view id : kPlotTraceIds) {
    plot_ids += fmt::format("{}\"{}\"", plot_ids.empty() ? "" : ",", id);
  }
  return fmt::format(
      R"({{"agencies":["agency.uk","agency.us","agency.ru"],"duration_h":1896.0,)"
      R"("ms_per_scenario_hour":4.0,"mode":"{}","plots":[{{"area":"manchester",)"
      R"("attack_h":1653.5166666666667,"id":"{}","trace_ids":[{}]}}],)"
      R"("scenario":"read-bench","seed":20170522,"start_iso":"2017-03-15T00:00:00Z",)"
      R"("units":[{{"agency":"agency.uk","area":"manchester","name":"unit.manchester",)"
      R"("response_h":48.0}},{{"agency":"agency.uk","area":"london","name":"unit.london",)"
      R"("response_h":48.0}},{{"agency":"agency.ru","area":"stpetersburg",)"
      R"("name":"unit.stpetersburg","response_h":48.0}},{{"agency":"agency.us",)"
      R"("area":"newyork","name":"unit.newyork","response_h":48.0}}]}})",
      mode_name, kPlotId, plot_ids);
}

// One mode directory being written: a writer per node, and the clock.
class ModeWriter {
 public:
  ModeWriter(const fs::path& dir, std::string mode, bool coordinated)
      : dir_(dir), mode_(std::move(mode)), coordinated_(coordinated) {
    fs::create_directories(dir_);
    TraceEvent run;
    run.wall_ms = kWallStartMs;
    run.node = "launcher";
    run.mode = mode_;
    run.kind = "run";
    run.run = run_json(mode_);
    writer("launcher").write(run);
    for (const Agency& agency : kAgencies) start(agency.name);
    for (const std::string_view unit : kUnits) start(unit);
    if (coordinated_) start("broker");
  }

  // Writes one report's whole lifecycle; returns the events written.
  uint64_t write_message(uint64_t index, std::string_view trace_id) {
    const Agency& agency = kAgencies[index % kAgencies.size()];
    const std::string trace =
        trace_id.empty() ? fmt::format("bg.{}.{}", agency.name, index) : std::string(trace_id);
    const uint64_t before = events_;
    t_h_ = static_cast<double>(index) * kMessageSpacingH;
    event_ = TraceEvent{};
    event_.trace = trace;
    event_.area = std::string(agency.area);
    event_.detail = {"subject", "area", "site"};
    event_.background = trace_id.empty();
    event_.depth = static_cast<uint32_t>(1 + index % 7);
    event_.priority = static_cast<int32_t>(30 + index % 40);
    if (!trace_id.empty()) {
      event_.source_kind = "handle";
      event_.source = "us.insider-1";
      event_.source_agency = std::string(agency.name);
    }

    // At the agency: its database queue.
    const std::string queue = fmt::format("database@{}", agency.name);
    serve(agency.name, trace, "", fmt::format("background@{}", agency.name), queue);

    std::string copy = trace;
    std::string_view from = agency.name;
    if (coordinated_) {
      copy = hop(from, "broker", copy);
      step("broker", "pseudonymised", copy, "", "cipher@broker");
      event_.source_kind = trace_id.empty() ? "" : "pseudonym";
      serve("broker", copy, "", "", "officers@broker");
      from = "broker";
    }
    copy = hop(from, agency.unit, copy);
    serve(agency.unit, copy, "", "", fmt::format("intake@{}", agency.unit));
    step(agency.unit, "acted", copy, "", fmt::format("intake@{}", agency.unit));
    return events_ - before;
  }

  uint64_t events() const { return events_; }

  void finish() {
    for (auto& [name, node_writer] : writers_) {
      if (name == "launcher") continue;
      TraceEvent stopped;
      stopped.wall_ms = wall_ms();
      stopped.t_h = t_h_;
      stopped.node = name;
      stopped.mode = mode_;
      stopped.kind = "node_stopped";
      stopped.reason = "exit:0";
      writer("launcher").write(stopped);
      ++events_;
    }
    for (auto& [name, node_writer] : writers_) node_writer->flush();
    writers_.clear();
  }

 private:
  JsonlTraceWriter& writer(std::string_view node) {
    auto it = writers_.find(std::string(node));
    if (it == writers_.end()) {
      const std::string path = (dir_ / fmt::format("{}.trace.jsonl", node)).string();
      it = writers_.emplace(std::string(node), std::make_unique<JsonlTraceWriter>(path)).first;
    }
    return *it->second;
  }

  int64_t wall_ms() const { return kWallStartMs + static_cast<int64_t>(t_h_ * 4.0); }

  void start(std::string_view node) {
    TraceEvent started;
    started.wall_ms = kWallStartMs;
    started.t_h = -50;
    started.node = node;
    started.mode = mode_;
    started.kind = "node_started";
    writer(node).write(started);
    ++events_;
  }

  void step(std::string_view node, std::string_view kind, const std::string& msg,
            std::string_view peer, std::string_view handoff) {
    t_h_ += kStepH;
    event_.wall_ms = wall_ms();
    event_.t_h = t_h_;
    event_.node = node;
    event_.mode = mode_;
    event_.kind = kind;
    event_.msg = msg;
    event_.peer = std::string(peer);
    event_.handoff = std::string(handoff);
    writer(node).write(event_);
    ++events_;
    event_.parent.clear();
    event_.attempt = 0;
    event_.wait_h = 0;
    event_.service_h = 0;
  }

  // created (if `origin` is not empty), queued, dequeued, served, delivered.
  void serve(std::string_view node, const std::string& msg, std::string_view peer,
             const std::string& origin, const std::string& queue) {
    if (!origin.empty()) step(node, "created", msg, peer, origin);
    step(node, "queued", msg, "", queue);
    event_.wait_h = kStepH;
    step(node, "dequeued", msg, "", queue);
    event_.wait_h = kStepH;
    event_.service_h = kStepH;
    step(node, "served", msg, "", queue);
    step(node, "delivered", msg, "", queue);
  }

  // A copy of `msg` from `from` to `to`: created, sent, received, acked.
  std::string hop(std::string_view from, std::string_view to, const std::string& msg) {
    const std::string copy = fmt::format("{}>{}", msg, to);
    const std::string handoff = fmt::format("{}->{}", from, to);
    event_.parent = msg;
    step(from, "created", copy, to, fmt::format("poll@{}", from));
    event_.attempt = 1;
    step(from, "sent", copy, to, handoff);
    event_.attempt = 1;
    step(to, "received", copy, from, handoff);
    event_.attempt = 1;
    step(from, "acked", copy, to, handoff);
    return copy;
  }

  fs::path dir_;
  std::string mode_;
  bool coordinated_;
  std::map<std::string, std::unique_ptr<JsonlTraceWriter>> writers_;
  TraceEvent event_;
  double t_h_ = 0;
  uint64_t events_ = 0;
};

// Every regular file under run_dir, sorted, and their bytes.
Corpus files_of(const fs::path& run_dir) {
  Corpus corpus;
  for (const auto& entry : fs::recursive_directory_iterator(run_dir)) {
    if (!entry.is_regular_file()) continue;
    corpus.files.push_back(entry.path().string());
    corpus.bytes += entry.file_size();
  }
  std::sort(corpus.files.begin(), corpus.files.end());
  return corpus;
}

}  // namespace

Corpus write_run(const fs::path& run_dir, uint64_t min_events) {
  ModeWriter bilateral(run_dir / "bilateral", "bilateral", false);
  ModeWriter coordinated(run_dir / "coordinated", "coordinated", true);
  // Plot reports sit mid-run among the background ones.
  const uint64_t plot_from = min_events / 60;
  uint64_t total = bilateral.events() + coordinated.events();
  for (uint64_t i = 0; total < min_events; ++i) {
    const std::string_view trace_id = (i >= plot_from && i - plot_from < kPlotTraceIds.size())
                                          ? kPlotTraceIds[i - plot_from]
                                          : std::string_view();
    total += bilateral.write_message(i, trace_id);
    total += coordinated.write_message(i, trace_id);
  }
  bilateral.finish();
  coordinated.finish();

  Corpus corpus = files_of(run_dir);
  corpus.events = bilateral.events() + coordinated.events();
  return corpus;
}

Corpus corpus_of(const fs::path& run_dir) {
  Corpus corpus = files_of(run_dir);
  constexpr size_t kChunkBytes = 1 << 20;
  std::vector<char> chunk(kChunkBytes);
  for (const std::string& path : corpus.files) {
    std::ifstream in(path, std::ios::binary);
    while (in.read(chunk.data(), static_cast<std::streamsize>(chunk.size())) || in.gcount() > 0) {
      corpus.events +=
          static_cast<uint64_t>(std::count(chunk.begin(), chunk.begin() + in.gcount(), '\n'));
    }
  }
  return corpus;
}

}  // namespace tearline::bench
