// The keys of a run (docs/SECURITY.md). Every member of a run (each node,
// the launcher, the operator) has its own CURVE key pair, by which the bus
// knows who speaks, a 32-byte secret for its own use (an agency seals its
// sources' handles with it, the centre makes pseudonyms with it) and an
// Ed25519 signing key with which an agency signs the reports it writes
// (security/report_signature.h). Keys are random (libsodium and libzmq), never
// derived from the seed.
//
// On disk, a key set is one folder, readable by its owner only:
//   <name>.key          one member's key: public and secret (mode 0600)
//   public_keys.toml    every member's public keys, by name (mode 0644): its
//                       CURVE key at the top level, its signing key in the
//                       table [signing]
// Private keys are read from these files only: never from a command line, an
// environment variable, a trace or a log.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "security/pseudonym.h"
#include "security/report_signature.h"
#include "tearline/v1/roster.pb.h"

namespace tearline {

// A key that cannot be made, read or trusted; what() names the file and why.
class KeyError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The members of a run who are not nodes of the scenario.
inline constexpr const char* kLauncherMember = "launcher";
inline constexpr const char* kOperatorMember = "operator";
// The table of public_keys.toml holding the public signing keys; no member
// may have its name.
inline constexpr const char* kSigningTable = "signing";

struct MemberKey {
  std::string name;
  std::string curve_public_z85;  // 40 Z85 characters.
  std::string curve_secret_z85;  // 40 Z85 characters.
  SecretKey secret{};            // Sealing or pseudonym key.
  SigningSeed signing_seed{};    // Ed25519 seed: signs the reports it writes.
};

// Every member's public key, by name.
class PublicKeys {
 public:
  PublicKeys() = default;
  explicit PublicKeys(std::map<std::string, std::string> z85_by_name,
                      std::map<std::string, SigningPublicKey> signing_by_name = {});

  // The public key of `name`; throws KeyError if there is none.
  const std::string& of(const std::string& name) const;
  // The member whose public key this is, if any.
  std::optional<std::string> name_of(const std::string& public_z85) const;
  const std::map<std::string, std::string>& by_name() const { return z85_by_name_; }
  // Every member's public signing key, by name.
  const std::map<std::string, SigningPublicKey>& signing_by_name() const {
    return signing_by_name_;
  }

 private:
  std::map<std::string, std::string> z85_by_name_;
  std::map<std::string, std::string> name_by_z85_;
  std::map<std::string, SigningPublicKey> signing_by_name_;
};

// A fresh random key for `name`.
MemberKey generate_member_key(const std::string& name);

// Writes fresh keys for `members` (node names; the launcher and the operator
// are added) into `dir`, which is created with mode 0700 and must not hold
// keys already. Throws KeyError naming what failed.
void write_key_set(const std::filesystem::path& dir, std::vector<std::string> members);

// Reads and checks one member's key file: owner-only permissions, every
// field present and well formed, the public key matching the secret one.
MemberKey load_member_key(const std::filesystem::path& path);
// Reads public_keys.toml; every key well formed and distinct, and every
// member with a CURVE key has a signing key.
PublicKeys load_public_keys(const std::filesystem::path& path);

// The same from a run's roster (scenario/scenario_part.h), which the launcher
// writes from public_keys.toml: the same checks, and at most `members_max`
// members. Throws KeyError naming `file`.
PublicKeys public_keys_of(const v1::Roster& roster, size_t members_max, const std::string& file);
// The roster's keys field from `keys`: every member's but those of the units
// the roster names only.
void add_public_keys(const PublicKeys& keys, v1::Roster* roster);

std::filesystem::path member_key_path(const std::filesystem::path& dir, const std::string& name);
std::filesystem::path public_keys_path(const std::filesystem::path& dir);

// Checks that `dir` holds a readable key for each of `members` (and the
// launcher and operator) and that public_keys.toml lists them all, matching.
// Throws KeyError naming the first that is missing or wrong.
void check_key_set(const std::filesystem::path& dir, std::vector<std::string> members);

}  // namespace tearline
