#include "cli/scenario_generate.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <random>
#include <vector>

#include "base/whole_file.h"
#include "scenario/scenario.h"

namespace tearline {
namespace {

// The draws of the generator: std::mt19937_64's sequence is the same on
// every platform; the standard distributions are not, so none is used.
class Draw {
 public:
  explicit Draw(uint64_t seed) : engine_(seed) {}
  // Uniform in [0, n).
  int below(int n) { return static_cast<int>(engine_() % static_cast<uint64_t>(n)); }
  // Uniform in [low, high), to two decimals.
  double between(double low, double high) {
    const double unit = static_cast<double>(engine_() >> 11) * 0x1.0p-53;
    return std::round((low + (high - low) * unit) * 100) / 100;
  }

 private:
  std::mt19937_64 engine_;
};

std::string agency_name(int i) { return fmt::format("agency.a{:03}", i + 1); }
std::string country_of(int i) { return fmt::format("a{:03}", i + 1); }
std::string unit_name(int i) { return fmt::format("unit.u{:04}", i + 1); }
std::string area_of(int unit) { return fmt::format("area-{:04}", unit + 1); }

constexpr const char* kSourceValues[] = {"insider", "officer", "technical"};

void add_agency(std::string& out, const GenerateOptions& options, int i, Draw& draw) {
  out += fmt::format(R"(
[[agency]]
name = "{}"
country = "{}"
[agency.desk]
workers = {}
service = {{ distribution = "uniform", min_h = 0.5, max_h = 1.5 }}
capacity_msgs = 200
ttl_h = 240
priority = "fifo"
[agency.database]
workers = {}
service = {{ fixed_h = 0.25, distribution = "exponential", mean_h = 0.75 }}
capacity_msgs = 2000
ttl_h = 336
priority = "relevance"
[agency.background]
rate_per_h = {}
severity = {{ low = 0.7, moderate = 0.2, high = 0.1 }}
area_share = 0.5
field_share = 0.5
[agency.policy]
min_severity = "low"
insider   = {{ full_trust_min = 0.9, sanitised_trust_min = 0.3 }}
officer   = {{ full_trust_min = 0.7, sanitised_trust_min = 0.3 }}
technical = {{ full_trust_min = 0.5, sanitised_trust_min = 0.2 }}
open      = {{ full_trust_min = 0.0, sanitised_trust_min = 0.0 }}
)",
                     agency_name(i), country_of(i), 1 + draw.below(2), 2 + draw.below(3),
                     draw.between(0.1, 0.3));
  // Partners: the next (up to) three agencies round the ring.
  for (int k = 1; k <= std::min(3, options.agencies - 1); ++k) {
    out += fmt::format("[[agency.partner]]\nagency = \"{}\"\ntrust = {}\n",
                       agency_name((i + k) % options.agencies), draw.between(0.3, 0.95));
  }
  for (const char* value : kSourceValues) {
    out += fmt::format("[[agency.source]]\nhandle = \"{}.{}-1\"\nvalue = \"{}\"\n", country_of(i),
                       value, value);
  }
}

void add_unit(std::string& out, const GenerateOptions& options, int i, Draw& draw) {
  out += fmt::format(R"(
[[unit]]
name = "{}"
agency = "{}"
area = "{}"
response_h = {}
poll_interval_h = {}
[unit.intake]
workers = 1
service = {{ fixed_h = 0.5 }}
capacity_msgs = 100
ttl_h = 240
priority = "fifo"
)",
                     unit_name(i), agency_name(i % options.agencies), area_of(i),
                     12 + 12 * draw.below(3), 24 + 24 * draw.below(2));
}

// A plot in a unit's area, and its reports from two or three agencies:
// the next ones round the ring (*next_agency), so that the plots' reports
// are spread over every agency.
void add_plot(std::string& out, const GenerateOptions& options, int p, int* next_agency,
              Draw& draw) {
  const std::string id = fmt::format("plot.p{:03}", p + 1);
  const std::string area = area_of(draw.below(options.units));
  const std::string site = fmt::format("site-{}", p + 1);
  const double attack_h = std::round(options.duration_h * draw.between(0.6, 0.9));
  out += fmt::format(
      "\n[[plot]]\nid = \"{}\"\narea = \"{}\"\nsite = \"{}\"\nattack_h = {}\ndescription = "
      "\"A generated attack on {} in {} at hour {}.\"\n",
      id, area, site, attack_h, site, area, attack_h);
  const int reports = std::min(options.agencies, 2 + draw.below(2));
  for (int r = 0; r < reports; ++r) {
    const int agency = (*next_agency)++ % options.agencies;
    const char* value = kSourceValues[(p + r) % 3];
    const double at_h = std::round(attack_h * draw.between(0.1, 0.7));
    out += fmt::format(
        "[[report]]\nid = \"{}-r{}\"\nagency = \"{}\"\nsource = \"{}.{}-1\"\nplot = \"{}\"\n"
        "at_h = {}\nsubject = \"subject-{}\"\narea = \"{}\"\n",
        id, r + 1, agency_name(agency), country_of(agency), value, id, at_h, p + 1, area);
    // The first report holds the detail a unit can act on; the others are
    // fragments that correlate with it.
    if (r == 0) {
      out += fmt::format(
          "site = \"{}\"\nwindow = {{ start_h = {}, end_h = {} }}\nmethod = \"ied\"\n"
          "credibility = \"B2\"\nseverity = \"high\"\ntlp = \"amber\"\n",
          site, attack_h - 12, attack_h + 12);
    } else {
      out += "credibility = \"C3\"\nseverity = \"moderate\"\ntlp = \"amber\"\n";
    }
  }
}

}  // namespace

std::string generate_scenario(const GenerateOptions& options) {
  Draw draw(options.seed);
  std::string out = fmt::format(
      R"(# Generated by `tearline scenario generate --agencies {0} --units {1} --plots {2} --seed {3}
# --duration-h {4}`: the same arguments give the same file.
#
# How it is made:
# - {0} agencies (agency.a001...), each with 1-2 desk analysts, 2-4 database
#   workers, background at 0.1-0.3 reports an hour, the same sharing policy,
#   one source of each kind (insider, officer, technical), and the next (up
#   to) three agencies round a ring as partners, with a trust drawn from
#   0.3-0.95.
# - A coordination centre with 4 officers.
# - {1} units (unit.u0001...), each covering its own area (area-0001...) and
#   polling agency number (unit number mod {0}).
# - {2} plots, each in the area of a unit drawn at random, attacked between
#   60% and 90% of the way through; each has two or three reports from the
#   next agencies round the ring (each plot goes on where the last stopped),
#   the first with the detail a unit can act on, the others fragments.
# - Links: the default only (0.5 h fixed + exponential mean 0.5 h, 1% loss).

[scenario]
name = "generated-a{0}-u{1}-p{2}-s{3}"
description = "Generated: {0} agencies, {1} units, {2} plots, seed {3}."
start = 2020-01-01T00:00:00Z
duration_h = {4}
ms_per_scenario_hour = 10
seed = {3}
)",
      options.agencies, options.units, options.plots, options.seed, options.duration_h);
  for (int i = 0; i < options.agencies; ++i) add_agency(out, options, i, draw);
  out += R"(
[broker]
correlation_window_h = 720
correlation_boost = 25
resend_interval_h = 6
delivery_deadline_h = 168
[broker.officers]
workers = 4
service = { fixed_h = 0.25, distribution = "exponential", mean_h = 0.5 }
capacity_msgs = 5000
ttl_h = 240
)";
  for (int i = 0; i < options.units; ++i) add_unit(out, options, i, draw);
  out += R"(
[link_default]
delay = { fixed_h = 0.5, distribution = "exponential", mean_h = 0.5 }
loss = { probability = 0.01 }
)";
  int next_agency = 0;
  for (int p = 0; p < options.plots; ++p) add_plot(out, options, p, &next_agency, draw);
  return out;
}

int generate_command(const GenerateOptions& options, const std::string& out) {
  const auto fail = [](int code, const std::string& message) {
    std::fprintf(stderr, "tearline scenario generate: %s\n", message.c_str());
    return code;
  };
  if (options.agencies < 1 || options.agencies > kGeneratedAgenciesMax) {
    return fail(2, fmt::format("--agencies must be 1 to {}", kGeneratedAgenciesMax));
  }
  if (options.units < 1 || options.units > kGeneratedUnitsMax) {
    return fail(2, fmt::format("--units must be 1 to {}", kGeneratedUnitsMax));
  }
  if (options.plots < 0 || options.plots > kGeneratedPlotsMax) {
    return fail(2, fmt::format("--plots must be 0 to {}", kGeneratedPlotsMax));
  }
  if (!(options.duration_h >= 48 && options.duration_h <= 8760)) {
    return fail(2, "--duration-h must be 48 to 8760");
  }
  const std::string text = generate_scenario(options);
  // What is written must load: checked through a neighbour file.
  const std::filesystem::path check = out.empty()
                                          ? std::filesystem::temp_directory_path() /
                                                fmt::format("tearline-generated-{}.toml", getpid())
                                          : std::filesystem::path(out + ".check");
  if (const std::string error = write_whole_file(check, text); !error.empty()) {
    return fail(1, error);
  }
  std::error_code error;
  try {
    load_scenario(check.string());
  } catch (const ScenarioError& failure) {
    std::filesystem::remove(check, error);
    return fail(1, std::string("the generated scenario does not load (a bug): ") + failure.what());
  }
  if (out.empty()) {
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::filesystem::remove(check, error);
    return 0;
  }
  std::filesystem::rename(check, out, error);
  if (error) return fail(1, "cannot write " + out + ": " + error.message());
  std::fprintf(stderr, "tearline scenario generate: %s (%d agencies, a centre, %d units)\n",
               out.c_str(), options.agencies, options.units);
  return 0;
}

}  // namespace tearline
