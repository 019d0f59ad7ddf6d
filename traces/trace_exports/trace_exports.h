// Exports of a run's traces to existing viewers: Perfetto / chrome://tracing
// (Chrome Trace Event JSON), OpenTelemetry consumers such as Jaeger
// (OTLP/JSON), Mermaid sequence diagrams and a self-contained HTML page.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace tearline {

// Each reads every mode of run_dir (malformed lines skipped, one warning each
// with file:line into *warnings, if not null) and returns the file content.
std::string export_perfetto(const std::string& run_dir, std::vector<std::string>* warnings);
// The same, written to `out` as it is made.
void export_perfetto(const std::string& run_dir, std::ostream& out,
                     std::vector<std::string>* warnings);
std::string export_otlp(const std::string& run_dir, std::vector<std::string>* warnings);
// trace_ids empty: every plot's trace ids (RunInfo plots[].trace_ids of the
// run event in launcher.trace.jsonl).
std::string export_mermaid(const std::string& run_dir, const std::vector<std::string>& trace_ids,
                           std::vector<std::string>* warnings);
// A self-contained HTML page (inline CSS and SVG, no scripts): the plot table
// of build_report(), per mode a sequence diagram of trace_ids (empty: every
// plot's) and per-handoff delay histograms. Throws ReportError if run_dir
// has no mode with traces.
std::string export_html(const std::string& run_dir, const std::vector<std::string>& trace_ids,
                        std::vector<std::string>* warnings);

}  // namespace tearline
