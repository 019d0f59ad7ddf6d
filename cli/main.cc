// tearline: the command users run. `tearline run` runs a scenario as real
// processes; `tearline report` re-reads a run directory's traces.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <fstream>
#include <optional>

#include "analysis/explain/text_report.h"
#include "analysis/pages/picture_files.h"
#include "analysis/report/report.h"
#include "analysis/report/report_json.h"
#include "cli/compare_command.h"
#include "cli/explain_command.h"
#include "cli/fault_command.h"
#include "cli/run_command.h"
#include "cli/scenario_generate.h"
#include "cli/scenario_show.h"
#include "cli/standard_output.h"
#include "cli/sweep_cli.h"
#include "cli/sweep_command.h"
#include "cli/trace_command.h"
#include "launcher/file_modes.h"

namespace {

// The command line parsed and its command done; its exit code.
int run_command_line(int argc, char** argv) {
  CLI::App app{
      "tearline: intelligence warnings through bilateral sharing and a coordination centre, as "
      "real processes over ZeroMQ. See README.md."};
  app.require_subcommand(1);

  tearline::RunOptions run;
  CLI::App* run_app = app.add_subcommand(
      "run",
      "Run a scenario: start every node as a process, grant them scenario time, stop them, "
      "and write a run directory with traces, logs, report.txt, report.json and report.html.");
  run_app->add_option("scenario", run.scenario, "scenario file, or a name under scenarios/")
      ->required();
  run_app->add_option("--mode", run.mode, "which world to run (default: both, side by side)")
      ->check(CLI::IsMember({"bilateral", "coordinated", "both"}));
  run_app->add_option("--seed", run.seed,
                      "seed of every random decision (default: the scenario's)");
  run_app
      ->add_option("--scale", run.ms_per_scenario_hour,
                   "pace: at most this many wall milliseconds per scenario hour; scenario "
                   "time advances no faster, and slower when the machine cannot keep up. 0 runs "
                   "as fast as the processes allow. The answer is the same at any pace "
                   "(default: the scenario's)")
      ->check(CLI::NonNegativeNumber);
  run_app->add_option("--out", run.out_dir,
                      "run directory (default: runs/<scenario>-<time>-seed<N>)");
  run_app->add_flag("--quiet", run.quiet, "no progress, no report on stdout");
  run_app
      ->add_option("--restart-after-h", run.restart_delay_h,
                   "start a node that dies (crash, kill, or killed from outside) again this many "
                   "scenario hours later (unless that is at or after the end of the run); an "
                   "unexpected death then does not fail the run, even one at the end "
                   "(default: never restart, and an unexpected death fails the run)")
      ->check(CLI::NonNegativeNumber);
  run_app->add_flag("--in-process", run.in_process,
                    "the reference run: every node as a state machine in this one process, "
                    "frames handed over in memory; same run directory and, by the determinism "
                    "contract, the same report as the real processes");
  run_app->add_flag("--journal-sync,!--no-journal-sync", run.journal_sync,
                    "journaled nodes sync (fdatasync) every commit, so it survives a crash of "
                    "the machine, not only the death of their process; most of a round's cost "
                    "on a slow disk (default: only with --hosts or --slurm, where a host can "
                    "crash while the launcher goes on; docs/DURABILITY.md)");
  run_app->add_flag("!--no-control-channel", run.control_channel,
                    "the launcher reaches the nodes it starts over their CURVE control socket, "
                    "as it does remote and wrapped ones, instead of a socketpair each (slower "
                    "rounds; for comparison)");
  run_app->add_flag("--no-html", run.no_html,
                    "write no report.html (a sweep's runs; `tearline trace RUN --html FILE` "
                    "makes it later)");
  run_app->add_option("--keys", run.keys_dir,
                      "use this key set (made by `tearline keys`) instead of fresh keys in "
                      "<run>/keys; needed to run nodes on several hosts");
  run_app->add_option("--hosts", run.hosts_file,
                      "hosts file: each node's tcp:// (or ipc://) endpoints and how to start it "
                      "(e.g. in a network namespace, or over ssh); see README.md, \"Across "
                      "hosts\" (default: ipc:// on this machine)");
  run_app->add_flag("--slurm", run.slurm,
                    "inside a Slurm allocation (salloc, sbatch): every node a job step on the "
                    "allocation's hosts, tcp:// endpoints (README \"A run on Slurm\")");
  run_app->add_option("--slurm-ports", run.slurm_ports,
                      "with --slurm: the ports to give out, FIRST-LAST (default 7100-7999)");
  run_app
      ->add_option("--live", run.live_port,
                   "serve a page showing the run as it goes on http://127.0.0.1:PORT/ (default "
                   "port 8077; 0: any free one, printed); give it after the scenario, or as "
                   "--live=PORT")
      ->expected(0, 1)
      ->default_str("8077");
  run_app->add_flag("--group-readable", run.group_readable,
                    "let the group read the run folder (folders 0750, files 0640); by default "
                    "only you can (0700, 0600): traces hold true source handles");
  run_app->add_option("--chaos", run.chaos_seed,
                      "add a schedule of mixed faults (partitions, lossy links, pauses, stalled "
                      "departments, crashes, SIGKILLs, SIGSTOPs) drawn from this seed; written to "
                      "chaos.txt in the run directory");

  tearline::SweepOptions sweep;
  CLI::App* sweep_app = app.add_subcommand(
      "sweep",
      "A parameter study: run a scenario for every combination of parameter values (--set) "
      "and every seed (--seeds), both modes, at --scale 0, some runs at a time, into one sweep "
      "folder with sweep.csv and sweep.json (one row per run and mode). Run the same command "
      "again to resume an interrupted sweep. Exit 0 all runs passed, 1 a run failed, 2 bad "
      "usage or parameters (before any run starts), 130 interrupted. See README.md, \"Sweeps\".");
  sweep_app->add_option("scenario", sweep.scenario, "scenario file, or a name under scenarios/")
      ->required();
  sweep_app->add_option(
      "--set", sweep.sets,
      "a parameter and its values, by the key path scenario errors print: "
      "PATH=V1,V2,... or PATH=A..B (integers) or PATH=A..B:STEP, e.g. "
      "agency[0].partner[0].trust=0.5,0.7,0.9 or agency[1].database.workers=2..6; repeat for a "
      "grid");
  sweep_app->add_option("--seeds", sweep.seeds,
                        "seeds, e.g. 1-20 or 1,3,5 (default: the scenario's seed)");
  sweep_app->add_option("--mode", sweep.mode, "which world to run (default: both)")
      ->check(CLI::IsMember({"bilateral", "coordinated", "both"}));
  sweep_app->add_option("--jobs", sweep.jobs, "runs at a time (default: 2)")
      ->check(CLI::Range(1, 64));
  sweep_app->add_option("--out", sweep.out_dir,
                        "sweep folder (default: runs/sweep-<scenario>-<time>); the same folder "
                        "resumes the same sweep");
  sweep_app->add_flag("--in-process", sweep.in_process,
                      "each run as the reference run (tearline run --in-process): the same "
                      "answers, faster");
  sweep_app->add_flag("--keep-traces", sweep.keep_traces,
                      "keep each run's traces, journals and logs (by default a finished run "
                      "keeps its report and scenario; `tearline run` of its point and seed "
                      "makes the same traces again)");
  sweep_app->add_flag("--quiet", sweep.quiet, "no progress and no summary");
  sweep_app->add_flag("--group-readable", sweep.group_readable,
                      "let the group read the sweep folder (folders 0750, files 0640); by "
                      "default only you can (0700, 0600)");
  tearline::add_slurm_sweep_options(*sweep_app, sweep);
  const std::unique_ptr<tearline::SweepJobsCli> sweep_jobs = tearline::add_sweep_jobs(app);

  tearline::ExplainOptions explain;
  CLI::App* explain_app = tearline::add_explain_command(app, explain);

  tearline::GenerateOptions generate;
  std::string generate_out;
  CLI::App* scenario_app =
      app.add_subcommand("scenario",
                         "Work with scenario files: `generate` makes one, `show` prints one "
                         "resolved.");
  scenario_app->require_subcommand(1);
  CLI::App* generate_app = scenario_app->add_subcommand(
      "generate",
      "Write a valid scenario of any size, drawn from a seed (the same arguments give the same "
      "file): agencies with partners, sources, background and policies, a centre, units that "
      "each cover an area, plots whose reports are spread over the agencies. Its comments say "
      "how it was made. Exit 0 written, 1 cannot write, 2 bad options.");
  generate_app->add_option("--agencies", generate.agencies, "agencies, 1-1000 (default 3)");
  generate_app->add_option("--units", generate.units, "units, 1-10000 (default 4)");
  generate_app->add_option("--plots", generate.plots, "plots, 0-1000 (default 2)");
  generate_app->add_option("--seed", generate.seed, "seed of the draws (default 1)");
  generate_app->add_option("--duration-h", generate.duration_h,
                           "scenario hours, 48-8760 (default 720)");
  generate_app->add_option("--out", generate_out, "file to write (default: stdout)");
  std::string show_scenario;
  CLI::App* show_app = scenario_app->add_subcommand(
      "show",
      "Print a scenario as a run reads it, as TOML: an overlay (`extends = ...`) merged into its "
      "base and its [set] applied, with the key paths of scenarios/README.md, \"Overlays\" "
      "(comments are not kept). Exit 0 printed, 2 a bad scenario (its file and line named).");
  show_app->add_option("scenario", show_scenario, "scenario file, or a name under scenarios/")
      ->required();

  std::string keys_scenario;
  std::string keys_dir;
  CLI::App* keys_app = app.add_subcommand(
      "keys",
      "Make a key set for a scenario's members (each node, the launcher, the operator) into a "
      "new folder only you can read, for `tearline run --keys DIR`: the same keys run after "
      "run, or copied to the hosts of a run across machines (each host needs its nodes' .key "
      "files and public_keys.toml). Exit 0 made, 2 bad scenario or the folder holds keys.");
  keys_app->add_option("scenario", keys_scenario, "scenario file, or a name under scenarios/")
      ->required();
  keys_app->add_option("dir", keys_dir, "folder to create")->required();

  std::string report_dir;
  bool report_json = false;
  CLI::App* report_app = app.add_subcommand(
      "report", "Print the report of a run directory, computed from its traces.");
  report_app->add_option("run_dir", report_dir, "run directory")->required();
  report_app->add_flag("--json", report_json, "print report.json instead of the text report");
  std::string pictures_dir;
  report_app->add_option("--pictures", pictures_dir,
                         "also write the report's pictures as standalone SVG files into this "
                         "existing folder: map-<mode>.svg (the handoff map) and "
                         "timeline-<plot>.svg (each plot's copies on a date axis)");

  tearline::CompareOptions compare;
  CLI::App* compare_app = app.add_subcommand(
      "compare",
      "Compare two runs (or, with --modes, the two modes of one run): per plot the outcome and "
      "lead time in A and B, per handoff in/out/lost/in flight and p50/p90 delay deltas, "
      "messages and source exposure, the largest changes first.");
  compare_app
      ->add_option("runs", compare.runs,
                   "RUN_A RUN_B (or RUN with --modes): run directories or report.json files")
      ->required()
      ->expected(1, 2);
  compare_app->add_flag("--modes", compare.modes,
                        "compare one run's bilateral mode (A) with its coordinated mode (B)");
  compare_app->add_option("--json", compare.json_path,
                          "write the comparison as JSON (proto/tearline/v1/run_comparison.proto)");
  compare_app->add_option("--html", compare.html_path,
                          "write a self-contained HTML page: tables, largest changes first, "
                          "with bars of the deltas");
  compare_app->footer(tearline::kCompareHelpFooter);

  tearline::FaultOptions fault;
  std::vector<std::string> fault_args;
  std::optional<double> delay_h, jitter_h, loss, duplicate, reorder, reorder_window_h, bandwidth,
      service_h;
  std::optional<uint32_t> workers, capacity_msgs;
  bool reset = false;
  CLI::App* fault_app = app.add_subcommand(
      "fault",
      "Inject a fault into a live run: COMMAND is one of status, pause, resume, link PEER|*, "
      "partition PEER..., heal, queue NAME, crash, lose|delay|withhold|share-full report "
      "ID|trace ID|subject NAME (aimed at intelligence, at an agency's desk) (control commands "
      "the node acknowledges and traces), kill, stop, cont (SIGKILL, SIGSTOP, SIGCONT to its "
      "process), or restart (the launcher starts the node again once it has died). Exit 0 done, 1 "
      "the run is not live or "
      "the node not running or it refused, 2 bad usage.");
  fault_app->add_option("run_dir", fault.run_dir, "run directory of a live run")->required();
  fault_app->add_option("command", fault.command, "what to do")
      ->required()
      ->check(CLI::IsMember(tearline::fault_command_names()));
  fault_app->add_option("node", fault.node, "node to do it to, e.g. broker")->required();
  fault_app->add_option("args", fault_args,
                        "link: PEER or *; partition: PEERs; queue: NAME; lose, delay, withhold, "
                        "share-full: report ID, trace ID or subject NAME");
  fault_app->add_option("--mode", fault.mode, "the mode to act on (default: the live one)");
  fault_app->add_option("--delay-h", delay_h,
                        "link: extra delay; delay: how long the report is held; scenario hours");
  fault_app->add_option("--jitter-h", jitter_h, "link: uniform extra delay up to this");
  fault_app->add_option("--loss", loss, "link: loss probability")->check(CLI::Range(0.0, 1.0));
  fault_app->add_option("--duplicate", duplicate, "link: duplication probability")
      ->check(CLI::Range(0.0, 1.0));
  fault_app->add_option("--reorder", reorder, "link: probability a message is held back")
      ->check(CLI::Range(0.0, 1.0));
  fault_app->add_option("--reorder-window-h", reorder_window_h, "link: how far back, hours");
  fault_app->add_option("--bandwidth", bandwidth, "link: messages per scenario hour at most")
      ->check(CLI::PositiveNumber);
  fault_app->add_flag("--reset", reset, "link, queue: restore the scenario's model");
  fault_app->add_option("--workers", workers, "queue: number of workers (0 stalls it)");
  fault_app->add_option("--service-h", service_h, "queue: fixed service time, hours");
  fault_app->add_option("--capacity", capacity_msgs, "queue: capacity in messages");
  fault_app->add_option("--key", fault.key_path,
                        "the operator's key file (default: operator.key in the run's key set)");
  fault_app
      ->add_option("--after-h", fault.restart_after_h,
                   "restart: scenario hours from now (default 0)")
      ->check(CLI::NonNegativeNumber);

  tearline::TraceCommandOptions trace;
  CLI::App* trace_app = app.add_subcommand(
      "trace",
      "Read a run's traces: 'summary' (events by node and kind, time span, messages by fate), "
      "'follow TRACE_ID' (one piece of intelligence from its source to every place its copies "
      "reached or died, with per-hop delays and transformations), 'lost' (every lost or expired "
      "message, grouped by handoff and reason), 'node NAME' (a node's events and queue depths).");
  trace_app->add_option("run_dir", trace.run_dir, "run directory")->required();
  trace_app->add_option("view", trace.view, "summary, follow, lost or node (default: summary)")
      ->check(CLI::IsMember({"summary", "follow", "lost", "node"}));
  trace_app->add_option("target", trace.target, "follow: TRACE_ID; node: NAME");
  trace_app->add_option("--mode", trace.filter.mode, "only this mode");
  trace_app->add_option("--plot", trace.filter.plot, "only messages about this plot");
  trace_app->add_option("--node", trace.filter.node, "only events at this node");
  trace_app->add_option("--from-h", trace.filter.from_h, "only from this scenario hour");
  trace_app->add_option("--to-h", trace.filter.to_h, "only up to this scenario hour");
  trace_app->add_option("--reason", trace.reason, "lost: only this reason");
  trace_app->add_option("--perfetto", trace.perfetto_path,
                        "write Chrome Trace Event JSON for Perfetto UI / chrome://tracing");
  trace_app->add_option("--perfetto-proto", trace.perfetto_proto_path,
                        "write a native Perfetto trace (protobuf TrackEvent packets): a track "
                        "per node and per handoff, flows, queue depth counters; scenario time");
  trace_app->add_option("--otlp", trace.otlp_path,
                        "write OpenTelemetry OTLP/JSON spans (Jaeger and other OTLP consumers) "
                        "in the scenario's calendar, a service per node; past 20 MiB the spans "
                        "go on in FILE's stem + .2.json, .3.json, ..., each file a complete "
                        "ExportTraceServiceRequest");
  trace_app->add_option("--mermaid", trace.mermaid_path,
                        "write a Mermaid sequence diagram of the chosen trace ids");
  trace_app->add_option("--html", trace.html_path,
                        "write report.html to FILE: the why in words, the handoff maps, the plot "
                        "timelines, then the numbers (what `tearline run` writes)");
  trace_app->add_flag("--group-readable", trace.group_readable,
                      "exports readable by the group too (0640); by default only by you (0600)");
  trace_app->add_option("--trace-id", trace.mermaid_trace_ids,
                        "--mermaid: a trace id to draw (repeatable; default: every plot's)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    return app.exit(error) == 0 ? 0 : 2;
  }

  if (*run_app) return tearline::run_command(run);
  if (*sweep_app) return tearline::sweep_command(sweep);
  if (*explain_app) return tearline::explain_command(explain);
  if (const std::optional<int> code = tearline::run_sweep_job(*sweep_jobs)) return *code;
  if (*generate_app) return tearline::generate_command(generate, generate_out);
  if (*show_app) return tearline::show_command(show_scenario);
  if (*keys_app) return tearline::keys_command(keys_scenario, keys_dir);
  if (*compare_app) return tearline::compare_command(compare);
  if (*trace_app) {
    const bool exporting = !trace.perfetto_path.empty() || !trace.perfetto_proto_path.empty() ||
                           !trace.otlp_path.empty() || !trace.mermaid_path.empty() ||
                           !trace.html_path.empty();
    if (trace.view.empty() && !exporting) trace.view = "summary";
    return tearline::trace_command(trace);
  }
  if (*fault_app) {
    const std::string& command = fault.command;
    if (tearline::is_intel_command(command)) {
      const std::string error =
          tearline::intel_fault_from_args(command, fault_args, delay_h, &fault.intel);
      if (!error.empty()) return fmt::print(stderr, "tearline fault: {}\n", error), 2;
      tearline::create_files_as_in(fault.run_dir);
      return tearline::fault_command(fault);
    }
    const bool wants_one = command == "link" || command == "queue";
    const bool wants_some = command == "partition";
    if ((wants_one && fault_args.size() != 1) || (wants_some && fault_args.empty()) ||
        (!wants_one && !wants_some && !fault_args.empty())) {
      fmt::print(stderr, "tearline fault: {} takes {}\n", command,
                 wants_one    ? (command == "link" ? "one PEER (or *)" : "one department NAME")
                 : wants_some ? "one or more PEERs"
                              : "no further arguments");
      return 2;
    }
    if (command == "partition") fault.peers = fault_args;
    if (command == "link") {
      fault.link.set_peer(fault_args[0]);
      fault.link.set_reset(reset);
      if (delay_h) fault.link.set_delay_h(*delay_h);
      if (jitter_h) fault.link.set_jitter_h(*jitter_h);
      if (loss) fault.link.set_loss_probability(*loss);
      if (duplicate) fault.link.set_duplicate_probability(*duplicate);
      if (reorder) fault.link.set_reorder_probability(*reorder);
      if (reorder_window_h) fault.link.set_reorder_window_h(*reorder_window_h);
      if (bandwidth) fault.link.set_bandwidth_msgs_per_h(*bandwidth);
    }
    if (command == "queue") {
      fault.queue.set_name(fault_args[0]);
      fault.queue.set_reset(reset);
      if (workers) fault.queue.set_workers(*workers);
      if (service_h) fault.queue.set_service_h(*service_h);
      if (capacity_msgs) fault.queue.set_capacity_msgs(*capacity_msgs);
    }
    tearline::create_files_as_in(fault.run_dir);  // It appends to faults.trace.jsonl.
    return tearline::fault_command(fault);
  }

  std::vector<std::string> warnings;
  try {
    const tearline::v1::RunReport report = tearline::build_report(report_dir, &warnings);
    for (const std::string& warning : warnings)
      fmt::print(stderr, "tearline report: {}\n", warning);
    fmt::print("{}", report_json ? tearline::report::to_json(report)
                                 : tearline::explain::render_text(report));
    if (!pictures_dir.empty()) {
      try {
        for (const auto& path : tearline::pages::write_pictures(report, pictures_dir))
          fmt::print(stderr, "tearline report: wrote {}\n", path.string());
      } catch (const std::runtime_error& error) {
        fmt::print(stderr, "tearline report: {}\n", error.what());
        return 1;
      }
    }
    return 0;
  } catch (const tearline::ReportError& error) {
    fmt::print(stderr, "tearline report: {}\n", error.what());
    return 2;
  }
}

}  // namespace

int main(int argc, char** argv) {
  return tearline::with_output_checked([argc, argv] { return run_command_line(argc, argv); });
}
