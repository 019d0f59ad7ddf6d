#include "security/keys.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zmq.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <set>

#include "base/invariant.h"
#include "base/toml_reader.h"

namespace tearline {
namespace {

namespace fs = std::filesystem;

constexpr size_t kZ85KeyChars = 40;

bool is_z85_key(const std::string& text) {
  if (text.size() != kZ85KeyChars) return false;
  uint8_t decoded[32];
  return zmq_z85_decode(decoded, text.c_str()) != nullptr;
}

// Both kinds of 32-byte key are written as 64 hexadecimal digits.
std::string hex_of(const std::array<unsigned char, 32>& key) {
  char hex[2 * 32 + 1];
  sodium_bin2hex(hex, sizeof hex, key.data(), key.size());
  return hex;
}

bool from_hex(const std::string& hex, std::array<unsigned char, 32>* key) {
  size_t bytes = 0;
  return hex.size() == 2 * key->size() &&
         sodium_hex2bin(key->data(), key->size(), hex.c_str(), hex.size(), nullptr, &bytes,
                        nullptr) == 0 &&
         bytes == key->size();
}

// Writes `text` to a new file `path` with `mode`; fails if it exists.
void write_new_file(const fs::path& path, const std::string& text, mode_t mode) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) throw KeyError(fmt::format("cannot create {}: {}", path.string(), strerror(errno)));
  size_t written = 0;
  while (written < text.size()) {
    const ssize_t n = ::write(fd, text.data() + written, text.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int error = errno;
      ::close(fd);
      ::unlink(path.c_str());
      throw KeyError(fmt::format("cannot write {}: {}", path.string(), strerror(error)));
    }
    written += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    throw KeyError(fmt::format("cannot write {}: {}", path.string(), strerror(errno)));
  }
}

// What `read` returns; a TomlError it throws (a key file that is not one)
// becomes a KeyError.
template <typename Read>
auto reading_key_file(Read read) {
  try {
    return read();
  } catch (const TomlError& error) {
    throw KeyError(error.what());
  }
}

std::vector<std::string> with_run_members(std::vector<std::string> members) {
  if (std::find(members.begin(), members.end(), kSigningTable) != members.end()) {
    throw KeyError(
        fmt::format("a node may not be called \"{}\": public_keys.toml has a table of that name",
                    kSigningTable));
  }
  for (const char* member : {kLauncherMember, kOperatorMember}) {
    if (std::find(members.begin(), members.end(), member) != members.end()) {
      throw KeyError(
          fmt::format("a node may not be called \"{}\": the name is the {}'s", member, member));
    }
    members.push_back(member);
  }
  return members;
}

}  // namespace

PublicKeys::PublicKeys(std::map<std::string, std::string> z85_by_name,
                       std::map<std::string, SigningPublicKey> signing_by_name)
    : z85_by_name_(std::move(z85_by_name)), signing_by_name_(std::move(signing_by_name)) {
  for (const auto& [name, key] : z85_by_name_) name_by_z85_[key] = name;
}

const std::string& PublicKeys::of(const std::string& name) const {
  const auto found = z85_by_name_.find(name);
  if (found == z85_by_name_.end()) throw KeyError("no public key for \"" + name + "\"");
  return found->second;
}

std::optional<std::string> PublicKeys::name_of(const std::string& public_z85) const {
  const auto found = name_by_z85_.find(public_z85);
  if (found == name_by_z85_.end()) return std::nullopt;
  return found->second;
}

MemberKey generate_member_key(const std::string& name) {
  if (sodium_init() < 0) throw KeyError("libsodium failed to initialise");
  MemberKey key;
  key.name = name;
  char public_z85[kZ85KeyChars + 1];
  char secret_z85[kZ85KeyChars + 1];
  if (zmq_curve_keypair(public_z85, secret_z85) != 0) {
    throw KeyError("cannot make a CURVE key pair: libzmq was built without CURVE");
  }
  key.curve_public_z85 = public_z85;
  key.curve_secret_z85 = secret_z85;
  // What load_member_key() and load_public_keys() accept.
  TEARLINE_ASSERT(is_z85_key(key.curve_public_z85) && is_z85_key(key.curve_secret_z85));
  randombytes_buf(key.secret.data(), key.secret.size());
  key.signing_seed = random_signing_seed();
  sodium_memzero(secret_z85, sizeof secret_z85);
  return key;
}

fs::path member_key_path(const fs::path& dir, const std::string& name) {
  return dir / (name + ".key");
}

fs::path public_keys_path(const fs::path& dir) { return dir / "public_keys.toml"; }

void write_key_set(const fs::path& dir, std::vector<std::string> members) {
  members = with_run_members(std::move(members));
  std::error_code error;
  fs::create_directories(dir, error);
  if (error) throw KeyError(fmt::format("cannot create {}: {}", dir.string(), error.message()));
  if (::chmod(dir.c_str(), 0700) != 0) {
    throw KeyError(fmt::format("cannot make {} private: {}", dir.string(), strerror(errno)));
  }
  std::string public_text =
      "# The public keys of a tearline run's members. Public: safe to copy to every host.\n"
      "# CURVE keys (Z85) here; Ed25519 signing keys (hex) in [signing].\n";
  std::string signing_text = fmt::format("\n[{}]\n", kSigningTable);
  for (const std::string& name : members) {
    const MemberKey key = generate_member_key(name);
    write_new_file(member_key_path(dir, name),
                   fmt::format("# tearline key of {}. SECRET: keep it readable by its owner only.\n"
                               "name = \"{}\"\n"
                               "curve_public = \"{}\"\n"
                               "curve_secret = \"{}\"\n"
                               "secret = \"{}\"\n"
                               "signing_seed = \"{}\"\n",
                               name, name, key.curve_public_z85, key.curve_secret_z85,
                               hex_of(key.secret), hex_of(key.signing_seed)),
                   0600);
    public_text += fmt::format("\"{}\" = \"{}\"\n", name, key.curve_public_z85);
    signing_text +=
        fmt::format("\"{}\" = \"{}\"\n", name, hex_of(signing_public_key(key.signing_seed)));
  }
  write_new_file(public_keys_path(dir), public_text + signing_text, 0644);
}

MemberKey load_member_key(const fs::path& path) {
  struct stat status {};
  if (::stat(path.c_str(), &status) != 0) {
    throw KeyError(fmt::format("cannot read key {}: {}", path.string(), strerror(errno)));
  }
  if ((status.st_mode & 077) != 0) {
    throw KeyError(fmt::format(
        "key {} is readable by others (mode {:o}): a private key must be mode 600 (chmod 600 {})",
        path.string(), status.st_mode & 0777, path.string()));
  }
  MemberKey key;
  std::string secret_hex;
  std::string signing_hex;
  reading_key_file([&] {
    const toml::table document = read_toml_file(path.string(), "key file");
    const TomlTable table(path.string(), document, "",
                          {"name", "curve_public", "curve_secret", "secret", "signing_seed"});
    key.name = table.required_string("name");
    key.curve_public_z85 = table.required_string("curve_public");
    key.curve_secret_z85 = table.required_string("curve_secret");
    secret_hex = table.required_string("secret");
    signing_hex = table.required_string("signing_seed");
  });
  if (!is_z85_key(key.curve_public_z85) || !is_z85_key(key.curve_secret_z85)) {
    throw KeyError(path.string() + ": curve_public and curve_secret must be 40 Z85 characters");
  }
  char derived_public[kZ85KeyChars + 1];
  if (zmq_curve_public(derived_public, key.curve_secret_z85.c_str()) != 0 ||
      key.curve_public_z85 != derived_public) {
    throw KeyError(path.string() + ": curve_public is not the public key of curve_secret");
  }
  if (!from_hex(secret_hex, &key.secret)) {
    throw KeyError(path.string() + ": secret must be 64 hexadecimal digits");
  }
  if (!from_hex(signing_hex, &key.signing_seed)) {
    throw KeyError(path.string() + ": signing_seed must be 64 hexadecimal digits");
  }
  return key;
}

PublicKeys load_public_keys(const fs::path& path) {
  return reading_key_file([&] {
    const toml::table document = read_toml_file(path.string(), "key file");
    // Member names, each with its CURVE key, and [signing] of member names,
    // each with its signing key.
    const TomlTable members = TomlTable::of_names(path.string(), document, "");
    std::map<std::string, SigningPublicKey> signing;
    if (const std::optional<TomlTable> signing_table = members.table_of_names(kSigningTable)) {
      for (const std::string& name : signing_table->keys()) {
        SigningPublicKey key;
        if (!from_hex(signing_table->required_string(name), &key)) {
          signing_table->fail(name, "a signing key is 64 hexadecimal digits");
        }
        signing.emplace(name, key);
      }
    }
    std::map<std::string, std::string> keys;
    std::map<std::string, std::string> names_by_key;
    for (const std::string& name : members.keys()) {
      if (name == kSigningTable) continue;
      if (!signing.contains(name)) {
        members.fail(name, fmt::format("has no signing key in [{}]", kSigningTable));
      }
      const std::string key = members.required_string(name);
      if (!is_z85_key(key)) members.fail(name, "a CURVE key is 40 Z85 characters");
      if (const auto [other, fresh] = names_by_key.emplace(key, name); !fresh) {
        members.fail(name, fmt::format("has the same key as \"{}\"", other->second));
      }
      keys.emplace(name, key);
    }
    return PublicKeys(std::move(keys), std::move(signing));
  });
}

PublicKeys public_keys_of(const v1::Roster& roster, size_t members_max, const std::string& file) {
  const auto fail = [&](const std::string& name, std::string_view why) {
    throw KeyError(fmt::format("{}: keys of \"{}\": {}", file, name.substr(0, 100), why));
  };
  if (static_cast<size_t>(roster.keys_size()) > members_max) {
    fail("the roster", fmt::format("more than {} members", members_max));
  }
  std::map<std::string, std::string> keys;
  std::map<std::string, std::string> names_by_key;
  std::map<std::string, SigningPublicKey> signing;
  for (const v1::MemberPublicKey& entry : roster.keys()) {
    if (!is_z85_key(entry.curve_z85())) fail(entry.name(), "a CURVE key is 40 Z85 characters");
    SigningPublicKey signing_key;
    if (entry.signing().size() != signing_key.size())
      fail(entry.name(), "a signing key is 32 bytes");
    std::copy(entry.signing().begin(), entry.signing().end(), signing_key.begin());
    if (!keys.emplace(entry.name(), entry.curve_z85()).second) fail(entry.name(), "listed twice");
    if (!names_by_key.emplace(entry.curve_z85(), entry.name()).second) {
      fail(entry.name(), "the same CURVE key as another member");
    }
    signing.emplace(entry.name(), signing_key);
  }
  return PublicKeys(std::move(keys), std::move(signing));
}

void add_public_keys(const PublicKeys& keys, v1::Roster* roster) {
  const std::set<std::string> named_only(roster->units_named_only().begin(),
                                         roster->units_named_only().end());
  for (const auto& [name, curve_z85] : keys.by_name()) {
    if (named_only.contains(name)) continue;
    v1::MemberPublicKey& entry = *roster->add_keys();
    entry.set_name(name);
    entry.set_curve_z85(curve_z85);
    const SigningPublicKey& signing = keys.signing_by_name().at(name);
    entry.set_signing(std::string(signing.begin(), signing.end()));
  }
}

void check_key_set(const fs::path& dir, std::vector<std::string> members) {
  members = with_run_members(std::move(members));
  const PublicKeys keys = load_public_keys(public_keys_path(dir));
  for (const std::string& name : members) {
    const MemberKey key = load_member_key(member_key_path(dir, name));
    if (key.name != name) {
      throw KeyError(fmt::format("{} is the key of \"{}\", not of \"{}\"",
                                 member_key_path(dir, name).string(), key.name, name));
    }
    if (keys.by_name().contains(name) ? keys.of(name) != key.curve_public_z85 : true) {
      throw KeyError(fmt::format("{} does not list the public key of {}",
                                 public_keys_path(dir).string(), name));
    }
    const auto signing = keys.signing_by_name().find(name);
    if (signing == keys.signing_by_name().end() ||
        signing->second != signing_public_key(key.signing_seed)) {
      throw KeyError(fmt::format("{} does not list the signing key of {}",
                                 public_keys_path(dir).string(), name));
    }
  }
}

}  // namespace tearline
