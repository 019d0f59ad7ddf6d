#include "analysis/report/mode_builder.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cstdint>
#include <filesystem>
#include <system_error>

#include "analysis/read/crash_losses.h"
#include "base/invariant.h"

namespace tearline::report {
namespace {

// A message takes at least this much of a mode's trace files: its created
// and terminal events, a few hundred bytes each.
constexpr uintmax_t kTraceBytesPerMessageMin = 500;

}  // namespace

ModeBuilder::ModeBuilder(std::string mode, std::optional<v1::RunInfo> run_info,
                         const std::vector<std::string>& files)
    : mode_(std::move(mode)),
      context_(std::move(run_info), files),
      ledger_(&context_),
      handoffs_(&context_),
      plots_(&context_),
      centre_(&context_),
      faults_(&context_),
      nodes_(files) {
  // Room for the messages the files may hold, so that the per-message state
  // is not copied as it grows (reserved, not touched: no memory until used).
  uintmax_t trace_bytes = 0;
  for (const std::string& file : files) {
    std::error_code error;
    const uintmax_t size_bytes = std::filesystem::file_size(file, error);
    if (!error) trace_bytes += size_bytes;
  }
  const auto messages = static_cast<size_t>(trace_bytes / kTraceBytesPerMessageMin);
  ledger_.reserve(messages);
  context_.msgs.reserve(messages);
}

void ModeBuilder::add(const EventFields& event) {
  Interner& names = context_.names;
  Step step;
  step.order = order_++;
  step.t_h = event.t_h;
  step.wall_ms = event.wall_ms;
  step.file = static_cast<uint32_t>(event.file);
  step.kind_name = names.id(event.kind);
  if (step.kind_name >= kinds_.size()) kinds_.resize(step.kind_name + 1, std::nullopt);
  if (!kinds_[step.kind_name]) kinds_[step.kind_name] = kind_of(event.kind);
  step.kind = *kinds_[step.kind_name];
  step.node = names.id(event.node);
  step.trace = names.id(event.trace);
  step.peer = names.id(event.peer);
  step.handoff = names.id(event.handoff);
  step.reason = names.id(event.reason);
  step.loss_reason = event.reason.empty() ? step.kind_name : step.reason;
  step.msg = context_.msgs.id(event.msg);
  TEARLINE_ASSERT((step.msg == 0) == event.msg.empty());  // Id 0 is "no message", only.
  // Only a "created" event's parent counts (MessageIndex's rule).
  step.parent = step.kind == Kind::kCreated ? context_.msgs.id(event.parent) : 0;

  ledger_.add(step, event);
  handoffs_.add(step);
  plots_.add(step, event, ledger_);
  centre_.add(step);
  faults_.add(step, event);
  exposure_.add(event);
  nodes_.add(event);
}

v1::ModeReport ModeBuilder::finish(std::vector<std::string>* warnings) {
  return report(&ledger_, &handoffs_, &faults_, &nodes_, /*run_over=*/true, warnings);
}

v1::ModeReport ModeBuilder::snapshot() {
  MessageLedger ledger = ledger_;
  HandoffTable handoffs = handoffs_;
  FaultTally faults = faults_;
  NodeExits nodes = nodes_;
  return report(&ledger, &handoffs, &faults, &nodes, /*run_over=*/false, nullptr);
}

v1::ModeReport ModeBuilder::report(MessageLedger* ledger, HandoffTable* handoffs,
                                   FaultTally* faults, NodeExits* nodes, bool run_over,
                                   std::vector<std::string>* warnings) {
  v1::ModeReport mode;
  if (context_.run_info()) {
    *mode.mutable_run() = *context_.run_info();
  } else {
    v1::Anomaly* anomaly = mode.add_anomalies();
    anomaly->set_check("run_event");
    anomaly->set_message("launcher.trace.jsonl has no run event: plots unknown");
  }
  for (const DerivedLoss& loss : ledger->finish(run_over)) {
    TEARLINE_ASSERT(loss.msg != 0 && loss.event.kind == Kind::kLost);
    handoffs->add_loss(loss.event.handoff, loss.msg, loss.event.loss_reason);
    faults->add_loss(loss);
  }
  std::vector<std::string> died_with_launcher;
  for (const uint32_t node : ledger->died_with_launcher()) {
    died_with_launcher.push_back(context_.names.name(node));
    nodes->add_exit(died_with_launcher.back(), std::string(kLauncherDiedReason));
  }

  ledger->fill(&mode);
  handoffs->fill(&mode);
  plots_.fill(*ledger, centre_.centre(), &mode);
  exposure_.fill(mode.mutable_exposure());
  nodes->fill(&mode);
  faults->fill(*ledger, &mode);
  centre_.fill(&mode);

  if (!died_with_launcher.empty()) {
    const std::string message = fmt::format(
        "the run did not finish: its launcher died with {} still running; what they held is "
        "counted lost ({})",
        fmt::join(died_with_launcher, ", "), kLauncherDiedReason);
    v1::Anomaly* anomaly = mode.add_anomalies();
    anomaly->set_check("finished");
    anomaly->set_message(message);
    if (warnings != nullptr) warnings->push_back(mode_ + ": " + message);
  }
  return mode;
}

}  // namespace tearline::report
