/* Logit-gap explorer, the hero figure of the label-smoothing overview. Plain JS + SVG.
 * kit/widget.py renders the widget at build time ([data-ls-hero]); this script redraws
 * the same layers with the same geometry when alpha or K change, and plays the descent.
 * It re-initialises on every page Material's document$ emits (instant navigation).
 *
 * Numerics as in snippets/gap_dynamics.py: with all wrong logits equal, a gradient step moves
 * the gap g = z_true - z_other by lr (K / (exp(g) + K - 1) - alpha), the loss at a gap is
 * softplus(log(K - 1) - g) + alpha (K - 1) / K g, and the true class's probability is
 * exp(-softplus(log(K - 1) - g)), each other class's exp(-g) times that.
 */
(function () {
  "use strict";

  var W = 340, H = 224, L = 34, R = 40, T = 26, B = 36, PW = W - L - R, PH = H - T - B;
  var BT = 26, BPW = W - L - 8, BPH = 142 - BT - 38, MAX_BARS = 10;   /* bar panels */
  var PLAY_MS = 6000;   /* the whole descent, at constant speed along the log-step axis */
  var SUP = { "-": "\u207b", 0: "\u2070", 1: "\u00b9", 2: "\u00b2", 3: "\u00b3", 4: "\u2074",
    5: "\u2075", 6: "\u2076", 7: "\u2077", 8: "\u2078", 9: "\u2079" };

  /* ---------- numerics ---------- */

  function trajectory(K, alpha, steps, lr) {
    var gaps = new Float64Array(steps + 1), g = 0;
    for (var n = 1; n <= steps; n++) {
      g += lr * (K / (Math.exp(Math.min(g, 700)) + K - 1) - alpha);
      gaps[n] = g;
    }
    return gaps;
  }

  function softplus(x) { return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)); }

  function gapLoss(K, alpha, g) { return softplus(Math.log(K - 1) - g) + alpha * (K - 1) / K * g; }

  function gapProbabilities(K, g) {
    var logTrue = -softplus(Math.log(K - 1) - g);
    return [Math.exp(logTrue), Math.exp(logTrue - g)];
  }

  function target(d, run) {   /* the one-hot or the smoothed label, true class and each other */
    var a = run === "hard" ? 0 : d.alpha;
    return [1 - a + a / d.K, a / d.K];
  }

  function lossFloor(K, alpha) {   /* H(y_s), written as snippets/label_smoothing.loss_floor */
    var t = 1 - alpha + alpha / K, o = alpha / K;
    return -(t * Math.log(t) + (o > 0 ? (K - 1) * o * Math.log(o) : 0));
  }

  var hardCache = {};
  function descent(K, alpha, steps, lr) {
    var key = K + ":" + steps + ":" + lr;
    var hard = hardCache[key] || (hardCache[key] = trajectory(K, 0, steps, lr));
    return { K: K, alpha: alpha, steps: steps, hard: hard, soft: trajectory(K, alpha, steps, lr),
      optimum: alpha === 0 ? Infinity : Math.log1p(K * (1 - alpha) / alpha), floor: lossFloor(K, alpha) };
  }

  function values(d, chart, n) {
    return chart === "gap" ? [d.hard[n], d.soft[n]] : [gapLoss(d.K, 0, d.hard[n]), gapLoss(d.K, d.alpha, d.soft[n])];
  }

  /* ---------- words ---------- */

  function fmt(x) {
    if (x === Infinity) return "\u221e";
    if (x === 0) return "0";
    if (Math.abs(x) < 1e-3) {
      var p = x.toExponential(2).split("e");
      return p[0] + "\u00d710" + String(+p[1]).replace(/./g, function (c) { return SUP[c]; });
    }
    return x.toPrecision(3);
  }

  function fmtProb(p) {   /* kit/widget.fmt_probability */
    if (p === 1) return "1";
    var text = p.toFixed(4);
    if (text === "1.0000") return "1 \u2212 " + fmt(1 - p);
    return +text < 1e-3 ? fmt(p) : text;
  }

  function fmtAlpha(a) { return a.toFixed(a > 0 && a < 0.01 ? 3 : 2); }

  function readout(d, n) {
    var g = values(d, "gap", n), l = values(d, "loss", n);
    return "<span>Step " + n.toLocaleString("en-US") + ".</span> <span>True-class probability: hard " +
      fmtProb(gapProbabilities(d.K, d.hard[n])[0]) + ", smoothed " + fmtProb(gapProbabilities(d.K, d.soft[n])[0]) +
      ", target " + fmtProb(target(d, "soft")[0]) + ".</span> <span>Gap: hard " + fmt(g[0]) + ", smoothed " + fmt(g[1]) +
      ", " + (d.alpha > 0 ? "g* " + fmt(d.optimum) : "no g*") + ".</span> <span>Loss: hard " + fmt(l[0]) +
      ", smoothed " + fmt(l[1]) + ", floor " + fmt(d.floor) + ".</span>";
  }

  /* ---------- geometry (kit/widget.py draws the same) ---------- */

  function f1(x) { return x.toFixed(1); }

  function xOf(d, n) { return L + PW * Math.log10(1 + n) / Math.log10(1 + d.steps); }

  function niceStep(span, count) {
    var raw = span / count, p = Math.pow(10, Math.floor(Math.log10(raw))), f = raw / p;
    return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10) * p;
  }

  function yAxis(d, chart) {
    var top = 1.04 * (chart === "gap" ? d.hard[d.steps] : Math.log(d.K));
    return { top: top, step: niceStep(top, 4), y: function (v) { return T + PH * (1 - v / top); } };
  }

  function samples(steps) {
    var n = 0, out = [0];
    while (n < steps) { n = Math.min(steps, Math.max(n + 1, Math.floor(n * 1.05))); out.push(n); }
    return out;
  }

  function layer(d, chart) {
    var ax = yAxis(d, chart), out = "", i, y;
    for (i = 0; i <= Math.floor(ax.top / ax.step + 1e-9); i++) {
      y = ax.y(i * ax.step);
      out += '<line class="ls-grid" x1="' + L + '" x2="' + (L + PW) + '" y1="' + f1(y) + '" y2="' + f1(y) + '"/>' +
        '<text class="ls-tick" x="' + (L - 5) + '" y="' + f1(y + 4) + '" text-anchor="end">' + String(+(i * ax.step).toFixed(6)) + "</text>";
    }
    var target = chart === "gap" ? d.optimum : d.floor;
    if (isFinite(target)) {
      y = ax.y(target);
      out += '<line class="ls-target" x1="' + L + '" x2="' + (L + PW) + '" y1="' + f1(y) + '" y2="' + f1(y) + '"/>' +
        '<text class="ls-target-label" x="' + (L + PW + 7) + '" y="' + f1(Math.min(Math.max(y + 4, T + 8), T + PH - 4)) + '">' +
        (chart === "gap" ? "g*" : "H(y\u209b)") + "</text>";
    }
    var ns = samples(d.steps);
    [[1, "soft"], [0, "hard"]].forEach(function (c) {   /* hard last: on top where the two coincide */
      out += '<path class="ls-' + c[1] + '" clip-path="url(#ls-clip-' + chart + ')" d="M' + ns.map(function (n) {
        return f1(xOf(d, n)) + " " + f1(ax.y(values(d, chart, n)[c[0]]));
      }).join("L") + '"/>';
    });
    return out;
  }

  function bars(d, run, n) {   /* kit/widget.bars_layer */
    var p = gapProbabilities(d.K, (run === "hard" ? d.hard : d.soft)[n]), t = target(d, run);
    var slots = Math.min(d.K, MAX_BARS), w = BPW / slots, bottom = BT + BPH, out = "", i, y, v, others = d.K - 1;
    function yOf(q) { return BT + BPH * (1 - q); }
    for (i = 0; i < slots; i++) {
      y = yOf(p[i ? 1 : 0]); v = yOf(t[i ? 1 : 0]);
      out += '<rect class="ls-bar-' + run + '" x="' + f1(L + w * (i + 0.2)) + '" y="' + f1(y) + '" width="' + f1(w * 0.6) +
        '" height="' + f1(bottom - y) + '"/><line class="ls-target" x1="' + f1(L + w * (i + 0.05)) + '" x2="' +
        f1(L + w * (i + 0.95)) + '" y1="' + f1(v) + '" y2="' + f1(v) + '"/>';
    }
    var labels = [[L + w / 2, fmtProb(p[0]), "true class"], others === 1 ? [L + w * (1 + slots) / 2, fmtProb(p[1]), "other class"] :
      [L + w * (1 + slots) / 2, fmtProb(p[1]) + " each", "other classes" +
        (slots - 1 < others ? " (" + (slots - 1) + " of " + others.toLocaleString("en-US") + ")" : "")]];
    labels.forEach(function (a) {
      out += '<text class="ls-value" x="' + f1(a[0]) + '" y="' + (bottom + 15) + '" text-anchor="middle">' + a[1] + "</text>" +
        '<text class="ls-label" x="' + f1(a[0]) + '" y="' + (bottom + 31) + '" text-anchor="middle">' + a[2] + "</text>";
    });
    return out;
  }

  function positions(d, chart, n) {
    var y = yAxis(d, chart).y, x = xOf(d, n), v = values(d, chart, n);
    return { clip: { width: f1(x + 0.5) }, cursor: { x1: f1(x), x2: f1(x) },
      hard: { cx: f1(x), cy: f1(y(v[0])) }, soft: { cx: f1(x), cy: f1(y(v[1])) } };
  }

  /* ---------- wiring ---------- */

  function setup(root) {
    if (root.hasAttribute("data-ls-ready")) return;
    var q = function (s) { return root.querySelector(s); };
    var inA = q("[data-ls-input=alpha]"), inK = q("[data-ls-input=k]"), live = q("[data-ls-readout]");
    var play = q("[data-ls-action=play]"), forward = root.querySelectorAll("[data-ls-action=step], [data-ls-action=decade]");
    if (!inA || !inK || !live || !play) return;
    var alphas = root.getAttribute("data-alphas").split(",").map(Number);
    var ks = root.getAttribute("data-ks").split(",").map(Number);
    var steps = +root.getAttribute("data-steps"), lr = +root.getAttribute("data-lr");
    var d, n = 0, playing = false, frame = 0;

    function place() {
      ["gap", "loss"].forEach(function (chart) {
        var svg = q("svg[data-ls-chart=" + chart + "]"), at = positions(d, chart, n);
        Object.keys(at).forEach(function (name) {
          var node = svg.querySelector("[data-ls-at=" + name + "]");
          Object.keys(at[name]).forEach(function (a) { node.setAttribute(a, at[name][a]); });
        });
      });
      ["hard", "soft"].forEach(function (run) { q("svg[data-ls-bars=" + run + "] [data-ls-layer]").innerHTML = bars(d, run, n); });
      /* at the last step the forward buttons can do nothing: say so, and keep their focus */
      Array.prototype.forEach.call(forward, function (b) { b.setAttribute("aria-disabled", String(n >= steps)); });
      live.innerHTML = readout(d, n);
    }

    function update() {
      var alpha = alphas[+inA.value], K = ks[+inK.value];
      inA.setAttribute("aria-valuetext", "\u03b1 = " + fmtAlpha(alpha));
      inK.setAttribute("aria-valuetext", K.toLocaleString("en-US") + " classes");
      q("[data-ls-out=alpha]").textContent = fmtAlpha(alpha);
      q("[data-ls-out=k]").textContent = K.toLocaleString("en-US");
      d = descent(K, alpha, steps, lr);
      ["gap", "loss"].forEach(function (chart) { q("svg[data-ls-chart=" + chart + "] [data-ls-layer]").innerHTML = layer(d, chart); });
      place();
    }

    function at(pos) { return Math.min(steps, Math.round(Math.pow(1 + steps, pos) - 1)); }
    function pos(m) { return Math.log(1 + m) / Math.log(1 + steps); }

    function stop() {
      playing = false;
      cancelAnimationFrame(frame);
      play.textContent = "Play";
      live.setAttribute("aria-live", "polite");
      place();   /* new text in the live region: read out once, where the descent stopped */
    }

    function start() {
      if (matchMedia("(prefers-reduced-motion: reduce)").matches) { n = steps; stop(); return; }
      if (n >= steps) n = 0;
      playing = true;
      play.textContent = "Pause";
      live.setAttribute("aria-live", "off");   /* no running commentary while it plays */
      var t0 = performance.now() - pos(n) * PLAY_MS;
      frame = requestAnimationFrame(function tick(now) {
        if (!playing || !root.isConnected) return;
        var p = Math.min(1, (now - t0) / PLAY_MS);
        n = at(p);
        if (p >= 1) { stop(); return; }
        place();
        frame = requestAnimationFrame(tick);
      });
    }

    var actions = {
      play: function () { if (playing) stop(); else start(); },
      step: function () { n = Math.min(steps, n + 1); stop(); },
      decade: function () { n = Math.min(steps, Math.max(1, 10 * n)); stop(); },
      reset: function () { n = 0; stop(); }
    };
    root.addEventListener("click", function (e) {
      var b = e.target.closest("[data-ls-action]");
      if (b) actions[b.getAttribute("data-ls-action")]();
    });
    [inA, inK].forEach(function (i) { i.addEventListener("input", update); });
    root.setAttribute("data-ls-ready", "");
    update();
  }


  /* for the browser tests, which compare these with the Python reference */
  window.logitGapExplorer = { trajectory: trajectory, gapLoss: gapLoss, gapProbabilities: gapProbabilities, target: target,
    lossFloor: lossFloor, descent: descent, layer: layer, bars: bars, positions: positions, readout: readout, fmt: fmt,
    fmtProb: fmtProb, samples: samples };

  /* The kit's scripts load at the end of the content of the pages that show the widget
     (hooks/page_assets.py), and instant navigation runs them again on each such page shown:
     the widget is in place already, so it is set up at once. */
  document.querySelectorAll("[data-ls-hero]:not([data-ls-ready])").forEach(setup);
})();
