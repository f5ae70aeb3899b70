// clockwork timeline page: embedded into each page by timeline_html.cpp. Vanilla JavaScript, no
// network. Reads the runs from the JSON element #clockwork-timeline-data and draws each into its
// .timeline[data-run] container as SVG. Every name, message and field reaches the page through
// textContent or setAttribute, never as markup.
// An exploration's "failed only" box hides the seeds that passed (and were deterministic).
(function () {
  'use strict';
  const box = document.getElementById('failed-only');
  const table = document.querySelector('table.seeds');
  if (!box || !table) return;
  box.addEventListener('change', () => table.classList.toggle('failed-only', box.checked));
})();

(function () {
  'use strict';

  const SVG = 'http://www.w3.org/2000/svg';
  const MS = 1e3, S = 1e6, MIN = 6e7, H = 3.6e9, D = 8.64e10, YEAR = 365.25 * D;
  const MIN_VIEW = MS;             // the narrowest view: a millisecond
  const LABEL_W = 190;             // the lane names' column
  const RIGHT_PAD = 14;
  const AXIS_H = 74;               // offsets, UTC, then two rows of flags of events across every lane
  const LANE_H = 42;
  const MARKER_LIMIT = 400;        // per lane and layer: more than this in view draws a density
  const SPAN_LIMIT = 300;
  const BIN_PX = 3;

  // ---- categories -----------------------------------------------------------------------------

  const CATS = {
    minor:   { label: 'other records (task spawned/finished, info logs)', color: '#9ca3af', layer: 'minor' },
    other:   { label: 'custom event', color: '#64748b', layer: 'routine' },
    run:     { label: 'run', color: '#2563eb', layer: 'routine' },
    tick:    { label: 'tick', color: '#0d9488', layer: 'routine' },
    retry:   { label: 'retry', color: '#ea580c', layer: 'major' },
    failure: { label: 'failure (faulted, job failed)', color: '#dc2626', layer: 'major' },
    misfire: { label: 'misfire / skipped run', color: '#d97706', layer: 'major' },
    fault:   { label: 'injected fault', color: '#c026d3', layer: 'major' },
    finding: { label: 'finding', color: '#db2777', layer: 'major' },
    warning: { label: 'warning log', color: '#f59e0b', layer: 'major' },
    error:   { label: 'error log', color: '#b91c1c', layer: 'major' },
    life:    { label: 'service started / stopping / stopped / abandoned', color: '#334155', layer: 'major' },
    clock:   { label: 'clock step, set, drift or zone change', color: '#7c3aed', layer: 'major' },
    stop:    { label: 'stop requested', color: '#dc2626', layer: 'major' },
    wait:    { label: 'wait', color: '#94a3b8', layer: null },
  };
  const SHAPES = {
    minor: 'M-0.6,-4h1.2v8h-1.2z',
    other: 'M-3,0a3,3 0 1,0 6,0a3,3 0 1,0 -6,0',
    run: 'M-4.5,0a4.5,4.5 0 1,0 9,0a4.5,4.5 0 1,0 -9,0',
    tick: 'M-1,-11h2v22h-2z',
    retry: 'M-4,-6L6,0L-4,6z',
    failure: 'M-6,-4L-4,-6L0,-2L4,-6L6,-4L2,0L6,4L4,6L0,2L-4,6L-6,4L-2,0z',
    misfire: 'M0,-6L6,0L0,6L-6,0zM0,-3L-3,0L0,3L3,0z',
    fault: 'M2,-8L-5,1H-0.5L-2,8L5,-1H0.5z',
    finding: 'M0,-8L8,0L0,8L-8,0z',
    warning: 'M0,-7L7,6H-7z',
    error: 'M0,-7L7,6H-7z',
    life: 'M-0.8,-6h1.6v12h-1.6zM0.8,-6h5.5l-2,2.5l2,2.5h-5.5z',
    clock: 'M-6,0a6,6 0 1,0 12,0a6,6 0 1,0 -12,0zM-0.8,-4.5v5h4v-1.6h-2.4v-3.4z',
    stop: 'M-5,-5h10v10h-10z',
  };
  const FINDING_COLORS = {
    blocking_call: '#e11d48', unobserved_exception: '#9333ea', deadlock: '#7f1d1d', livelock: '#b45309',
    startup_blocked: '#0891b2', cancellation_ignored: '#dc2626', service_faulted: '#be123c',
    silent_death: '#475569', scope_violation: '#7c3aed', drift: '#2563eb', missed_run: '#ea580c',
    duplicate_run: '#ca8a04', dropped_work: '#65a30d', duplicate_effect: '#db2777', lost_job: '#0f766e',
  };
  const KIND_CAT = {
    run: 'run', job_run: 'run', tick: 'tick',
    delay_armed: 'wait', delay_fired: 'wait', delay_canceled: 'wait',
    job_retry: 'retry', job_failed: 'failure', service_faulted: 'failure', task_faulted: 'failure',
    hook_abandoned: 'failure', dispose_failed: 'failure',
    job_misfire: 'misfire', job_skipped: 'misfire',
    fault_injected: 'fault', finding: 'finding', clock_changed: 'clock', stop_requested: 'stop',
    service_started: 'life', service_stopping: 'life', service_stopped: 'life', service_abandoned: 'life',
    service_ended_after_abandon: 'life', service_restarted: 'life',
    service_starting: 'minor', task_spawned: 'minor', task_finished: 'minor', job_succeeded: 'minor',
    // Durable jobs (the jobs module's stores).
    'job.claimed': 'run', 'job.retrying': 'retry', 'job.rescued': 'retry', 'job.failed': 'failure',
    'job.lease_lost': 'failure', 'job.store_fault': 'fault', 'job.enqueued': 'minor', 'job.heartbeat': 'minor',
    'job.succeeded': 'minor', 'job.effect': 'minor', 'job.released': 'minor', 'job.snoozed': 'minor',
    'job.listener': 'retry',
  };
  const BANDS = {
    running: { color: '#dcfce7', label: 'service running' },
    stopping: { color: '#fef3c7', label: 'stopping (stop requested, not yet stopped)' },
    abandoned: { color: '#fee2e2', label: 'abandoned at the shutdown deadline, still running' },
  };

  // ---- formatting -----------------------------------------------------------------------------

  const pad = (v, n) => String(v).padStart(n, '0');
  // "01:30:00.001", "2d00:00:05.000": as the trace's text rendering writes durations.
  function fmtClock(us, fraction) {
    const neg = us < 0;
    const a = Math.abs(Math.round(us));
    const total = Math.floor(a / S);
    const d = Math.floor(total / 86400);
    let out = (neg ? '-' : '') + (d > 0 ? d + 'd' : '') + pad(Math.floor(total / 3600) % 24, 2) + ':' +
      pad(Math.floor(total / 60) % 60, 2) + ':' + pad(total % 60, 2);
    if (fraction) {
      const f = a - total * S;
      out += '.' + (f % 1000 === 0 ? pad(f / 1000, 3) : pad(f, 6));
    }
    return out;
  }
  const fmtOffset = (us) => (us < 0 ? '' : '+') + fmtClock(us, true);
  function fmtUtc(epochUs) {
    const ms = Math.floor(epochUs / 1000);
    const d = new Date(ms);
    if (isNaN(d.getTime())) return String(epochUs) + ' µs since 1970';
    let iso = d.toISOString();
    const rest = epochUs - ms * 1000;
    if (rest !== 0) iso = iso.slice(0, -1) + pad(rest, 3) + 'Z';
    return iso;
  }
  // "3 d 4 h", "250 ms": a width, in words.
  function fmtSpan(us) {
    const a = Math.abs(us);
    const units = [[YEAR, 'y'], [D, 'd'], [H, 'h'], [MIN, 'min'], [S, 's'], [MS, 'ms'], [1, 'µs']];
    for (let i = 0; i < units.length; i++) {
      const [u, name] = units[i];
      if (a >= u || i === units.length - 1) {
        const whole = Math.floor(a / u);
        if (whole >= 10 || i === units.length - 1) return Math.round(a / u) + ' ' + name;
        const [u2, name2] = units[i + 1];
        const rest = Math.round((a - whole * u) / u2);
        return whole + ' ' + name + (rest > 0 ? ' ' + rest + ' ' + name2 : '');
      }
    }
    return '0';
  }
  // "+01:00:00.000" (a trace's deadline field) -> microseconds, or null.
  function parseOffset(text) {
    const m = /^([+-]?)(?:(\d+)d)?(\d+):(\d\d):(\d\d)(?:\.(\d+))?$/.exec(text || '');
    if (!m) return null;
    const frac = m[6] ? Number((m[6] + '000000').slice(0, 6)) : 0;
    const us = ((Number(m[2] || 0) * 24 + Number(m[3])) * 3600 + Number(m[4]) * 60 + Number(m[5])) * S + frac;
    return m[1] === '-' ? -us : us;
  }
  const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  function shorten(text, max) {
    return text.length > max ? text.slice(0, max - 1) + '…' : text;
  }

  function el(name, attrs, parent) {
    const e = document.createElementNS(SVG, name);
    if (attrs) for (const k in attrs) e.setAttribute(k, attrs[k]);
    if (parent) parent.appendChild(e);
    return e;
  }
  function hel(name, cls, text, parent) {
    const e = document.createElement(name);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = text;
    if (parent) parent.appendChild(e);
    return e;
  }
  function lowerBound(arr, n, key) {  // first position whose time >= key; arr holds times
    let lo = 0, hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (arr[mid] < key) lo = mid + 1; else hi = mid;
    }
    return lo;
  }

  // ---- the data -------------------------------------------------------------------------------

  function decode(d) {
    const n = d.t.length;
    const t = new Float64Array(n), seq = new Float64Array(n);
    let acc = 0, q = 0;
    for (let i = 0; i < n; i++) {
      acc += d.t[i] * d.unit_us;
      t[i] = acc;
      q += d.seq[i];
      seq[i] = q;
    }
    const skewAt = [], skewVal = [];
    for (let i = 0; i < d.skew.length; i += 2) { skewAt.push(d.skew[i]); skewVal.push(d.skew[i + 1]); }
    const run = {
      d, n, t, seq, skewAt, skewVal,
      kinds: d.kinds, sources: d.sources, source: d.source, kind: d.kind,
      lanes: d.lanes.map((l, i) => ({ index: i, name: l.name, role: l.role, layers: { major: [], routine: [], minor: [] },
                                      spans: [], bands: [], maxSpan: 0, count: 0 })),
      cat: new Array(n), globals: [], findingKinds: new Set(), catsSeen: new Set(),
    };
    run.fieldsOf = (i) => {
      const set = d.fieldsets[d.fields[i]];
      const out = [];
      for (let j = 0; j < set.length; j += 2) out.push([d.keys[set[j]], d.values[set[j + 1]]]);
      return out;
    };
    run.field = (i, key) => {
      const set = d.fieldsets[d.fields[i]];
      for (let j = 0; j < set.length; j += 2) if (d.keys[set[j]] === key) return d.values[set[j + 1]];
      return null;
    };
    run.laneOf = (i) => d.source_lane[d.source[i]];
    // UTC of record i, and at any steady offset (the skew of the last record at or before it).
    run.skewOfRecord = (i) => {
      let lo = 0, hi = skewAt.length;
      while (lo < hi) { const mid = (lo + hi) >>> 1; if (skewAt[mid] <= i) lo = mid + 1; else hi = mid; }
      return lo > 0 ? skewVal[lo - 1] : (skewVal.length ? skewVal[0] : 0);
    };
    run.utcOf = (i) => t[i] + run.skewOfRecord(i);
    run.utcAt = (us) => {
      if (n === 0) return us;
      let i = lowerBound(t, n, us + 0.5) - 1;   // last record at or before us
      if (i < 0) i = 0;
      return us + run.skewOfRecord(i);
    };
    classify(run);
    return run;
  }

  function classify(run) {
    const { n, t } = run;
    let sorted = true;
    for (let i = 1; i < n; i++) if (t[i] < t[i - 1]) { sorted = false; break; }
    const openWaits = new Map();
    const life = new Map();   // lane -> current band
    const stopTimes = new Set();
    let firstHostStop = null;
    run.tMin = n ? Infinity : 0;
    run.tMax = n ? -Infinity : 0;
    for (let i = 0; i < n; i++) {
      const ti = t[i];
      if (ti < run.tMin) run.tMin = ti;
      if (ti > run.tMax) run.tMax = ti;
      const kind = run.kinds[run.kind[i]];
      let cat = KIND_CAT[kind] || 'other';
      if (kind === 'log') {
        const level = run.field(i, 'level');
        cat = level === 'warning' || level === 'warn' ? 'warning'
            : level === 'error' || level === 'critical' || level === 'err' ? 'error' : 'minor';
      }
      if (cat === 'finding') run.findingKinds.add(run.field(i, 'finding') || '?');
      run.cat[i] = cat;
      run.catsSeen.add(cat);
      const lane = run.lanes[run.laneOf(i)];
      lane.count++;
      if (cat === 'wait') {
        const key = run.source[i] + '|' + run.field(i, 'id') + '|' + run.field(i, 'deadline');
        if (kind === 'delay_armed') {
          openWaits.set(key, i);
        } else {
          const start = openWaits.get(key);
          if (start !== undefined) {
            openWaits.delete(key);
            lane.spans.push({ a: t[start], b: ti, i: start, j: i, state: kind === 'delay_canceled' ? 'canceled' : 'fired' });
          }
        }
        continue;
      }
      if (cat === 'stop') {
        if (!stopTimes.has(ti)) {
          stopTimes.add(ti);
          run.globals.push({ t: ti, kind: 'stop', i, label: 'stop requested' });
        }
        const src = run.sources[run.source[i]];
        if (firstHostStop === null && src === 'host') firstHostStop = i;
      }
      if (cat === 'clock') {
        const change = run.field(i, 'change') || 'clock changed';
        const label = change.replace(/^wall clock /, 'clock ').replace(/^local zone set to /, 'zone → ');
        run.globals.push({ t: ti, kind: 'clock', i, label });
      }
      // A service's life as bands behind its markers.
      if (kind.startsWith('service_')) {
        const cur = life.get(lane.index);
        const close = () => { if (cur && cur.b === null) cur.b = ti; };
        if (kind === 'service_started' || kind === 'service_restarted') {
          close();
          const band = { a: ti, b: null, state: 'running', i };
          lane.bands.push(band);
          life.set(lane.index, band);
        } else if (kind === 'service_stopping') {
          close();
          const band = { a: ti, b: null, state: 'stopping', i };
          lane.bands.push(band);
          life.set(lane.index, band);
        } else if (kind === 'service_abandoned') {
          close();
          const band = { a: ti, b: null, state: 'abandoned', i };
          lane.bands.push(band);
          life.set(lane.index, band);
        } else if (kind === 'service_stopped' || kind === 'service_faulted' || kind === 'service_ended_after_abandon') {
          close();
          life.delete(lane.index);
        }
      }
      const layer = CATS[cat].layer;
      if (layer) lane.layers[layer].push(i);
    }
    for (const [, i] of openWaits) {  // a wait still armed when the trace ended
      const lane = run.lanes[run.laneOf(i)];
      const deadline = parseOffset(run.field(i, 'deadline'));
      lane.spans.push({ a: t[i], b: deadline !== null ? Math.max(deadline, t[i]) : run.tMax, i, j: -1, state: 'pending' });
    }
    for (const lane of run.lanes) {
      for (const b of lane.bands) if (b.b === null) { b.b = run.tMax; b.open = true; }
      lane.spans.sort((x, y) => x.a - y.a);
      for (const s of lane.spans) lane.maxSpan = Math.max(lane.maxSpan, s.b - s.a);
      lane.spanStart = Float64Array.from(lane.spans, (s) => s.a);
      for (const name of ['major', 'routine', 'minor']) {
        const idx = lane.layers[name];
        if (!sorted) idx.sort((x, y) => t[x] - t[y] || x - y);
        lane.layers[name] = { idx: Int32Array.from(idx), times: Float64Array.from(idx, (i) => t[i]) };
      }
    }
    // The shutdown deadline: the host's stop request plus its shutdown timeout.
    const timeout = run.d.shutdown_timeout_us;
    if (firstHostStop !== null && timeout !== null && timeout !== undefined) {
      run.globals.push({ t: t[firstHostStop] + timeout, kind: 'deadline', i: firstHostStop,
                         label: 'shutdown deadline (' + fmtSpan(timeout) + ')' });
    }
    run.globals.sort((a, b) => a.t - b.t);
  }

  // ---- drawing --------------------------------------------------------------------------------

  const AXIS_STEPS = [10, 20, 50, 100, 200, 500, MS, 2 * MS, 5 * MS, 10 * MS, 20 * MS, 50 * MS, 100 * MS, 200 * MS, 500 * MS,
    S, 2 * S, 5 * S, 10 * S, 15 * S, 30 * S, MIN, 2 * MIN, 5 * MIN, 10 * MIN, 15 * MIN, 30 * MIN,
    H, 2 * H, 3 * H, 6 * H, 12 * H, D, 2 * D, 7 * D, 14 * D, 30 * D, 61 * D, 91 * D, 182 * D, 364 * D];

  function offsetLabel(us, step) {
    const sign = us < 0 ? '-' : '+';
    const a = Math.abs(us);
    const days = Math.floor(a / D);
    const inDay = a - days * D;
    const hh = pad(Math.floor(inDay / H), 2), mm = pad(Math.floor(inDay / MIN) % 60, 2);
    const ss = pad(Math.floor(inDay / S) % 60, 2), ms = pad(Math.round(inDay % S / MS), 3);
    const dayPart = days > 0 ? days + 'd ' : '';
    if (step >= D) return sign + days + 'd';
    if (step >= MIN) return sign + dayPart + hh + ':' + mm;
    if (step >= S) return sign + dayPart + hh + ':' + mm + ':' + ss;
    if (step >= MS) return sign + dayPart + hh + ':' + mm + ':' + ss + '.' + ms;
    return sign + dayPart + hh + ':' + mm + ':' + ss + '.' + subSecond(inDay, step);
  }
  // The fraction of a second with as many digits as a step under a millisecond needs.
  function subSecond(us, step) {
    const digits = step >= 100 ? 4 : step >= 10 ? 5 : 6;
    return pad(Math.round(((us % S) + S) % S), 6).slice(0, digits);
  }
  function utcLabel(epochUs, step, withDate) {
    const d = new Date(Math.floor(epochUs / 1000));
    if (isNaN(d.getTime())) return '';
    const date = d.getUTCFullYear() + '-' + pad(d.getUTCMonth() + 1, 2) + '-' + pad(d.getUTCDate(), 2);
    if (step >= D) return date;
    const hm = pad(d.getUTCHours(), 2) + ':' + pad(d.getUTCMinutes(), 2);
    const prefix = withDate ? MONTHS[d.getUTCMonth()] + ' ' + d.getUTCDate() + ' ' : '';
    if (step >= MIN) return prefix + hm;
    if (step >= S) return prefix + hm + ':' + pad(d.getUTCSeconds(), 2);
    if (step >= MS) return prefix + hm + ':' + pad(d.getUTCSeconds(), 2) + '.' + pad(d.getUTCMilliseconds(), 3);
    return prefix + hm + ':' + pad(d.getUTCSeconds(), 2) + '.' + subSecond(epochUs, step);
  }

  class Timeline {
    constructor(container, data) {
      this.container = container;
      this.run = decode(data);
      this.showMinor = false;
      const run = this.run;
      const extent = run.tMax - run.tMin;
      this.maxView = Math.max(YEAR, extent * 1.5);
      this.build();
      this.fit();
    }

    build() {
      const c = this.container;
      const bar = hel('div', 'tl-toolbar', null, c);
      const zoom = hel('span', 'tl-group', null, bar);
      hel('span', null, 'zoom', zoom);
      const button = (parent, text, title, fn, name) => {
        const b = hel('button', null, text, parent);
        b.type = 'button';
        b.title = title;
        if (name) b.dataset.action = name;
        b.addEventListener('click', fn);
        return b;
      };
      button(zoom, '+', 'zoom in (+, wheel, pinch)', () => this.zoomBy(0.5), 'zoom-in');
      button(zoom, '−', 'zoom out (−, wheel, pinch)', () => this.zoomBy(2), 'zoom-out');
      button(zoom, 'fit', 'the whole run (0)', () => this.fit(), 'fit');
      const spans = hel('span', 'tl-group', null, bar);
      hel('span', null, 'width', spans);
      for (const [text, us] of [['1 year', YEAR], ['1 day', D], ['1 h', H], ['1 min', MIN], ['1 s', S], ['1 ms', MS]]) {
        button(spans, text, 'show ' + text + ' around the centre', () => this.zoomToWidth(us), 'width-' + text.replace(' ', ''));
      }
      const minorLabel = hel('label', null, null, bar);
      const minor = hel('input', null, null, minorLabel);
      minor.type = 'checkbox';
      minor.className = 'tl-minor';
      minorLabel.appendChild(document.createTextNode(' all records'));
      minor.addEventListener('change', () => { this.showMinor = minor.checked; this.schedule(); });
      this.status = hel('span', 'tl-status', null, bar);

      const frame = hel('div', 'tl-frame', null, c);
      frame.tabIndex = 0;
      this.frame = frame;
      if (this.run.n === 0) {
        hel('div', 'tl-empty', 'no trace records', frame);
      }
      this.svg = el('svg', { class: 'tl-svg' }, frame);
      this.tip = hel('div', 'tl-tip', null, c);
      this.tip.hidden = true;
      this.height = AXIS_H + this.run.lanes.length * LANE_H + 8;
      this.svg.setAttribute('height', String(this.height));
      hel('div', 'tl-hint', 'wheel or pinch to zoom · drag to pan · hover a marker for its record · keys + − 0 ← →', c);
      this.legend = hel('div', 'tl-legend', null, c);
      this.buildLegend();
      this.bindEvents();
    }

    buildLegend() {
      const run = this.run;
      const item = (shape, color, text, cls) => {
        const s = hel('span', cls, null, this.legend);
        const svg = el('svg', { viewBox: '-9 -8 18 16' }, s);
        if (shape === 'band') el('rect', { x: -8, y: -6, width: 16, height: 12, fill: color, stroke: '#d1d5db' }, svg);
        else if (shape === 'span') el('rect', { x: -8, y: -2.5, width: 16, height: 5, rx: 2, fill: color }, svg);
        else if (shape.startsWith('line')) el('line', { x1: 0, x2: 0, y1: -8, y2: 8, stroke: color, 'stroke-width': 2, 'stroke-dasharray': shape === 'line-solid' ? '' : shape === 'line-dash' ? '4 2' : '2 2' }, svg);
        else el('path', { d: SHAPES[shape], fill: color, stroke: '#fff', 'stroke-width': 0.8 }, svg);
        s.appendChild(document.createTextNode(text));
      };
      const order = ['run', 'tick', 'retry', 'failure', 'misfire', 'fault', 'warning', 'error', 'life', 'clock', 'other'];
      for (const cat of order) if (run.catsSeen.has(cat)) item(cat, CATS[cat].color, CATS[cat].label);
      for (const f of [...run.findingKinds].sort()) item('finding', FINDING_COLORS[f] || CATS.finding.color, 'finding: ' + f, 'legend-finding');
      if (run.lanes.some((l) => l.spans.length)) item('span', CATS.wait.color, 'wait (delay armed → fired)');
      const states = new Set();
      for (const l of run.lanes) for (const b of l.bands) states.add(b.state);
      for (const st of ['running', 'stopping', 'abandoned']) if (states.has(st)) item('band', BANDS[st].color, BANDS[st].label);
      if (run.globals.some((g) => g.kind === 'stop')) item('line-dash', '#dc2626', 'stop requested (all lanes)');
      if (run.globals.some((g) => g.kind === 'deadline')) item('line-dot', '#7f1d1d', 'shutdown deadline (all lanes)');
      if (run.globals.some((g) => g.kind === 'clock')) item('line-solid', '#7c3aed', 'wall-clock change (all lanes)');
      if (run.catsSeen.has('minor')) item('minor', CATS.minor.color, 'other records (tick “all records”)');
    }

    // ---- view ----
    plotWidth() { return Math.max(50, this.width - LABEL_W - RIGHT_PAD); }
    xOf(us) { return LABEL_W + (us - this.t0) / (this.t1 - this.t0) * this.plotWidth(); }
    tOf(x) { return this.t0 + (x - LABEL_W) / this.plotWidth() * (this.t1 - this.t0); }
    setView(t0, t1) {
      let w = t1 - t0;
      if (!(w > 0)) w = MIN_VIEW;
      w = Math.min(Math.max(w, MIN_VIEW), this.maxView);
      let mid = (t0 + t1) / 2;
      const run = this.run;
      mid = Math.min(Math.max(mid, run.tMin - w / 2), run.tMax + w / 2);
      this.t0 = mid - w / 2;
      this.t1 = mid + w / 2;
      this.schedule();
    }
    fit() {
      const run = this.run;
      const extent = run.tMax - run.tMin;
      const padding = Math.max(extent * 0.04, MS / 2);
      if (extent <= 0) this.setView(run.tMin - S / 2, run.tMin + S / 2);
      else this.setView(run.tMin - padding, run.tMax + padding);
    }
    zoomBy(factor, atX) {
      const at = atX === undefined ? (this.t0 + this.t1) / 2 : this.tOf(atX);
      const w = Math.min(Math.max((this.t1 - this.t0) * factor, MIN_VIEW), this.maxView);
      const frac = (at - this.t0) / (this.t1 - this.t0);
      this.setView(at - frac * w, at - frac * w + w);
    }
    zoomToWidth(w) {
      const mid = (this.t0 + this.t1) / 2;
      this.setView(mid - w / 2, mid + w / 2);
    }
    panBy(px) {
      const dt = px / this.plotWidth() * (this.t1 - this.t0);
      this.setView(this.t0 + dt, this.t1 + dt);
    }
    schedule() {
      if (this.pending) return;
      this.pending = true;
      requestAnimationFrame(() => { this.pending = false; this.render(); });
    }

    bindEvents() {
      const svg = this.svg;
      svg.addEventListener('wheel', (e) => {
        const x = this.localX(e);
        if (x < LABEL_W) return;   // over the names: the page scrolls
        e.preventDefault();
        const unit = e.deltaMode === 1 ? 16 : e.deltaMode === 2 ? 400 : 1;
        const dx = e.deltaX * unit, dy = e.deltaY * unit;
        if (e.shiftKey || Math.abs(dx) > Math.abs(dy)) {
          this.panBy(e.shiftKey ? dy || dx : dx);
        } else {
          this.zoomBy(Math.exp(dy * (e.ctrlKey ? 0.01 : 0.002)), x);   // ctrl: a trackpad's pinch
        }
      }, { passive: false });
      const pointers = new Map();
      let pinch = null;
      svg.addEventListener('pointerdown', (e) => {
        if (this.localX(e) < LABEL_W) return;
        svg.setPointerCapture(e.pointerId);
        pointers.set(e.pointerId, { x: this.localX(e) });
        if (pointers.size === 2) {
          const [p, q] = [...pointers.values()];
          pinch = { d: Math.abs(p.x - q.x) || 1, t0: this.t0, t1: this.t1, mid: (p.x + q.x) / 2 };
        }
        svg.classList.add('dragging');
      });
      svg.addEventListener('pointermove', (e) => {
        const x = this.localX(e);
        if (!pointers.has(e.pointerId)) { this.hover(e); return; }
        const prev = pointers.get(e.pointerId);
        pointers.set(e.pointerId, { x });
        this.hideTip();
        if (pointers.size === 2 && pinch) {
          const [p, q] = [...pointers.values()];
          const dist = Math.abs(p.x - q.x) || 1;
          const w = (pinch.t1 - pinch.t0) * pinch.d / dist;
          const frac = (pinch.mid - LABEL_W) / this.plotWidth();
          const at = pinch.t0 + frac * (pinch.t1 - pinch.t0);
          this.setView(at - frac * w, at - frac * w + w);
        } else if (pointers.size === 1) {
          this.panBy(prev.x - x);
        }
      });
      const up = (e) => {
        pointers.delete(e.pointerId);
        if (pointers.size < 2) pinch = null;
        if (pointers.size === 0) svg.classList.remove('dragging');
      };
      svg.addEventListener('pointerup', up);
      svg.addEventListener('pointercancel', up);
      svg.addEventListener('pointerleave', () => this.hideTip());
      svg.addEventListener('dblclick', (e) => {
        const x = this.localX(e);
        if (x >= LABEL_W) this.zoomBy(e.shiftKey ? 2 : 0.5, x);
      });
      this.frame.addEventListener('keydown', (e) => {
        const actions = { '+': () => this.zoomBy(0.5), '=': () => this.zoomBy(0.5), '-': () => this.zoomBy(2),
                          '_': () => this.zoomBy(2), '0': () => this.fit(),
                          ArrowLeft: () => this.panBy(-this.plotWidth() / 5), ArrowRight: () => this.panBy(this.plotWidth() / 5) };
        const fn = actions[e.key];
        if (fn) { e.preventDefault(); fn(); }
      });
      window.addEventListener('resize', () => this.schedule());
    }
    localX(e) { return e.clientX - this.svg.getBoundingClientRect().left; }
    localY(e) { return e.clientY - this.svg.getBoundingClientRect().top; }

    // ---- render ----
    render() {
      const run = this.run;
      this.width = this.svg.getBoundingClientRect().width || 1000;
      const svg = this.svg;
      while (svg.firstChild) svg.removeChild(svg.firstChild);
      const W = this.width, pw = this.plotWidth();
      el('clipPath', { id: this.clipId() }, el('defs', null, svg))
        .appendChild(el('rect', { x: LABEL_W, y: 0, width: pw + RIGHT_PAD / 2, height: this.height }));
      // Lane backgrounds and names.
      run.lanes.forEach((lane, k) => {
        const y = AXIS_H + k * LANE_H;
        el('rect', { x: 0, y, width: W, height: LANE_H, fill: k % 2 ? '#fafbfc' : '#ffffff' }, svg);
        el('line', { x1: 0, x2: W, y1: y, y2: y, stroke: '#eef0f3' }, svg);
      });
      el('rect', { x: 0, y: 0, width: W, height: AXIS_H, fill: '#f8fafc' }, svg);
      el('line', { x1: 0, x2: W, y1: AXIS_H, y2: AXIS_H, stroke: '#d1d5db' }, svg);
      el('line', { x1: LABEL_W, x2: LABEL_W, y1: 0, y2: this.height, stroke: '#d1d5db' }, svg);

      const plot = el('g', { class: 'plot', 'clip-path': 'url(#' + this.clipId() + ')' }, svg);
      el('rect', { x: LABEL_W, y: 0, width: pw, height: this.height, fill: 'transparent' }, plot);
      this.drawAxis(plot);
      const flags = this.drawGlobals(plot);
      let individual = 0, dense = 0, visible = 0;
      run.lanes.forEach((lane, k) => {
        const g = el('g', { class: 'lane lane-' + lane.role }, plot);
        g.setAttribute('data-lane', lane.name);
        const y = AXIS_H + k * LANE_H;
        this.drawBands(g, lane, y);
        this.drawSpans(g, lane, y);
        for (const name of this.showMinor ? ['minor', 'routine', 'major'] : ['routine', 'major']) {
          const r = this.drawLayer(g, lane, lane.layers[name], name, y);
          individual += r.individual;
          dense += r.dense;
          visible += r.visible;
        }
      });
      plot.appendChild(flags);   // the flags' labels over everything
      // Names last, over anything that strays left.
      const names = el('g', { class: 'lane-names' }, svg);
      run.lanes.forEach((lane, k) => {
        const y = AXIS_H + k * LANE_H;
        el('rect', { x: 0, y: y + 1, width: LABEL_W - 1, height: LANE_H - 1, fill: k % 2 ? '#f6f7f9' : '#fbfbfc' }, names);
        const name = el('g', { class: 'lane-name' }, names);
        const shown = lane.name === '' ? '(no source)' : lane.name;
        el('title', null, name).textContent = shown;
        const label = el('text', { class: 'lane-label', x: 12, y: y + 19 }, name);
        label.textContent = shorten(shown, 24);
        label.setAttribute('data-name', shown);
        const role = el('text', { class: 'lane-role', x: 12, y: y + 34 }, name);
        role.textContent = (lane.role === 'other' ? 'source' : lane.role) + ' · ' + lane.count.toLocaleString('en-US') + ' record' + (lane.count === 1 ? '' : 's');
      });
      const rowTitle = (text, y) => { const t = el('text', { class: 'row-title', x: 12, y }, names); t.textContent = text; };
      el('rect', { x: 0, y: 0, width: LABEL_W - 1, height: AXIS_H, fill: '#f8fafc' }, names);
      rowTitle('offset', 16);
      rowTitle('UTC', 32);
      rowTitle('across lanes', 54);

      const from = this.t1 - this.t0 >= 10 * MS ? Math.round(this.t0 / MS) * MS : Math.round(this.t0);
      this.status.textContent = 'view ' + fmtSpan(this.t1 - this.t0) + ' from ' + fmtOffset(from) + ' · ' +
        visible.toLocaleString('en-US') + ' of ' + run.n.toLocaleString('en-US') + ' records in view' +
        (dense > 0 ? ' · dense lanes drawn as density, zoom in for each record' : '');
      this.container.dataset.markers = String(individual);
      this.container.dataset.viewUs = String(Math.round(this.t1 - this.t0));
      this.rendered = (this.rendered || 0) + 1;
    }
    clipId() {
      if (!this.clip) this.clip = 'tl-clip-' + (Timeline.next = (Timeline.next || 0) + 1);
      return this.clip;
    }

    drawAxis(plot) {
      const pw = this.plotWidth();
      const w = this.t1 - this.t0;
      // The finest step whose labels fit between ticks (labels grow with days and fractions).
      let step = AXIS_STEPS[AXIS_STEPS.length - 1];
      for (const s of AXIS_STEPS) {
        const chars = Math.max(offsetLabel(this.t0, s).length, offsetLabel(this.t1, s).length, s < D ? 11 : 10);
        if (s / w * pw >= chars * 6.2 + 12) { step = s; break; }
      }
      if (step / w * pw < 60) step = Math.ceil(w / pw * 80 / YEAR) * YEAR;   // beyond a year a tick
      this.step = step;
      const first = Math.ceil(this.t0 / step) * step;
      let prevDay = null;
      for (let tick = first, n = 0; tick <= this.t1 && n < 400; tick += step, n++) {
        const x = this.xOf(tick);
        el('line', { x1: x, x2: x, y1: AXIS_H - 24, y2: this.height, stroke: '#eceef2' }, plot);
        el('line', { x1: x, x2: x, y1: 20, y2: 24, stroke: '#9ca3af' }, plot);
        const o = el('text', { class: 'axis-offset', x: x + 3, y: 16 }, plot);
        o.textContent = offsetLabel(tick, step);
        const utc = this.run.utcAt(tick);
        const day = Math.floor(utc / D);
        const u = el('text', { class: 'axis-utc', x: x + 3, y: 33 }, plot);
        u.textContent = utcLabel(utc, step, step < D && day !== prevDay);
        prevDay = day;
      }
      el('line', { x1: LABEL_W, x2: LABEL_W + pw, y1: 37, y2: 37, stroke: '#e5e7eb' }, plot);
    }

    drawBands(g, lane, y) {
      for (const b of lane.bands) {
        if (b.b < this.t0 || b.a > this.t1) continue;
        const x0 = Math.max(this.xOf(b.a), LABEL_W - 2), x1 = Math.min(this.xOf(b.b), this.width);
        const r = el('rect', { class: 'band band-' + b.state, x: x0, y: y + 3, width: Math.max(1, x1 - x0), height: LANE_H - 6,
                               fill: BANDS[b.state].color, rx: 3 }, g);
        r.setAttribute('data-i', String(b.i));
        r.setAttribute('data-band', b.state);
      }
    }

    drawSpans(g, lane, y) {
      const spans = lane.spans;
      if (!spans.length) return;
      const hi = lowerBound(lane.spanStart, spans.length, this.t1 + 1);
      const lo = lowerBound(lane.spanStart, hi, this.t0 - lane.maxSpan - 1);
      const inView = [];
      for (let k = lo; k < hi; k++) if (spans[k].b >= this.t0) inView.push(k);
      const yy = y + LANE_H - 11;
      if (inView.length <= SPAN_LIMIT) {
        for (const k of inView) {
          const s = spans[k];
          const x0 = this.xOf(s.a), x1 = this.xOf(s.b);
          const r = el('rect', { class: 'wait wait-' + s.state, x: x0, y: yy, width: Math.max(2, x1 - x0), height: 6, rx: 3,
                                 fill: s.state === 'canceled' ? '#cbd5e1' : '#94a3b8',
                                 'fill-opacity': s.state === 'pending' ? 0.45 : 0.9 }, g);
          if (s.state === 'pending') r.setAttribute('stroke-dasharray', '3 2');
          r.setAttribute('data-span', String(k));
        }
        return;
      }
      // Coverage: which pixels have a wait in progress.
      const bins = Math.ceil(this.plotWidth() / BIN_PX);
      const covered = new Uint8Array(bins + 1);
      for (const k of inView) {
        const s = spans[k];
        const b0 = Math.max(0, Math.floor((this.xOf(s.a) - LABEL_W) / BIN_PX));
        const b1 = Math.min(bins, Math.floor((this.xOf(s.b) - LABEL_W) / BIN_PX));
        for (let b = b0; b <= b1; b++) covered[b] = 1;
      }
      let d = '';
      for (let b = 0; b <= bins; b++) {
        if (!covered[b]) continue;
        let e = b;
        while (e + 1 <= bins && covered[e + 1]) e++;
        d += 'M' + (LABEL_W + b * BIN_PX) + ',' + yy + 'h' + ((e - b + 1) * BIN_PX) + 'v6h' + (-(e - b + 1) * BIN_PX) + 'z';
        b = e;
      }
      if (d) el('path', { class: 'wait-density', d, fill: '#94a3b8', 'fill-opacity': 0.8 }, g);
    }

    drawLayer(g, lane, layer, name, y) {
      const lo = lowerBound(layer.times, layer.times.length, this.t0);
      const hi = lowerBound(layer.times, layer.times.length, this.t1 + 1e-3);
      const count = hi - lo;
      const run = this.run;
      const cy = y + (name === 'minor' ? 14 : 18);
      if (count === 0) return { individual: 0, dense: 0, visible: 0 };
      if (count <= MARKER_LIMIT) {
        for (let k = lo; k < hi; k++) {
          const i = layer.idx[k];
          const cat = run.cat[i];
          let color = CATS[cat].color;
          if (cat === 'finding') color = FINDING_COLORS[run.field(i, 'finding')] || color;
          const m = el('path', { class: 'marker m-' + cat, d: SHAPES[cat], fill: color,
                                 transform: 'translate(' + this.xOf(layer.times[k]).toFixed(1) + ',' + (cat === 'life' ? cy - 9 : cy) + ')' }, g);
          if (cat === 'misfire') { m.setAttribute('fill-rule', 'evenodd'); }
          if (cat !== 'minor' && cat !== 'tick') { m.setAttribute('stroke', '#ffffff'); m.setAttribute('stroke-width', '1'); }
          m.setAttribute('data-i', String(i));
          if (cat === 'finding') m.setAttribute('data-finding', run.field(i, 'finding') || '');
        }
        return { individual: count, dense: 0, visible: count };
      }
      // Density: one bar per few pixels, its height growing with the square root of the count.
      const bins = Math.ceil(this.plotWidth() / BIN_PX) + 1;
      const counts = new Uint32Array(bins);
      const catCount = new Map();
      const scale = this.plotWidth() / (this.t1 - this.t0) / BIN_PX;
      for (let k = lo; k < hi; k++) {
        const b = Math.min(bins - 1, Math.max(0, Math.floor((layer.times[k] - this.t0) * scale)));
        counts[b]++;
        const cat = run.cat[layer.idx[k]];
        catCount.set(cat, (catCount.get(cat) || 0) + 1);
      }
      let max = 1;
      for (let b = 0; b < bins; b++) if (counts[b] > max) max = counts[b];
      let best = 'other', bestN = -1;
      for (const [cat, c] of catCount) if (c > bestN) { best = cat; bestN = c; }
      const base = name === 'minor' ? y + 22 : y + 29;
      const full = name === 'minor' ? 14 : 22;
      let d = '';
      for (let b = 0; b < bins; b++) {
        if (!counts[b]) continue;
        const h = Math.max(2, full * Math.sqrt(counts[b] / max));
        d += 'M' + (LABEL_W + b * BIN_PX) + ',' + (base - h).toFixed(1) + 'h' + (BIN_PX - 0.6) + 'v' + h.toFixed(1) + 'h' + (0.6 - BIN_PX) + 'z';
      }
      const p = el('path', { class: 'density density-' + name, d, fill: CATS[best].color, 'fill-opacity': name === 'major' ? 0.9 : 0.55 }, g);
      p.setAttribute('data-layer', name);
      p.setAttribute('data-lane-index', String(lane.index));
      return { individual: 0, dense: count, visible: count };
    }

    // Lines across every lane (under the markers, so that a marker at the same instant is still
    // the one hovered); returns their labels, for the caller to draw on top.
    drawGlobals(plot) {
      const colors = { stop: '#dc2626', deadline: '#7f1d1d', clock: '#7c3aed' };
      const labels = el('g', { class: 'global-labels' });
      const rowEnd = [-Infinity, -Infinity];
      for (let k = 0; k < this.run.globals.length; k++) {
        const gl = this.run.globals[k];
        if (gl.t < this.t0 || gl.t > this.t1) continue;
        const x = this.xOf(gl.t);
        const color = colors[gl.kind];
        const g = el('g', { class: 'global global-' + gl.kind }, plot);
        el('line', { x1: x, x2: x, y1: 40, y2: this.height, stroke: color, 'stroke-width': 1.6,
                     'stroke-dasharray': gl.kind === 'clock' ? '' : gl.kind === 'stop' ? '6 3' : '2 3', 'stroke-opacity': 0.85 }, g);
        const hit = el('line', { class: 'marker global-hit', x1: x, x2: x, y1: 38, y2: this.height, stroke: 'transparent', 'stroke-width': 9 }, g);
        hit.setAttribute('data-global', String(k));
        // Two rows of labels; one that fits in neither is left to the tooltip.
        const text = shorten(gl.label, 34);
        const row = rowEnd.findIndex((end) => x + 4 > end + 8);
        if (row >= 0) {
          const label = el('text', { class: 'global-label global-label-' + gl.kind, x: x + 4, y: row ? 68 : 54, fill: color }, labels);
          label.textContent = text;
          rowEnd[row] = x + 4 + text.length * 6.2;
        }
      }
      return labels;
    }

    // ---- hover ----
    hover(e) {
      const target = e.target;
      const x = this.localX(e), y = this.localY(e);
      if (!(target instanceof Element) || x < LABEL_W) { this.hideTip(); return; }
      const run = this.run;
      if (target.hasAttribute('data-global')) {
        const gl = run.globals[Number(target.getAttribute('data-global'))];
        this.showTip(e, (box) => {
          hel('div', 'tip-kind', gl.kind === 'deadline' ? 'shutdown deadline' : gl.label, box);
          if (gl.kind === 'deadline') {
            this.recordBlock(box, gl.i, [['deadline', fmtOffset(gl.t) + '  ' + fmtUtc(run.utcAt(gl.t))],
                                         ['drawn', 'the host\'s stop request + its shutdown timeout']]);
          } else {
            this.recordBlock(box, gl.i);
          }
        });
        return;
      }
      if (target.hasAttribute('data-span')) {
        const laneIndex = Math.floor((y - AXIS_H) / LANE_H);
        const lane = run.lanes[laneIndex];
        const s = lane && lane.spans[Number(target.getAttribute('data-span'))];
        if (!s) { this.hideTip(); return; }
        this.showTip(e, (box) => {
          hel('div', 'tip-kind', 'wait of ' + fmtSpan(s.b - s.a) + ' (' + s.state + ')', box);
          const extra = [['armed', fmtOffset(s.a)], [s.state === 'pending' ? 'due' : s.state, fmtOffset(s.b)]];
          this.recordBlock(box, s.i, extra);
        });
        return;
      }
      if (target.hasAttribute('data-layer')) {
        const lane = run.lanes[Number(target.getAttribute('data-lane-index'))];
        const layer = lane.layers[target.getAttribute('data-layer')];
        const tA = this.tOf(x - BIN_PX * 2), tB = this.tOf(x + BIN_PX * 2);
        const lo = lowerBound(layer.times, layer.times.length, tA), hi = lowerBound(layer.times, layer.times.length, tB);
        const byKind = new Map();
        for (let k = lo; k < hi; k++) {
          const kind = run.kinds[run.kind[layer.idx[k]]];
          byKind.set(kind, (byKind.get(kind) || 0) + 1);
        }
        this.showTip(e, (box) => {
          hel('div', 'tip-kind', (hi - lo).toLocaleString('en-US') + ' records here', box);
          const dl = hel('dl', null, null, box);
          hel('dt', null, 'from', dl); hel('dd', null, fmtOffset(Math.round(tA)), dl);
          hel('dt', null, 'to', dl); hel('dd', null, fmtOffset(Math.round(tB)), dl);
          hel('dt', null, 'lane', dl); hel('dd', null, lane.name, dl);
          for (const [kind, c] of [...byKind].sort((a, b) => b[1] - a[1]).slice(0, 8)) {
            hel('dt', 'field', kind, dl); hel('dd', 'field', c.toLocaleString('en-US'), dl);
          }
          hel('div', 'tip-more', 'zoom in to see each record', box);
        });
        return;
      }
      if (target.hasAttribute('data-i')) {
        const i = Number(target.getAttribute('data-i'));
        if (target.hasAttribute('data-band')) {
          const st = target.getAttribute('data-band');
          this.showTip(e, (box) => {
            hel('div', 'tip-kind', BANDS[st].label, box);
            this.recordBlock(box, i, [['since', fmtOffset(run.t[i])]]);
          });
          return;
        }
        // Every marker drawn within a few pixels: same-instant records stack.
        const near = [];
        for (const m of target.parentNode.querySelectorAll('.marker[data-i]')) {
          const j = Number(m.getAttribute('data-i'));
          if (Math.abs(this.xOf(run.t[j]) - this.xOf(run.t[i])) <= 3) near.push(j);
        }
        if (!near.includes(i)) near.push(i);
        near.sort((a, b) => (a === i ? -1 : b === i ? 1 : a - b));
        this.showTip(e, (box) => {
          for (const j of near.slice(0, 5)) this.recordBlock(box, j, null, true);
          if (near.length > 5) hel('div', 'tip-more', '+' + (near.length - 5) + ' more at this instant — zoom in', box);
        });
        return;
      }
      this.hideTip();
    }
    // One record: kind, #seq, time, UTC, source and every field.
    recordBlock(box, i, extra, withKind) {
      const run = this.run;
      const rec = hel('div', 'rec', null, box);
      if (withKind) {
        const head = hel('div', null, null, rec);
        hel('span', 'tip-kind', run.kinds[run.kind[i]], head);
        hel('span', 'tip-seq', '#' + run.seq[i], head);
      }
      const dl = hel('dl', null, null, rec);
      const row = (k, v, cls) => { hel('dt', cls, k, dl); hel('dd', cls, v, dl); };
      if (extra) for (const [k, v] of extra) row(k, v);
      row('time', fmtOffset(run.t[i]));
      row('UTC', fmtUtc(run.utcOf(i)));
      row('source', run.sources[run.source[i]]);
      if (!withKind) row('record', run.kinds[run.kind[i]] + '  #' + run.seq[i]);
      for (const [k, v] of run.fieldsOf(i)) row(k, v, 'field');
    }
    showTip(e, fill) {
      const tip = this.tip;
      while (tip.firstChild) tip.removeChild(tip.firstChild);
      fill(tip);
      tip.hidden = false;
      // Beside the pointer, inside the window: flipped left or above when it would not fit.
      const box = this.container.getBoundingClientRect();
      const w = tip.offsetWidth, h = tip.offsetHeight;
      let x = e.clientX + 14, y = e.clientY + 14;
      if (x + w > window.innerWidth - 6) x = Math.max(6, e.clientX - w - 14);
      if (y + h > window.innerHeight - 6) y = Math.max(6, e.clientY - h - 14);
      tip.style.left = (x - box.left) + 'px';
      tip.style.top = (y - box.top) + 'px';
    }
    hideTip() { this.tip.hidden = true; }
  }

  // ---- start ----------------------------------------------------------------------------------

  function start() {
    const began = performance.now();
    const node = document.getElementById('clockwork-timeline-data');
    const data = JSON.parse(node.textContent);
    const timelines = [];
    for (const container of document.querySelectorAll('.timeline[data-run]')) {
      const d = data.runs[Number(container.getAttribute('data-run'))];
      if (d) timelines.push(new Timeline(container, d));
    }
    window.clockworkTimelines = timelines;
    // For tests and measurements: when the first frame is drawn, in ms since navigation began,
    // and how long this script took of it.
    requestAnimationFrame(() => requestAnimationFrame(() => {
      document.body.setAttribute('data-timeline-script-ms', String(Math.round(performance.now() - began)));
      document.body.setAttribute('data-timeline-ready', String(Math.round(performance.now())));
    }));
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
