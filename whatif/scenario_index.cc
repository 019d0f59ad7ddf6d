#include "whatif/scenario_index.h"

#include <fmt/format.h>

namespace tearline::whatif {
namespace {

std::optional<std::string> string_at(const toml::table& table, const char* key) {
  return table[key].value<std::string>();
}

std::optional<DepartmentPlace> department_at(const toml::table* table, std::string path) {
  if (table == nullptr) return std::nullopt;
  const auto workers = (*table)["workers"].value<int64_t>();
  if (!workers) return std::nullopt;
  return DepartmentPlace{std::move(path), *workers,
                         (*table)["ttl_h"].value<double>().value_or(kDefaultTtlH)};
}

LinkPlace link_place(const toml::table& table, std::string path) {
  LinkPlace place{
      std::move(path), table["both_ways"].value<bool>().value_or(false), std::nullopt, {}};
  if (const toml::table* loss = table["loss"].as_table()) {
    place.loss_probability = (*loss)["probability"].value<double>();
  }
  if (const toml::table* delay = table["delay"].as_table()) {
    for (const char* key : {"fixed_h", "mean_h", "median_h", "min_h", "max_h"}) {
      if (const auto value = (*delay)[key].value<double>()) {
        place.delay_h.push_back({key, *value, (*delay)[key].is_integer()});
      }
    }
  }
  return place;
}

}  // namespace

std::optional<size_t> ScenarioIndex::index_of(const std::string& key, const std::string& name_key,
                                              const std::string& name) const {
  const toml::array* array = root_[key].as_array();
  if (array == nullptr) return std::nullopt;
  for (size_t i = 0; i < array->size(); ++i) {
    const toml::table* table = array->get(i)->as_table();
    if (table != nullptr && string_at(*table, name_key.c_str()) == name) return i;
  }
  return std::nullopt;
}

std::optional<TrustPlace> ScenarioIndex::trust(const std::string& agency,
                                               const std::string& partner) const {
  const auto a = index_of("agency", "name", agency);
  if (!a) return std::nullopt;
  const toml::array* partners = root_["agency"][*a]["partner"].as_array();
  if (partners == nullptr) return std::nullopt;
  for (size_t p = 0; p < partners->size(); ++p) {
    const toml::table* table = partners->get(p)->as_table();
    if (table == nullptr || string_at(*table, "agency") != partner) continue;
    const auto trust = (*table)["trust"].value<double>();
    if (!trust) return std::nullopt;
    return TrustPlace{fmt::format("agency[{}].partner[{}].trust", agency, partner), *trust};
  }
  return std::nullopt;
}

std::optional<LinkPlace> ScenarioIndex::link(const std::string& from, const std::string& to) const {
  if (const toml::array* links = root_["link"].as_array()) {
    // The loader refuses a pair defined twice, so the first match is the one.
    for (size_t k = 0; k < links->size(); ++k) {
      const toml::table* table = links->get(k)->as_table();
      if (table == nullptr) continue;
      const auto a = string_at(*table, "from");
      const auto b = string_at(*table, "to");
      const bool both_ways = (*table)["both_ways"].value<bool>().value_or(false);
      if ((a == from && b == to) || (both_ways && a == to && b == from)) {
        return link_place(*table, fmt::format("link[{}]", k));
      }
    }
  }
  if (const toml::table* fallback = root_["link_default"].as_table()) {
    return link_place(*fallback, "link_default");
  }
  return std::nullopt;
}

std::optional<SharingThresholds> ScenarioIndex::thresholds(const std::string& agency,
                                                           const std::string& report_id) const {
  const auto a = index_of("agency", "name", agency);
  const auto r = index_of("report", "id", report_id);
  if (!a || !r) return std::nullopt;
  const auto source = root_["report"][*r]["source"].value<std::string>();
  const toml::array* sources = root_["agency"][*a]["source"].as_array();
  if (!source || sources == nullptr) return std::nullopt;
  for (const toml::node& node : *sources) {
    const toml::table* table = node.as_table();
    if (table == nullptr || string_at(*table, "handle") != source) continue;
    const auto value = string_at(*table, "value");
    if (!value) return std::nullopt;
    const toml::node_view policy = root_["agency"][*a]["policy"][*value];
    const auto full = policy["full_trust_min"].value<double>();
    const auto sanitised = policy["sanitised_trust_min"].value<double>();
    if (!full || !sanitised) return std::nullopt;
    return SharingThresholds{*value, *full, *sanitised};
  }
  return std::nullopt;
}

std::optional<DepartmentPlace> ScenarioIndex::department(const std::string& handoff) const {
  const size_t at = handoff.find('@');
  if (at == std::string::npos) return std::nullopt;
  const std::string kind = handoff.substr(0, at);
  const std::string node = handoff.substr(at + 1);
  if (kind == "desk" || kind == "database") {
    const auto a = index_of("agency", "name", node);
    if (!a) return std::nullopt;
    return department_at(root_["agency"][*a][kind].as_table(),
                         fmt::format("agency[{}].{}", node, kind));
  }
  if (kind == "officers") {
    return department_at(root_["broker"]["officers"].as_table(), "broker.officers");
  }
  if (kind == "intake") {
    const auto u = index_of("unit", "name", node);
    if (!u) return std::nullopt;
    return department_at(root_["unit"][*u]["intake"].as_table(),
                         fmt::format("unit[{}].intake", node));
  }
  return std::nullopt;
}

}  // namespace tearline::whatif
