// Injected by html_chromium_test.sh into a copy of the new report.html: reads
// the handoff maps' numbers and measures every label of every picture as
// the browser drew it, then writes its findings into <pre id="page-check">:
//   map MODE HANDOFF IN OUT LOST IN_FLIGHT   (one line per map entry)
//   words PLOT MODE: TEXT   (what the first screen says of a plot in a mode)
//   overlap: SVG_ID: A / B     small: SVG_ID: TEXT SIZE     clipped: SVG_ID: TEXT
//   measured N labels in M pictures
(() => {
  const lines = [];
  // The histograms sit in closed <details>: open them to measure them.
  for (const details of document.querySelectorAll("details")) details.open = true;
  const number = (group, cls) => [...group.querySelectorAll("tspan." + cls)]
    .reduce((sum, t) => sum + Number(t.textContent.replace(/,/g, "")), 0);
  for (const svg of document.querySelectorAll("svg.map")) {
    for (const g of svg.querySelectorAll("g.handoff")) {
      lines.push(["map", svg.dataset.mode, g.dataset.handoff, number(g, "in"), number(g, "out"),
                  number(g, "lost"), number(g, "in-flight")].join(" "));
    }
  }
  for (const section of document.querySelectorAll("section.plot")) {
    for (const mode of section.querySelectorAll("div.mode")) {
      lines.push("words " + section.id.replace(/^plot-/, "") + " " + mode.dataset.mode + ": " +
                 mode.innerText.replace(/\s+/g, " ").trim());
    }
  }
  let labels = 0, pictures = 0;
  for (const svg of document.querySelectorAll("svg.map, svg.timeline, svg.histogram")) {
    ++pictures;
    const frame = svg.getBoundingClientRect();
    const name = svg.id || svg.dataset.handoff || "svg";
    const boxes = [...svg.querySelectorAll("text")].map(t => [t.textContent, t.getBoundingClientRect(), t]);
    labels += boxes.length;
    for (const [text, b, t] of boxes) {
      const size = parseFloat(getComputedStyle(t).fontSize);
      if (!(size >= 12)) lines.push("small: " + name + ": " + text + " " + size);
      if (b.left < frame.left - 0.5 || b.top < frame.top - 0.5 || b.right > frame.right + 0.5 ||
          b.bottom > frame.bottom + 0.5) lines.push("clipped: " + name + ": " + text);
    }
    for (let i = 0; i < boxes.length; ++i) {
      for (let j = i + 1; j < boxes.length; ++j) {
        const p = boxes[i][1], q = boxes[j][1];
        if (p.left < q.right && q.left < p.right && p.top < q.bottom && q.top < p.bottom)
          lines.push("overlap: " + name + ": " + boxes[i][0] + " / " + boxes[j][0]);
      }
    }
  }
  lines.push("measured " + labels + " labels in " + pictures + " pictures");
  const out = document.createElement("pre");
  out.id = "page-check";
  out.textContent = lines.join("\n");
  document.body.appendChild(out);
})();
