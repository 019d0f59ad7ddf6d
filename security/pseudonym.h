// Source ciphering (docs/MODEL.md, "coordinated mode").
//
// An agency seals a source handle with its own key before the report leaves
// it: the sealed token reveals nothing without the key, and the agency maps
// it back by recomputing. The broker replaces the sealed token by a pseudonym
// keyed with the centre's key, so recipients cannot even link a pseudonym to
// the token the agency sent. Keyed BLAKE2b (libsodium crypto_generichash).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>

namespace tearline {

using SecretKey = std::array<unsigned char, 32>;

// A fresh random key (libsodium). Keys are never derived from a run's seed:
// the seed is no secret (security/keys.h).
SecretKey random_secret_key();

// "sealed:" followed by 24 hex digits.
std::string seal_source(const SecretKey& agency_key, const std::string& handle);
// "ps-" followed by 12 hex digits.
std::string pseudonymise(const SecretKey& centre_key, const std::string& sealed);

// pseudonymise() with one centre key, remembering the pseudonyms of the
// tokens it has seen: a centre hears from few distinct sources, so most
// reports need no hash. Bounded: it holds at most `capacity` tokens, and the
// first new token beyond that empties it (a working set larger than the
// capacity costs hashes, never memory).
//
// Thread-safety: none; owned by one event loop.
class PseudonymCache {
 public:
  // Throws std::invalid_argument if capacity is 0.
  PseudonymCache(const SecretKey& centre_key, size_t capacity);

  // pseudonymise(centre_key, sealed). The reference is valid until the next
  // call.
  const std::string& pseudonym(const std::string& sealed);

  size_t size() const { return pseudonyms_.size(); }
  size_t capacity() const { return capacity_; }

 private:
  const SecretKey centre_key_;
  const size_t capacity_;
  std::unordered_map<std::string, std::string> pseudonyms_;  // sealed -> pseudonym
};

}  // namespace tearline
