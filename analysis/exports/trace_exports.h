// Exports of a run's traces to existing viewers: Perfetto / chrome://tracing
// (Chrome Trace Event JSON), OpenTelemetry consumers such as Jaeger
// (OTLP/JSON) and Mermaid sequence diagrams. report.html is analysis/pages/.
#pragma once

#include <cstddef>
#include <iosfwd>
#include <string>
#include <utility>
#include <vector>

namespace tearline {

// Each reads every mode of run_dir (malformed lines skipped, one warning each
// with file:line into *warnings, if not null). Those that write to a stream
// or files stream: they read the run in time order without holding it
// (mode_stream.h) and write as they go; the others return the content.
std::string export_perfetto(const std::string& run_dir, std::vector<std::string>* warnings);
// The same, written to `out` as it is made.
void export_perfetto(const std::string& run_dir, std::ostream& out,
                     std::vector<std::string>* warnings);
// A native Perfetto trace (protobuf TrackEvent packets, the subset in
// proto/perfetto/perfetto_trace.proto), written to `out` as it is made.
void export_perfetto_proto(const std::string& run_dir, std::ostream& out,
                           std::vector<std::string>* warnings);
// OTLP/JSON into `path` and, past max_file_bytes, into path's stem +
// ".2.json", ".3.json", ... beside it (otlp_files.h): each file one complete
// ExportTraceServiceRequest. Returns each file written and its size in bytes.
// Throws std::runtime_error if a file cannot be written.
inline constexpr size_t kOtlpFileBytesMax = size_t{20} << 20;  // 20 MiB
std::vector<std::pair<std::string, size_t>> export_otlp(const std::string& run_dir,
                                                        const std::string& path,
                                                        size_t max_file_bytes,
                                                        std::vector<std::string>* warnings);
// trace_ids empty: every plot's trace ids (RunInfo plots[].trace_ids of the
// run event in launcher.trace.jsonl).
std::string export_mermaid(const std::string& run_dir, const std::vector<std::string>& trace_ids,
                           std::vector<std::string>* warnings);

}  // namespace tearline
