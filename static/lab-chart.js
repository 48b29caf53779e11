// The lab's one chart component (ui/canvas.py): keeps one div per chart and calls Plotly.react
// on it with each new figure, so a redraw updates the chart in place (no re-mount, zoom and
// hover kept by layout.uirevision). plotly.js is loaded once per page from the app's own
// server (data.src), never from the internet.
//
// A module served from static/ (Streamlit's static file serving) that the component's own
// script, a 1.6 kB stub (ui/canvas.py STUB), imports once per page: Streamlit sends that script
// with every element it draws, and the live loop redraws seven charts several times a second
// (this file inline was 13 kB of every chart's every redraw, a third of a page's bytes).
//
// The title, the subtitle lines, the notes over the plot and a page-text legend (meta.legend)
// are drawn here as page text over the chart (text, never markup: textContent), not by
// Plotly: page text wraps to the column, and Plotly, which does not wrap, left a fixed room
// for them that was too small in a narrow column (the legend drawn over the title) and too
// big in a wide one. Plotly then draws its legend and the plot, its top margin growing to fit
// the legend's rows (margin.autoexpand).

function loadPlotly(src) {
  if (!window.__labPlotly) {
    window.__labPlotly = new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = src;
      script.onload = () => resolve(window.Plotly);
      script.onerror = () => { window.__labPlotly = null; reject(new Error("plotly.js")); };
      document.head.appendChild(script);
    });
  }
  return window.__labPlotly;
}

// Images (the decision regions) are decoded before Plotly swaps them in: a data URI that is
// still decoding is drawn as nothing for a frame (a blink of the regions under load). Decoding
// starts when the figure comes (while plotly.js loads, on a page's first draw), so that the
// regions are drawn in their turn and not after every other chart.
function decoded(figure) {
  const sources = [];
  for (const trace of figure.data || []) if (trace.source) sources.push(trace.source);
  return Promise.all(sources.map((src) => {
    const img = new Image();
    img.src = src;
    return img.decode().catch(() => null);
  }));
}

// Plotly's text (ui/charts/common.py plain: entities escaped, <br> between lines) as plain text.
function plainText(text) {
  return String(text || "").replace(/<br\s*\/?>/g, "\n").replace(/<[^>]*>/g, "")
    .replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&");
}

const LEGEND_ROW = 34;  // px of one legend row over the plot (at the figures' font size)
// px over the plot without a legend, and between the legend and the plot: room for the top
// tick label's upper half (asked for: Plotly's automargin would draw the chart again for it)
const FLOOR = 16, UNDER_LEGEND = 12;

// The figure as Plotly draws it here: the title, subtitle and notes over the plot lifted out
// (into `head`), the legend at the top of the plot's div with a top margin as tall as the
// legend was when last drawn (`legendPx`: its rows depend on the width), the height less the
// room the lifted text took. (A legend on the plot's top edge that Plotly's automargin was to
// make room for was left drawn over the plot when its rows changed, in one of several tries.)
function split(figure, width, legendPx) {
  const layout = { ...figure.layout };
  const title = layout.title || {};
  const head = { title: plainText(title.text), lines: [], notes: [],
                 legend: (layout.meta || {}).legend || [] };
  const sub = title.subtitle && title.subtitle.text;
  if (sub) head.lines = plainText(sub).split("\n");
  const kept = [];
  for (const a of layout.annotations || []) {
    if (a.yref === "paper" && a.y >= 1 && a.yanchor === "bottom" && a.xanchor === "left") {
      head.notes.push({ text: plainText(a.text).replace(/\n/g, " "),
                        color: (a.font || {}).color || "" });
    } else kept.push(a);
  }
  const margin = { ...(layout.margin || {}) };
  const top = margin.t ?? 80;
  const legend = layout.legend || {};
  const onTop = layout.showlegend !== false && legend.orientation === "h" &&
    legend.yanchor === "top" && (legend.yref === "container" || legend.y >= 1);
  margin.t = onTop ? (legendPx || LEGEND_ROW) + UNDER_LEGEND : FLOOR;
  let height = Math.max((layout.height || 300) - top + margin.t, 80);
  const square = (layout.meta || {}).square;
  if (square && width > 0) {  // the square plot as wide as its column, up to square.max
    const room = width - (margin.l || 0) - (margin.r || 0);
    const side = Math.min(Math.max(room, 60), square.max);
    height = side + margin.t + square.below;
  }
  // An explicit width (the column's): a resize redraws through Plotly.react like any update.
  // (Plotly's own Plots.resize deletes the layout's size and relayouts: the reader's zoom was
  // lost on a scrollbar's coming and going, under load.)
  Object.assign(layout, { title: { text: "" }, annotations: kept, margin, height,
                          autosize: false, width: Math.max(width, 100) });
  if (onTop) {
    layout.legend = { ...legend, yref: "container", y: 1, yanchor: "top", x: 0, xanchor: "left" };
  }
  return { head, layout, height, onTop };
}

function drawHead(el, head) {
  const parts = [];
  if (head.title) parts.push(["lab-title", head.title, ""]);
  for (const line of head.lines) parts.push(["lab-sub", line, ""]);
  for (const n of head.notes) parts.push(["lab-note", n.text, n.color]);
  const key = JSON.stringify([parts, head.legend]);
  if (el.__key === key) return;  // unchanged: no layout work
  el.__key = key;
  const nodes = parts.map(([cls, text, color]) => {
    const p = document.createElement("div");
    p.className = cls;
    p.textContent = text;
    if (color) p.style.color = color;
    return p;
  });
  if (head.legend.length) {  // a legend as page text (meta.legend): it wraps in a narrow column
    const row = document.createElement("div");
    row.className = "lab-legend";
    for (const item of head.legend) {
      const entry = document.createElement("span");
      const mark = document.createElement("span");
      mark.className = "lab-mark";
      mark.textContent = item.symbol || "■";
      mark.style.color = item.color || "";
      entry.append(mark, document.createTextNode(item.text || ""));
      row.append(entry);
    }
    nodes.push(row);
  }
  el.replaceChildren(...nodes);
}

const STYLE = `
.lab-chart { width: 100%; position: relative;
  font-family: "Source Sans Pro", Helvetica, Arial, sans-serif; }
.lab-unit { position: absolute; left: 4px; bottom: 4px; width: 150px; padding: 6px;
  background: rgba(255, 255, 255, 0.96); border: 1px solid #c4cad4; border-radius: 6px;
  font-size: 14px; line-height: 1.25; color: #1b1f24; pointer-events: none; }
.lab-unit img { width: 138px; height: 138px; image-rendering: pixelated; display: block; }
.lab-head { padding: 0 4px; color: #1b1f24; }
.lab-title { font-size: 20px; font-weight: 600; line-height: 1.3; }
.lab-sub { font-size: 15px; color: #4a5260; line-height: 1.3; }
.lab-note { font-size: 15px; line-height: 1.3; margin-top: 2px; }
.lab-legend { font-size: 16px; line-height: 1.5; margin-top: 4px; display: flex; flex-wrap: wrap;
  column-gap: 14px; }
.lab-mark { margin-right: 4px; font-size: 18px; }
`;

function addStyle() {
  if (document.getElementById("lab-chart-style")) return;
  const style = document.createElement("style");
  style.id = "lab-chart-style";
  style.textContent = STYLE;
  document.head.appendChild(style);
}

const CONFIG = {
  displaylogo: false, showLink: false, showSendToCloud: false, showEditInChartStudio: false,
  responsive: false, scrollZoom: false, doubleClick: "reset+autosize",
  modeBarButtonsToRemove: ["lasso2d", "select2d", "autoScale2d", "toImage"],
};

// The toolbar's PNG (for a lecturer's slides): the chart with its title and subtitle drawn in.
function pngButton(state, icon) {
  return {
    name: "Download as PNG (with its title)",
    icon,
    click: (gd) => {
      const { figure, filename } = state.last;
      const title = figure.layout.title || {};
      const layout = { ...gd.layout, title: { ...title, x: 0, xanchor: "left" },
                       margin: { ...gd.layout.margin, t: (gd.layout.margin.t || 0) + 90 },
                       height: gd.layout.height + 90, width: gd.clientWidth };
      window.Plotly.toImage({ data: gd.data, layout }, { format: "png", scale: 2 })
        .then((url) => {
          const a = document.createElement("a");
          a.href = url;
          a.download = `${filename}.png`;
          a.click();
        });
    },
  };
}

// A hidden unit of the network diagram hovered (or clicked, to keep it) shows its activation
// map over the input plane (meta.unit_maps["layer:unit"], ui/charts/diagram.py): the Inside
// page's picture, for any hidden layer, beside the diagram where the class looks.
function bindUnits(root, state) {
  state.bound = true;
  const box = document.createElement("div");
  box.className = "lab-unit";
  const img = document.createElement("img");
  const caption = document.createElement("div");
  box.append(img, caption);
  box.hidden = true;
  root.append(box);
  let kept = null;
  const show = (point) => {
    const meta = (state.last && state.last.figure.layout.meta) || {};
    const data = point && point.customdata;
    const map = data && (meta.unit_maps || {})[`${data[0]}:${data[1]}`];  // [image, name]
    if (!map) return false;
    img.src = map[0];
    caption.textContent = `${map[1]}: its output over the input plane ` +
      "(x\u2081 right, x\u2082 up; blue = active)";
    box.hidden = false;
    return true;
  };
  state.plot.on("plotly_hover", (ev) => { show(ev.points && ev.points[0]); });
  state.plot.on("plotly_unhover", () => { if (kept) show(kept); else box.hidden = true; });
  state.plot.on("plotly_click", (ev) => {
    const point = ev.points && ev.points[0];
    kept = kept === null && show(point) ? point : null;
    if (!kept) box.hidden = true;
  });
}

async function drawLatest(root) {
  const state = root.__lab;
  if (state.busy) return;  // the draw under way takes the newest figure when it is done
  state.busy = true;
  try {
    while (state.next) {
      const next = state.next;
      state.next = null;
      const [Plotly] = await Promise.all([loadPlotly(next.src), next.images]);
      if (state.next) continue;  // a newer figure came meanwhile: draw that one instead
      state.width = state.plot.clientWidth;
      const { head, layout, height, onTop } = split(next.figure, state.width, state.legendPx);
      drawHead(state.head, head);
      state.plot.style.height = `${height}px`;
      state.last = next;
      if (!state.config) {
        state.config = { ...CONFIG, modeBarButtonsToAdd: [pngButton(state, Plotly.Icons.camera)] };
      }
      await Plotly.react(state.plot, next.figure.data, layout, state.config);
      if (!state.bound) bindUnits(root, state);
      const drawnLegend = onTop && state.plot._fullLayout.legend;
      const legendPx = drawnLegend ? Math.ceil(drawnLegend._height || 0) : 0;
      if (legendPx && Math.abs(legendPx - (state.legendPx || LEGEND_ROW)) > 1) {
        state.legendPx = legendPx;  // its rows changed: draw again with room for them
        state.next = state.next || next;
      }
      state.drawn += 1;
      root.dataset.drawn = String(state.drawn);
    }
  } catch (err) {
    root.dataset.error = String(err);
  } finally {
    state.busy = false;
  }
}

export default function (component) {
  const { parentElement } = component;
  // A chart's data comes as JSON text (ui/canvas.py writes it strictly: no NaN).
  const data = typeof component.data === "string" ? JSON.parse(component.data) : component.data;
  if (data && data.preload) {  // (ui/canvas.py preload: fetch plotly.js while the page runs)
    loadPlotly(data.preload).catch(() => null);
    return;
  }
  if (!data || !data.figure) return;
  addStyle();
  let root = parentElement.querySelector(".lab-chart");
  if (!root) {
    root = document.createElement("div");
    root.className = "lab-chart";
    root.setAttribute("role", "figure");
    const head = document.createElement("div");
    head.className = "lab-head";
    const plot = document.createElement("div");
    plot.className = "lab-plot";
    root.append(head, plot);
    root.__lab = { busy: false, next: null, drawn: 0, head, plot, width: 0 };
    parentElement.appendChild(root);
    // Plotly sizes a chart once; the column's width changes with the sidebar and the window.
    const observer = new ResizeObserver(() => {
      const state = root.__lab;
      const width = plot.clientWidth;
      if (!state.drawn || !state.last || width === state.width) return;
      state.width = width;
      state.next = state.next || state.last;  // (a square plot's height follows its width)
      drawLatest(root);
    });
    observer.observe(parentElement);
    root.__lab.observer = observer;
  }
  // Streamlit may call this between two updates of a chart it keeps, not only when the chart
  // leaves the page: purging then reset the reader's zoom (seen under load). So the chart is
  // let go only if it has left the page.
  const cleanup = () => {
    setTimeout(() => {
      if (root.isConnected) return;
      if (root.__lab.observer) root.__lab.observer.disconnect();
      if (window.Plotly) window.Plotly.purge(root.__lab.plot);
    }, 0);
  };
  // A figure older than the one this chart has (data.seq: [server process, the order drawn])
  // is ignored: Streamlit can hand a chart its figures out of order while this code loads.
  const seq = data.seq, have = root.__lab.seq;
  if (seq && have && seq[0] === have[0] && seq[1] <= have[1]) return cleanup;
  if (seq) root.__lab.seq = seq;
  if (data.alt) root.setAttribute("aria-label", data.alt);
  data.images = decoded(data.figure);
  root.__lab.next = data;
  drawLatest(root);
  return cleanup;
}
