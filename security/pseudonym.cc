#include "security/pseudonym.h"

#include <sodium.h>

#include <stdexcept>
#include <string_view>

#include "base/invariant.h"

namespace tearline {
namespace {

void ensure_sodium() {
  // A function-local static is initialised once, thread-safely.
  static const bool initialised = sodium_init() >= 0;
  if (!initialised) throw std::runtime_error("libsodium failed to initialise");
}

// Keyed BLAKE2b with a 16-byte output (the minimum), hex-encoded and cut to
// `hex_digits`.
std::string keyed_hash_hex(const unsigned char* key, size_t key_bytes, std::string_view input,
                           size_t hex_digits) {
  ensure_sodium();
  unsigned char hash[crypto_generichash_BYTES_MIN];
  TEARLINE_ASSERT(hex_digits <= 2 * sizeof hash);
  crypto_generichash(hash, sizeof hash, reinterpret_cast<const unsigned char*>(input.data()),
                     input.size(), key, key_bytes);
  char hex[2 * sizeof hash + 1];
  sodium_bin2hex(hex, sizeof hex, hash, sizeof hash);
  return std::string(hex, hex_digits);
}

}  // namespace

SecretKey random_secret_key() {
  ensure_sodium();
  SecretKey key;
  randombytes_buf(key.data(), key.size());
  return key;
}

std::string seal_source(const SecretKey& agency_key, const std::string& handle) {
  return "sealed:" + keyed_hash_hex(agency_key.data(), agency_key.size(), handle, 24);
}

std::string pseudonymise(const SecretKey& centre_key, const std::string& sealed) {
  return "ps-" + keyed_hash_hex(centre_key.data(), centre_key.size(), sealed, 12);
}

PseudonymCache::PseudonymCache(const SecretKey& centre_key, size_t capacity)
    : centre_key_(centre_key), capacity_(capacity) {
  if (capacity == 0) throw std::invalid_argument("PseudonymCache: capacity 0");
  pseudonyms_.reserve(capacity);
}

const std::string& PseudonymCache::pseudonym(const std::string& sealed) {
  if (const auto found = pseudonyms_.find(sealed); found != pseudonyms_.end()) {
    return found->second;
  }
  if (pseudonyms_.size() == capacity_) pseudonyms_.clear();
  const auto added = pseudonyms_.emplace(sealed, pseudonymise(centre_key_, sealed)).first;
  TEARLINE_ASSERT(pseudonyms_.size() <= capacity_);  // Bounded, whatever the sources.
  return added->second;
}

}  // namespace tearline
