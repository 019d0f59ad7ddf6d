"""Watches the live page (tearline run --live) in headless Chromium through
chromedriver's WebDriver endpoint (plain HTTP and JSON, so no client library
is needed), and checks what it saw against the run's report.json: each
mode's handoff map appears and grows while the run goes, and when it ends
the maps' and the counters' numbers are the report's.

Usage: live_page_watch.py URL RUN_DIR PROFILE_DIR
Prints what it checks; exits 1 on a failed check.
"""
import json
import socket
import subprocess
import sys
import time
import urllib.request

url, run_dir, profile_dir = sys.argv[1:4]
WATCH_LIMIT_S = 120    # The paced run takes about 15 s.
SAMPLE_INTERVAL_S = 0.2

# Reads the figures off the page's DOM, as a user sees them.
READ_PAGE = """
const out = {finished: document.getElementById('status').dataset.finished === 'true',
             updates: Number(document.getElementById('updates').textContent), modes: {}};
for (const section of document.querySelectorAll('section[data-mode]')) {
  const rows = {};
  let total = 0;
  for (const tr of section.querySelectorAll('tr[data-handoff]')) {
    const number = (column) => Number(tr.querySelector(`td[data-col="${column}"]`).textContent);
    rows[tr.dataset.handoff] = {in: number('in'), out: number('out'),
                                lost: JSON.parse(tr.dataset.lost), in_flight: number('in_flight')};
    total += number('in');
  }
  const plots = {};
  for (const tr of section.querySelectorAll('tr[data-plot]')) {
    plots[tr.dataset.plot] = {state: tr.dataset.state,
        warnings: Number(tr.querySelector('td[data-col="warnings"]').textContent)};
  }
  // The map's numbers, as report_page_measure.js reads report.html's.
  const map = {};
  let mapTotal = 0;
  const number = (group, cls) => [...group.querySelectorAll("tspan." + cls)]
    .reduce((sum, t) => sum + Number(t.textContent.replace(/,/g, "")), 0);
  for (const g of section.querySelectorAll("svg.map g.handoff")) {
    map[g.dataset.handoff] = {in: number(g, "in"), out: number(g, "out"), lost: number(g, "lost"),
                              in_flight: number(g, "in-flight")};
    mapTotal += number(g, "in");
  }
  out.modes[section.dataset.mode] = {state: section.dataset.state, in_total: total, rows, plots,
                                     map, map_total: mapTotal};
}
return out;
"""

failures = []


def check(ok, what):
    print(("ok: " if ok else "FAIL: ") + what)
    if not ok:
        failures.append(what)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def webdriver(base, method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(base + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)["value"]


port = free_port()
driver = subprocess.Popen(["chromedriver", f"--port={port}"], stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL)
base = f"http://127.0.0.1:{port}"
try:
    deadline = time.monotonic() + 30
    while True:  # chromedriver answers /status once it listens.
        try:
            if webdriver(base, "GET", "/status").get("ready"):
                break
        except OSError:
            pass
        if time.monotonic() > deadline:
            sys.exit("FAIL: chromedriver did not start within 30 s")
        time.sleep(0.1)
    session = webdriver(base, "POST", "/session", {"capabilities": {"alwaysMatch": {
        "goog:chromeOptions": {"binary": "/usr/bin/chromium", "args": [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--no-first-run", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", f"--user-data-dir={profile_dir}"]}}}})["sessionId"]
    webdriver(base, "POST", f"/session/{session}/url", {"url": url})
    samples = []
    map_samples = []  # Per sample: {(mode, handoff): in} of the maps shown.
    deadline = time.monotonic() + WATCH_LIMIT_S
    page = None
    while time.monotonic() < deadline:
        page = webdriver(base, "POST", f"/session/{session}/execute/sync",
                         {"script": READ_PAGE, "args": []})
        if page["finished"]:
            break
        samples.append(sum(mode["in_total"] for mode in page["modes"].values()))
        map_samples.append({(name, handoff): entry["in"] for name, mode in page["modes"].items()
                            for handoff, entry in mode["map"].items()})
        time.sleep(SAMPLE_INTERVAL_S)
    webdriver(base, "DELETE", f"/session/{session}")
finally:
    driver.terminate()
    driver.wait(timeout=10)

check(page is not None and page["finished"], f"the page said the run finished within {WATCH_LIMIT_S} s")
if failures:
    sys.exit(1)
distinct = sorted(set(samples))
print(f"handoff 'in' totals seen while running: {distinct[:12]}{' ...' if len(distinct) > 12 else ''}")
check(len(distinct) >= 3, f"the counters moved while the run went ({len(distinct)} distinct totals)")
check(all(a <= b for a, b in zip(samples, samples[1:])), "the counters never went back")
check(page["updates"] >= 3, f"{page['updates']} updates reached the page")
shown_maps = [sample for sample in map_samples if sample]
check(len(shown_maps) >= 2, f"a handoff map was on the page in {len(shown_maps)} samples while running")
grown = sorted({key for before, after in zip(shown_maps, shown_maps[1:])
                for key, count in after.items() if count > before.get(key, 0)})
check(bool(grown), f"a map entry's 'in' grew between two samples while running "
      f"({len(grown)} entries grew, e.g. {grown[:3]})")

report = json.load(open(f"{run_dir}/report.json"))
for mode, figures in report["modes"].items():
    shown = page["modes"].get(mode)
    check(shown is not None and shown["state"] == "done", f"{mode}: shown, and done")
    if shown is None:
        continue
    expected_rows = {row["name"]: {"in": row["in"], "out": row["out"], "lost": row["lost"],
                                   "in_flight": row["in_flight"]} for row in figures["handoffs"]}
    expected_map = {row["name"]: {"in": row["in"], "out": row["out"],
                                  "lost": row["lost_total"], "in_flight": row["in_flight"]}
                    for row in figures["handoffs"]}
    check(shown["map"] == expected_map,
          f"{mode}: the final map's {len(shown['map'])} entries show the report's "
          f"{len(expected_map)} handoffs (in, out, lost, in flight)")
    check(shown["rows"] == expected_rows,
          f"{mode}: the page's {len(shown['rows'])} handoffs end equal to the report's "
          f"{len(expected_rows)} (in, out, lost by reason, in flight)")
    expected_plots = {plot["id"]: {"state": "actionable" if plot["averted"]
                                   else "thin" if plot["warnings"] > 0 else "none",
                                   "warnings": plot["warnings"]} for plot in figures["plots"]}
    check(shown["plots"] == expected_plots,
          f"{mode}: plot states {shown['plots']} match the report's outcomes")
sys.exit(1 if failures else 0)
