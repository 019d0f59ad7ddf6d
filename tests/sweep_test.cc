// `tearline sweep` on the small scenario (2 values of a partner's trust x 3
// seeds, both modes): every row of sweep.csv says what its run's report
// says, and sweep.json reads back through its reader to the same rows; the
// same command again resumes and runs nothing twice; an
// interrupted sweep resumes where it stopped; a bad parameter is exit 2
// before any run starts.
#include <gtest/gtest.h>
#include <signal.h>
#include <toml++/toml.h>

#include <fstream>
#include <map>
#include <sstream>

#include "sweep/sweep_json.h"
#include "sweep/sweep_results.h"
#include "tests/child.h"

namespace tearline::testing {
namespace {

namespace fs = std::filesystem;

const std::vector<std::string> kTrust = {"--set", "agency[0].partner[0].trust=0.3,0.9"};

std::vector<std::string> sweep_args(const fs::path& out, const std::string& seeds,
                                    std::vector<std::string> extra = {"--jobs", "2"}) {
  std::vector<std::string> args = {"sweep", "small", "--seeds", seeds, "--out", out.string()};
  args.insert(args.end(), kTrust.begin(), kTrust.end());
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

std::vector<std::string> fields_of(const std::string& line) {
  std::vector<std::string> fields;
  std::string field;
  std::istringstream in(line);
  while (std::getline(in, field, ',')) fields.push_back(field);
  if (!line.empty() && line.back() == ',') fields.emplace_back();
  return fields;
}

// sweep.csv as one map (column -> text) per row.
std::vector<std::map<std::string, std::string>> csv_rows(const fs::path& csv) {
  std::istringstream in(slurp(csv));
  std::string line;
  std::getline(in, line);
  const std::vector<std::string> header = fields_of(line);
  std::vector<std::map<std::string, std::string>> rows;
  while (std::getline(in, line)) {
    const std::vector<std::string> fields = fields_of(line);
    EXPECT_EQ(fields.size(), header.size()) << line;
    std::map<std::string, std::string> row;
    for (size_t i = 0; i < header.size() && i < fields.size(); ++i) row[header[i]] = fields[i];
    rows.push_back(row);
  }
  return rows;
}

std::string number_text(const nlohmann::json& value) {
  if (value.is_null()) return "";
  if (value.is_boolean()) return value.get<bool>() ? "1" : "0";
  std::ostringstream out;
  out.precision(17);
  out << value.get<double>();
  return out.str();
}

TEST(Sweep, EveryRowSaysWhatItsRunsReportSaysAndTheSameCommandResumes) {
  TempDir dir;
  const fs::path out = dir.path() / "sweep";
  const Finished first =
      run_tearline(sweep_args(out, "1-3"), dir.path(), std::chrono::seconds(240));
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_NE(first.out.find("plots averted"), std::string::npos) << first.out;

  const auto rows = csv_rows(out / "sweep.csv");
  ASSERT_EQ(rows.size(), 12u);  // 2 values x 3 seeds x 2 modes.
  std::map<std::string, int> runs_per_value;
  for (const auto& row : rows) {
    ++runs_per_value[row.at("agency[0].partner[0].trust")];
    EXPECT_EQ(row.at("exit"), "0");
    const nlohmann::json report = read_json(out / row.at("run") / "report.json");
    // A uint64: a string in protobuf's JSON.
    EXPECT_EQ(report["seed"].get<std::string>(), row.at("seed")) << row.at("run");
    const nlohmann::json& mode = report["modes"][row.at("mode")];
    const nlohmann::json& plot = mode["plots"][0];
    const std::string id = plot["id"];
    EXPECT_EQ(row.at(id + ".averted"), number_text(plot["averted"]));
    if (!plot.contains("lead_time_h")) {  // Absent when not averted.
      EXPECT_EQ(row.at(id + ".lead_h"), "");
    } else {
      EXPECT_DOUBLE_EQ(std::stod(row.at(id + ".lead_h")), plot["lead_time_h"].get<double>());
    }
    for (const char* column : {"created", "delivered", "lost", "in_flight", "unaccounted"}) {
      EXPECT_EQ(row.at(column), mode["messages"][column].dump()) << column;
    }
    EXPECT_EQ(row.at("exposure_nodes"), mode["exposure"]["nodes"].dump());
    // The run used the value of its point (the only key named just "trust").
    const std::string scenario = slurp(out / "points" / ("p" + row.at("point") + ".toml"));
    const size_t trust = scenario.find(" trust = ");
    ASSERT_NE(trust, std::string::npos);
    EXPECT_DOUBLE_EQ(std::stod(scenario.substr(trust + 9)),
                     std::stod(row.at("agency[0].partner[0].trust")));
  }
  EXPECT_EQ(runs_per_value, (std::map<std::string, int>{{"0.3", 6}, {"0.9", 6}}));
  // sweep.json reads back through its one reader, to rows that render the
  // same CSV.
  const v1::SweepResults results = sweep::read_sweep_json((out / "sweep.json").string());
  EXPECT_EQ(results.scenario(), "small");
  EXPECT_EQ(results.seeds_size(), 3);
  EXPECT_EQ(results.rows_size(), 12);
  EXPECT_EQ(sweep::csv_of(results), slurp(out / "sweep.csv"));
  // A finished run keeps its report and scenario, not its traces.
  EXPECT_TRUE(fs::exists(out / "runs/p0-seed1/scenario.toml"));
  EXPECT_FALSE(fs::exists(out / "runs/p0-seed1/coordinated"));

  const auto made = fs::last_write_time(out / "runs/p0-seed1/report.json");
  const std::string csv = slurp(out / "sweep.csv");
  const Finished again = run_tearline(sweep_args(out, "1-3"), dir.path());
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.err.find("(6 done before)"), std::string::npos) << again.err;
  EXPECT_EQ(fs::last_write_time(out / "runs/p0-seed1/report.json"), made);
  EXPECT_EQ(slurp(out / "sweep.csv"), csv);

  // A report that is there and does not read is named, and its run's rows
  // keep only the exit code.
  { std::ofstream(out / "runs/p0-seed1/report.json") << R"({"modes": 3})"; }
  const Finished unreadable = run_tearline(sweep_args(out, "1-3"), dir.path());
  ASSERT_EQ(unreadable.exit_code, 0) << unreadable.err;
  EXPECT_NE(unreadable.err.find("runs/p0-seed1/report.json"), std::string::npos) << unreadable.err;
  int without_report = 0;
  for (const auto& row : csv_rows(out / "sweep.csv")) {
    if (row.at("run") != "runs/p0-seed1") continue;
    ++without_report;
    EXPECT_EQ(row.at("exit"), "0");
    EXPECT_EQ(row.at("created"), "");
  }
  EXPECT_EQ(without_report, 2);  // One per mode asked for.

  // Other seeds in the same folder are another sweep.
  const Finished other = run_tearline(sweep_args(out, "1-4"), dir.path());
  EXPECT_EQ(other.exit_code, 2);
  EXPECT_NE(other.err.find("holds another sweep"), std::string::npos) << other.err;
}

TEST(Sweep, AnInterruptedSweepResumesWhereItStopped) {
  TempDir dir;
  const fs::path out = dir.path() / "sweep";
  const std::vector<std::string> args =
      sweep_args(out, "1-6", {"--jobs", "1", "--mode", "coordinated"});
  {
    Child sweep(args, dir.path());
    ASSERT_TRUE(eventually([&] { return fs::exists(out / "runs/p0-seed2/sweep-exit"); },
                           std::chrono::seconds(60)));
    kill(sweep.pid(), SIGINT);
    const auto stopped = sweep.wait(std::chrono::seconds(60));
    ASSERT_TRUE(stopped.has_value());
    EXPECT_EQ(stopped->exit_code, 130) << stopped->err;
    EXPECT_NE(stopped->err.find("the same command resumes"), std::string::npos) << stopped->err;
  }
  const Finished resumed = run_tearline(args, dir.path(), std::chrono::seconds(240));
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_EQ(resumed.err.find("(0 done before)"), std::string::npos) << resumed.err;
  const auto rows = csv_rows(out / "sweep.csv");
  EXPECT_EQ(rows.size(), 12u);  // 2 values x 6 seeds, coordinated.
  for (const auto& row : rows) EXPECT_EQ(row.at("exit"), "0") << row.at("run");
}

// An overlay is swept resolved: its points hold the base, the overlay's
// values and the swept one, and a path may name its entries.
TEST(Sweep, AnOverlayIsSweptResolvedWithEntriesByName) {
  TempDir dir;
  const fs::path overlay = dir.path() / "small-overlay.toml";
  std::ofstream(overlay) << "extends = \"" << source_dir()
                         << "/scenarios/small.toml\"\n[scenario]\nname = \"small-overlay\"\n"
                            "[set]\n\"agency[agency.aa].database.workers\" = 3\n";
  const fs::path out = dir.path() / "sweep";
  const Finished swept = run_tearline(
      {"sweep", overlay.string(), "--set", "agency[agency.bb].partner[agency.aa].trust=0.95",
       "--seeds", "1", "--mode", "bilateral", "--in-process", "--out", out.string()},
      dir.path(), std::chrono::seconds(120));
  ASSERT_EQ(swept.exit_code, 0) << swept.err;
  const toml::table point = toml::parse(slurp(out / "runs/p0-seed1/scenario.toml"));
  EXPECT_FALSE(point.contains("extends"));
  EXPECT_EQ(point.at_path("scenario.name").value<std::string>(), "small-overlay");
  EXPECT_EQ(point.at_path("agency[0].database.workers").value<int64_t>(), 3);
  EXPECT_EQ(point.at_path("agency[1].partner[0].trust").value<double>(), 0.95);
  EXPECT_TRUE(point.contains("report"));  // The base's.
}

TEST(Sweep, ABadParameterIsExitTwoBeforeAnyRunStarts) {
  TempDir dir;
  const fs::path out = dir.path() / "sweep";
  const Finished missing = run_tearline(
      {"sweep", "small", "--set", "agency[5].partner[0].trust=0.5", "--out", out.string()},
      dir.path());
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("agency[5]"), std::string::npos) << missing.err;
  EXPECT_FALSE(fs::exists(out));

  const Finished out_of_range = run_tearline(
      {"sweep", "small", "--set", "agency[0].partner[0].trust=0.5,7", "--out", out.string()},
      dir.path());
  EXPECT_EQ(out_of_range.exit_code, 2);
  EXPECT_NE(out_of_range.err.find("agency[0].partner[0].trust=7"), std::string::npos)
      << out_of_range.err;
  EXPECT_FALSE(fs::exists(out));

  const Finished bad_seeds =
      run_tearline({"sweep", "small", "--seeds", "9-1", "--out", out.string()}, dir.path());
  EXPECT_EQ(bad_seeds.exit_code, 2);
  EXPECT_FALSE(fs::exists(out));
}

}  // namespace
}  // namespace tearline::testing
