// The autograd_mini playground's page. Every number shown comes from the server, where the
// engine computes it; this script only asks, draws and measures (window.__pg, read by the
// browser tests: redraw times, training updates).
"use strict";

const $ = (id) => document.getElementById(id);
// graphs: graphs shown; applied: expressions applied; answers: graph requests answered
const pg = (window.__pg = { redrawMs: [], trainUpdates: [], graphs: 0, applied: 0, answers: 0,
  ready: false });
const COURSE = { w1: 3, w2: 4, w3: 5 };

async function api(path, body) {
  const response = await fetch(path, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  let data;
  try {
    data = await response.json();
  } catch (e) {
    throw new Error(`the server answered ${response.status} without JSON`);
  }
  if (!response.ok) throw new Error(data.error || `the server answered ${response.status}`);
  return data;
}

function showError(id, error) {
  const box = $(id);
  box.textContent = error ? String(error.message || error) : "";
  box.hidden = !error;
}

function text(x, digits = 12) {
  // the engine's numbers as they travel (numbers, or "nan" / "inf" / "-inf"), shown to
  // `digits` significant digits
  return typeof x === "number" ? String(Number(x.toPrecision(digits))) : String(x);
}

// ------------------------------------------------------------------ tabs
function showView(name) {
  for (const b of document.querySelectorAll("#tabs button")) {
    b.classList.toggle("active", b.dataset.view === name);
  }
  for (const v of document.querySelectorAll(".view")) {
    v.classList.toggle("active", v.id === `view-${name}`);
  }
  if (name === "steps") loadSteps();
  if (name === "descent" && !gd.setup) setupDescent();
}

// ------------------------------------------------------------------ expression and sliders
const ex = { names: [], values: {}, texts: {}, busy: false, pending: null };

function atList() {
  return ex.names.map((n) => `${n}=${ex.texts[n] !== undefined ? ex.texts[n] : ex.values[n]}`);
}

async function applyExpression() {
  const expression = $("expr").value;
  try {
    const parsed = await api("/api/parse", { expression });
    ex.names = parsed.names;
    ex.texts = {};
    for (const n of ex.names) {
      if (!(n in ex.values)) ex.values[n] = n in COURSE ? COURSE[n] : 1;
    }
    buildSliders();
    showError("expr-error", null);
    steps.frames = null;
    await redraw(performance.now());
  } catch (e) {
    showError("expr-error", e);
    $("expr-result").classList.add("stale");
  }
  pg.applied += 1;
}

function buildSliders() {
  const box = $("sliders");
  box.textContent = "";
  for (const n of ex.names) {
    const row = document.createElement("div");
    row.className = "slider";
    const v = ex.values[n];
    const span = Math.max(10, Math.ceil(Math.abs(v) * 2));
    row.innerHTML = `<label for="slider-${n}"></label>
      <input type="range" id="slider-${n}" min="${-span}" max="${span}" step="0.1">
      <input type="text" id="value-${n}" aria-label="value of ${n}">`;
    row.querySelector("label").textContent = n;
    const slider = row.querySelector("input[type=range]");
    const typed = row.querySelector("input[type=text]");
    slider.value = v;
    slider.dataset.name = n;
    typed.value = text(v);
    slider.addEventListener("input", (event) => {
      ex.values[n] = Number(slider.value);
      delete ex.texts[n];
      typed.value = slider.value;
      requestRedraw(event.timeStamp || performance.now());
    });
    typed.addEventListener("change", (event) => {
      ex.texts[n] = typed.value;
      const x = Number(typed.value);
      if (typed.value.trim() !== "" && Number.isFinite(x)) {
        ex.values[n] = x;
        slider.value = x;
      }
      requestRedraw(event.timeStamp || performance.now());
    });
    box.appendChild(row);
  }
}

function requestRedraw(t0) {
  // at most one request in flight; the latest input waits and goes next
  if (ex.busy) {
    ex.pending = ex.pending === null ? t0 : Math.min(ex.pending, t0);
    return;
  }
  redraw(t0);
}

async function redraw(t0) {
  ex.busy = true;
  try {
    const g = await api("/api/graph", { expression: $("expr").value, at: atList() });
    showGraph(g);
    showError("expr-error", null);
    requestAnimationFrame(() => {
      const ms = performance.now() - t0;
      pg.redrawMs.push(ms);
      $("redraw-ms").textContent = ms.toFixed(1);
    });
  } catch (e) {
    showError("expr-error", e);
    $("expr-result").classList.add("stale");
  } finally {
    pg.answers += 1;
    ex.busy = false;
    if (ex.pending !== null) {
      const next = ex.pending;
      ex.pending = null;
      redraw(next);
    }
  }
}

function showGraph(g) {
  const graph = $("graph");
  graph.innerHTML = g.svg;
  $("expr-result").classList.remove("stale");
  const body = $("grads").querySelector("tbody");
  body.textContent = "";
  $("grads").querySelector("th:last-child").textContent = `gradient d${g.root.name}/d·`;
  for (const row of g.grads) {
    const tr = document.createElement("tr");
    tr.dataset.name = row.name;
    tr.innerHTML = "<td></td><td class='value'></td><td class='grad'></td>";
    tr.children[0].textContent = row.name;
    tr.children[1].textContent = text(row.value);
    tr.children[2].textContent = row.text;
    body.appendChild(tr);
  }
  $("root-value").textContent = g.summary;
  $("where").textContent = g.where.length ? "where " + g.where.join(", ") : "";
  $("explain").textContent = g.names.map((n) => g.explain[n]).join("\n");
  pg.graphs += 1;
  pg.lastGraph = g;
  steps.frames = null; // the values changed: step through them afresh
}

// ------------------------------------------------------------------ backprop step by step
const steps = { frames: null, index: 0, timer: null };

async function loadSteps() {
  if (steps.frames) return showFrame();
  try {
    const answer = await api("/api/steps", { expression: $("expr").value, at: atList() });
    steps.frames = answer.frames;
    steps.index = 0;
    showError("steps-error", null);
    showFrame();
  } catch (e) {
    showError("steps-error", e);
  }
}

function showFrame() {
  const f = steps.frames[steps.index];
  $("step-lines").textContent = f.lines.join("\n");
  $("step-graph").innerHTML = f.svg;
  $("step-count").textContent = `frame ${f.index} of ${f.total}`;
  $("step-back").disabled = steps.index === 0;
  $("step-next").disabled = steps.index === steps.frames.length - 1;
}

function moveStep(by) {
  if (!steps.frames) return;
  steps.index = Math.max(0, Math.min(steps.frames.length - 1, steps.index + by));
  showFrame();
}

function playSteps() {
  if (steps.timer) {
    clearInterval(steps.timer);
    steps.timer = null;
    $("step-play").textContent = "play";
    return;
  }
  if (!steps.frames) return;
  if (steps.index === steps.frames.length - 1) steps.index = -1;
  $("step-play").textContent = "pause";
  const tick = () => {
    if (steps.index >= steps.frames.length - 1) return playSteps();
    moveStep(1);
  };
  tick();
  steps.timer = setInterval(tick, 900);
}

// ------------------------------------------------------------------ gradient descent
const gd = { setup: null, w: null, rows: [], losses: [] };

async function setupDescent() {
  try {
    gd.setup = await api("/api/descent/setup", {});
    showSlide(gd.setup);
    resetDescent();
  } catch (e) {
    showError("gd-error", e);
  }
}

function showSlide(s) {
  const body = $("gd-slide").querySelector("tbody");
  body.textContent = "";
  const rows = [["w1", s.slide.w[0], s.exact.w[0]], ["w2", s.slide.w[1], s.exact.w[1]],
    ["w3", s.slide.w[2], s.exact.w[2]], ["new z", s.slide.z, s.exact.z]];
  for (const [name, slide, exact] of rows) {
    const tr = document.createElement("tr");
    tr.dataset.name = name;
    tr.innerHTML = "<th></th><td class='slide'></td><td class='exact'></td>";
    tr.children[0].textContent = name;
    tr.children[1].textContent = text(slide);
    tr.children[2].textContent = text(exact);
    if (Math.abs(slide - exact) > 1e-9) tr.children[1].classList.add("slip");
    body.appendChild(tr);
  }
  $("gd-slide-note").textContent =
    `One step from w = (3, 4, 5) with target ${s.target}, learning rate ${s.lr} and the ` +
    `slide's loss target − z. The gradients of that loss are (${s.exact.grads.join(", ")}): ` +
    `w2 = 4 + ${s.lr}·5 = ${text(s.exact.w[1])}, not 4.1, and w3 = 5 − ${s.lr}·2 = ` +
    `${text(s.exact.w[2])}, not 4.9. The slide's −8.33 is what its slipped weights ` +
    `predict (${text(s.slide.z_from_slide_w)}); the exact weights predict ${text(s.exact.z)}.`;
}

function resetDescent() {
  gd.w = gd.setup.start.slice();
  gd.rows = [];
  gd.losses = [];
  showDescent(null);
}

async function stepDescent(n) {
  showError("gd-error", null);
  try {
    for (let i = 0; i < n; i++) {
      const r = await api("/api/descent", {
        w: gd.w, lr: Number($("gd-lr").value), target: Number($("gd-target").value),
        loss: $("gd-loss").value,
      });
      if (gd.rows.length === 0) {
        gd.rows.push({ step: 0, w: r.before.w, z: r.before.z, loss: r.before.loss });
        gd.losses.push(r.before.loss);
      }
      gd.w = r.after.w;
      gd.rows.push({ step: gd.rows.length, w: r.after.w, z: r.after.z, loss: r.after.loss });
      gd.losses.push(r.after.loss);
      showDescent(r);
    }
  } catch (e) {
    showError("gd-error", e);
  }
}

function showDescent(last) {
  const body = $("gd-state").querySelector("tbody");
  body.textContent = "";
  for (const row of gd.rows.slice(-12)) {
    const tr = document.createElement("tr");
    tr.dataset.step = row.step;
    for (const x of [row.step, ...row.w, row.z, row.loss]) {
      const td = document.createElement("td");
      td.textContent = text(x, 6);
      td.title = text(x, 17);
      tr.appendChild(td);
    }
    body.appendChild(tr);
  }
  $("gd-grads").textContent = last
    ? `last step: dloss/dw = (${last.before.grads.map((x) => text(x, 6)).join(", ")}), ` +
      `w ← w − lr·dloss/dw = (${last.after.w.map((x) => text(x, 6)).join(", ")})`
    : "press step: predict, loss, backpropagate, update";
  plotCurve($("gd-curve"), gd.losses, "loss after each step (step 0: the start)", 0);
}

// ------------------------------------------------------------------ plots
function axis(x) {
  // an axis label: 3 significant digits, in exponent form when very small or large
  const a = Math.abs(x);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? x.toExponential(2) : text(x, 3);
}

function plotCurve(svg, values, title, first = 1) {
  // values[i] is drawn at x = first + i (the step or epoch it belongs to)
  const W = Number(svg.getAttribute("width")), H = Number(svg.getAttribute("height"));
  const L = 56, R = 10, T = 20, B = 22;
  const finite = values.filter((v) => typeof v === "number" && Number.isFinite(v));
  let out = `<text x="${L}" y="14" font-size="12">${title}</text>`;
  if (finite.length) {
    const lo = Math.min(...finite), hi = Math.max(...finite), span = hi - lo || 1;
    const n = values.length, every = Math.max(1, Math.floor(n / 800));
    const pts = [];
    for (let i = 0; i < n; i += every) {
      const v = values[i];
      if (typeof v !== "number" || !Number.isFinite(v)) continue;
      const x = L + (n > 1 ? ((W - L - R) * i) / (n - 1) : (W - L - R) / 2);
      pts.push(`${x.toFixed(1)},${(T + ((H - T - B) * (hi - v)) / span).toFixed(1)}`);
    }
    out += `<rect x="${L}" y="${T}" width="${W - L - R}" height="${H - T - B}" fill="none"
      stroke="#bbb"/><text x="${L - 4}" y="${T + 9}" font-size="11" text-anchor="end">
      ${axis(hi)}</text><text x="${L - 4}" y="${H - B}" font-size="11" text-anchor="end">
      ${axis(lo)}</text><text x="${L}" y="${H - 6}" font-size="11">${first}</text>
      <text x="${W - R}" y="${H - 6}" font-size="11" text-anchor="end">${first + n - 1}</text>
      <polyline fill="none" stroke="#1f77b4" stroke-width="1.5" points="${pts.join(" ")}"/>`;
  }
  svg.innerHTML = out;
}

// ------------------------------------------------------------------ trainer
const tr = { session: null, info: null, version: 0, losses: [], polling: false };

function trainerRequest() {
  return {
    dataset: $("tr-data").value, n: Number($("tr-n").value), noise: Number($("tr-noise").value),
    layers: $("tr-layers").value.split(",").map((s) => Number(s.trim())),
    activation: $("tr-act").value, batch: $("tr-batch").value,
    batch_size: Number($("tr-bs").value), optimizer: $("tr-opt").value,
    lr: Number($("tr-lr").value), seed: Number($("tr-seed").value), session: tr.session,
  };
}

async function startTraining() {
  showError("tr-error", null);
  try {
    const info = await api("/api/train/start", trainerRequest());
    Object.assign(tr, { session: info.session, info, version: 0, losses: [] });
    pg.trainUpdates = [];
    $("tr-net").textContent = `${info.layers.join("-")} (${info.parameters} parameters)`;
    drawTrainer(null);
    if (!tr.polling) pollTraining();
  } catch (e) {
    showError("tr-error", e);
  }
}

async function stopTraining() {
  if (tr.session) await api("/api/train/stop", { session: tr.session }).catch(() => {});
}

async function pollTraining() {
  tr.polling = true;
  try {
    while (tr.session) {
      const session = tr.session;
      let s;
      try {
        s = await api("/api/train/poll",
          { session, since: tr.version, n_losses: tr.losses.length });
      } catch (e) {
        if (session !== tr.session) continue; // the old session ended: poll the new one
        throw e;
      }
      if (session !== tr.session) continue; // a new session started meanwhile
      tr.losses.push(...s.losses);
      if (s.version > tr.version) {
        tr.version = s.version;
        drawTrainer(s);
        pg.trainUpdates.push({ t: performance.now(), version: s.version, step: s.step,
          accuracy: s.accuracy });
      }
      if (!s.running) break;
    }
  } catch (e) {
    showError("tr-error", e);
  } finally {
    tr.polling = false;
  }
}

function drawTrainer(s) {
  const canvas = $("tr-canvas"), ctx = canvas.getContext("2d");
  const info = tr.info, [x0, x1, y0, y1] = info.bounds, W = canvas.width, H = canvas.height;
  ctx.clearRect(0, 0, W, H);
  if (s) {
    const n = info.grid_size, small = document.createElement("canvas");
    small.width = small.height = n;
    const img = small.getContext("2d").createImageData(n, n);
    s.grid.forEach((p, i) => {
      const q = typeof p === "number" ? p : 0.5; // p: the network's probability of class 1
      img.data[4 * i] = 31 + (255 - 31) * q;
      img.data[4 * i + 1] = 119 + (127 - 119) * q;
      img.data[4 * i + 2] = 180 + (14 - 180) * q;
      img.data[4 * i + 3] = 60 + 120 * Math.abs(q - 0.5);
    });
    small.getContext("2d").putImageData(img, 0, 0);
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(small, 0, 0, W, H);
    $("tr-epoch").textContent = s.epoch;
    $("tr-step").textContent = s.step;
    $("tr-acc").textContent = `${(100 * s.accuracy).toFixed(1)}%`;
    $("tr-acc").dataset.value = s.accuracy;
    $("tr-state").textContent = s.error || (s.running ? "training" : "stopped");
    const last = tr.losses[tr.losses.length - 1];
    $("tr-loss").textContent = last === undefined ? "–" : text(last, 6);
    const recent = pg.trainUpdates.filter((u) => u.t > performance.now() - 1000);
    $("tr-rate").textContent = String(recent.length + 1);
  }
  info.points.forEach(([x, y], i) => {
    ctx.beginPath();
    ctx.arc(((x - x0) / (x1 - x0)) * W, ((y1 - y) / (y1 - y0)) * H, 3.5, 0, 2 * Math.PI);
    ctx.fillStyle = info.labels[i] === 1 ? "#ff7f0e" : "#1f77b4";
    ctx.strokeStyle = "#fff";
    ctx.fill();
    ctx.stroke();
  });
  plotCurve($("tr-curve"), tr.losses, "loss per epoch (binary cross-entropy)");
}

// ------------------------------------------------------------------ wiring
document.addEventListener("DOMContentLoaded", () => {
  for (const b of document.querySelectorAll("#tabs button")) {
    b.addEventListener("click", () => showView(b.dataset.view));
  }
  $("expr-form").addEventListener("submit", (e) => {
    e.preventDefault();
    applyExpression();
  });
  $("step-back").addEventListener("click", () => moveStep(-1));
  $("step-next").addEventListener("click", () => moveStep(1));
  $("step-play").addEventListener("click", playSteps);
  $("gd-step").addEventListener("click", () => stepDescent(1));
  $("gd-step10").addEventListener("click", () => stepDescent(10));
  $("gd-reset").addEventListener("click", resetDescent);
  $("tr-form").addEventListener("submit", (e) => {
    e.preventDefault();
    startTraining();
  });
  $("tr-stop").addEventListener("click", stopTraining);
  applyExpression().then(() => {
    pg.ready = true;
    document.body.dataset.ready = "1";
  });
});
