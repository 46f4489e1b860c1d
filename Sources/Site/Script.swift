/// site.js: interaction only (the pages read fully without it). Tooltips, the trend's
/// zoom over the embedded data, the treemap's zoom, breadcrumb and keyboard.
enum Script {
  static let js = #"""
    "use strict";
    (function () {
    const NS = "http://www.w3.org/2000/svg";
    const tip = document.getElementById("tooltip");
    function showTip(text, x, y) {
      tip.textContent = text; tip.hidden = false;
      const w = tip.offsetWidth, h = tip.offsetHeight;
      tip.style.left = Math.max(4, Math.min(x + 14, window.innerWidth - w - 4)) + "px";
      tip.style.top = Math.max(4, (y + 16 + h > window.innerHeight) ? y - h - 10 : y + 16) + "px";
    }
    function hideTip() { tip.hidden = true; }
    function at(event) {
      if (event.clientX !== undefined && event.type.startsWith("mouse")) return [event.clientX, event.clientY];
      const r = event.target.getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2];
    }
    function size(bytes) {
      const units = ["B", "kB", "MB", "GB", "TB"]; let v = Math.abs(bytes), u = 0;
      while (v >= 1000 && u < units.length - 1) { v /= 1000; u++; }
      return (bytes < 0 ? "-" : "") + (u === 0 ? v : v.toFixed(v < 10 ? 2 : 1)) + " " + units[u];
    }
    function exact(bytes) { return bytes.toLocaleString("en-US"); }
    // A commit time in UTC, its first `length` characters of ISO 8601; "" beyond what a
    // Date holds (a commit time is its author's to write, and toISOString throws there).
    function utc(seconds, length) {
      const ms = seconds * 1000;
      return Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString().slice(0, length).replace("T", " ") : "";
    }

    // ---- trend chart ----
    const chart = document.getElementById("trend");
    const dataNode = document.getElementById("trend-data");
    const data = dataNode ? JSON.parse(dataNode.textContent) : null;
    function series(name) { return name === "uncompressed" ? data.uncompressed : data.compressed; }
    function pointText(i) {
      const p = series(data.metric), other = data.metric === "uncompressed" ? "compressed" : "uncompressed";
      let t = data.commits[i].slice(0, 12) + " " + data.subjects[i] + "\n" + data.authors[i] + ", " +
        utc(data.times[i], 16) + " UTC\n" +
        size(p[i]) + " " + data.metric + " (" + exact(p[i]) + " bytes), " + size(series(other)[i]) + " " + other;
      if (i > 0) { const d = p[i] - p[i - 1]; t += "\nchange " + (d > 0 ? "+" : "") + size(d); }
      return t;
    }
    if (chart && data) {
      chart.addEventListener("mouseover", e => {
        const i = e.target.getAttribute("data-i"); if (i !== null) { const [x, y] = at(e); showTip(pointText(+i), x, y); }
      });
      chart.addEventListener("focusin", e => {
        const c = e.target.querySelector ? e.target.querySelector("circle") : null;
        if (c) { const [x, y] = at({ type: "focus", target: c }); showTip(pointText(+c.getAttribute("data-i")), x, y); }
      });
      chart.addEventListener("mouseout", hideTip);
      chart.addEventListener("focusout", hideTip);
      const controls = document.getElementById("trend-controls");
      controls.hidden = false;
      const n = data.commits.length;
      controls.addEventListener("click", e => {
        const last = e.target.getAttribute("data-last"); if (last === null) return;
        const k = +last; draw(k === 0 || k >= n ? 0 : n - k, n - 1, k === 0);
        controls.querySelectorAll("button").forEach(b => b.setAttribute("aria-pressed", b === e.target ? "true" : "false"));
      });
      // Drag across the chart to zoom into that range of commits.
      let start = null, view = [0, n - 1];
      const sel = document.getElementById("trend-selection");
      const L = +chart.dataset.left, R = +chart.dataset.right;
      function svgX(e) { const pt = chart.createSVGPoint(); pt.x = e.clientX; pt.y = e.clientY; return pt.matrixTransform(chart.getScreenCTM().inverse()).x; }
      function indexAt(x) {
        const span = Math.max(view[1] - view[0] + (view.extra || 0), 1);
        return Math.round(view[0] + Math.min(Math.max((x - L) / (R - L), 0), 1) * span);
      }
      chart.addEventListener("mousedown", e => { if (e.target.tagName === "circle") return; start = svgX(e); e.preventDefault(); });
      chart.addEventListener("mousemove", e => {
        if (start === null) return; const x = svgX(e);
        sel.setAttribute("x", Math.min(start, x)); sel.setAttribute("width", Math.abs(x - start));
      });
      window.addEventListener("mouseup", e => {
        if (start === null) return; const x = svgX(e);
        sel.setAttribute("width", 0);
        let a = indexAt(Math.min(start, x)), b = Math.min(indexAt(Math.max(start, x)), n - 1); start = null;
        if (b - a >= 2) { draw(a, b, false); controls.querySelectorAll("button").forEach(b => b.setAttribute("aria-pressed", "false")); }
      });
      function decimate(p, s, from, to) {
        const count = to - from + 1, limit = 1000, buckets = 400;
        const all = []; for (let i = from; i <= to; i++) all.push(i);
        if (count <= limit) return all;
        const keep = new Set([from, to]);
        for (const v of [p, s]) {
          let lo = from, hi = from;
          for (let i = from; i <= to; i++) { if (v[i] < v[lo]) lo = i; if (v[i] > v[hi]) hi = i; }
          keep.add(lo); keep.add(hi);
        }
        for (let b = 0; b < buckets; b++) {
          const a = from + Math.floor(b * count / buckets), e = from + Math.floor((b + 1) * count / buckets);
          if (a >= e) continue; let lo = a, hi = a;
          for (let i = a; i < e; i++) { if (p[i] < p[lo]) lo = i; if (p[i] > p[hi]) hi = i; }
          keep.add(lo); keep.add(hi);
        }
        return Array.from(keep).sort((x, y) => x - y);
      }
      function el(name, attrs, text) {
        const e = document.createElementNS(NS, name);
        for (const k in attrs) e.setAttribute(k, attrs[k]);
        if (text !== undefined) e.textContent = text; return e;
      }
      function draw(from, to, full) {
        const p = series(data.metric), s = series(data.metric === "uncompressed" ? "compressed" : "uncompressed");
        const idx = decimate(p, s, from, to);
        const extra = full ? +chart.dataset.extra : 0;
        view = [from, to]; view.extra = extra;
        let lo = Infinity, hi = -Infinity;
        for (let i = from; i <= to; i++) { lo = Math.min(lo, p[i], s[i]); hi = Math.max(hi, p[i], s[i]); }
        for (const v of [data.max, data.warn]) if (v !== null && v !== undefined) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
        lo *= 0.97; hi = hi * 1.03 + 1;
        const T = +chart.dataset.top, B = +chart.dataset.bottom, span = Math.max(to - from + extra, 1);
        const X = i => L + (i - from) / span * (R - L), Y = v => T + (1 - (v - lo) / (hi - lo)) * (B - T);
        const yaxis = document.getElementById("trend-yaxis"); yaxis.replaceChildren();
        for (let k = 0; k <= 4; k++) {
          const v = lo + (hi - lo) * k / 4, y = Y(v);
          yaxis.append(el("line", { class: "grid", x1: L, x2: R, y1: y, y2: y }));
          yaxis.append(el("text", { x: L - 6, y: y, "text-anchor": "end", "dominant-baseline": "middle" }, size(Math.round(v))));
        }
        const xaxis = document.getElementById("trend-xaxis"); xaxis.replaceChildren();
        for (let k = 0; k <= 4; k++) {
          const i = Math.round(from + (to - from) * k / 4);
          xaxis.append(el("text", { x: X(i), y: +chart.getAttribute("viewBox").split(" ")[3] - 10,
            "text-anchor": i === from ? "start" : i === to ? "end" : "middle" }, utc(data.times[i], 10)));
        }
        for (const [kind, v] of [["max", data.max], ["warn", data.warn]]) {
          const line = document.getElementById("trend-" + kind); if (line) { line.setAttribute("y1", Y(v)); line.setAttribute("y2", Y(v)); }
        }
        const f = document.getElementById("trend-forecast"); if (f) f.style.display = full ? "" : "none";
        document.getElementById("trend-primary").setAttribute("points", idx.map(i => X(i) + "," + Y(p[i])).join(" "));
        document.getElementById("trend-secondary").setAttribute("points", idx.map(i => X(i) + "," + Y(s[i])).join(" "));
        const group = document.getElementById("trend-points"); group.replaceChildren();
        const href = "../commits/";
        for (const i of idx) {
          const a = el("a", { href: href + data.commits[i] + ".html", "aria-label": data.commits[i].slice(0, 12) });
          a.append(el("circle", { class: "point", "data-i": i, "data-commit": data.commits[i], cx: X(i), cy: Y(p[i]), r: idx.length > 150 ? 2.5 : 4 }));
          group.append(a);
        }
        chart.dataset.drawn = idx.length;
        document.getElementById("trend-range").textContent = "commits " + (from + 1) + "–" + (to + 1) + " of " + n +
          (idx.length < to - from + 1 ? " (" + idx.length + " drawn, extremes kept)" : "");
      }
    }

    // ---- treemaps ----
    function crumbs(svg, view) {
      const nav = document.getElementById(svg.id + "-crumbs"); nav.replaceChildren();
      const chain = []; for (let v = view; v; v = v.dataset.parent ? document.getElementById(v.dataset.parent) : null) chain.unshift(v);
      chain.forEach((v, k) => {
        if (k > 0) nav.append(document.createTextNode(" › "));
        if (k === chain.length - 1) { const s = document.createElement("span"); s.textContent = v.dataset.label; nav.append(s); }
        else { const b = document.createElement("button"); b.type = "button"; b.textContent = v.dataset.label;
          b.addEventListener("click", () => show(svg, v, view)); nav.append(b); }
      });
      svg.dataset.view = view.id;
    }
    function show(svg, view, from) {
      svg.querySelectorAll(".tm-view").forEach(g => g.setAttribute("display", g === view ? "inline" : "none"));
      crumbs(svg, view);
      // Focus the tile we came from when going up, the first tile when going down.
      let target = null;
      if (from) { let v = from; while (v && v.dataset.parent !== view.id) v = document.getElementById(v.dataset.parent);
        if (v) target = view.querySelector('rect[data-child="' + v.id + '"]'); }
      (target || view.querySelector("rect")).focus();
    }
    function up(svg) {
      const view = document.getElementById(svg.dataset.view);
      if (view && view.dataset.parent) show(svg, document.getElementById(view.dataset.parent), view);
    }
    document.querySelectorAll("svg.treemap").forEach(svg => {
      crumbs(svg, svg.querySelector(".tm-view"));
      svg.addEventListener("click", e => {
        const child = e.target.getAttribute("data-child"); if (child) show(svg, document.getElementById(child));
      });
      svg.addEventListener("keydown", e => {
        const rect = e.target; if (rect.tagName !== "rect") return;
        const tiles = Array.from(rect.parentNode.querySelectorAll("rect")), k = tiles.indexOf(rect);
        if (e.key === "Enter" || e.key === " ") { const c = rect.getAttribute("data-child"); if (c) show(svg, document.getElementById(c)); }
        else if (e.key === "Escape" || e.key === "Backspace") up(svg);
        else if (e.key === "ArrowRight" || e.key === "ArrowDown") tiles[Math.min(k + 1, tiles.length - 1)].focus();
        else if (e.key === "ArrowLeft" || e.key === "ArrowUp") tiles[Math.max(k - 1, 0)].focus();
        else if (e.key === "Home") tiles[0].focus();
        else if (e.key === "End") tiles[tiles.length - 1].focus();
        else return;
        e.preventDefault();
      });
    });
    document.addEventListener("mouseover", e => {
      const r = e.target; if (!r.closest || !r.closest("svg.treemap, svg.layerbar") || r.tagName !== "rect") return;
      const t = r.querySelector("title"); if (t) { const [x, y] = at(e); showTip(t.textContent, x, y); }
    });
    document.addEventListener("focusin", e => {
      const r = e.target; if (!r.closest || !r.closest("svg.treemap, svg.layerbar")) return;
      const t = r.querySelector("title"); if (t) { const [x, y] = at(e); showTip(t.textContent, x, y); }
    });
    document.addEventListener("mouseout", e => { if (e.target.tagName === "rect") hideTip(); });
    document.addEventListener("focusout", e => { if (e.target.tagName === "rect") hideTip(); });
    const tabs = document.getElementById("treemap-tabs");
    if (tabs) {
      tabs.hidden = false;
      const select = id => {
        document.querySelectorAll(".tm-section").forEach(s => { s.hidden = s.id !== id + "-section"; });
        tabs.querySelectorAll("button").forEach(b => b.setAttribute("aria-pressed", b.dataset.view === id ? "true" : "false"));
      };
      tabs.querySelectorAll("button").forEach(b => { if (!document.getElementById(b.dataset.view)) b.remove(); });
      tabs.addEventListener("click", e => { if (e.target.dataset.view) select(e.target.dataset.view); });
      select("tm-path");
    }
    })();
    """#
}
