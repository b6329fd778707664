// Shared by every trackprint page: the page's data, typed arrays from base64, canvases sized for
// the screen's pixel ratio, axes, colour maps. Hand-written: no library, nothing fetched.
"use strict";
const tp = (() => {
  const data = () => JSON.parse(document.getElementById("trackprint-data").textContent);

  const bytes = (b64) => {
    const s = atob(b64 || "");
    const out = new Uint8Array(s.length);
    for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
    return out;
  };
  // float32, little-endian, whatever the machine's byte order.
  const f32 = (b64) => {
    const b = bytes(b64);
    const view = new DataView(b.buffer);
    const out = new Float32Array(b.length >> 2);
    for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(4 * i, true);
    return out;
  };

  // A canvas filling `box`'s width at `height` CSS pixels, drawn at the device's resolution, and
  // an overlay canvas on top for cursors. Returns {ctx, overlay, w, h}.
  const canvas = (box, height) => {
    box.innerHTML = "";
    const ratio = window.devicePixelRatio || 1;
    const w = Math.max(200, box.clientWidth);
    const make = (cls) => {
      const c = document.createElement("canvas");
      if (cls) c.className = cls;
      c.width = Math.round(w * ratio);
      c.height = Math.round(height * ratio);
      c.style.height = height + "px";
      box.appendChild(c);
      const ctx = c.getContext("2d");
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      return ctx;
    };
    const ctx = make("");
    const overlay = make("overlay");
    return { ctx, overlay, w, h: height };
  };

  // Round steps for an axis from lo to hi with about `count` ticks.
  const ticks = (lo, hi, count) => {
    const span = hi - lo;
    if (!(span > 0)) return [lo];
    const raw = span / Math.max(1, count);
    const mag = Math.pow(10, Math.floor(Math.log10(raw)));
    const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) || 10 * mag;
    const out = [];
    for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9; v += step) out.push(+v.toFixed(10));
    return out;
  };
  const timeTicks = (duration, count) => {
    const steps = [0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600];
    const raw = duration / Math.max(1, count);
    const step = steps.find((s) => s >= raw) || 3600;
    const out = [];
    for (let t = 0; t <= duration + 1e-9; t += step) out.push(t);
    return out;
  };
  const clock = (s) => {
    if (!isFinite(s)) return "–";
    const m = Math.floor(s / 60);
    const r = s - 60 * m;
    return m + ":" + (r < 10 ? "0" : "") + r.toFixed(r % 1 ? 1 : 0);
  };

  // Colour maps as 256-entry RGB tables, interpolated between a few stops.
  const ramp = (stops) => {
    const lut = new Uint8ClampedArray(256 * 3);
    for (let i = 0; i < 256; i++) {
      const x = (i / 255) * (stops.length - 1);
      const k = Math.min(stops.length - 2, Math.floor(x));
      const f = x - k;
      for (let c = 0; c < 3; c++) lut[3 * i + c] = stops[k][c] + f * (stops[k + 1][c] - stops[k][c]);
    }
    return lut;
  };
  const maps = {
    magma: ramp([[0, 0, 4], [59, 15, 112], [140, 41, 129], [222, 73, 104], [254, 159, 109], [252, 253, 191]]),
    viridis: ramp([[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]]),
  };
  const lutColor = (lut, x) => {
    const i = 3 * Math.max(0, Math.min(255, Math.round(x * 255)));
    return "rgb(" + lut[i] + "," + lut[i + 1] + "," + lut[i + 2] + ")";
  };
  // Ten distinct colours for categories (the last for "other").
  const palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
    "#17becf", "#bcbd22", "#7f7f7f"];

  // An image of `cols` x `rows` bytes (column-major, row 0 at the bottom) through `lut`, drawn
  // into the rectangle (x, y, w, h).
  const drawBytes = (ctx, values, cols, rows, lut, x, y, w, h) => {
    if (!cols || !rows) return;
    const img = new ImageData(cols, rows);
    for (let c = 0; c < cols; c++) {
      for (let r = 0; r < rows; r++) {
        const v = values[c * rows + r];
        const o = 4 * ((rows - 1 - r) * cols + c);
        img.data[o] = lut[3 * v];
        img.data[o + 1] = lut[3 * v + 1];
        img.data[o + 2] = lut[3 * v + 2];
        img.data[o + 3] = 255;
      }
    }
    const off = document.createElement("canvas");
    off.width = cols;
    off.height = rows;
    off.getContext("2d").putImageData(img, 0, 0);
    ctx.imageSmoothingEnabled = cols < w;
    ctx.drawImage(off, x, y, w, h);
  };

  const text = (el, s) => {
    el.textContent = s;
    return el;
  };
  const el = (tag, cls, content) => {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (content !== undefined) e.textContent = content;
    return e;
  };
  // Redraw on resize, once the size settles.
  const onResize = (fn) => {
    let timer = 0;
    window.addEventListener("resize", () => {
      clearTimeout(timer);
      timer = setTimeout(fn, 120);
    });
    window.addEventListener("beforeprint", fn);
  };
  const fmt = (v, digits) => {
    if (v === null || v === undefined || !isFinite(v)) return "–";
    const a = Math.abs(v);
    if (digits !== undefined) return v.toFixed(digits);
    return a >= 100 ? v.toFixed(1) : a >= 10 ? v.toFixed(2) : v.toFixed(3);
  };
  return { data, bytes, f32, canvas, ticks, timeTicks, clock, maps, lutColor, palette, drawBytes,
    text, el, onResize, fmt };
})();
