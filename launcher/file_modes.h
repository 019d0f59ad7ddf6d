// Who may read what tearline writes (docs/SECURITY.md, "Files on this
// machine"): a run's traces hold true source handles, so its folders are
// 0700 and its files 0600 (the owner's only), or 0750 and 0640 when asked
// to share with the group. A umask set before anything is created gives
// every file these modes, the node processes' too (they inherit it).
#pragma once

#include <sys/stat.h>

#include <filesystem>
#include <system_error>

namespace tearline {

// From now on, this process and the ones it starts create files and
// folders for the owner only, or for the owner and the group to read.
inline void create_private_files(bool group_readable) { umask(group_readable ? 027 : 077); }

// For a command that adds to a run made before (`tearline fault`): new
// files get the modes of that run's, from its folder's group read bit.
inline void create_files_as_in(const std::filesystem::path& run_dir) {
  namespace fs = std::filesystem;
  std::error_code error;
  const fs::perms perms = fs::status(run_dir, error).permissions();
  create_private_files(!error && (perms & fs::perms::group_read) != fs::perms::none);
}

// Gives `path` (a folder made before, by the user perhaps, or a file whose
// mode was copied from elsewhere) the mode new ones get; returns the error,
// if any.
inline std::error_code make_private(const std::filesystem::path& path, bool group_readable) {
  namespace fs = std::filesystem;
  std::error_code error;
  const bool folder = fs::is_directory(path, error);
  if (error) return error;
  fs::perms perms = fs::perms::owner_read | fs::perms::owner_write;
  if (folder) perms |= fs::perms::owner_exec;
  if (group_readable) perms |= fs::perms::group_read;
  if (group_readable && folder) perms |= fs::perms::group_exec;
  fs::permissions(path, perms, fs::perm_options::replace, error);
  return error;
}

}  // namespace tearline
