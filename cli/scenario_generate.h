// `tearline scenario generate`: a valid scenario of any size, drawn from a
// seed (the same arguments give the same file), for runs at scale: agencies
// with partners, sources, background and policies, a centre, units that
// each cover an area, and plots whose reports are spread over the agencies.
// The file's comments say how it was made.
#pragma once

#include <cstdint>
#include <string>

namespace tearline {

struct GenerateOptions {
  int agencies = 3;
  int units = 4;
  int plots = 2;
  uint64_t seed = 1;
  double duration_h = 720;
};

// Bounds on what generate_scenario() makes.
inline constexpr int kGeneratedAgenciesMax = 1000;
inline constexpr int kGeneratedUnitsMax = 10'000;
inline constexpr int kGeneratedPlotsMax = 1000;

// The scenario's TOML text; options must be within the bounds above
// (agencies and units at least 1, plots at least 0, duration 48-8760 h).
std::string generate_scenario(const GenerateOptions& options);

// The command: checks the options (exit 2 naming a bad one), generates,
// checks the result loads, and writes it to `out` (or stdout when empty).
// Exit 0 written; 1 the file cannot be written; 2 bad options.
int generate_command(const GenerateOptions& options, const std::string& out);

}  // namespace tearline
