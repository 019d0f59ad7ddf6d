#include "security/keys.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

namespace tearline {
namespace {

namespace fs = std::filesystem;

class KeysTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("keys_test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(KeysTest, AKeySetIsPrivateAndComplete) {
  write_key_set(dir_, {"agency.uk", "broker"});
  struct stat status {};
  ASSERT_EQ(::stat(dir_.c_str(), &status), 0);
  EXPECT_EQ(status.st_mode & 0777, 0700u);
  ASSERT_EQ(::stat(member_key_path(dir_, "broker").c_str(), &status), 0);
  EXPECT_EQ(status.st_mode & 0777, 0600u);
  EXPECT_NO_THROW(check_key_set(dir_, {"agency.uk", "broker"}));
  const PublicKeys keys = load_public_keys(public_keys_path(dir_));
  EXPECT_EQ(keys.by_name().size(), 4u);  // With the launcher and the operator.
  const MemberKey broker = load_member_key(member_key_path(dir_, "broker"));
  EXPECT_EQ(keys.name_of(broker.curve_public_z85), "broker");
  EXPECT_THROW(check_key_set(dir_, {"agency.uk", "broker", "unit.leeds"}), KeyError);
}

TEST_F(KeysTest, KeysAreFreshEachTime) {
  const MemberKey a = generate_member_key("a");
  const MemberKey b = generate_member_key("a");
  EXPECT_NE(a.curve_secret_z85, b.curve_secret_z85);
  EXPECT_NE(a.secret, b.secret);
}

TEST_F(KeysTest, AKeyReadableByOthersIsRefused) {
  write_key_set(dir_, {"broker"});
  fs::permissions(member_key_path(dir_, "broker"), fs::perms::group_read, fs::perm_options::add);
  try {
    load_member_key(member_key_path(dir_, "broker"));
    FAIL() << "loaded a group-readable key";
  } catch (const KeyError& error) {
    EXPECT_NE(std::string(error.what()).find("chmod 600"), std::string::npos) << error.what();
  }
}

TEST_F(KeysTest, ATamperedKeyIsRefused) {
  write_key_set(dir_, {"broker"});
  const fs::path path = member_key_path(dir_, "broker");
  const MemberKey other = generate_member_key("broker");
  MemberKey key = load_member_key(path);
  fs::remove(path);
  std::ofstream(path) << "name = \"broker\"\ncurve_public = \"" << other.curve_public_z85
                      << "\"\ncurve_secret = \"" << key.curve_secret_z85 << "\"\nsecret = \""
                      << std::string(64, 'a') << "\"\n";
  fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write);
  EXPECT_THROW(load_member_key(path), KeyError);  // Public key of another pair.
}

TEST_F(KeysTest, AMistakeInAKeyFileIsNamedWithItsLineAndKey) {
  write_key_set(dir_, {"broker"});
  const auto error_of = [](const auto& load) {
    try {
      load();
    } catch (const KeyError& error) {
      return std::string(error.what());
    }
    return std::string();
  };
  const fs::path member = dir_ / "typo.key";
  std::ofstream(member) << "name = \"broker\"\ncurve_secert = \"x\"\n";
  fs::permissions(member, fs::perms::owner_read | fs::perms::owner_write);
  EXPECT_EQ(error_of([&] { load_member_key(member); }),
            member.string() +
                ":2: curve_secert: unknown key \"curve_secert\" (did you mean \"curve_secret\"?)");
  const fs::path public_keys = dir_ / "bad_public_keys.toml";
  std::ofstream(public_keys) << "broker = \"short\"\n[signing]\nbroker = \"" << std::string(64, 'a')
                             << "\"\n";
  EXPECT_EQ(error_of([&] { load_public_keys(public_keys); }),
            public_keys.string() + ":1: \"broker\": a CURVE key is 40 Z85 characters");
}

TEST_F(KeysTest, ANodeMayNotTakeTheOperatorsName) {
  EXPECT_THROW(write_key_set(dir_, {"operator"}), KeyError);
}

TEST_F(KeysTest, AnExistingKeySetIsNotOverwritten) {
  write_key_set(dir_, {"broker"});
  EXPECT_THROW(write_key_set(dir_, {"broker"}), KeyError);
}

}  // namespace
}  // namespace tearline

namespace tearline {
namespace {

TEST_F(KeysTest, ARostersPublicKeysAreTheKeyFolders) {
  write_key_set(dir_, {"agency.uk", "broker"});
  const PublicKeys keys = load_public_keys(public_keys_path(dir_));
  v1::Roster roster;
  add_public_keys(keys, &roster);
  const PublicKeys from_roster = public_keys_of(roster, 4, "roster.pb");
  EXPECT_EQ(from_roster.by_name(), keys.by_name());
  EXPECT_EQ(from_roster.signing_by_name(), keys.signing_by_name());
  EXPECT_THROW(public_keys_of(roster, 3, "roster.pb"), KeyError);  // Too many members.

  v1::Roster bad_curve = roster;
  bad_curve.mutable_keys(0)->set_curve_z85("short");
  EXPECT_THROW(public_keys_of(bad_curve, 4, "roster.pb"), KeyError);
  v1::Roster bad_signing = roster;
  bad_signing.mutable_keys(0)->set_signing("short");
  EXPECT_THROW(public_keys_of(bad_signing, 4, "roster.pb"), KeyError);
  v1::Roster same_key = roster;
  same_key.mutable_keys(1)->set_curve_z85(roster.keys(0).curve_z85());
  EXPECT_THROW(public_keys_of(same_key, 4, "roster.pb"), KeyError);
  v1::Roster twice = roster;
  twice.mutable_keys(1)->set_name(roster.keys(0).name());
  EXPECT_THROW(public_keys_of(twice, 4, "roster.pb"), KeyError);
}

}  // namespace
}  // namespace tearline
