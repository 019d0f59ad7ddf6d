#include "analysis/pictures/handoff_map.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "analysis/pictures/handoff_labels.h"
#include "base/invariant.h"

namespace tearline::pictures {
namespace {

constexpr double kMarginPx = 12;
constexpr double kPadPx = 8;      // Inside a box or a link's label.
constexpr double kBoxGapPx = 20;  // Between boxes of a column.
constexpr double kChipGapPx = 8;  // Between link labels of a gutter.
constexpr double kCurvePx = 36;   // Between a column and a gutter, for the curves.
constexpr double kDeptGapPx = 6;  // Between departments of a box.
constexpr double kBoxMinWidthPx = 170;

enum class Role { kAgency, kCentre, kUnit };
// Where a link's label goes: left of the agencies (agency to agency),
// between agencies and centre, between centre and units, or the middle.
enum class Gutter { kLeft, kAgencyCentre, kCentreUnit, kMiddle };

struct NodeBox {
  std::string name;
  Role role = Role::kAgency;
  std::vector<Entry> departments;
  Box box;
};

struct Chip {
  Entry entry;
  Gutter gutter = Gutter::kMiddle;
  size_t from = 0;  // Index of the node box.
  size_t to = 0;
  Box box;
};

class MapLayout {
 public:
  explicit MapLayout(const v1::ModeReport& mode) {
    for (const std::string& agency : mode.run().agencies()) node(agency, Role::kAgency);
    if (mode.has_centre()) {
      node(mode.centre().node(), Role::kCentre);
      for (const std::string& member : mode.centre().members()) node(member, Role::kCentre);
    }
    for (const auto& unit : mode.run().units()) node(unit.name(), Role::kUnit);
    for (const v1::Handoff& handoff : mode.handoffs()) {
      if (handoff.from() == handoff.to() || handoff.to().empty()) {
        const size_t at = node(handoff.from(), role_by_name(handoff.from()));
        nodes_[at].departments.push_back({&handoff, lines_of(handoff, false)});
      } else {
        const size_t from = node(handoff.from(), role_by_name(handoff.from()));
        const size_t to = node(handoff.to(), role_by_name(handoff.to()));
        chips_.push_back({{&handoff, lines_of(handoff, true)}, gutter_of(from, to), from, to, {}});
      }
    }
    // Every handoff drawn once: a department in its node's box, or a link's label.
    size_t drawn = chips_.size();
    for (const NodeBox& box : nodes_) drawn += box.departments.size();
    TEARLINE_ASSERT(drawn == static_cast<size_t>(mode.handoffs_size()));
    for (NodeBox& box : nodes_) {
      std::stable_sort(
          box.departments.begin(), box.departments.end(), [](const Entry& a, const Entry& b) {
            return department_rank(a.handoff->name()) < department_rank(b.handoff->name());
          });
    }
    place();
  }

  Picture draw(std::string_view mode_name,
               const std::function<std::string(const std::string&)>& href_of) const;

 private:
  static Role role_by_name(const std::string& name) {
    if (name.rfind("unit.", 0) == 0) return Role::kUnit;
    if (name.rfind("broker", 0) == 0) return Role::kCentre;
    return Role::kAgency;
  }

  size_t node(const std::string& name, Role role) {
    for (size_t i = 0; i < nodes_.size(); ++i) {
      if (nodes_[i].name == name) return i;
    }
    nodes_.push_back({name, role, {}, {}});
    return nodes_.size() - 1;
  }

  Gutter gutter_of(size_t from, size_t to) const {
    const Role a = nodes_[from].role;
    const Role b = nodes_[to].role;
    if (a == Role::kAgency && b == Role::kAgency) return Gutter::kLeft;
    if ((a == Role::kAgency && b == Role::kCentre) || (a == Role::kCentre && b == Role::kAgency)) {
      return Gutter::kAgencyCentre;
    }
    if ((a == Role::kCentre && b == Role::kUnit) || (a == Role::kUnit && b == Role::kCentre)) {
      return Gutter::kCentreUnit;
    }
    return Gutter::kMiddle;
  }

  double gutter_width(Gutter gutter) const {
    double width = 0;
    for (const Chip& chip : chips_) {
      if (chip.gutter == gutter) width = std::max(width, chip.entry.width() + 2 * kPadPx);
    }
    return width;
  }

  // Sizes every box, then places columns and gutters left to right and
  // stacks boxes and labels top to bottom.
  void place();
  double stack_column(Role role, double x, double width, double top);
  void stack_gutter(Gutter gutter, double x, double width, double top);

  std::vector<NodeBox> nodes_;
  std::vector<Chip> chips_;
  double width_ = 0;
  double height_ = 0;
};

double box_height(const NodeBox& box) {
  double height = 2 * kPadPx + kLineHeightPx;
  for (const Entry& entry : box.departments) height += kDeptGapPx + entry.height();
  return height;
}

double box_width(const NodeBox& box) {
  double width = text_width_px(box.name, kFontPx, true);
  for (const Entry& entry : box.departments) width = std::max(width, entry.width());
  return std::max(kBoxMinWidthPx, width + 2 * kPadPx);
}

double MapLayout::stack_column(Role role, double x, double width, double top) {
  double y = top;
  for (NodeBox& box : nodes_) {
    if (box.role != role) continue;
    box.box = {x, y, width, box_height(box)};
    y = box.box.bottom() + kBoxGapPx;
  }
  return y;
}

void MapLayout::stack_gutter(Gutter gutter, double x, double width, double top) {
  std::vector<Chip*> chips;
  for (Chip& chip : chips_) {
    if (chip.gutter != gutter) continue;
    chip.box.width = chip.entry.width() + 2 * kPadPx;
    chip.box.height = chip.entry.height() + kPadPx;
    chip.box.x = x + (width - chip.box.width) / 2;
    const Box& a = nodes_[chip.from].box;
    const Box& b = nodes_[chip.to].box;
    chip.box.y = (a.y + a.height / 2 + b.y + b.height / 2) / 2 - chip.box.height / 2;
    chips.push_back(&chip);
  }
  std::stable_sort(chips.begin(), chips.end(),
                   [](const Chip* a, const Chip* b) { return a->box.y < b->box.y; });
  double free_y = top;
  for (Chip* chip : chips) {
    chip->box.y = std::max(chip->box.y, free_y);
    free_y = chip->box.bottom() + kChipGapPx;
    height_ = std::max(height_, chip->box.bottom() + kMarginPx);
  }
}

void MapLayout::place() {
  std::map<Role, double> widths;
  for (const NodeBox& box : nodes_) widths[box.role] = std::max(widths[box.role], box_width(box));
  const bool centre = widths.contains(Role::kCentre);
  const double left = gutter_width(Gutter::kLeft);
  const double middle = gutter_width(Gutter::kMiddle);
  const double agency_centre = gutter_width(Gutter::kAgencyCentre);
  const double centre_unit = gutter_width(Gutter::kCentreUnit);

  double x = kMarginPx;
  const double left_x = x;
  if (left > 0) x += left + kCurvePx;
  const double agencies_x = x;
  x += widths[Role::kAgency] + kCurvePx;
  const double agency_centre_x = x;
  if (centre) x += agency_centre + kCurvePx;
  const double middle_x = x;
  const double middle_width = std::max(centre ? widths[Role::kCentre] : 0.0, middle);
  x += std::max(middle_width, 40.0) + kCurvePx;
  const double centre_unit_x = x;
  if (centre) x += centre_unit + kCurvePx;
  const double units_x = x;
  width_ = units_x + widths[Role::kUnit] + kMarginPx;

  const double top = kMarginPx;
  const double agencies_bottom =
      stack_column(Role::kAgency, agencies_x, widths[Role::kAgency], top);
  const double centre_bottom =
      stack_column(Role::kCentre, middle_x + (middle_width - widths[Role::kCentre]) / 2,
                   widths[Role::kCentre], top);
  // Units spread down the agencies' height, so that links fan out.
  double units_height = 0;
  int units = 0;
  for (const NodeBox& box : nodes_) {
    if (box.role != Role::kUnit) continue;
    units_height += box_height(box);
    ++units;
  }
  const double spare = std::max(0.0, agencies_bottom - top - units_height - kBoxGapPx * units);
  // The gaps share what is spare; a single unit sits in the middle.
  const double gap = kBoxGapPx + (units > 1 ? spare / (units - 1) : 0);
  double y = top + (units == 1 ? spare / 2 : 0);
  double units_bottom = top;
  for (NodeBox& box : nodes_) {
    if (box.role != Role::kUnit) continue;
    box.box = {units_x, y, widths[Role::kUnit], box_height(box)};
    units_bottom = box.box.bottom();
    y = units_bottom + gap;
  }
  height_ = std::max({agencies_bottom, centre_bottom, units_bottom});
  stack_gutter(Gutter::kLeft, left_x, left, top);
  stack_gutter(Gutter::kAgencyCentre, agency_centre_x, agency_centre, top);
  stack_gutter(Gutter::kCentreUnit, centre_unit_x, centre_unit, top);
  stack_gutter(Gutter::kMiddle, middle_x, middle_width, centre ? centre_bottom : top);
  height_ += kMarginPx;
}

// A curve leaving (x1, y1) horizontally towards side n1 (+1 right, -1 left)
// and arriving at (x2, y2) from side n2.
std::string curve(double x1, double y1, int n1, double x2, double y2, int n2) {
  const double dx = std::max(24.0, std::abs(x2 - x1) / 2);
  return fmt::format("M{:.1f},{:.1f} C{:.1f},{:.1f} {:.1f},{:.1f} {:.1f},{:.1f}", x1, y1,
                     x1 + n1 * dx, y1, x2 + n2 * dx, y2, x2, y2);
}

void draw_lines(Svg& svg, const Entry& entry, double x, double y) {
  for (const Line& line : entry.lines) {
    y += kLineHeightPx;
    svg.text(x, y - 4, line.spans, line.css_class, Anchor::kStart, line.bold);
  }
}

void open_entry(Svg& svg, const Entry& entry, const std::string& kind,
                const std::function<std::string(const std::string&)>& href_of) {
  const std::string href = href_of ? href_of(entry.handoff->name()) : "";
  if (!href.empty()) svg.open_link(href);
  svg.open_group({{"class", "handoff " + kind + (entry.handoff->lost_total() > 0 ? " lossy" : "")},
                  {"data-handoff", entry.handoff->name()}});
}

void close_entry(Svg& svg, const std::function<std::string(const std::string&)>& href_of,
                 const Entry& entry) {
  svg.close_group();
  if (href_of && !href_of(entry.handoff->name()).empty()) svg.close_link();
}

Picture MapLayout::draw(std::string_view mode_name,
                        const std::function<std::string(const std::string&)>& href_of) const {
  Svg svg({{"class", "map"},
           {"id", "map-" + std::string(mode_name)},
           {"data-mode", std::string(mode_name)}});
  // Links first, under the boxes and labels: node side -> label -> node side.
  // A link leaves and enters a box on the side facing its label; the ends on
  // one side of a box spread down it in the order of their labels.
  struct End {
    size_t node;
    bool right;  // On the box's right side.
    double label_y;
    double y = 0;
  };
  std::vector<End> ends;
  for (const Chip& chip : chips_) {
    const double mid = chip.box.x + chip.box.width / 2;
    const double label_y = chip.box.y + chip.box.height / 2;
    for (const size_t node : {chip.from, chip.to}) {
      const Box& box = nodes_[node].box;
      ends.push_back({node, box.x + box.width / 2 < mid, label_y});
    }
  }
  std::map<std::pair<size_t, bool>, std::vector<End*>> sides;
  for (End& end : ends) sides[{end.node, end.right}].push_back(&end);
  for (auto& [side, list] : sides) {
    std::stable_sort(list.begin(), list.end(),
                     [](const End* a, const End* b) { return a->label_y < b->label_y; });
    const Box& box = nodes_[side.first].box;
    for (size_t k = 0; k < list.size(); ++k) {
      list[k]->y =
          box.y + box.height * static_cast<double>(k + 1) / static_cast<double>(list.size() + 1);
    }
  }
  for (size_t i = 0; i < chips_.size(); ++i) {
    const Chip& chip = chips_[i];
    const End& from = ends[2 * i];
    const End& to = ends[2 * i + 1];
    const Box& from_box = nodes_[from.node].box;
    const Box& to_box = nodes_[to.node].box;
    const double in_x = from.right ? chip.box.x : chip.box.right();
    const double out_x = to.right ? chip.box.x : chip.box.right();
    // Both ends on one side (agency to agency): in above the middle, out below.
    const double shift = from.right == to.right ? 5 : 0;
    const double in_y = chip.box.y + chip.box.height / 2 - shift;
    const double out_y = chip.box.y + chip.box.height / 2 + shift;
    const std::string css = chip.entry.handoff->lost_total() > 0 ? "link lossy" : "link";
    svg.path(curve(from.right ? from_box.right() : from_box.x, from.y, from.right ? 1 : -1, in_x,
                   in_y, from.right ? -1 : 1),
             css);
    svg.path(curve(out_x, out_y, to.right ? -1 : 1, to.right ? to_box.right() : to_box.x, to.y,
                   to.right ? 1 : -1),
             css, true);
  }
  for (const NodeBox& box : nodes_) {
    svg.rect(box.box, box.role == Role::kCentre ? "node centre" : "node");
    svg.text(box.box.x + kPadPx, box.box.y + kPadPx + kLineHeightPx - 4, box.name, "node-name",
             Anchor::kStart, true);
    double y = box.box.y + kPadPx + kLineHeightPx;
    for (const Entry& entry : box.departments) {
      y += kDeptGapPx;
      open_entry(svg, entry, "department", href_of);
      draw_lines(svg, entry, box.box.x + kPadPx, y);
      close_entry(svg, href_of, entry);
      y += entry.height();
    }
  }
  for (const Chip& chip : chips_) {
    open_entry(svg, chip.entry, "link", href_of);
    svg.rect(chip.box, chip.entry.handoff->lost_total() > 0 ? "chip lossy" : "chip");
    draw_lines(svg, chip.entry, chip.box.x + kPadPx, chip.box.y + kPadPx / 2);
    close_entry(svg, href_of, chip.entry);
  }
  Picture picture;
  picture.svg = svg.finish(width_, height_);
  picture.labels = svg.labels();
  picture.width_px = width_;
  picture.height_px = height_;
  return picture;
}

}  // namespace

Picture handoff_map(const v1::ModeReport& mode, std::string_view mode_name,
                    const std::function<std::string(const std::string&)>& href_of) {
  return MapLayout(mode).draw(mode_name, href_of);
}

std::string handoff_map_svg(const v1::ModeReport& mode) { return handoff_map(mode, "").svg; }

}  // namespace tearline::pictures
