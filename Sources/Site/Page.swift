/// The frame every page shares: one stylesheet and one script, written once into the
/// site (no external resources: the site works from file:// and any static host).
enum Page {
  static func render(title: String, prefix: String, body: String) -> String {
    """
    <!doctype html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:">
    <title>\(HTML.escape(title))</title>
    <link rel="stylesheet" href="\(prefix)site.css">
    <script src="\(prefix)site.js" defer></script>
    </head>
    <body>
    <header><a href="\(prefix)index.html">sizebudget</a></header>
    <main>
    \(body)
    </main>
    <div id="tooltip" role="status" hidden></div>
    </body>
    </html>

    """
  }

  static func statusBadge(_ status: String) -> String {
    "<span class=\"badge status-\(HTML.escape(status))\">\(HTML.escape(status))</span>"
  }

  static let css = """
    :root { --bg: #fff; --fg: #1b1f24; --muted: #57606a; --line: #d0d7de; --panel: #f6f8fa;
      --accent: #0969da; --fail: #cf222e; --warn: #9a6700; --pass: #1a7f37; --second: #8250df;
      color-scheme: light dark; }
    @media (prefers-color-scheme: dark) {
      :root { --bg: #0d1117; --fg: #e6edf3; --muted: #9198a1; --line: #3d444d; --panel: #161b22;
        --accent: #4493f8; --fail: #f85149; --warn: #d29922; --pass: #3fb950; --second: #ab7df8; }
    }
    * { box-sizing: border-box; }
    body { margin: 0; background: var(--bg); color: var(--fg);
      font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; }
    header { padding: .6rem 1rem; border-bottom: 1px solid var(--line); font-weight: 600; }
    main { max-width: 1200px; margin: 0 auto; padding: 1rem; }
    a { color: var(--accent); }
    h1 { font-size: 1.5rem; margin: .3rem 0 .8rem; overflow-wrap: anywhere; }
    h2 { font-size: 1.15rem; margin: 1.6rem 0 .6rem; }
    .muted { color: var(--muted); }
    .scroll { overflow-x: auto; }
    table { border-collapse: collapse; margin: .4rem 0; font-variant-numeric: tabular-nums; }
    th, td { padding: .25rem .6rem; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
    td.num, th.num { text-align: right; white-space: nowrap; }
    pre { background: var(--panel); padding: .7rem; overflow-x: auto; font-size: 13px; border-radius: 6px; }
    code { overflow-wrap: anywhere; }
    .badge { display: inline-block; padding: 0 .45rem; border-radius: 1rem; font-size: .85em; color: #fff; }
    .status-fail { background: var(--fail); } .status-warn { background: var(--warn); }
    .status-pass { background: var(--pass); } .status-unknown, .status-skip, .status-missing, .status-stale, .status-error { background: var(--muted); }
    .cards { display: flex; flex-wrap: wrap; gap: .6rem 1.6rem; margin: .4rem 0 1rem; }
    .cards div { min-width: 8rem; } .cards b { display: block; font-size: 1.2rem; }
    svg { display: block; max-width: 100%; height: auto; }
    svg text { fill: var(--fg); font: 12px system-ui, sans-serif; }
    .chart .grid { stroke: var(--line); stroke-width: 1; }
    .chart .axis text { fill: var(--muted); }
    .chart .line-primary { fill: none; stroke: var(--accent); stroke-width: 2; }
    .chart .line-secondary { fill: none; stroke: var(--second); stroke-width: 1.5; stroke-dasharray: 5 3; }
    .chart .max { stroke: var(--fail); stroke-width: 1.5; }
    .chart .warn { stroke: var(--warn); stroke-width: 1.5; stroke-dasharray: 6 4; }
    .chart .forecast { stroke: var(--fail); stroke-width: 1.5; stroke-dasharray: 2 4; fill: none; }
    .chart .point { fill: var(--accent); stroke: var(--bg); stroke-width: 1; cursor: pointer; }
    .chart .point:hover, .chart .point:focus { r: 6; outline: none; stroke: var(--fg); }
    .chart .selection { fill: var(--accent); opacity: .15; }
    .legend { display: flex; flex-wrap: wrap; gap: .3rem 1rem; font-size: .9em; color: var(--muted); margin: .2rem 0; }
    .legend i { display: inline-block; width: 1.4rem; height: 0; border-top: 2px solid; vertical-align: middle; margin-right: .3rem; }
    .key-primary { border-color: var(--accent) !important; } .key-secondary { border-color: var(--second) !important; border-top-style: dashed !important; }
    .key-max { border-color: var(--fail) !important; } .key-warn { border-color: var(--warn) !important; border-top-style: dashed !important; }
    .key-forecast { border-color: var(--fail) !important; border-top-style: dotted !important; }
    .swatch.layer-0 { background: #8ec5ff; } .swatch.layer-1 { background: #ffb86b; } .swatch.layer-2 { background: #9be3a8; }
    .swatch.layer-3 { background: #c79bff; } .swatch.layer-4 { background: #f7d774; } .swatch.layer-5 { background: #ff8c8c; }
    .swatch.layer-6 { background: #7fd6cf; } .swatch.layer-7 { background: #b8c4cf; }
    .controls { display: flex; flex-wrap: wrap; gap: .4rem; margin: .4rem 0; align-items: center; }
    button { font: inherit; padding: .2rem .7rem; border: 1px solid var(--line); border-radius: 6px;
      background: var(--panel); color: var(--fg); cursor: pointer; }
    button[aria-pressed="true"] { border-color: var(--accent); box-shadow: inset 0 0 0 1px var(--accent); }
    .treemap rect { stroke: var(--bg); stroke-width: 1; cursor: default; }
    .treemap rect[data-child] { cursor: zoom-in; }
    .treemap rect:focus { outline: none; stroke: var(--fg); stroke-width: 3; }
    .treemap text { fill: #111; pointer-events: none; font-size: 11px; }
    .breadcrumb { display: flex; flex-wrap: wrap; gap: .2rem; align-items: center; min-height: 1.8rem; margin: .3rem 0; }
    .breadcrumb button { padding: 0 .4rem; }
    .cat-packages { fill: #8ec5ff; } .cat-caches { fill: #ffb86b; } .cat-bytecode { fill: #f7d774; }
    .cat-build-tools { fill: #ff8c8c; } .cat-gpu { fill: #c79bff; } .cat-tests { fill: #9be3a8; }
    .cat-system { fill: #b8c4cf; } .cat-app { fill: #7fd6cf; } .cat-other { fill: #d9d2c5; }
    .swatch { display: inline-block; width: .8rem; height: .8rem; border-radius: 2px; vertical-align: middle; margin-right: .25rem; }
    .swatch.cat-packages { background: #8ec5ff; } .swatch.cat-caches { background: #ffb86b; }
    .swatch.cat-bytecode { background: #f7d774; } .swatch.cat-build-tools { background: #ff8c8c; }
    .swatch.cat-gpu { background: #c79bff; } .swatch.cat-tests { background: #9be3a8; }
    .swatch.cat-system { background: #b8c4cf; } .swatch.cat-app { background: #7fd6cf; }
    .swatch.cat-other { background: #d9d2c5; }
    .layer-0 { fill: #8ec5ff; } .layer-1 { fill: #ffb86b; } .layer-2 { fill: #9be3a8; } .layer-3 { fill: #c79bff; }
    .layer-4 { fill: #f7d774; } .layer-5 { fill: #ff8c8c; } .layer-6 { fill: #7fd6cf; } .layer-7 { fill: #b8c4cf; }
    .layerbar rect { stroke: var(--bg); stroke-width: 1; }
    details > summary { cursor: pointer; color: var(--muted); margin: .3rem 0; }
    #tooltip { position: fixed; z-index: 10; max-width: 22rem; padding: .45rem .6rem; border-radius: 6px;
      background: var(--panel); color: var(--fg); border: 1px solid var(--line); font-size: 13px;
      pointer-events: none; box-shadow: 0 2px 8px rgba(0,0,0,.25); white-space: pre-line; }
    .spark { display: inline-block; vertical-align: middle; }
    .spark polyline { fill: none; stroke: var(--accent); stroke-width: 1.5; }
    .severity-high { background: var(--fail); } .severity-medium { background: var(--warn); }
    .severity-low, .severity-info { background: var(--muted); }
    @media (max-width: 600px) {
      /* Charts keep a legible size and scroll sideways rather than shrink their text away. */
      .scroll > svg.chart { min-width: 640px; } .scroll > svg.treemap { min-width: 760px; }
      /* Findings read as cards: finding, saving and fix one under the other. */
      #findings thead { display: none; } #findings tr, #findings td { display: block; border: 0; padding: .15rem 0; }
      #findings tr { border-bottom: 1px solid var(--line); padding: .4rem 0; } #findings td.num { text-align: left; }
      #findings { width: 100%; table-layout: fixed; } #findings td { overflow-wrap: anywhere; }
      #findings td.num::before { content: "saves "; color: var(--muted); }
      td code.command { display: block; min-width: 14rem; }
      main { padding: .6rem; } th, td { padding: .2rem .35rem; } .hide-narrow { display: none; }
      h1 { font-size: 1.25rem; }
    }

    """
}
