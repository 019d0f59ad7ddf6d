#include "model/random.h"

#include <cmath>
#include <numbers>

#include "base/invariant.h"

namespace tearline {
namespace {

constexpr uint64_t kFnvOffsetBasis = 14695981039346656037ULL;
constexpr uint64_t kFnvPrime = 1099511628211ULL;
// Between stream and key, so that ("ab", "c") and ("a", "bc") differ. 0xff
// never occurs in UTF-8, so no stream name can contain it.
constexpr unsigned char kSeparator = 0xff;

uint64_t fnv1a(uint64_t hash, unsigned char byte) { return (hash ^ byte) * kFnvPrime; }

uint64_t fnv1a(uint64_t hash, std::string_view text) {
  for (char c : text) hash = fnv1a(hash, static_cast<unsigned char>(c));
  return hash;
}

// Little-endian, so the value does not depend on the host.
uint64_t fnv1a(uint64_t hash, uint64_t value) {
  for (int i = 0; i < 8; ++i) hash = fnv1a(hash, static_cast<unsigned char>(value >> (8 * i)));
  return hash;
}

// The splitmix64 finalizer: FNV-1a alone mixes its last bytes poorly.
uint64_t splitmix64_finalize(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// FNV-1a over seed, stream, separator, key, draw; then `lane` (0 for bits(),
// 1 and 2 for the two uniforms of Box-Muller), then the finalizer.
uint64_t mix(uint64_t seed, std::string_view stream, std::string_view key, uint64_t draw,
             unsigned char lane) {
  uint64_t hash = fnv1a(kFnvOffsetBasis, seed);
  hash = fnv1a(hash, stream);
  hash = fnv1a(hash, kSeparator);
  hash = fnv1a(hash, key);
  hash = fnv1a(hash, draw);
  if (lane != 0) hash = fnv1a(hash, lane);
  return splitmix64_finalize(hash);
}

// The top 53 bits as a double in [0, 1).
double to_unit(uint64_t bits) {
  const double unit = static_cast<double>(bits >> 11) * 0x1.0p-53;
  TEARLINE_ASSERT(unit >= 0 && unit < 1);
  return unit;
}

}  // namespace

uint64_t Random::bits(std::string_view stream, std::string_view key, uint64_t draw) const {
  return mix(seed_, stream, key, draw, 0);
}

double Random::uniform(std::string_view stream, std::string_view key, uint64_t draw) const {
  return to_unit(bits(stream, key, draw));
}

double Random::exponential(double mean, std::string_view stream, std::string_view key,
                           uint64_t draw) const {
  if (mean <= 0) return 0;
  const double drawn = -mean * std::log1p(-uniform(stream, key, draw));
  TEARLINE_ASSERT(drawn >= 0);
  return drawn;
}

double Random::normal(std::string_view stream, std::string_view key, uint64_t draw) const {
  // Lanes of their own, so that normal(.., draw) shares no uniform with
  // normal(.., draw + 1) or with uniform(.., draw).
  const double u1 = to_unit(mix(seed_, stream, key, draw, 1));
  const double u2 = to_unit(mix(seed_, stream, key, draw, 2));
  // 1 - u1 lies in (0, 1], so the logarithm is finite.
  const double radius = std::sqrt(-2.0 * std::log1p(-u1));
  return radius * std::cos(2.0 * std::numbers::pi * u2);
}

}  // namespace tearline
