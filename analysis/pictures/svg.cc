#include "analysis/pictures/svg.h"

#include <fmt/format.h>

#include <cmath>
#include <string_view>

#include "base/html_escape.h"
#include "base/invariant.h"

namespace tearline::pictures {
namespace {

std::string attributes_text(const Attributes& attributes) {
  std::string out;
  for (const auto& [name, value] : attributes) {
    out += fmt::format(" {}=\"{}\"", name, html_escape(value));
  }
  return out;
}

// Width of one character in em, an upper bound of DejaVu Sans's advance.
double char_em(char c) {
  static constexpr std::string_view kNarrow = "ijlI.,:;'|!tfr ()[]-/";
  static constexpr std::string_view kWide = "mwMW@%&<>=+~#";
  if (kNarrow.find(c) != std::string_view::npos) return 0.42;
  if (kWide.find(c) != std::string_view::npos) return 1.0;
  if (c >= 'A' && c <= 'Z') return 0.8;
  return 0.66;
}

const char* anchor_text(Anchor anchor) {
  switch (anchor) {
    case Anchor::kStart:
      return "start";
    case Anchor::kMiddle:
      return "middle";
    case Anchor::kEnd:
      return "end";
  }
  return "start";
}

}  // namespace

bool overlap(const Box& a, const Box& b) {
  return a.x < b.right() && b.x < a.right() && a.y < b.bottom() && b.y < a.bottom();
}

double text_width_px(std::string_view text, double font_px, bool bold) {
  double em = 0;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x80) {
      // One em per code point outside ASCII: count its lead byte only.
      if ((byte & 0xC0) != 0x80) em += 1.0;
      continue;
    }
    em += char_em(c);
  }
  return std::ceil(em * font_px * (bold ? 1.12 : 1.0));
}

Svg::Svg(Attributes attributes) : attributes_(std::move(attributes)), marker_id_("arrow") {
  for (const auto& [name, value] : attributes_) {
    if (name == "id") marker_id_ = value + "-arrow";
  }
}

void Svg::rect(const Box& box, std::string_view css_class, std::string_view title) {
  body_ +=
      fmt::format("<rect class=\"{}\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\"",
                  html_escape(css_class), box.x, box.y, box.width, box.height);
  body_ += title.empty() ? " />\n" : fmt::format("><title>{}</title></rect>\n", html_escape(title));
}

void Svg::line(double x1, double y1, double x2, double y2, std::string_view css_class) {
  body_ +=
      fmt::format("<line class=\"{}\" x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" />\n",
                  html_escape(css_class), x1, y1, x2, y2);
}

void Svg::path(std::string_view d, std::string_view css_class, bool arrow_head) {
  arrows_ = arrows_ || arrow_head;
  body_ += fmt::format(
      "<path class=\"{}\" d=\"{}\"{} />\n", html_escape(css_class), html_escape(d),
      arrow_head ? fmt::format(" marker-end=\"url(#{})\"", html_escape(marker_id_)) : "");
}

void Svg::cross(double x, double y, double size, std::string_view css_class) {
  const double h = size / 2;
  path(fmt::format("M{:.1f},{:.1f} L{:.1f},{:.1f} M{:.1f},{:.1f} L{:.1f},{:.1f}", x - h, y - h,
                   x + h, y + h, x - h, y + h, x + h, y - h),
       css_class);
}

void Svg::circle(double x, double y, double radius, std::string_view css_class,
                 std::string_view title) {
  body_ += fmt::format("<circle class=\"{}\" cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"{:.1f}\"",
                       html_escape(css_class), x, y, radius);
  body_ +=
      title.empty() ? " />\n" : fmt::format("><title>{}</title></circle>\n", html_escape(title));
}

Box Svg::text(double x, double y, const std::vector<Span>& spans, std::string_view css_class,
              Anchor anchor, bool bold) {
  std::string all;
  std::string inner;
  for (const Span& span : spans) {
    all += span.text;
    inner += span.css_class.empty()
                 ? html_escape(span.text)
                 : fmt::format("<tspan class=\"{}\">{}</tspan>", html_escape(span.css_class),
                               html_escape(span.text));
  }
  const double width = text_width_px(all, kFontPx, bold);
  const double left = anchor == Anchor::kStart    ? x
                      : anchor == Anchor::kMiddle ? x - width / 2
                                                  : x - width;
  // From the ascender to the descender of a line of kFontPx.
  const Box box{left, y - kFontPx, width, kFontPx * 1.3};
  body_ +=
      fmt::format("<text class=\"{}\" x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"{}\"{}>{}</text>\n",
                  html_escape(css_class), x, y, anchor_text(anchor),
                  bold ? " font-weight=\"bold\"" : "", inner);
  labels_.push_back({all, box, kFontPx});
  return box;
}

Box Svg::text(double x, double y, std::string_view text, std::string_view css_class, Anchor anchor,
              bool bold) {
  return this->text(x, y, std::vector<Span>{{std::string(text), ""}}, css_class, anchor, bold);
}

void Svg::open_group(const Attributes& attributes) {
  body_ += "<g" + attributes_text(attributes) + ">\n";
}

void Svg::close_group() { body_ += "</g>\n"; }

void Svg::open_link(std::string_view href) {
  body_ += fmt::format("<a href=\"{}\">\n", html_escape(href));
}

void Svg::close_link() { body_ += "</a>\n"; }

std::string Svg::finish(double width_px, double height_px) const {
  const int width = static_cast<int>(std::ceil(width_px));
  const int height = static_cast<int>(std::ceil(height_px));
  return fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\"{} width=\"{}\" height=\"{}\" "
      "viewBox=\"0 0 {} {}\" font-size=\"{}\">\n{}{}</svg>\n",
      attributes_text(attributes_), width, height, width, height, kFontPx,
      arrows_ ? fmt::format("<defs><marker id=\"{}\" markerWidth=\"8\" markerHeight=\"8\" "
                            "refX=\"7\" refY=\"4\" orient=\"auto\"><path d=\"M0,0 L8,4 L0,8 z\" "
                            "/></marker></defs>\n",
                            html_escape(marker_id_))
              : "",
      body_);
}

std::string standalone_svg(const Picture& picture) {
  const size_t tag_end = picture.svg.find('>');
  // As Svg::finish() writes every picture.
  TEARLINE_ASSERT(picture.svg.starts_with("<svg") && tag_end != std::string::npos);
  return picture.svg.substr(0, tag_end + 1) + "\n<style>" + kPictureStyle +
         "</style>\n<rect width=\"100%\" height=\"100%\" fill=\"#fff\" />" +
         picture.svg.substr(tag_end + 1);
}

std::string count_text(uint64_t count) {
  std::string digits = std::to_string(count);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string duration_text(double hours) {
  if (hours > 72) return fmt::format("{:.1f} d", hours / 24);
  if (hours >= 10) return fmt::format("{:.0f} h", hours);
  if (hours == 0) return "0 h";
  return fmt::format("{:.1f} h", hours);
}

}  // namespace tearline::pictures
