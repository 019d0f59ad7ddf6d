// A report's origin, verifiable by every reader (docs/MODEL.md, "Who may say
// what"; proto/PROTOCOL.md, "Signatures"). The agency that writes a report
// signs it (Ed25519, libsodium) over its canonical encoding; a tearline copy
// is a new report signed by the agency that made it, naming its parent.
// Every node checks the signature against the origin's public signing key
// before it files, acts on, correlates or routes the report.
//
// The canonical encoding is defined here once (canonical_report_bytes) and
// written down in proto/PROTOCOL.md so a client in any language can sign.
// It covers what the author wrote and leaves out what later hops change by
// design: the per-copy report_id and the source's identity.
//
// Never reads a clock; keys are random (security/keys.h), never derived from
// a run's seed.
//
// Thread-safety: the classes are immutable after construction.
#pragma once

#include <array>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "tearline/v1/report.pb.h"

namespace tearline {

// The 32-byte seed from which an Ed25519 key pair is derived.
using SigningSeed = std::array<unsigned char, 32>;
// An Ed25519 public key.
using SigningPublicKey = std::array<unsigned char, 32>;

// A fresh random seed (libsodium).
SigningSeed random_signing_seed();
// The public key of `seed`.
SigningPublicKey signing_public_key(const SigningSeed& seed);

// The bytes a signature covers; see proto/PROTOCOL.md, "Signatures".
std::string canonical_report_bytes(const v1::ThreatReport& report);

// Signs reports as one author (an agency, or the centre for its own
// background reports).
class ReportSigner {
 public:
  ReportSigner(std::string author, const SigningSeed& seed);
  ~ReportSigner();
  ReportSigner(const ReportSigner& other);
  ReportSigner& operator=(const ReportSigner&) = delete;

  const std::string& author() const { return author_; }
  // Signs `report` as written by the author: sets its origin to the author,
  // the signed report id to its report_id and the parent to
  // `parent_report_id` (a tearline copy's), and the Ed25519 signature.
  void sign(v1::ThreatReport* report, std::string_view parent_report_id = {}) const;
  // Signs `report` if the author wrote it (its origin) and it is not signed
  // yet. An author signs a report when it first leaves it: most reports
  // (the background mass) never leave their author's database, and
  // Ed25519 signatures are deterministic, so signing late gives the bytes
  // signing at once would.
  void sign_if_own(v1::ThreatReport* report) const;

 private:
  std::string author_;
  std::array<unsigned char, 64> secret_key_{};  // libsodium's form: seed and public key.
};

// Checks reports against the members' public signing keys.
class OriginVerifier {
 public:
  OriginVerifier() = default;
  explicit OriginVerifier(std::map<std::string, SigningPublicKey> keys_by_member);

  // Why `report` does not verify ("unsigned", "unknown-origin",
  // "bad-signature"), or nullopt if its origin signed exactly what it says.
  std::optional<std::string> problem(const v1::ThreatReport& report) const;

 private:
  std::map<std::string, SigningPublicKey> keys_by_member_;
};

}  // namespace tearline
