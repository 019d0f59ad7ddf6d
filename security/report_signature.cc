#include "security/report_signature.h"

#include <sodium.h>

#include <bit>
#include <cstdint>
#include <cstring>
#include <stdexcept>

#include "base/invariant.h"

namespace tearline {
namespace {

// Identifies the encoding (and so what a signature means); a new encoding
// gets a new prefix, so no signature can be read under two encodings.
constexpr std::string_view kDomain = "tearline.v1.ThreatReport.signature\n";

// Each field present is one tag byte, in increasing order, then its value:
// strings as a 4-byte big-endian length and the bytes, doubles as their
// 8-byte big-endian IEEE 754 form, enums as 4 bytes, booleans as 1 byte.
// Tags increase and every value's length is known, so distinct reports
// encode to distinct bytes.
enum Tag : unsigned char {
  kSignedId = 1,
  kParentId = 2,
  kTraceId = 3,
  kOrigin = 4,
  kSourceAgency = 5,
  kSourceValue = 6,
  kSubject = 7,
  kArea = 8,
  kSite = 9,
  kWindowStart = 10,
  kWindowEnd = 11,
  kMethod = 12,
  kCredibility = 13,
  kSeverity = 14,
  kTlp = 15,
  kBackground = 16,
  kSanitised = 17,
  kObservedAt = 18,
};

void put_u32(std::string* out, uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8) out->push_back(static_cast<char>(value >> shift));
}

void put_string(std::string* out, Tag tag, const std::string& value) {
  out->push_back(static_cast<char>(tag));
  // Fields are bounded far below 4 GiB (node/intake/frame_check.h) before any
  // check; a longer one cannot be encoded and is a bug of the caller.
  TEARLINE_ASSERT(value.size() <= UINT32_MAX);
  put_u32(out, static_cast<uint32_t>(value.size()));
  out->append(value);
}

void put_double(std::string* out, Tag tag, double value) {
  out->push_back(static_cast<char>(tag));
  const auto bits = std::bit_cast<uint64_t>(value);
  for (int shift = 56; shift >= 0; shift -= 8) out->push_back(static_cast<char>(bits >> shift));
}

void put_enum(std::string* out, Tag tag, int value) {
  out->push_back(static_cast<char>(tag));
  put_u32(out, static_cast<uint32_t>(value));
}

void put_bool(std::string* out, Tag tag, bool value) {
  out->push_back(static_cast<char>(tag));
  out->push_back(value ? 1 : 0);
}

void ensure_sodium() {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
}

}  // namespace

SigningSeed random_signing_seed() {
  ensure_sodium();
  SigningSeed seed;
  randombytes_buf(seed.data(), seed.size());
  return seed;
}

SigningPublicKey signing_public_key(const SigningSeed& seed) {
  ensure_sodium();
  SigningPublicKey public_key;
  std::array<unsigned char, crypto_sign_SECRETKEYBYTES> secret_key;
  crypto_sign_seed_keypair(public_key.data(), secret_key.data(), seed.data());
  sodium_memzero(secret_key.data(), secret_key.size());
  return public_key;
}

std::string canonical_report_bytes(const v1::ThreatReport& report) {
  std::string out(kDomain);
  out.reserve(256);
  put_string(&out, kSignedId, report.signature().report_id());
  if (!report.signature().parent_report_id().empty()) {
    put_string(&out, kParentId, report.signature().parent_report_id());
  }
  put_string(&out, kTraceId, report.trace_id());
  put_string(&out, kOrigin, report.origin_agency());
  put_string(&out, kSourceAgency, report.source().agency());
  put_string(&out, kSourceValue, report.source().value());
  if (report.has_subject()) put_string(&out, kSubject, report.subject());
  if (report.has_area()) put_string(&out, kArea, report.area());
  if (report.has_site()) put_string(&out, kSite, report.site());
  if (report.has_window()) {
    put_double(&out, kWindowStart, report.window().start_h());
    put_double(&out, kWindowEnd, report.window().end_h());
  }
  if (report.has_method()) put_string(&out, kMethod, report.method());
  put_string(&out, kCredibility, report.credibility());
  put_enum(&out, kSeverity, report.severity());
  put_enum(&out, kTlp, report.tlp());
  put_bool(&out, kBackground, report.background());
  put_bool(&out, kSanitised, report.sanitised());
  put_double(&out, kObservedAt, report.observed_at_h());
  return out;
}

ReportSigner::ReportSigner(std::string author, const SigningSeed& seed)
    : author_(std::move(author)) {
  static_assert(sizeof secret_key_ == crypto_sign_SECRETKEYBYTES);
  ensure_sodium();
  SigningPublicKey public_key;
  crypto_sign_seed_keypair(public_key.data(), secret_key_.data(), seed.data());
}

ReportSigner::ReportSigner(const ReportSigner& other)
    : author_(other.author_), secret_key_(other.secret_key_) {}

ReportSigner::~ReportSigner() { sodium_memzero(secret_key_.data(), secret_key_.size()); }

void ReportSigner::sign(v1::ThreatReport* report, std::string_view parent_report_id) const {
  report->set_origin_agency(author_);
  v1::Signature* signature = report->mutable_signature();
  signature->set_report_id(report->report_id());
  signature->set_parent_report_id(std::string(parent_report_id));
  signature->clear_ed25519();
  const std::string bytes = canonical_report_bytes(*report);
  std::string detached(crypto_sign_BYTES, '\0');
  crypto_sign_detached(reinterpret_cast<unsigned char*>(detached.data()), nullptr,
                       reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
                       secret_key_.data());
  TEARLINE_ASSERT(detached.size() == crypto_sign_BYTES);  // What OriginVerifier reads as signed.
  signature->set_ed25519(std::move(detached));
}

void ReportSigner::sign_if_own(v1::ThreatReport* report) const {
  if (report->origin_agency() == author_ && !report->has_signature()) sign(report);
}

OriginVerifier::OriginVerifier(std::map<std::string, SigningPublicKey> keys_by_member)
    : keys_by_member_(std::move(keys_by_member)) {
  ensure_sodium();
}

std::optional<std::string> OriginVerifier::problem(const v1::ThreatReport& report) const {
  const v1::Signature& signature = report.signature();
  if (signature.ed25519().size() != crypto_sign_BYTES || signature.report_id().empty()) {
    return "unsigned";
  }
  const auto key = keys_by_member_.find(report.origin_agency());
  if (key == keys_by_member_.end()) return "unknown-origin";
  const std::string bytes = canonical_report_bytes(report);
  if (crypto_sign_verify_detached(
          reinterpret_cast<const unsigned char*>(signature.ed25519().data()),
          reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
          key->second.data()) != 0) {
    return "bad-signature";
  }
  return std::nullopt;
}

}  // namespace tearline
