#include "common/pseudonym.h"

#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace tearline {
namespace {

std::string hex(const SecretKey& key) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char byte : key) {
    out += kDigits[byte >> 4];
    out += kDigits[byte & 0xf];
  }
  return out;
}

TEST(PseudonymTest, MatchesKeyedBlake2b) {
  // Golden values from Python's hashlib.blake2b with the documented inputs;
  // a change here breaks the mapping back of recorded runs.
  const SecretKey agency_key = derive_key(42, "agency.us");
  EXPECT_EQ(hex(agency_key), "726d246edb3561e6c4b9940fb183c8fe383b89b3430c3d88334350adeccded40");
  const std::string sealed = seal_source(agency_key, "us.insider-7");
  EXPECT_EQ(sealed, "sealed:09a1aa1249a28ede5f039cd1");
  EXPECT_EQ(pseudonymise(derive_key(42, "broker"), sealed), "ps-e32865875d17");
}

TEST(PseudonymTest, KeysDependOnSeedAndOwner) {
  const SecretKey key = derive_key(1, "agency.us");
  EXPECT_EQ(derive_key(1, "agency.us"), key);
  EXPECT_NE(derive_key(2, "agency.us"), key);
  EXPECT_NE(derive_key(1, "agency.uk"), key);
  EXPECT_NE(derive_key(1ULL << 56, "agency.us"), key);  // Every seed byte counts.
}

TEST(PseudonymTest, SealedTokensHaveTheDocumentedForm) {
  const SecretKey key = derive_key(1, "agency.us");
  const std::string sealed = seal_source(key, "us.insider-7");
  EXPECT_TRUE(std::regex_match(sealed, std::regex("sealed:[0-9a-f]{24}"))) << sealed;
  const std::string pseudonym = pseudonymise(derive_key(1, "broker"), sealed);
  EXPECT_TRUE(std::regex_match(pseudonym, std::regex("ps-[0-9a-f]{12}"))) << pseudonym;
}

TEST(PseudonymTest, TheOwnerOfTheKeyCanMapATokenBack) {
  const SecretKey key = derive_key(7, "agency.us");
  const std::string sealed = seal_source(key, "us.officer-2");
  std::string found;
  for (const char* handle : {"us.insider-7", "us.officer-2", "us.technical-1"}) {
    if (seal_source(derive_key(7, "agency.us"), handle) == sealed) found = handle;
  }
  EXPECT_EQ(found, "us.officer-2");
  EXPECT_NE(seal_source(derive_key(7, "agency.uk"), "us.officer-2"), sealed);
}

TEST(PseudonymTest, DistinctHandlesGetDistinctTokens) {
  const SecretKey agency_key = derive_key(3, "agency.uk");
  const SecretKey centre_key = derive_key(3, "broker");
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
  const SecretKey agency_key = derive_key(42, "agency.us");
  const SecretKey centre_key = derive_key(42, "broker");
  PseudonymCache cache(centre_key, 8);
  EXPECT_EQ(cache.capacity(), 8u);
  const std::string sealed = seal_source(agency_key, "us.insider-7");
  EXPECT_EQ(cache.pseudonym(sealed), "ps-e32865875d17");  // The golden value above.
  EXPECT_EQ(cache.pseudonym(sealed), "ps-e32865875d17");  // Now from the cache.
  EXPECT_EQ(cache.size(), 1u);
}

TEST(PseudonymCacheTest, StaysWithinItsCapacityAndStaysCorrectBeyondIt) {
  const SecretKey agency_key = derive_key(3, "agency.uk");
  const SecretKey centre_key = derive_key(3, "broker");
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
  EXPECT_THROW(PseudonymCache(derive_key(1, "broker"), 0), std::invalid_argument);
}

}  // namespace
}  // namespace tearline
