// A parameter study's grid (`tearline sweep`): parameters named by the key
// paths scenario errors print ("agency[agency.us].partner[0].trust", the
// syntax of scenario/key_path.h),
// each with a list of values, combined into every point of the grid, and
// applied to a scenario's TOML to make each point's scenario.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace tearline::sweep {

// A bad --set or --seeds, or a path that names nothing in the scenario;
// the text names it.
class SweepError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Parameter {
  std::string path;                 // "agency[agency.uk].database.workers".
  std::vector<std::string> values;  // As TOML literals' text: "2", "0.5", "fifo".
};

// The most values one parameter may take, and points a grid may have.
inline constexpr size_t kValuesMax = 1000;
inline constexpr size_t kPointsMax = 100'000;
inline constexpr size_t kSeedsMax = 10'000;

// "PATH=V1,V2,...", "PATH=A..B" (integers A to B) or "PATH=A..B:STEP"
// (numbers from A to B by STEP, B included when reached). Throws SweepError.
Parameter parse_set(const std::string& spec);

// "7", "1-20", "1,3,5" or a mix ("1-3,9"); distinct, in the order given.
// Throws SweepError.
std::vector<uint64_t> parse_seeds(const std::string& spec);

// Every combination of the parameters' values, the first parameter's
// changing slowest. Throws SweepError beyond kPointsMax.
std::vector<std::vector<std::string>> grid_points(const std::vector<Parameter>& parameters);

// The scenario `toml_text` (from `source`, for errors) with each parameter
// set to its value at `point`, as TOML text. A value takes the type of the
// value it replaces (integer, float, boolean, string); a key the file does
// not have is added, typed by its text. Throws SweepError naming a path
// that does not lead to a table of the file, or a value of the wrong type.
std::string apply_point(const std::string& toml_text, const std::string& source,
                        const std::vector<Parameter>& parameters,
                        const std::vector<std::string>& point);

}  // namespace tearline::sweep
