// Source ciphering (MODEL.md, "coordinated mode").
//
// An agency seals a source handle with its own key before the report leaves
// it: the sealed token reveals nothing without the key, and the agency maps
// it back by recomputing. The broker replaces the sealed token by a pseudonym
// keyed with the centre's key, so recipients cannot even link a pseudonym to
// the token the agency sent. Keyed BLAKE2b (libsodium crypto_generichash).
#pragma once

#include <array>
#include <cstdint>
#include <string>

namespace tearline {

using SecretKey = std::array<unsigned char, 32>;

// A key derived from the run seed and an owner name ("agency.us",
// "broker"). A real deployment would hold keys in the agencies' custody; a
// simulation derives them so runs replay.
SecretKey derive_key(uint64_t seed, const std::string& owner);

// "sealed:" followed by 24 hex digits.
std::string seal_source(const SecretKey& agency_key, const std::string& handle);
// "ps-" followed by 12 hex digits.
std::string pseudonymise(const SecretKey& centre_key, const std::string& sealed);

}  // namespace tearline
