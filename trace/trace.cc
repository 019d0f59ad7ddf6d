#include "trace/trace.h"

#include <sys/stat.h>
#include <unistd.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <array>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <iterator>
#include <stdexcept>

#include "base/invariant.h"

namespace tearline {
namespace {

// Every event is written straight into a buffer with room for its longest
// possible line (json_line_bound): no temporaries, no per-field capacity
// checks. The output is byte for byte what the field-by-field writer of
// earlier versions produced (trace_test compares them on random events).

constexpr char kHexDigits[] = "0123456789abcdef";

// What a byte becomes inside a JSON string: 0, itself; 'u', \u00XX;
// otherwise a backslash and this character. UTF-8 bytes pass through.
constexpr std::array<char, 256> make_escapes() {
  std::array<char, 256> escapes{};
  for (int c = 0; c < 0x20; ++c) escapes[c] = 'u';
  escapes['"'] = '"';
  escapes['\\'] = '\\';
  escapes['\n'] = 'n';
  escapes['\r'] = 'r';
  escapes['\t'] = 't';
  escapes['\b'] = 'b';
  escapes['\f'] = 'f';
  return escapes;
}
constexpr std::array<char, 256> kEscapes = make_escapes();
constexpr size_t kEscapedBytesPerByteMax = 6;  // \u00XX

// Any 64-bit integer in decimal, with its sign.
constexpr size_t kIntegerBytesMax = 24;
// The largest finite double in fixed notation: sign, 309 digits, point, six
// decimals; the non-finite spellings are shorter.
constexpr size_t kDoubleBytesMax = 320;

char* write_raw(std::string_view text, char* out) {
  std::memcpy(out, text.data(), text.size());
  return out + text.size();
}

// A string literal without its terminating NUL: its size is a constant, so
// the copy is a few moves.
template <size_t N>
char* write_literal(const char (&text)[N], char* out) {
  std::memcpy(out, text, N - 1);
  return out + N - 1;
}

// Whether any of the eight bytes of `word` needs an escape: a control
// character (below 0x20), a quote or a backslash. Exact, as a whole.
bool needs_escape(uint64_t word) {
  constexpr uint64_t kOnes = 0x0101010101010101;
  constexpr uint64_t kHighBits = 0x8080808080808080;
  const uint64_t quotes = word ^ (kOnes * '"');
  const uint64_t backslashes = word ^ (kOnes * '\\');
  // A zero byte in (word - 0x20...) & ~word, quotes or backslashes sets its
  // high bit; a byte of 0x80 and above never does in the first.
  const uint64_t found = ((word - kOnes * 0x20) & ~word) | ((quotes - kOnes) & ~quotes) |
                         ((backslashes - kOnes) & ~backslashes);
  return (found & kHighBits) != 0;
}

// Escapes the bytes from `at` to `end` one by one. Rarely needed, so kept
// out of line: write_escaped()'s fast paths then need no registers saved.
[[gnu::noinline]] char* write_escaped_bytes(const char* at, const char* end, char* out) {
  for (; at != end; ++at) {
    const auto c = static_cast<unsigned char>(*at);
    const char escape = kEscapes[c];
    if (escape == 0) {
      *out++ = static_cast<char>(c);
      continue;
    }
    *out++ = '\\';
    *out++ = escape;
    if (escape == 'u') {
      *out++ = '0';
      *out++ = '0';
      *out++ = kHexDigits[c >> 4];
      *out++ = kHexDigits[c & 0xf];
    }
  }
  return out;
}

#if defined(__SSE2__)
// Whether any of the sixteen bytes at `at` needs an escape.
bool needs_escape16(const char* at) {
  const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(at));
  const __m128i last_control = _mm_set1_epi8(0x1f);
  const __m128i control = _mm_cmpeq_epi8(_mm_max_epu8(bytes, last_control), last_control);
  const __m128i quote = _mm_cmpeq_epi8(bytes, _mm_set1_epi8('"'));
  const __m128i backslash = _mm_cmpeq_epi8(bytes, _mm_set1_epi8('\\'));
  return _mm_movemask_epi8(_mm_or_si128(control, _mm_or_si128(quote, backslash))) != 0;
}
#else
bool needs_escape16(const char* at) {
  uint64_t low;
  uint64_t high;
  std::memcpy(&low, at, sizeof low);
  std::memcpy(&high, at + sizeof low, sizeof high);
  return needs_escape(low) || needs_escape(high);
}
#endif

// Whether two words' bytes need an escape (two four-byte words as one word:
// zero padding would count as control characters).
bool either_needs_escape(uint64_t low, uint64_t high) {
  return needs_escape(low) || needs_escape(high);
}
bool either_needs_escape(uint32_t low, uint32_t high) {
  return needs_escape(low | uint64_t{high} << 32);
}

// [at, end), one to two Words long, as its first and last Word (overlapping):
// copied if both are clean, else escaped byte by byte.
template <typename Word>
char* write_two_words(const char* at, const char* end, char* out) {
  const size_t size = static_cast<size_t>(end - at);
  TEARLINE_ASSERT(size >= sizeof(Word) && size <= 2 * sizeof(Word));
  Word low;
  Word high;
  std::memcpy(&low, at, sizeof low);
  std::memcpy(&high, end - sizeof high, sizeof high);
  if (either_needs_escape(low, high)) return write_escaped_bytes(at, end, out);
  std::memcpy(out, &low, sizeof low);
  std::memcpy(out + size - sizeof high, &high, sizeof high);
  return out + size;
}

// At most kEscapedBytesPerByteMax * text.size() bytes. Clean text, the rule,
// is copied in blocks: checked sixteen (or eight, or four) bytes at a time,
// the last, partial block of a text as the block that ends with the text,
// overlapping the one before (which, if it is clean too, was copied
// unchanged, so copying it again writes the same bytes).
char* write_escaped(std::string_view text, char* out) {
  const char* at = text.data();
  const char* const end = at + text.size();
  const size_t size = text.size();
  if (size >= 16) {
    while (end - at >= 16) {
      if (needs_escape16(at)) return write_escaped_bytes(at, end, out);
      std::memcpy(out, at, 16);
      out += 16;
      at += 16;
    }
    if (at == end) return out;
    if (needs_escape16(end - 16)) return write_escaped_bytes(at, end, out);
    const size_t rest = static_cast<size_t>(end - at);
    std::memcpy(out + rest - 16, end - 16, 16);
    return out + rest;
  }
  if (size >= 8) return write_two_words<uint64_t>(at, end, out);
  if (size >= 4) return write_two_words<uint32_t>(at, end, out);
  return write_escaped_bytes(at, end, out);
}

template <typename Integer>
char* write_integer(Integer value, char* out) {
  return std::to_chars(out, out + kIntegerBytesMax, value).ptr;
}

// Six decimals (3.6 ms of a scenario hour), trailing zeros trimmed, never an
// exponent: value rounded exactly (as std::to_chars(fixed, 6) and fmt's
// "{:.6f}" do), "-0" written "0". Non-finite values use the proto3 JSON
// spellings. At most kDoubleBytesMax.
char* write_double(double value, char* out) {
  if (std::isnan(value)) return write_literal("\"NaN\"", out);
  if (std::isinf(value)) {
    return value > 0 ? write_literal("\"Infinity\"", out) : write_literal("\"-Infinity\"", out);
  }
  // Fast path, exact: below 1e7 in magnitude, value * 1e6 is within 0.002 of
  // the exact product (relative error 2^-53), so unless its fraction lies
  // within 0.01 of one half, rounding it gives the exactly rounded micros.
  // Scenario hours always take it.
  const double magnitude = std::fabs(value);
  if (magnitude < 1e7) {
    const double scaled = magnitude * 1e6;
    const double whole = std::floor(scaled);
    const double fraction = scaled - whole;  // Exact: scaled < 2^53.
    if (std::fabs(fraction - 0.5) > 0.01) {
      const auto micros = static_cast<uint64_t>(whole) + (fraction > 0.5 ? 1 : 0);
      if (micros == 0) {
        *out++ = '0';
        return out;
      }
      if (value < 0) *out++ = '-';
      out = write_integer(micros / 1000000, out);
      uint64_t decimals = micros % 1000000;
      if (decimals == 0) return out;
      int digits = 6;
      while (decimals % 10 == 0) {
        decimals /= 10;
        --digits;
      }
      *out++ = '.';
      for (int i = digits - 1; i >= 0; --i) {
        out[i] = static_cast<char>('0' + decimals % 10);
        decimals /= 10;
      }
      return out + digits;
    }
  }
  char text[kDoubleBytesMax];
  const char* end =
      std::to_chars(std::begin(text), std::end(text), value, std::chars_format::fixed, 6).ptr;
  size_t size = static_cast<size_t>(end - text);
  while (text[size - 1] == '0') --size;
  if (text[size - 1] == '.') --size;
  std::string_view digits(text, size);
  if (digits == "-0") digits = "0";
  return write_raw(digits, out);
}

// Writers of one field: `key` is the separator, the quoted name, the colon
// and, for strings, the opening quote.
template <size_t N>
char* write_string(const char (&key)[N], std::string_view value, char* out) {
  out = write_escaped(value, write_literal(key, out));
  *out++ = '"';
  return out;
}
template <size_t N>
char* write_string_if_set(const char (&key)[N], std::string_view value, char* out) {
  return value.empty() ? out : write_string(key, value, out);
}
template <size_t N, typename Integer>
char* write_integer_if_set(const char (&key)[N], Integer value, char* out) {
  return value == 0 ? out : write_integer(value, write_literal(key, out));
}
template <size_t N>
char* write_number_if_set(const char (&key)[N], double value, char* out) {
  return value == 0 ? out : write_double(value, write_literal(key, out));
}
template <size_t N>
char* write_number_if_present(const char (&key)[N], std::optional<double> value, char* out) {
  return value ? write_double(*value, write_literal(key, out)) : out;
}
template <size_t N>
char* write_flag_if_set(const char (&key)[N], bool value, char* out) {
  return value ? write_literal("true", write_literal(key, out)) : out;
}

// Bytes of every field name, separator and bracket of a line with all
// fields set (a generous round figure: they come to about 320), plus its
// numbers at their longest.
constexpr size_t kFixedBytesMax = 512 + 6 * kDoubleBytesMax + 5 * kIntegerBytesMax;

// An upper bound of the size of event's line.
size_t json_line_bound(const TraceEvent& event) {
  size_t string_bytes = event.node.size() + event.mode.size() + event.kind.size() +
                        event.msg.size() + event.trace.size() + event.peer.size() +
                        event.handoff.size() + event.reason.size() + event.parent.size() +
                        event.area.size() + event.source_kind.size() + event.source.size() +
                        event.source_agency.size() + event.fault.size() + event.by.size() +
                        event.issuer.size() + event.claimed.size() + event.source_value.size();
  for (const std::string& detail : event.detail) string_bytes += detail.size();
  // Quotes and a comma around each detail entry.
  return kFixedBytesMax + kEscapedBytesPerByteMax * string_bytes + 3 * event.detail.size() +
         event.run.size();
}

// Fields in the order of trace.proto; defaults omitted except the four that
// every event has. Writes at most json_line_bound(event) bytes.
char* write_json_line(const TraceEvent& event, char* out) {
  out = write_integer(event.wall_ms, write_literal("{\"wall_ms\":", out));
  out = write_double(event.t_h, write_literal(",\"t_h\":", out));
  out = write_string(",\"node\":\"", event.node, out);
  out = write_string_if_set(",\"mode\":\"", event.mode, out);
  out = write_string(",\"kind\":\"", event.kind, out);
  out = write_string_if_set(",\"msg\":\"", event.msg, out);
  out = write_string_if_set(",\"trace\":\"", event.trace, out);
  out = write_string_if_set(",\"peer\":\"", event.peer, out);
  out = write_string_if_set(",\"handoff\":\"", event.handoff, out);
  out = write_integer_if_set(",\"depth\":", event.depth, out);
  out = write_string_if_set(",\"reason\":\"", event.reason, out);
  out = write_integer_if_set(",\"attempt\":", event.attempt, out);
  out = write_string_if_set(",\"parent\":\"", event.parent, out);
  out = write_number_if_set(",\"wait_h\":", event.wait_h, out);
  out = write_number_if_set(",\"service_h\":", event.service_h, out);
  if (!event.detail.empty()) {
    out = write_literal(",\"detail\":[", out);
    bool first = true;
    for (const std::string& detail : event.detail) {
      if (!first) *out++ = ',';
      first = false;
      *out++ = '"';
      out = write_escaped(detail, out);
      *out++ = '"';
    }
    *out++ = ']';
  }
  out = write_string_if_set(",\"area\":\"", event.area, out);
  out = write_string_if_set(",\"source_kind\":\"", event.source_kind, out);
  out = write_string_if_set(",\"source\":\"", event.source, out);
  out = write_string_if_set(",\"source_agency\":\"", event.source_agency, out);
  out = write_integer_if_set(",\"priority\":", event.priority, out);
  out = write_flag_if_set(",\"background\":", event.background, out);
  out = write_flag_if_set(",\"actionable\":", event.actionable, out);
  if (!event.run.empty()) out = write_raw(event.run, write_literal(",\"run\":", out));
  out = write_string_if_set(",\"fault\":\"", event.fault, out);
  out = write_string_if_set(",\"by\":\"", event.by, out);
  out = write_string_if_set(",\"issuer\":\"", event.issuer, out);
  out = write_string_if_set(",\"claimed\":\"", event.claimed, out);
  out = write_string_if_set(",\"source_value\":\"", event.source_value, out);
  out = write_number_if_present(",\"trust\":", event.trust, out);
  out = write_number_if_present(",\"full_trust_min\":", event.full_trust_min, out);
  out = write_number_if_present(",\"sanitised_trust_min\":", event.sanitised_trust_min, out);
  return write_literal("}\n", out);
}

}  // namespace

void append_json_escaped(std::string_view text, std::string* out) {
  const size_t old_size = out->size();
  out->resize(old_size + kEscapedBytesPerByteMax * text.size());
  char* const start = out->data() + old_size;
  out->resize(old_size + static_cast<size_t>(write_escaped(text, start) - start));
}

void append_json_line(const TraceEvent& event, std::string* out) {
  const size_t old_size = out->size();
  out->resize(old_size + json_line_bound(event));
  char* const start = out->data() + old_size;
  out->resize(old_size + static_cast<size_t>(write_json_line(event, start) - start));
}

JsonlTraceWriter::JsonlTraceWriter(const std::string& path)
    : path_(path), file_(std::fopen(path.c_str(), "ab")) {
  if (file_ == nullptr) {
    throw TraceWriteError("cannot open trace file " + path + ": " + std::strerror(errno));
  }
  buffer_.resize(2 * kBufferFlushBytes);
}

JsonlTraceWriter::~JsonlTraceWriter() {
  try {
    flush();
  } catch (const TraceWriteError& error) {
    // A destructor must not throw; say what was lost.
    std::fprintf(stderr, "%s\n", error.what());
  }
  std::fclose(file_);
}

void JsonlTraceWriter::write(const TraceEvent& event) {
  // buffered_bytes_ < kBufferFlushBytes here, so an event of up to
  // kBufferFlushBytes fits without growing the buffer.
  const size_t bound = json_line_bound(event);
  if (buffered_bytes_ + bound > buffer_.size()) buffer_.resize(buffered_bytes_ + bound);
  char* const start = buffer_.data() + buffered_bytes_;
  buffered_bytes_ += static_cast<size_t>(write_json_line(event, start) - start);
  ++events_written_;
  if (buffered_bytes_ >= kBufferFlushBytes) flush();
}

void JsonlTraceWriter::flush() {
  const size_t written = std::fwrite(buffer_.data(), 1, buffered_bytes_, file_);
  const bool ok = written == buffered_bytes_ && std::fflush(file_) == 0;
  buffered_bytes_ = 0;
  if (!ok) {
    throw TraceWriteError("cannot write trace file " + path_ + ": " + std::strerror(errno));
  }
}

uint64_t JsonlTraceWriter::sync() {
  flush();
  if (fdatasync(fileno(file_)) != 0) {
    throw TraceWriteError("cannot sync trace file " + path_ + ": " + std::strerror(errno));
  }
  return flushed_bytes();
}

uint64_t JsonlTraceWriter::flushed_bytes() {
  flush();
  struct stat status {};
  if (fstat(fileno(file_), &status) != 0) {
    throw TraceWriteError("cannot read the size of trace file " + path_ + ": " +
                          std::strerror(errno));
  }
  return static_cast<uint64_t>(status.st_size);
}

}  // namespace tearline
