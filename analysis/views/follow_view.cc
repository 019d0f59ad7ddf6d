// trace follow TRACE_ID: one piece of intelligence from its source to every
// place its copies reached or died, as a tree of messages (copies under the
// message they were made from), each with its hops and its fate.
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <stdexcept>

#include "analysis/views/trace_views.h"
#include "analysis/views/view_format.h"

namespace tearline {
namespace {

using report::Event;
using report::Message;
using trace_views::LoadedMode;
using trace_views::LoadedRun;

constexpr size_t kIndentPerLevel = 4;  // Characters.

struct Hop {
  std::string handoff;
  std::vector<const Event*> events;  // In time order.
};

// The messages of one trace, and each one's copies.
struct TraceTree {
  std::vector<const Message*> roots;
  std::map<std::string, std::vector<const Message*>> children_by_parent;
};

size_t first_order(const Message& message) {
  return message.created != nullptr ? message.created->order : message.events.front()->order;
}

TraceTree tree_of(const LoadedMode& mode, const std::string& trace_id) {
  TraceTree tree;
  std::vector<const Message*> members;
  for (const auto& [id, message] : mode.index->messages()) {
    if (mode.index->trace_of(id) == trace_id) members.push_back(&message);
  }
  std::sort(members.begin(), members.end(),
            [](const Message* a, const Message* b) { return first_order(*a) < first_order(*b); });
  for (const Message* message : members) {
    const Message* parent = mode.index->find(message->parent);
    const bool parent_in_tree = parent != nullptr && parent->id != message->id &&
                                mode.index->trace_of(parent->id) == trace_id;
    if (parent_in_tree) {
      tree.children_by_parent[parent->id].push_back(message);
    } else {
      tree.roots.push_back(message);
    }
  }
  return tree;
}

std::string source_kind_name(const std::string& source_kind) {
  return source_kind.empty() ? "none" : source_kind;
}

std::string describe_source(const Event& event) {
  if (event.source_kind.empty()) return "no source";
  std::string text = fmt::format("source {} {}", event.source_kind, event.source);
  if (!event.source_agency.empty()) text += fmt::format(" ({})", event.source_agency);
  return text;
}

// What an event other than the hop's queue and link steps did.
std::string note_of(const Event& event) {
  if (event.kind == "sanitised") {
    return fmt::format("sanitised, detail left: {}", fmt::join(event.detail, ", "));
  }
  if (event.kind == "pseudonymised") return "pseudonymised, source shown as " + event.source;
  if (event.kind == "shared") return "shared in full";
  if (event.kind == "acted")
    return event.actionable ? "acted (actionable)" : "acted (not actionable)";
  if (event.kind == "correlated") return "correlated: " + event.reason;
  if (event.kind == "attempt_lost") return fmt::format("attempt lost ({})", event.reason);
  if (event.reason.empty()) return event.kind;
  return fmt::format("{} ({})", event.kind, event.reason);
}

const Event* first_of(const Hop& hop, std::string_view kind) {
  for (const Event* event : hop.events) {
    if (event->kind == kind) return event;
  }
  return nullptr;
}

std::string hop_line(const Hop& hop, std::string* source_kind) {
  std::vector<std::string> parts;
  const Event* queued = first_of(hop, "queued");
  const Event* dequeued = first_of(hop, "dequeued");
  const Event* served = first_of(hop, "served");
  if (queued != nullptr && dequeued != nullptr) {
    parts.push_back(fmt::format("waiting {}", trace_views::hours(dequeued->t_h - queued->t_h)));
  }
  if (dequeued != nullptr && served != nullptr) {
    parts.push_back(fmt::format("service {}", trace_views::hours(served->t_h - dequeued->t_h)));
  }
  const Event* sent = first_of(hop, "sent");
  const Event* received = first_of(hop, "received");
  if (sent != nullptr && received != nullptr) {
    parts.push_back(fmt::format("transit {}", trace_views::hours(received->t_h - sent->t_h)));
  } else if (sent != nullptr) {
    parts.push_back("sent, never received");
  }
  size_t attempts = 0;
  // Notes in first-seen order, each with how often it came: a link can lose
  // many attempts for one reason.
  std::vector<std::pair<std::string, size_t>> notes;
  const auto note = [&notes](std::string text) {
    const auto it = std::find_if(notes.begin(), notes.end(),
                                 [&text](const auto& seen) { return seen.first == text; });
    if (it != notes.end()) {
      ++it->second;
    } else {
      notes.emplace_back(std::move(text), 1);
    }
  };
  for (const Event* event : hop.events) {
    const std::string& kind = event->kind;
    if (kind == "sent" || kind == "resent") ++attempts;
    const bool step = kind == "queued" || kind == "dequeued" || kind == "served" ||
                      kind == "sent" || kind == "resent" || kind == "received" || kind == "acked";
    if (!step) note(note_of(*event));
    if (event->source_kind != *source_kind) {
      note(fmt::format("source kind {} -> {}", source_kind_name(*source_kind),
                       source_kind_name(event->source_kind)));
      *source_kind = event->source_kind;
    }
  }
  for (const auto& [text, count] : notes) {
    parts.push_back(count == 1 ? text : fmt::format("{} x{}", text, count));
  }
  if (attempts > 1) parts.push_back(fmt::format("{} attempts", attempts));
  // A hop ends where the message left it: received over a link, served by a
  // department; the sender's later "acked" is not part of the transfer.
  const Event* out = received != nullptr ? received
                     : served != nullptr ? served
                                         : hop.events.back();
  return fmt::format("{:<24} {:>8} -> {:<8}  {}", hop.handoff,
                     trace_views::hours(hop.events.front()->t_h), trace_views::hours(out->t_h),
                     fmt::join(parts, "; "));
}

std::string fate_line(const LoadedMode& mode, const Message& message) {
  const Event& end = *message.end;
  const std::string at = fmt::format("at {} ({}), {}", end.node, end.handoff,
                                     trace_views::hours_with_date(mode.info, end.t_h));
  switch (message.fate) {
    case report::Fate::kDelivered:
      return "=> delivered " + at;
    case report::Fate::kLost:
      return fmt::format("=> {} ({}) {}", end.kind, report::loss_reason(end), at);
    case report::Fate::kInFlight:
      return fmt::format("=> in flight in {} {}", end.reason, at);
    case report::Fate::kUnaccounted:
      return "=> unaccounted: " + message.unaccounted_reason;
  }
  return "";
}

bool is_hop_event(const Event& event) {
  return event.kind != "created" && event.kind != "in_flight" && !report::is_terminal(event.kind);
}

class TreePrinter {
 public:
  TreePrinter(const LoadedRun& run, const LoadedMode& mode, const TraceTree& tree)
      : run_(run), mode_(mode), tree_(tree) {}

  std::string print(const Message& message, size_t level, std::string source_kind) {
    const std::string indent(level * kIndentPerLevel, ' ');
    std::string text;
    std::vector<const Event*> shown;
    for (const Event* event : message.events) {
      if (trace_views::passes(run_, mode_, *event)) shown.push_back(event);
    }
    text += indent + message.id;
    if (message.created != nullptr) {
      const Event& created = *message.created;
      text += fmt::format(": created at {}, {}, {}", created.node,
                          trace_views::hours_with_date(mode_.info, created.t_h),
                          describe_source(created));
      if (level > 0 && created.source_kind != source_kind) {
        text += fmt::format("; source kind {} -> {}", source_kind_name(source_kind),
                            source_kind_name(created.source_kind));
      }
      source_kind = created.source_kind;
    }
    text += '\n';
    if (shown.empty()) text += indent + "  (no events pass the filter)\n";
    for (const Hop& hop : hops_of(shown))
      text += indent + "  " + hop_line(hop, &source_kind) + '\n';
    if (trace_views::passes(run_, mode_, *message.end))
      text += indent + "  " + fate_line(mode_, message) + '\n';
    const auto children = tree_.children_by_parent.find(message.id);
    if (children == tree_.children_by_parent.end()) return text;
    for (const Message* child : children->second) text += print(*child, level + 1, source_kind);
    return text;
  }

 private:
  static std::vector<Hop> hops_of(const std::vector<const Event*>& events) {
    std::vector<Hop> hops;
    for (const Event* event : events) {
      if (!is_hop_event(*event)) continue;
      const auto it = std::find_if(hops.begin(), hops.end(), [event](const Hop& hop) {
        return hop.handoff == event->handoff;
      });
      if (it != hops.end()) {
        it->events.push_back(event);
      } else {
        hops.push_back({event->handoff, {event}});
      }
    }
    return hops;
  }

  const LoadedRun& run_;
  const LoadedMode& mode_;
  const TraceTree& tree_;
};

}  // namespace

std::string trace_follow(const std::string& run_dir, const std::string& trace_id,
                         const TraceFilter& filter, std::vector<std::string>* warnings) {
  const LoadedRun run = trace_views::load_trace(run_dir, trace_id, filter, warnings);
  std::string text;
  bool known = false;
  for (const auto& mode : run.modes) {
    const TraceTree tree = tree_of(*mode, trace_id);
    text += trace_views::heading(mode->info, "trace " + trace_id);
    if (tree.roots.empty()) {
      text += "  no message carries this trace id in this mode\n\n";
      continue;
    }
    known = true;
    TreePrinter printer(run, *mode, tree);
    for (const Message* root : tree.roots) text += printer.print(*root, 0, "") + "\n";
  }
  if (!known) {
    throw std::runtime_error(
        fmt::format("{}: unknown trace id \"{}\": no message carries it", run_dir, trace_id));
  }
  return trace_views::fit_width(text);
}

}  // namespace tearline
