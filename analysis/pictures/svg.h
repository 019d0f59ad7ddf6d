// A tiny SVG writer for the report's pictures: every text and attribute value
// it is given is escaped (node names come from scenario files: untrusted),
// and every label it writes is kept with its estimated box, so a picture's
// tests (and its own layout) can check that no two labels overlap.
//
// The box of a label is an upper bound of what a browser draws for the
// page's sans-serif font (DejaVu Sans on Debian); the Chromium test measures
// the real boxes. Coordinates are pixels, y downwards, a label's y its
// baseline. Not thread-safe; one writer per picture.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tearline::pictures {

// The smallest font of any label (the reader's floor, checked by tests).
inline constexpr double kFontPx = 12;
inline constexpr double kLineHeightPx = 16;  // Baseline to baseline at kFontPx.

struct Box {
  double x = 0;
  double y = 0;
  double width = 0;
  double height = 0;
  double right() const { return x + width; }
  double bottom() const { return y + height; }
};

// True when the two boxes share more than an edge.
bool overlap(const Box& a, const Box& b);

// The estimated width of `text` (UTF-8) at `font_px`, bold or not: an upper
// bound per character class.
double text_width_px(std::string_view text, double font_px = kFontPx, bool bold = false);

// A piece of a label with its own CSS class ("" for none), so that numbers
// can be found in the rendered page (class "in", "out", "lost", ...).
struct Span {
  std::string text;
  std::string css_class;
};

enum class Anchor { kStart, kMiddle, kEnd };

struct Label {
  std::string text;
  Box box;
  double font_px = kFontPx;
};

// Optional extra attributes of an element, name -> value (value escaped).
using Attributes = std::vector<std::pair<std::string, std::string>>;

class Svg {
 public:
  // `attributes` go on the <svg> element (class, data-*); width and height
  // are added by finish().
  explicit Svg(Attributes attributes);

  void rect(const Box& box, std::string_view css_class, std::string_view title = "");
  void line(double x1, double y1, double x2, double y2, std::string_view css_class);
  // `d` is path data made by the caller from numbers only. An arrow head's
  // marker is defined in the svg itself, with an id made from the svg's
  // "id" attribute (give each svg of a page its own).
  void path(std::string_view d, std::string_view css_class, bool arrow_head = false);
  // A red cross centred at (x, y), `size` pixels wide.
  void cross(double x, double y, double size, std::string_view css_class);
  void circle(double x, double y, double radius, std::string_view css_class,
              std::string_view title = "");

  // A one-line label; returns its box.
  Box text(double x, double y, const std::vector<Span>& spans, std::string_view css_class = "",
           Anchor anchor = Anchor::kStart, bool bold = false);
  Box text(double x, double y, std::string_view text, std::string_view css_class = "",
           Anchor anchor = Anchor::kStart, bool bold = false);

  void open_group(const Attributes& attributes);
  void close_group();
  // A link around what follows, to `href` (a same-page "#id").
  void open_link(std::string_view href);
  void close_link();

  const std::vector<Label>& labels() const { return labels_; }
  // The whole <svg> element, sized width x height pixels.
  std::string finish(double width_px, double height_px) const;

 private:
  Attributes attributes_;
  std::string marker_id_;  // The arrow head's id: the svg's id + "-arrow".
  bool arrows_ = false;
  std::string body_;
  std::vector<Label> labels_;
};

// A picture and the boxes of its labels.
struct Picture {
  std::string svg;
  std::vector<Label> labels;
  double width_px = 0;
  double height_px = 0;
};

// How the pictures look: the CSS of their classes (pages put it in their
// <style>; standalone_svg() puts it inside the svg).
inline constexpr const char* kPictureStyle = R"(
svg { font-family: sans-serif; }
svg text { font-size: 12px; fill: #222; }
svg .name, svg .node-name, svg .mode-heading { font-weight: bold; }
svg rect.node { fill: #f6f8fb; stroke: #789; } svg rect.node.centre { fill: #eef6ee; }
svg rect.chip { fill: #fff; stroke: #9ab; } svg rect.chip.lossy { stroke: #b00; }
svg path.link { fill: none; stroke: #68a; stroke-width: 1.5; }
svg path.link.lossy { stroke: #c44; stroke-dasharray: 5 3; }
svg marker path { fill: #68a; }
svg text.loss, svg text.outcome.lost, svg text.not-averted, .lost { fill: #b00; color: #b00; }
svg text.degraded { fill: #a60; }
svg .grid { stroke: #e4e4e4; } svg .tick { fill: #555; }
svg line.attack { stroke: #b00; stroke-width: 2; } svg text.attack { fill: #b00; }
svg line.deadline { stroke: #d80; stroke-width: 2; stroke-dasharray: 6 3; } svg text.deadline { fill: #a50; }
svg rect.hop.link { fill: #58c; } svg rect.hop.queue { fill: #e9a23b; }
svg rect.hop.thin { opacity: 0.75; }
svg line.derived { stroke: #aaa; stroke-dasharray: 2 2; }
svg path.mark.lost { stroke: #b00; stroke-width: 2.5; }
svg circle.mark.held { fill: #fff; stroke: #555; stroke-width: 2; }
svg circle.mark.warning { fill: #e60; } svg circle.mark.averted { fill: #080; }
svg text.outcome.held, .held { fill: #555; color: #555; }
svg text.outcome.warning, .warning { fill: #c50; color: #c50; }
svg text.outcome.averted, svg text.averted, .averted { fill: #070; color: #070; }
svg rect.bar { fill: #58c; } svg line.axis { stroke: #444; } svg text.count { fill: #222; }
)";

// The picture as a file of its own: its style inside, on a white ground.
std::string standalone_svg(const Picture& picture);

// "1,234" for 1234.
std::string count_text(uint64_t count);
// A duration: "0.8 h", "37 h", "4.4 d" (days above three days).
std::string duration_text(double hours);

}  // namespace tearline::pictures
