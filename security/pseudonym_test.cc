#include "security/pseudonym.h"

#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace tearline {
namespace {

// A key of 32 consecutive byte values from `first`.
SecretKey key_from(unsigned char first) {
  SecretKey key;
  for (size_t i = 0; i < key.size(); ++i) key[i] = static_cast<unsigned char>(first + i);
  return key;
}

TEST(PseudonymTest, MatchesKeyedBlake2b) {
  // Golden values from Python's hashlib.blake2b(data, key=..., digest_size=16)
  // with keys bytes(range(32)) and bytes(range(32, 64)).
  const std::string sealed = seal_source(key_from(0), "us.insider-7");
  EXPECT_EQ(sealed, "sealed:2ed6d8ab6e6016bea1265cf1");
  EXPECT_EQ(pseudonymise(key_from(32), sealed), "ps-19ff8b1ec068");
}

TEST(PseudonymTest, RandomKeysAreFresh) { EXPECT_NE(random_secret_key(), random_secret_key()); }

TEST(PseudonymTest, SealedTokensHaveTheDocumentedForm) {
  const SecretKey key = key_from(1);
  const std::string sealed = seal_source(key, "us.insider-7");
  EXPECT_TRUE(std::regex_match(sealed, std::regex("sealed:[0-9a-f]{24}"))) << sealed;
  const std::string pseudonym = pseudonymise(key_from(101), sealed);
  EXPECT_TRUE(std::regex_match(pseudonym, std::regex("ps-[0-9a-f]{12}"))) << pseudonym;
}

TEST(PseudonymTest, TheOwnerOfTheKeyCanMapATokenBack) {
  const SecretKey key = key_from(7);
  const std::string sealed = seal_source(key, "us.officer-2");
  std::string found;
  for (const char* handle : {"us.insider-7", "us.officer-2", "us.technical-1"}) {
    if (seal_source(key_from(7), handle) == sealed) found = handle;
  }
  EXPECT_EQ(found, "us.officer-2");
  EXPECT_NE(seal_source(key_from(77), "us.officer-2"), sealed);
}

TEST(PseudonymTest, DistinctHandlesGetDistinctTokens) {
  const SecretKey agency_key = key_from(3);
  const SecretKey centre_key = key_from(103);
  std::set<std::string> sealed;
  std::set<std::string> pseudonyms;
  for (int i = 0; i < 1000; ++i) {
    const std::string token = seal_source(agency_key, "uk.source-" + std::to_string(i));
    sealed.insert(token);
    pseudonyms.insert(pseudonymise(centre_key, token));
  }
  EXPECT_EQ(sealed.size(), 1000u);
  EXPECT_EQ(pseudonyms.size(), 1000u);
}

TEST(PseudonymCacheTest, GivesThePseudonymOfEachToken) {
  const SecretKey agency_key = key_from(0);
  const SecretKey centre_key = key_from(32);
  PseudonymCache cache(centre_key, 8);
  EXPECT_EQ(cache.capacity(), 8u);
  const std::string sealed = seal_source(agency_key, "us.insider-7");
  EXPECT_EQ(cache.pseudonym(sealed), "ps-19ff8b1ec068");  // The golden value above.
  EXPECT_EQ(cache.pseudonym(sealed), "ps-19ff8b1ec068");  // Now from the cache.
  EXPECT_EQ(cache.size(), 1u);
}

TEST(PseudonymCacheTest, StaysWithinItsCapacityAndStaysCorrectBeyondIt) {
  const SecretKey agency_key = key_from(3);
  const SecretKey centre_key = key_from(103);
  PseudonymCache cache(centre_key, 16);
  // 40 tokens, each asked for several times in an order that cycles through
  // more tokens than the cache holds.
  std::vector<std::string> tokens;
  for (int i = 0; i < 40; ++i)
    tokens.push_back(seal_source(agency_key, "uk.source-" + std::to_string(i)));
  for (int round = 0; round < 5; ++round) {
    for (size_t i = 0; i < tokens.size(); ++i) {
      const std::string& token = tokens[(i * 7 + static_cast<size_t>(round)) % tokens.size()];
      EXPECT_EQ(cache.pseudonym(token), pseudonymise(centre_key, token));
      EXPECT_LE(cache.size(), 16u);
    }
  }
}

TEST(PseudonymCacheTest, RefusesCapacityZero) {
  EXPECT_THROW(PseudonymCache(key_from(101), 0), std::invalid_argument);
}

}  // namespace
}  // namespace tearline
