#include "analysis/read/line_reader.h"

#include <bit>
#include <charconv>
#include <cstring>
#include <initializer_list>
#include <system_error>
#include <utility>

namespace tearline::report {
namespace {

static_assert(std::endian::native == std::endian::little, "string() reads words little-endian");

class FlatLineReader {
 public:
  explicit FlatLineReader(std::string_view line)
      : p_(line.data()), end_(line.data() + line.size()) {}

  bool read(EventFields* fields) {
    skip_ws();
    if (!eat('{')) return false;
    skip_ws();
    if (eat('}')) return finish(*fields);
    for (;;) {
      std::string_view key;
      if (!string(&key)) return false;
      skip_ws();
      if (!eat(':')) return false;
      skip_ws();
      if (!field(key, fields)) return false;
      skip_ws();
      if (eat(',')) {
        skip_ws();
        continue;
      }
      if (eat('}')) return finish(*fields);
      return false;
    }
  }

 private:
  // clang-format off
  enum Field : uint32_t {
    kKind, kTH, kWallMs, kNode, kMsg, kTrace, kPeer, kHandoff, kReason, kFault, kBy, kParent,
    kSourceKind, kSource, kSourceAgency, kDetail, kActionable, kMode, kArea, kPriority,
    kBackground, kIssuer, kClaimed, kDepth, kAttempt, kWaitH, kServiceH, kSourceValue, kTrust,
    kFullTrustMin, kSanitisedTrustMin
  };
  // clang-format on

  bool finish(const EventFields& fields) {
    skip_ws();
    return p_ == end_ && !fields.kind.empty();
  }

  void skip_ws() {
    while (p_ != end_ && (*p_ == ' ' || *p_ == '\t' || *p_ == '\n' || *p_ == '\r')) ++p_;
  }

  bool eat(char c) {
    if (p_ == end_ || *p_ != c) return false;
    ++p_;
    return true;
  }

  // Whether any byte of `word` ends a plain string: the quote, the backslash
  // (an escape would need decoding), a control character or a byte outside
  // ASCII (which the JSON parser checks as UTF-8). Returns a mask with the
  // high bit set in (at least) the first such byte, eight bytes at a time.
  static uint64_t stop_bytes(uint64_t word) {
    constexpr uint64_t kOnes = 0x0101010101010101ull;
    constexpr uint64_t kHighs = 0x8080808080808080ull;
    const auto zero_bytes = [](uint64_t x) { return (x - kOnes) & ~x & kHighs; };
    const uint64_t control = (word - kOnes * 0x20) & ~word & kHighs;
    return control | (word & kHighs) | zero_bytes(word ^ (kOnes * '"')) |
           zero_bytes(word ^ (kOnes * '\\'));
  }

  static bool is_stop(char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte < 0x20 || byte >= 0x80 || c == '"' || c == '\\';
  }

  bool string(std::string_view* out) {
    if (!eat('"')) return false;
    const char* start = p_;
    while (end_ - p_ >= 8) {
      uint64_t word = 0;
      std::memcpy(&word, p_, sizeof word);
      const uint64_t stops = stop_bytes(word);
      if (stops != 0) {
        // Little-endian: the lowest set bit marks the first stop (the
        // borrows in zero_bytes only mark bytes after a real one).
        p_ += std::countr_zero(stops) / 8;
        break;
      }
      p_ += 8;
    }
    while (p_ != end_ && !is_stop(*p_)) ++p_;
    if (p_ == end_ || *p_ != '"') return false;
    *out = std::string_view(start, static_cast<size_t>(p_ - start));
    ++p_;
    return true;
  }

  static bool digit(char c) { return c >= '0' && c <= '9'; }

  // A JSON number; *integer tells whether it has no fraction or exponent.
  bool number(std::string_view* text, bool* integer) {
    const char* start = p_;
    eat('-');
    if (p_ == end_ || !digit(*p_)) return false;
    if (*p_ == '0') {
      ++p_;
    } else {
      while (p_ != end_ && digit(*p_)) ++p_;
    }
    *integer = true;
    if (p_ != end_ && *p_ == '.') {
      *integer = false;
      ++p_;
      if (p_ == end_ || !digit(*p_)) return false;
      while (p_ != end_ && digit(*p_)) ++p_;
    }
    if (p_ != end_ && (*p_ == 'e' || *p_ == 'E')) {
      *integer = false;
      ++p_;
      if (p_ != end_ && (*p_ == '+' || *p_ == '-')) ++p_;
      if (p_ == end_ || !digit(*p_)) return false;
      while (p_ != end_ && digit(*p_)) ++p_;
    }
    *text = std::string_view(start, static_cast<size_t>(p_ - start));
    // The JSON parser refuses a number beyond double's range (1e999, or a
    // long run of digits); this reader leaves it to the parser.
    if (!*integer || text->size() > 18) {
      double value = 0;
      if (std::from_chars(text->data(), text->data() + text->size(), value).ec != std::errc{}) {
        return false;
      }
    }
    return true;
  }

  bool literal(std::string_view word) {
    if (static_cast<size_t>(end_ - p_) < word.size() || std::string_view(p_, word.size()) != word) {
      return false;
    }
    p_ += word.size();
    return true;
  }

  bool double_field(double* out) {
    std::string_view text;
    bool integer = false;
    // The JSON parser reads "-0" as the integer 0, not as -0.0.
    if (!number(&text, &integer) || (integer && text.starts_with("-0"))) return false;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), *out);
    return error == std::errc{} && end == text.data() + text.size();
  }

  bool optional_double_field(std::optional<double>* out) {
    double value = 0;
    if (!double_field(&value)) return false;
    *out = value;
    return true;
  }

  // An integer field: a plain integer, or (the proto3 JSON mapping of 64-bit
  // integers) one as a decimal string.
  template <typename Int>
  bool int_field(std::optional<Int>* out) {
    std::string_view text;
    if (p_ != end_ && *p_ == '"') {
      if (!string(&text)) return false;
    } else {
      bool integer = false;
      if (!number(&text, &integer) || !integer) return false;
    }
    Int value{};
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc{} || end != text.data() + text.size() || text.empty()) return false;
    *out = value;
    return true;
  }

  bool bool_field(bool* out) {
    if (literal("true")) {
      *out = true;
      return true;
    }
    return literal("false");
  }

  // An int_field whose absence and zero are one (proto3 without presence).
  template <typename Int>
  bool plain_int_field(Int* out) {
    std::optional<Int> value;
    if (!int_field(&value)) return false;
    *out = *value;
    return true;
  }

  bool skip_scalar() {
    if (p_ == end_) return false;
    std::string_view text;
    switch (*p_) {
      case '"':
        return string(&text);
      case 't':
        return literal("true");
      case 'f':
        return literal("false");
      case 'n':
        return literal("null");
      default: {
        bool integer = false;
        return number(&text, &integer);
      }
    }
  }

  bool strings(std::vector<std::string_view>* out) {
    if (!eat('[')) return false;
    out->clear();
    skip_ws();
    if (eat(']')) return true;
    for (;;) {
      if (!string(&out->emplace_back())) return false;
      skip_ws();
      if (eat(']')) return true;
      if (!eat(',')) return false;
      skip_ws();
    }
  }

  // Dispatches on length first: a key is then compared with a few names.
  static int field_of(std::string_view key) {
    using Names = std::initializer_list<std::pair<std::string_view, Field>>;
    const auto pick = [key](Names names) {
      for (const auto& [name, field] : names) {
        if (key == name) return static_cast<int>(field);
      }
      return -1;
    };
    switch (key.size()) {
      case 2:
        return pick({{"by", kBy}});
      case 3:
        return pick({{"t_h", kTH}, {"msg", kMsg}});
      case 4:
        return pick(
            {{"kind", kKind}, {"node", kNode}, {"peer", kPeer}, {"mode", kMode}, {"area", kArea}});
      case 5:
        return pick({{"trace", kTrace}, {"depth", kDepth}, {"fault", kFault}, {"trust", kTrust}});
      case 6:
        return pick({{"detail", kDetail},
                     {"parent", kParent},
                     {"reason", kReason},
                     {"source", kSource},
                     {"wait_h", kWaitH},
                     {"issuer", kIssuer}});
      case 7:
        return pick({{"wall_ms", kWallMs},
                     {"handoff", kHandoff},
                     {"attempt", kAttempt},
                     {"claimed", kClaimed}});
      case 8:
        return pick({{"priority", kPriority}});
      case 9:
        return pick({{"service_h", kServiceH}});
      case 10:
        return pick({{"actionable", kActionable}, {"background", kBackground}});
      case 11:
        return pick({{"source_kind", kSourceKind}});
      case 12:
        return pick({{"source_value", kSourceValue}});
      case 13:
        return pick({{"source_agency", kSourceAgency}});
      case 14:
        return pick({{"full_trust_min", kFullTrustMin}});
      case 19:
        return pick({{"sanitised_trust_min", kSanitisedTrustMin}});
      default:
        return -1;
    }
  }

  bool field(std::string_view key, EventFields* fields) {
    const int which = field_of(key);
    if (which < 0) {
      if (key == "run") return false;  // Only the JSON parser keeps the object.
      return skip_scalar();
    }
    const uint64_t bit = uint64_t{1} << which;
    if ((seen_ & bit) != 0) return false;
    seen_ |= bit;
    switch (static_cast<Field>(which)) {
      case kKind:
        return string(&fields->kind);
      case kTH:
        return double_field(&fields->t_h);
      case kWallMs:
        return int_field(&fields->wall_ms);
      case kNode:
        return string(&fields->node);
      case kMsg:
        return string(&fields->msg);
      case kTrace:
        return string(&fields->trace);
      case kPeer:
        return string(&fields->peer);
      case kHandoff:
        return string(&fields->handoff);
      case kReason:
        return string(&fields->reason);
      case kFault:
        return string(&fields->fault);
      case kBy:
        return string(&fields->by);
      case kParent:
        return string(&fields->parent);
      case kSourceKind:
        return string(&fields->source_kind);
      case kSource:
        return string(&fields->source);
      case kSourceAgency:
        return string(&fields->source_agency);
      case kDetail:
        return strings(&fields->detail);
      case kActionable:
        return bool_field(&fields->actionable);
      case kBackground:
        return bool_field(&fields->background);
      case kMode:
        return string(&fields->mode);
      case kArea:
        return string(&fields->area);
      case kIssuer:
        return string(&fields->issuer);
      case kClaimed:
        return string(&fields->claimed);
      case kPriority:
        return plain_int_field(&fields->priority);
      case kDepth:
        return int_field(&fields->depth);
      case kAttempt:
        return int_field(&fields->attempt);
      case kWaitH:
        return double_field(&fields->wait_h);
      case kServiceH:
        return double_field(&fields->service_h);
      case kSourceValue:
        return string(&fields->source_value);
      case kTrust:
        return optional_double_field(&fields->trust);
      case kFullTrustMin:
        return optional_double_field(&fields->full_trust_min);
      case kSanitisedTrustMin:
        return optional_double_field(&fields->sanitised_trust_min);
    }
    return false;
  }

  const char* p_;
  const char* end_;
  uint64_t seen_ = 0;  // Bit Field: the field was read.
};

}  // namespace

bool read_flat_line(std::string_view line, EventFields* fields) {
  const size_t file = fields->file, line_number = fields->line;
  // Keeps the detail vector's capacity: most lines have one.
  std::vector<std::string_view> detail = std::move(fields->detail);
  detail.clear();
  *fields = EventFields{};
  fields->file = file;
  fields->line = line_number;
  fields->detail = std::move(detail);
  return FlatLineReader(line).read(fields);
}

}  // namespace tearline::report
