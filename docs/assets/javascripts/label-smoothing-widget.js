/* Label smoothing widget: plain JS + SVG, no dependencies.
 * Enhances the static markup in [data-ls-widget] on the concept page.
 * Re-initialises on every page emitted by Material's document$ (instant navigation).
 *
 * Math (K classes, smoothing alpha, gap g = z_true - z_other, all wrong logits equal):
 *   t = 1 - alpha + alpha/K            true-class target
 *   1 - t = alpha (K - 1) / K          (computed directly: no cancellation)
 *   -log p_true = softplus(log(K-1) - g)
 *   loss(g) = softplus(log(K-1) - g) + (1 - t) g      (t = 1: hard target)
 *   optimum g* = log(1 + K(1 - alpha)/alpha), loss floor H(y_s), p_true(g*) = t
 */
(function () {
  "use strict";

  var SVGNS = "http://www.w3.org/2000/svg";
  var BARS_MAX_K = 12;      /* bars up to this K, a mass summary above */
  var GAP_MAX = 16;         /* x-axis of the loss plot */

  /* K values on a log scale: about ten steps per decade, exact integers. */
  var K_VALUES = [2, 3, 4, 5, 6, 8];
  [10, 100, 1000].forEach(function (d) {
    [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8].forEach(function (m) { K_VALUES.push(Math.round(m * d)); });
  });
  K_VALUES.push(10000);

  /* ---------- numerics ---------- */

  function softplus(x) {   /* log(1 + e^x) without overflow or loss of precision */
    return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
  }

  function xlogx(x) { return x > 0 ? x * Math.log(x) : 0; }

  function stats(alpha, K) {
    var other = alpha / K;                 /* alpha / K */
    var rest = alpha * (K - 1) / K;        /* 1 - t, exact for small alpha */
    var t = 1 - rest;
    /* H(y_s) = -t log t - (K-1) (alpha/K) log(alpha/K); log t = log1p(-rest) */
    var floor = (t > 0 ? -t * Math.log1p(-rest) : 0) - (K - 1) * xlogx(other);
    var gap = alpha > 0 ? Math.log1p(K * (1 - alpha) / alpha) : Infinity;
    return { alpha: alpha, K: K, t: t, other: other, rest: rest, floor: Math.max(floor, 0), gap: gap };
  }

  /* cross-entropy at gap g for a target whose non-true mass is `rest` */
  function lossAt(g, K, rest) {
    return softplus(Math.log(K - 1) - g) + rest * g;
  }

  function pTrue(g, K) { return Math.exp(-softplus(Math.log(K - 1) - g)); }

  /* ---------- formatting ---------- */

  var SUP = { "-": "\u207b", "0": "\u2070", "1": "\u00b9", "2": "\u00b2", "3": "\u00b3", "4": "\u2074",
    "5": "\u2075", "6": "\u2076", "7": "\u2077", "8": "\u2078", "9": "\u2079" };

  /* 4 significant digits; scientific notation below 1e-3 */
  function fmt(x) {
    if (x === Infinity) return "\u221e";
    if (x === 0) return "0";
    if (Math.abs(x) < 1e-3) {
      var p = x.toExponential(3).split("e");
      var e = String(Number(p[1])).replace(/./g, function (c) { return SUP[c] || c; });
      return p[0] + " \u00d7 10" + e;
    }
    return x.toPrecision(4);
  }

  function fmtAlpha(a) { return a.toFixed(2); }

  /* ---------- SVG helpers ---------- */

  function el(name, attrs, parent, text) {
    var n = document.createElementNS(SVGNS, name);
    for (var k in attrs) if (attrs[k] !== undefined) n.setAttribute(k, attrs[k]);
    if (text !== undefined) n.textContent = text;
    if (parent) parent.appendChild(n);
    return n;
  }

  /* remove everything but <title>/<desc> */
  function clear(svg) {
    Array.prototype.slice.call(svg.childNodes).forEach(function (c) {
      if (c.nodeName !== "title" && c.nodeName !== "desc") svg.removeChild(c);
    });
    return el("g", {}, svg);
  }

  function niceStep(span, n) {
    var raw = span / n, p = Math.pow(10, Math.floor(Math.log10(raw))), f = raw / p;
    return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10) * p;
  }

  var W = 360, H = 240, M = { l: 44, r: 12, t: 28, b: 40 };
  var PW = W - M.l - M.r, PH = H - M.t - M.b;

  function axes(g, xmax, ymax, xlabel, ylabel, xticks, yticks) {
    var sx = function (x) { return M.l + x / xmax * PW; };
    var sy = function (y) { return M.t + PH - y / ymax * PH; };
    var y, x;
    for (y = 0; y <= ymax + 1e-9; y += yticks) {
      el("line", { x1: M.l, x2: M.l + PW, y1: sy(y), y2: sy(y), "class": "ls-grid" }, g);
      el("text", { x: M.l - 6, y: sy(y) + 4, "class": "ls-tick", "text-anchor": "end" }, g,
        String(+y.toFixed(2)));
    }
    for (x = 0; xticks && x <= xmax + 1e-9; x += xticks) {
      el("text", { x: sx(x), y: M.t + PH + 15, "class": "ls-tick", "text-anchor": "middle" }, g, String(x));
    }
    el("line", { x1: M.l, x2: M.l + PW, y1: M.t + PH, y2: M.t + PH, "class": "ls-axis" }, g);
    el("line", { x1: M.l, x2: M.l, y1: M.t, y2: M.t + PH, "class": "ls-axis" }, g);
    el("text", { x: M.l + PW / 2, y: H - 6, "class": "ls-label", "text-anchor": "middle" }, g, xlabel);
    el("text", { x: 12, y: M.t + PH / 2, "class": "ls-label", "text-anchor": "middle",
      transform: "rotate(-90 12 " + (M.t + PH / 2) + ")" }, g, ylabel);
    return { sx: sx, sy: sy };
  }

  function legend(g, items) {
    var x = M.l + 4;
    items.forEach(function (it) {
      el("rect", { x: x, y: 8, width: 12, height: 10, "class": it[0] }, g);
      var t = el("text", { x: x + 16, y: 17, "class": "ls-tick" }, g, it[1]);
      x += 22 + it[1].length * 6.2;
      return t;
    });
  }

  /* ---------- views ---------- */

  function drawDistribution(svg, s) {
    var g = clear(svg);
    if (s.K <= BARS_MAX_K) {
      var a = axes(g, 1, 1, "class (class 1 is the true class)", "target probability", 0, 0.25);
      var slot = PW / s.K, bw = Math.min(14, slot * 0.36);
      for (var i = 0; i < s.K; i++) {
        var cx = M.l + slot * (i + 0.5);
        var hard = i === 0 ? 1 : 0, soft = i === 0 ? s.t : s.other;
        el("rect", { x: cx - bw - 1, y: a.sy(hard), width: bw, height: a.sy(0) - a.sy(hard), "class": "ls-hard-fill" }, g);
        el("rect", { x: cx + 1, y: a.sy(soft), width: bw, height: Math.max(a.sy(0) - a.sy(soft), 0), "class": "ls-soft-fill" }, g);
        el("text", { x: cx, y: M.t + PH + 15, "class": "ls-tick", "text-anchor": "middle" }, g, String(i + 1));
        if (i < 2) el("text", { x: cx + bw + 4, y: Math.min(a.sy(soft) + (i ? -4 : 12), a.sy(0) - 4), "class": "ls-tick" }, g, fmt(soft));
      }
    } else {
      /* large K: stacked bars of true-class mass versus the other K - 1 classes together */
      el("text", { x: M.l + PW / 2, y: H - 6, "class": "ls-label", "text-anchor": "middle" }, g,
        "probability mass (" + (s.K - 1) + " other classes pooled)");
      var bx = function (v) { return M.l + v * PW; }, bh = 34;
      [["hard", 1, 0, 52], ["smoothed", s.t, s.rest, 120]].forEach(function (r) {
        el("text", { x: M.l, y: r[3] - 6, "class": "ls-tick" }, g, r[0] + " target");
        el("rect", { x: bx(0), y: r[3], width: r[1] * PW, height: bh, "class": r[0] === "hard" ? "ls-hard-fill" : "ls-soft-fill" }, g);
        el("rect", { x: bx(r[1]), y: r[3], width: Math.max(r[2] * PW, 0), height: bh, "class": "ls-other-fill" }, g);
        el("text", { x: bx(0) + 4, y: r[3] + bh / 2 + 4, "class": "ls-onbar" }, g, "true " + fmt(r[1]));
        el("text", { x: M.l + PW, y: r[3] + bh + 13, "class": "ls-tick", "text-anchor": "end" }, g,
          "others together " + fmt(r[2]) + (r[2] > 0 ? ", each " + fmt(s.other) : ""));
      });
      el("line", { x1: M.l, x2: M.l + PW, y1: 190, y2: 190, "class": "ls-axis" }, g);
      [0, 0.25, 0.5, 0.75, 1].forEach(function (v) {
        el("line", { x1: bx(v), x2: bx(v), y1: 190, y2: 194, "class": "ls-axis" }, g);
        el("text", { x: bx(v), y: 206, "class": "ls-tick", "text-anchor": "middle" }, g, String(v));
      });
    }
    legend(g, s.K <= BARS_MAX_K ? [["ls-hard-fill", "hard (one-hot)"], ["ls-soft-fill", "smoothed"]]
      : [["ls-other-fill", "the other " + (s.K - 1) + " classes, pooled"]]);
  }

  function drawLoss(svg, s, gNow) {
    var g = clear(svg);
    var ymax0 = Math.log(s.K) * 1.08, yt = niceStep(ymax0, 4), ymax = Math.ceil(ymax0 / yt) * yt;
    var a = axes(g, GAP_MAX, ymax, "logit gap g = z(true) \u2212 z(other)", "cross-entropy (nats)", 2, yt);
    /* the curve leaves the chart where it crosses ymax (a flat line there would read as a plateau) */
    function path(rest) {
      var d = "", n = 160, px = 0, py = lossAt(0, s.K, rest);
      function pt(x, y, cmd) { d += cmd + a.sx(x).toFixed(1) + " " + a.sy(y).toFixed(1); }
      if (py <= ymax) pt(0, py, "M");
      for (var i = 1; i <= n; i++) {
        var x = GAP_MAX * i / n, y = lossAt(x, s.K, rest);
        if ((py > ymax) !== (y > ymax)) pt(px + (ymax - py) / (y - py) * (x - px), ymax, py > ymax ? "M" : "L");
        if (y <= ymax) pt(x, y, "L");
        px = x; py = y;
      }
      return d;
    }
    /* loss floor and optimal gap */
    el("line", { x1: M.l, x2: M.l + PW, y1: a.sy(s.floor), y2: a.sy(s.floor), "class": "ls-marker" }, g);
    el("text", { x: M.l + PW - 2, y: a.sy(s.floor) - 4, "class": "ls-tick ls-marker-text", "text-anchor": "end" }, g,
      "floor H(y\u209b) = " + fmt(s.floor));
    if (s.gap <= GAP_MAX) {
      el("line", { x1: a.sx(s.gap), x2: a.sx(s.gap), y1: M.t, y2: M.t + PH, "class": "ls-marker" }, g);
      el("text", { x: Math.min(a.sx(s.gap) + 4, M.l + PW - 70), y: M.t + 10, "class": "ls-tick ls-marker-text" }, g,
        "g* = " + fmt(s.gap));
    } else {
      el("text", { x: M.l + PW - 2, y: M.t + 10, "class": "ls-tick ls-marker-text", "text-anchor": "end" }, g,
        s.gap === Infinity ? "g* = \u221e (no minimum) \u2192" : "g* = " + fmt(s.gap) + " \u2192");
    }
    el("path", { d: path(0), "class": "ls-hard-line" }, g);
    if (s.alpha > 0) el("path", { d: path(s.rest), "class": "ls-soft-line" }, g);
    if (s.gap <= GAP_MAX) el("circle", { cx: a.sx(s.gap), cy: a.sy(s.floor), r: 4, "class": "ls-opt" }, g);
    /* current gap */
    var lh = lossAt(gNow, s.K, 0), ls = lossAt(gNow, s.K, s.rest);
    el("line", { x1: a.sx(gNow), x2: a.sx(gNow), y1: M.t, y2: M.t + PH, "class": "ls-now" }, g);
    if (lh <= ymax) el("circle", { cx: a.sx(gNow), cy: a.sy(lh), r: 3.5, "class": "ls-now-hard" }, g);
    if (ls <= ymax && s.alpha > 0) el("circle", { cx: a.sx(gNow), cy: a.sy(ls), r: 3.5, "class": "ls-now-soft" }, g);
    legend(g, [["ls-hard-fill", "hard"], ["ls-soft-fill", "smoothed"], ["ls-marker-fill", "optimum"]]);
  }

  /* ---------- wiring ---------- */

  function kIndex(K) {
    var best = 0;
    K_VALUES.forEach(function (k, i) { if (Math.abs(Math.log(k / K)) < Math.abs(Math.log(K_VALUES[best] / K))) best = i; });
    return best;
  }

  function setup(root) {
    if (root.getAttribute("data-ls-ready")) return;
    root.setAttribute("data-ls-ready", "true");
    var q = function (sel) { return root.querySelector(sel); };
    var inA = q("[data-ls-input=alpha]"), inK = q("[data-ls-input=k]"), inG = q("[data-ls-input=gap]");
    var svgD = q("svg[data-ls-view=dist]"), svgL = q("svg[data-ls-view=loss]");
    if (!inA || !inK || !inG || !svgD || !svgL) return;
    var out = {};
    Array.prototype.forEach.call(root.querySelectorAll("[data-ls-out]"), function (n) { out[n.getAttribute("data-ls-out")] = n; });

    inK.min = "0"; inK.max = String(K_VALUES.length - 1); inK.step = "1";
    inK.value = String(kIndex(+(inK.getAttribute("data-k") || 10)));
    inG.max = String(GAP_MAX);

    function put(name, value, text) {
      var n = out[name];
      if (!n) return;
      n.textContent = text === undefined ? fmt(value) : text;
      n.setAttribute("data-value", String(value));
    }

    function update() {
      var alpha = Math.min(Math.max(+inA.value, 0), 1);
      var K = K_VALUES[Math.round(+inK.value)] || 10;
      var gNow = +inG.value;
      var s = stats(alpha, K);
      root.setAttribute("data-k", String(K));
      inA.setAttribute("aria-valuetext", "\u03b1 = " + fmtAlpha(alpha));
      inK.setAttribute("aria-valuetext", K + " classes");
      inG.setAttribute("aria-valuetext", "gap " + gNow.toFixed(1) + " nats");
      put("alpha", alpha, fmtAlpha(alpha));
      put("k", K, String(K));
      put("gap-now", gNow, gNow.toFixed(1));
      put("true", s.t);
      put("other", s.other);
      put("gap", s.gap, s.gap === Infinity ? "\u221e (never reached)" : fmt(s.gap));
      put("floor", s.floor);
      put("confidence", s.t, alpha === 0 ? "\u2192 1 (never reached)" : fmt(s.t));
      var lh = lossAt(gNow, K, 0), lsm = lossAt(gNow, K, s.rest), pt = pTrue(gNow, K);
      put("p-now", pt);
      put("loss-hard-now", lh);
      put("loss-soft-now", lsm);
      if (out.summary) {
        out.summary.textContent = "With \u03b1 = " + fmtAlpha(alpha) + " and K = " + K +
          ", the smoothed target gives the true class " + fmt(s.t) + " and each other class " + fmt(s.other) + ". " +
          (alpha > 0
            ? "The smoothed loss is lowest, " + fmt(s.floor) + " nats, at gap " + fmt(s.gap) +
              ", where the model's top probability is " + fmt(s.t) + "; larger gaps raise it again. "
            : "With hard targets the loss keeps falling as the gap grows and never reaches its minimum of 0. ") +
          "At the current gap " + gNow.toFixed(1) + " the true class has probability " + fmt(pt) +
          "; hard-target loss " + fmt(lh) + ", smoothed-target loss " + fmt(lsm) + ".";
      }
      var dt = svgD.querySelector("desc"), lt = svgL.querySelector("desc");
      if (dt) dt.textContent = K <= BARS_MAX_K
        ? "Bars: the hard target puts 1 on class 1; the smoothed target puts " + fmt(s.t) + " on class 1 and " + fmt(s.other) + " on each of the other " + (K - 1) + " classes."
        : "Stacked bars: true class " + fmt(s.t) + " versus all " + (K - 1) + " other classes together " + fmt(s.rest) + ".";
      if (lt) lt.textContent = "Loss versus logit gap from 0 to " + GAP_MAX + ". The hard-target curve decreases towards 0 without reaching it. " +
        (alpha > 0 ? "The smoothed curve has its minimum " + fmt(s.floor) + " at gap " + fmt(s.gap) + "." : "");
      drawDistribution(svgD, s);
      drawLoss(svgL, s, gNow);
    }

    [inA, inK, inG].forEach(function (i) { i.addEventListener("input", update); i.addEventListener("change", update); });
    root.classList.add("ls-widget--live");
    update();
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-ls-widget]"), setup);
  }

  /* exposed for tests and the console */
  window.labelSmoothingWidget = { stats: stats, lossAt: lossAt, pTrue: pTrue, fmt: fmt, K_VALUES: K_VALUES, init: init };

  if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
    window.document$.subscribe(init);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
