# One-off: adds the facts the new builder will write (copies, withheld_at,
# trust, missing, respond_by_h, delay_histogram_h) to copies of the report
# fixtures, from the traces of the same run (tearline run ... --seed 1).
import json, math, sys, glob, os, collections
run, src, dst = sys.argv[1], sys.argv[2], sys.argv[3]
report = json.load(open(src))
POLICY = {  # from scenarios/manchester-2017.toml
  'agency.uk': {'insider': (0.9, 0.3), 'officer': (0.8, 0.3), 'technical': (0.6, 0.2)},
  'agency.us': {'insider': (0.9, 0.3), 'officer': (0.8, 0.3), 'technical': (0.6, 0.2)},
  'agency.ru': {'insider': (0.95, 0.5)},
}
def load(mode):
  events = []
  for f in sorted(glob.glob(f'{run}/{mode}/*.trace.jsonl')):
    for i, line in enumerate(open(f)):
      try: e = json.loads(line)
      except Exception: continue
      events.append((e.get('t_h', 0), e.get('wall_ms', 0), f, i, e))
  events.sort(key=lambda x: (x[0], x[1]))
  return [x[4] for x in events]

def hist(delays):
  delays = sorted(delays)
  n = len(delays)
  if n == 0: return {'bins': [], 'log': False}
  mx = delays[-1]; p50 = delays[(n - 1) // 2]
  if mx <= 0: return {'bins': [{'from_h': 0, 'to_h': 0, 'count': n}], 'log': False}
  log = mx > 20 * max(p50, 1e-9) and mx > 24
  if log:
    lo = max(p50 / 2, mx / 1000)
    edges = [0] + [lo * (mx / lo) ** (k / 8) for k in range(9)]
  else:
    edges = [mx * k / 10 for k in range(11)]
  bins = []
  for k in range(len(edges) - 1):
    a, b = edges[k], edges[k + 1]
    last = k == len(edges) - 2
    c = sum(1 for d in delays if a <= d < b or (last and d == b))
    bins.append({'from_h': round(a, 6), 'to_h': round(b, 6), 'count': c})
  return {'bins': bins, 'log': log}

for mode, body in report['modes'].items():
  events = load(mode)
  traces = {t: p['id'] for p in body['run']['plots'] for t in p['trace_ids']}
  by_msg = collections.OrderedDict()
  started = {}; delays = collections.defaultdict(list)
  for e in events:
    h, m, k = e.get('handoff', ''), e.get('msg', ''), e['kind']
    if m and h:
      if k in ('sent', 'queued') and (h, m) not in started: started[(h, m)] = e['t_h']
      elif k in ('received', 'served') and (h, m) in started:
        delays[h].append(e['t_h'] - started.pop((h, m)))
      elif k in ('shared', 'sanitised'): delays[h].append(0.0)
    if e.get('trace') in traces and m:
      by_msg.setdefault(m, []).append(e)
  for hd in body['handoffs']:
    hd['delay_histogram_h'] = hist(delays.get(hd['name'], []))
    got = sum(b['count'] for b in hd['delay_histogram_h']['bins'])
    if got != hd['delay_h']['n']: print('n mismatch', mode, hd['name'], got, hd['delay_h']['n'])
  copies = collections.defaultdict(list)
  withheld = collections.defaultdict(lambda: None)
  for m, evs in by_msg.items():
    c = {'msg': m, 'parent': '', 'trace': evs[0]['trace'], 'hops': [], 'fate': 'delivered', 'reason': '', 'detail': evs[0].get('detail', [])}
    for e in evs:
      k, h = e['kind'], e.get('handoff', '')
      if k == 'created':
        c['parent'] = e.get('parent', '')
        c['detail'] = e.get('detail', [])
        if h.startswith('source@') or h.startswith('background@'): continue
      if k in ('delivered', 'acked', 'acted'): continue
      if k == 'in_flight':
        c['fate'] = 'in_flight'; c['reason'] = e.get('reason', ''); continue
      if k in ('lost', 'expired', 'withheld'):
        c['fate'] = 'lost'; c['reason'] = e.get('reason', k)
        if not c['hops'] or c['hops'][-1]['handoff'] != h:
          c['hops'].append({'handoff': h, 'node': e['node'], 'in_h': e['t_h']})
        c['hops'][-1].pop('out_h', None)
        if k == 'withheld':
          key = (h, e['node'], e.get('peer', ''))
          w = withheld[(traces[c['trace']],) + key]
          if w is None:
            tv = 0.3 if e['node'] == 'agency.ru' else 0.3
            full, san = POLICY[e['node']]['insider']
            w = {'handoff': h, 'node': e['node'], 'for': e.get('peer', ''), 'detail_left': [], 'count': 0,
                 'reason': e.get('reason', ''), 'source_value': 'insider', 'trust': tv,
                 'full_trust_min': full, 'sanitised_trust_min': san}
            withheld[(traces[c['trace']],) + key] = w
          w['count'] += 1
        continue
      if not c['hops'] or c['hops'][-1]['handoff'] != h:
        c['hops'].append({'handoff': h, 'node': e['node'], 'in_h': e['t_h']})
      if k in ('served', 'received', 'sanitised', 'shared', 'created') and h:
        c['hops'][-1]['out_h'] = e['t_h']
    # A hop without an out of its own (cipher@broker) ended when the next began.
    for a, b in zip(c['hops'], c['hops'][1:]):
      a.setdefault('out_h', b['in_h'])
    # A delivered copy's last hop ended where it was delivered.
    if c['fate'] != 'delivered' and c['hops']: c['hops'][-1].pop('out_h', None)
    copies[traces[c['trace']]].append(c)
  for p in body['plots']:
    p['copies'] = copies.get(p['id'], [])
    p['withheld_at'] = [w for k, w in withheld.items() if k[0] == p['id']]
    unit_resp = {u['name']: u['response_h'] for u in body['run']['units']}
    for w in p['warnings_not_actionable']:
      w['respond_by_h'] = p['attack_h'] - unit_resp[w['unit']]
      d = set(w['detail'])
      w['missing'] = ([] if 'subject' in d else ['subject']) + ([] if d & {'site', 'window'} else ['site', 'window'])
    trust = {('agency.uk', 'agency.ru'): ('officer', 0.3), ('agency.us', 'agency.ru'): ('insider', 0.3), ('agency.us', 'agency.uk'): ('insider', 0.7)}
    for s in p['degraded_at']:
      v, t = trust.get((s['node'], s['for']), ('officer', 0.3))
      full, san = POLICY[s['node']][v]
      s.update({'reason': 'sanitised:source-protection', 'source_value': v, 'trust': t, 'full_trust_min': full, 'sanitised_trust_min': san})
report['run_dir'] = 'runs/' + os.path.basename(dst).replace('.report.json', '')
json.dump(report, open(dst, 'w'), indent=2)
open(dst, 'a').write('\n')
