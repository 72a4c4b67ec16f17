// The door page: scan a badge (handheld scanner, typing, camera), answer full screen at once,
// keep working from a downloaded list when the network drops, and send queued scans back.
// Every decision online is the server's (POST .../checkin/scan/); offline, the door decides from
// the list (SHA-256 hashes of badge codes, never the codes) and the server has the last word when
// the queue is replayed with the same nonces.

const config = JSON.parse(document.getElementById("door-config").textContent);
const slug = config.conference.slug;
const urls = config.urls;
const $ = (id) => document.getElementById(id);
const csrfToken = document.querySelector("#scan-form [name=csrfmiddlewaretoken]").value;

const SCAN_TIMEOUT_MS = 2500; // past this the door answers from its list and queues the scan
const LIST_REFRESH_MS = 60_000;
const STATS_REFRESH_MS = 15_000;
const SYNC_RETRY_MS = 5_000;
const GREEN_VISIBLE_MS = 4_000;

const VERDICTS = {
  admitted: "Welcome",
  already_checked_in: "Already checked in",
  revoked: "Badge revoked",
  cancelled: "Not confirmed",
  wrong_conference: "Wrong conference",
  unknown: "Unknown badge",
};
const CATEGORIES = {
  partner: "Partner", company: "Company", speaker: "Speaker", sponsor: "Sponsor",
  press: "Press", vip: "VIP", staff: "Staff",
};

// --- Storage on the device -------------------------------------------------------------------
const store = {
  get(key, fallback) {
    try {
      const value = localStorage.getItem(key);
      return value === null ? fallback : JSON.parse(value);
    } catch {
      return fallback;
    }
  },
  set(key, value) {
    try {
      localStorage.setItem(key, JSON.stringify(value));
      return true;
    } catch {
      return false; // full or disabled: the page keeps the data in memory
    }
  },
};
// The list can hold tens of thousands of delegates: more than localStorage takes on some
// phones, so it lives in IndexedDB (localStorage keeps the small things: gate, queue, report).
const listStore = {
  db: null,
  open() {
    if (!this.db) {
      this.db = new Promise((resolve, reject) => {
        const request = indexedDB.open("door", 1);
        request.onupgradeneeded = () => request.result.createObjectStore("lists");
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
    }
    return this.db;
  },
  async run(mode, action) {
    const db = await this.open();
    return new Promise((resolve, reject) => {
      const request = action(db.transaction("lists", mode).objectStore("lists"));
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  },
  get: (key) => listStore.run("readonly", (lists) => lists.get(key)),
  set: (key, value) => listStore.run("readwrite", (lists) => lists.put(value, key)),
};

const KEY = {
  gate: "door:gate",
  list: `door:list:${slug}`,
  etag: `door:list-etag:${slug}`,
  queue: `door:queue:${slug}`,
  local: `door:local:${slug}`,
  report: `door:report:${slug}`,
};

let queue = store.get(KEY.queue, []);
let report = store.get(KEY.report, []);
// What this door knows of check-ins beyond the list: {registration id: {at, gate, checkin_id} | null (undone)}.
let local = store.get(KEY.local, {});
let list = null;
const byHash = new Map();
const byRevokedHash = new Map();
const byId = new Map();
let online = navigator.onLine !== false;
// The session expired (or was ended): scans go on from the list and wait in the queue until a new login.
let loggedOut = false;
let arrivals = null;
let registered = null;

// --- SHA-256 (synchronous, works without a secure context) -----------------------------------
const K = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

function sha256Hex(text) {
  const bytes = new TextEncoder().encode(text);
  const padded = new Uint8Array(((bytes.length + 9 + 63) >> 6) << 6);
  padded.set(bytes);
  padded[bytes.length] = 0x80;
  const view = new DataView(padded.buffer);
  view.setUint32(padded.length - 4, bytes.length * 8);
  const h = new Uint32Array([
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
  ]);
  const w = new Uint32Array(64);
  const rotr = (x, n) => (x >>> n) | (x << (32 - n));
  for (let offset = 0; offset < padded.length; offset += 64) {
    for (let i = 0; i < 16; i++) w[i] = view.getUint32(offset + i * 4);
    for (let i = 16; i < 64; i++) {
      const s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >>> 3);
      const s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >>> 10);
      w[i] = (w[i - 16] + s0 + w[i - 7] + s1) | 0;
    }
    let [a, b, c, d, e, f, g, hh] = h;
    for (let i = 0; i < 64; i++) {
      const t1 = (hh + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i]) | 0;
      const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) | 0;
      hh = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;
    }
    h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
  }
  return Array.from(h, (x) => x.toString(16).padStart(8, "0")).join("");
}

// The same normalisation as badges.codes.normalise_code.
const normaliseCode = (raw) => String(raw || "").replace(/\s+/g, "").toUpperCase();

function newNonce() {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

const timeFormat = new Intl.DateTimeFormat("en-GB", {
  hour: "2-digit", minute: "2-digit", timeZone: config.conference.timezone,
});
const formatTime = (iso) => (iso ? timeFormat.format(new Date(iso)) : "");

// --- Sound and vibration ---------------------------------------------------------------------
let audio = null;
function wakeAudio() {
  if (!audio && (window.AudioContext || window.webkitAudioContext)) {
    try {
      audio = new (window.AudioContext || window.webkitAudioContext)();
    } catch {
      audio = null;
    }
  }
  if (audio && audio.state === "suspended") audio.resume().catch(() => {});
}
function tone(frequency, start, duration, type) {
  const oscillator = audio.createOscillator();
  const gain = audio.createGain();
  oscillator.type = type;
  oscillator.frequency.value = frequency;
  gain.gain.setValueAtTime(0.25, audio.currentTime + start);
  gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + start + duration);
  oscillator.connect(gain).connect(audio.destination);
  oscillator.start(audio.currentTime + start);
  oscillator.stop(audio.currentTime + start + duration);
}
function signal(ok) {
  if (navigator.vibrate) navigator.vibrate(ok ? 80 : [250, 100, 250]);
  if (!audio) return;
  try {
    if (ok) {
      tone(880, 0, 0.09, "sine"); // two short rising notes: come in
      tone(1320, 0.1, 0.12, "sine");
    } else {
      tone(196, 0, 0.22, "square"); // two low buzzes: stop
      tone(196, 0.3, 0.22, "square");
    }
  } catch {
    /* sound is a help, never a requirement */
  }
}

// --- The answer, full screen -----------------------------------------------------------------
const resultBox = $("result");
const codeInput = $("badge-code");
let hideTimer = null;
let shownAnswer = null;

function showAnswer(body, { offline = false } = {}) {
  const ok = body.result === "admitted";
  const person = body.registration;
  shownAnswer = body;
  resultBox.dataset.result = body.result;
  resultBox.className = `door-result ${ok ? "door-result-ok" : body.result === "info" ? "door-result-info" : "door-result-bad"}`;
  $("result-verdict").textContent = VERDICTS[body.result] || body.verdict || "";
  $("result-name").textContent = person ? person.badge_name : "";
  $("result-fullname").textContent = person && person.name !== person.badge_name ? person.name : "";
  $("result-organisation").textContent = person ? person.organisation : "";
  $("result-category").textContent = person ? CATEGORIES[person.category] || person.category : "";
  $("result-category").dataset.category = person ? person.category : "";
  $("result-detail").textContent = body.detail + (offline ? " (Offline: decided from this door's list; will be sent when the network returns.)" : "");
  $("result-undo").hidden = !(ok && (body.checkin_id || body.queued_nonce));
  resultBox.hidden = false;
  clearTimeout(hideTimer);
  if (ok) hideTimer = setTimeout(hideAnswer, GREEN_VISIBLE_MS);
  if (body.result !== "info") signal(ok);
}

function hideAnswer() {
  clearTimeout(hideTimer);
  resultBox.hidden = true;
  shownAnswer = null;
  focusScanner();
}

function focusScanner() {
  if (!cameraStream && document.activeElement !== codeInput && !$("search-results").contains(document.activeElement)) {
    codeInput.focus({ preventScroll: true });
  }
}

// --- Gate ------------------------------------------------------------------------------------
const gate = () => store.get(KEY.gate, "") || "";
function renderGate() {
  const name = gate();
  $("gate-form").hidden = Boolean(name);
  $("gate-current").hidden = !name;
  $("gate-label").textContent = name;
  if (!name) $("gate-name").focus();
}
$("gate-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const name = $("gate-name").value.trim();
  if (!name) return;
  store.set(KEY.gate, name);
  renderGate();
  codeInput.focus();
});
$("gate-change").addEventListener("click", () => {
  $("gate-name").value = gate();
  $("gate-form").hidden = false;
  $("gate-current").hidden = true;
  $("gate-name").focus();
});

// --- The offline list ------------------------------------------------------------------------
function indexList(data) {
  list = data;
  byHash.clear();
  byRevokedHash.clear();
  byId.clear();
  for (const delegate of data.delegates) {
    byId.set(delegate.id, delegate);
    if (delegate.code_sha256) byHash.set(delegate.code_sha256, delegate);
    for (const hash of delegate.revoked_sha256) byRevokedHash.set(hash, delegate);
  }
  renderListStatus();
}

function renderListStatus() {
  $("list-status").textContent = list
    ? `Offline list: ${list.count} delegates, downloaded at ${formatTime(list.downloaded_at)}.`
    : "Offline list not downloaded yet.";
}

async function refreshList() {
  const headers = {};
  const etag = store.get(KEY.etag, null);
  if (list && etag) headers["If-None-Match"] = etag;
  try {
    const response = await fetch(urls.list, { headers, credentials: "same-origin" });
    if (response.status === 304) {
      list.downloaded_at = new Date().toISOString();
      renderListStatus();
      return;
    }
    if (!response.ok) return;
    const data = await response.json();
    data.downloaded_at = new Date().toISOString();
    indexList(data);
    // The fresh list holds every check-in the server knows; keep only what the queue still owes it.
    const owed = new Set(queue.filter((scan) => scan.local_result === "admitted").map((scan) => scan.registration_id));
    local = Object.fromEntries(Object.entries(local).filter(([id]) => owed.has(Number(id))));
    store.set(KEY.local, local);
    try {
      await listStore.set(KEY.list, data);
      store.set(KEY.etag, response.headers.get("ETag"));
    } catch {
      store.set(KEY.etag, null); // kept in memory only: download it whole next time
    }
  } catch {
    setOnline(false);
  }
}

function liveCheckin(delegate) {
  if (Object.hasOwn(local, delegate.id)) return local[delegate.id];
  return delegate.checked_in_at ? { at: delegate.checked_in_at, gate: delegate.gate, checkin_id: delegate.checkin_id } : null;
}

function summary(delegate) {
  const { id, name, badge_name, organisation, category } = delegate;
  return { id, name, badge_name, organisation, category };
}

// The same verdicts as badges.checkin, from the list.
function decideOffline(scan) {
  let delegate = null;
  if (scan.registration) {
    delegate = byId.get(scan.registration) || null;
  } else {
    const hash = sha256Hex(normaliseCode(scan.code));
    delegate = byHash.get(hash) || null;
    const revoked = delegate ? null : byRevokedHash.get(hash);
    if (revoked) {
      return { result: "revoked", detail: "This badge was replaced by a newer one and no longer admits: search for the person by name.", registration: summary(revoked) };
    }
  }
  if (!delegate) {
    return { result: "unknown", detail: list ? "Not a badge of this conference: check the code, or search for the person by name." : "This door has no list yet and the network is down: note the name and check it later." };
  }
  const registration = summary(delegate);
  if (delegate.status === "waitlisted") {
    return { result: "cancelled", detail: `${delegate.name} is on the waiting list, not confirmed: send them to the desk.`, registration };
  }
  if (delegate.status !== "confirmed") {
    return { result: "cancelled", detail: `${delegate.name}'s registration was cancelled: send them to the desk.`, registration };
  }
  const live = liveCheckin(delegate);
  if (live) {
    const where = live.gate ? ` at ${live.gate}` : "";
    return {
      result: "already_checked_in",
      detail: `${delegate.badge_name} is already checked in: at ${formatTime(live.at)}${where}.`,
      registration, first_checked_in_at: live.at, first_gate: live.gate || "",
    };
  }
  local[delegate.id] = { at: scan.scanned_at, gate: scan.gate, checkin_id: null, nonce: scan.nonce };
  store.set(KEY.local, local);
  const where = scan.gate ? ` at ${scan.gate}` : "";
  return {
    result: "admitted", detail: `Welcome, ${delegate.badge_name}! Checked in${where}.`,
    registration, checked_in_at: scan.scanned_at, gate: scan.gate, queued_nonce: scan.nonce,
  };
}

// What an answer from the server tells this door about a delegate's check-in.
function remember(body) {
  const person = body.registration;
  if (!person) return;
  if (body.result === "admitted") {
    local[person.id] = { at: body.checked_in_at, gate: body.gate, checkin_id: body.checkin_id };
  } else if (body.result === "already_checked_in") {
    local[person.id] = { at: body.first_checked_in_at, gate: body.first_gate, checkin_id: null };
  } else {
    return;
  }
  store.set(KEY.local, local);
}

// --- Network state and the queue -------------------------------------------------------------
function setOnline(value) {
  if (online !== value) {
    online = value;
    if (online) sync();
  }
  renderNetwork();
}

function renderNetwork() {
  const status = $("network-status");
  const waiting = queue.length;
  const scans = `${waiting} scan${waiting === 1 ? "" : "s"} waiting`;
  status.dataset.state = loggedOut ? "logged-out" : online ? "online" : "offline";
  status.textContent = loggedOut
    ? `Logged out: ${scans}`
    : online ? (waiting ? `Online: sending ${scans}` : "Online") : `Offline: ${scans}`;
  $("login-again").hidden = !loggedOut;
}

function saveQueue() {
  store.set(KEY.queue, queue);
  renderNetwork();
}

async function postJSON(url, payload, timeoutMs) {
  const controller = new AbortController();
  const timer = timeoutMs ? setTimeout(() => controller.abort(), timeoutMs) : null;
  try {
    return await fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken, Accept: "application/json" },
      body: JSON.stringify(payload),
      signal: controller.signal,
    });
  } finally {
    clearTimeout(timer);
  }
}

let syncing = false;
async function sync() {
  if (syncing || !queue.length || navigator.onLine === false) return;
  syncing = true;
  const batch = queue.slice(0, 100);
  try {
    const response = await postJSON(urls.sync, {
      scans: batch.map(({ code, registration, gate, nonce, scanned_at }) => ({ ...(registration ? { registration } : { code }), gate, nonce, scanned_at })),
    }, 15_000);
    if (response.status === 401 || response.status === 403) {
      setLoggedOut(true);
      return;
    }
    if (!response.ok) throw new Error(`sync answered ${response.status}`);
    setLoggedOut(false);
    const data = await response.json();
    const sent = new Set();
    data.results.forEach((answer, i) => {
      const scan = batch[i];
      sent.add(scan.nonce);
      if (answer.registration && local[answer.registration.id] && local[answer.registration.id].nonce === scan.nonce) {
        delete local[answer.registration.id];
      }
      remember(answer);
      if (scan.local_result === "admitted" && answer.result !== "admitted") {
        report.unshift({ nonce: scan.nonce, scanned_at: scan.scanned_at, gate: scan.gate, answer });
      }
    });
    queue = queue.filter((scan) => !sent.has(scan.nonce));
    store.set(KEY.report, report);
    store.set(KEY.local, local);
    saveQueue();
    renderReport();
    online = true;
    renderNetwork();
    refreshStats();
  } catch {
    setOnline(false);
  } finally {
    syncing = false;
  }
  if (queue.length && online) setTimeout(sync, 0);
}

function renderReport() {
  const section = $("sync-report");
  const items = $("sync-report-list");
  items.replaceChildren(
    ...report.map((entry) => {
      const li = document.createElement("li");
      const person = entry.answer.registration;
      const who = person ? `${person.name} (${person.organisation})` : "A badge";
      li.textContent = `${who}: admitted offline at ${formatTime(entry.scanned_at)}${entry.gate ? ` at ${entry.gate}` : ""}, but ${entry.answer.detail}`;
      li.dataset.result = entry.answer.result;
      return li;
    }),
  );
  section.hidden = report.length === 0;
}
$("sync-report-clear").addEventListener("click", () => {
  report = [];
  store.set(KEY.report, report);
  renderReport();
});

function setLoggedOut(value) {
  if (loggedOut !== value) {
    loggedOut = value;
    renderNetwork();
  }
}

// --- Scanning --------------------------------------------------------------------------------
async function submitScan(target) {
  const scan = { ...target, gate: gate(), nonce: newNonce(), scanned_at: new Date().toISOString() };
  // After a failed request the door answers from its list at once (no 2.5 s wait per person);
  // the queue's retries and the stats poll find out when the server answers again.
  if (online && !loggedOut && navigator.onLine !== false) {
    try {
      const payload = { ...target, gate: scan.gate, nonce: scan.nonce };
      const response = await postJSON(urls.scan, payload, SCAN_TIMEOUT_MS);
      if ([200, 404, 409].includes(response.status)) {
        const body = await response.json();
        if (body.result) {
          showAnswer(body); // first: the person at the door is waiting
          setOnline(true);
          setLoggedOut(false);
          remember(body);
          if (body.result === "admitted" && arrivals !== null) arrivals += 1;
          renderArrivals();
          if (queue.length) sync();
          return body;
        }
      }
      if (response.status === 400) {
        const body = await response.json();
        const message = body.detail || Object.values(body).flat().join(" ");
        showAnswer({ result: "unknown", detail: message });
        return body;
      }
      if (response.status === 401 || response.status === 403) {
        setLoggedOut(true); // answer from the list below; the queue waits for a new login
      }
      // A server error or an expired login: answer from the list, and let the queue retry.
    } catch {
      setOnline(false);
    }
  }
  const body = decideOffline(scan);
  queue.push({ ...scan, local_result: body.result, registration_id: body.registration ? body.registration.id : null });
  saveQueue();
  if (body.result === "admitted" && arrivals !== null) {
    arrivals += 1;
    renderArrivals();
  }
  showAnswer(body, { offline: true });
  return body;
}

$("scan-form").addEventListener("submit", (event) => {
  event.preventDefault();
  wakeAudio();
  const code = codeInput.value.trim();
  codeInput.value = "";
  codeInput.focus({ preventScroll: true });
  if (!code) return;
  submitScan({ code });
});

$("result-next").addEventListener("click", hideAnswer);
resultBox.addEventListener("click", (event) => {
  if (event.target === resultBox) hideAnswer();
});
document.addEventListener("keydown", (event) => {
  wakeAudio();
  if (event.key === "Escape" && !resultBox.hidden) hideAnswer();
});

// --- Undo ------------------------------------------------------------------------------------
async function undo(checkinId) {
  const response = await postJSON(urls.undo.replace("{id}", checkinId), {}, 10_000);
  const body = await response.json();
  if (response.ok) {
    local[body.registration.id] = null;
    store.set(KEY.local, local);
    if (arrivals !== null) arrivals -= 1;
    renderArrivals();
  }
  return { ok: response.ok, body };
}

$("result-undo").addEventListener("click", async () => {
  const answer = shownAnswer;
  if (!answer) return;
  clearTimeout(hideTimer);
  if (answer.queued_nonce && queue.some((scan) => scan.nonce === answer.queued_nonce)) {
    queue = queue.filter((scan) => scan.nonce !== answer.queued_nonce);
    local[answer.registration.id] = null;
    store.set(KEY.local, local);
    saveQueue();
    if (arrivals !== null) arrivals -= 1;
    renderArrivals();
    showAnswer({ result: "info", verdict: "Undone", detail: `Check-in of ${answer.registration.name} undone before it was sent.` });
    return;
  }
  try {
    const known = answer.registration ? local[answer.registration.id] : null;
    const checkinId = answer.checkin_id || (known && known.checkin_id);
    if (!checkinId) throw new Error("no check-in id yet");
    const { ok, body } = await undo(checkinId);
    showAnswer(
      ok
        ? { result: "info", verdict: "Undone", detail: body.detail, registration: body.registration }
        : { result: "info", verdict: "Not undone", detail: body.detail },
    );
  } catch {
    showAnswer({ result: "info", verdict: "Not undone", detail: "Undo needs the network: try again when this door is online." });
  }
  if (lastQuery) search(lastQuery);
});

// --- Search (forgotten badge) -----------------------------------------------------------------
const fold = (text) => String(text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();

function searchOffline(q) {
  const words = fold(q).split(/\s+/).filter(Boolean);
  return (list ? list.delegates : [])
    .filter((d) => words.every((w) => fold(`${d.name} ${d.badge_name} ${d.organisation}`).includes(w)))
    .slice(0, 20)
    .map((d) => {
      const live = liveCheckin(d);
      return { ...d, checked_in_at: live ? live.at : null, gate: live ? live.gate : "", checkin_id: live ? live.checkin_id : null };
    });
}

let lastQuery = "";
async function search(q) {
  lastQuery = q;
  const message = $("search-message");
  if (q.trim().length < 2) {
    message.textContent = "Type at least 2 characters of a name, an organisation or an e-mail address.";
    $("search-results").replaceChildren();
    return;
  }
  let results;
  let offline = false;
  try {
    if (navigator.onLine === false) throw new Error("offline");
    const response = await fetch(`${urls.search}?q=${encodeURIComponent(q)}`, { credentials: "same-origin" });
    if (!response.ok) throw new Error(`search answered ${response.status}`);
    results = (await response.json()).results;
    setOnline(true);
  } catch {
    results = searchOffline(q);
    offline = true;
  }
  message.textContent = `${results.length ? results.length : "No"} delegate${results.length === 1 ? "" : "s"} found${offline ? " in this door's offline list" : ""}.`;
  $("search-results").replaceChildren(...results.map(renderSearchResult));
}

function renderSearchResult(delegate) {
  const li = document.createElement("li");
  li.dataset.registration = delegate.id;
  const name = document.createElement("strong");
  name.textContent = delegate.name;
  const about = document.createElement("span");
  about.textContent = ` ${delegate.organisation} · ${CATEGORIES[delegate.category] || delegate.category}`;
  const state = document.createElement("span");
  state.className = "door-result-state";
  const actions = document.createElement("span");
  actions.className = "door-result-buttons";
  const live = delegate.checked_in_at ? { at: delegate.checked_in_at, gate: delegate.gate } : null;
  if (delegate.status !== "confirmed") {
    state.textContent = delegate.status === "waitlisted" ? "On the waiting list" : "Cancelled";
  } else if (live) {
    state.textContent = `Checked in at ${formatTime(live.at)}${live.gate ? ` (${live.gate})` : ""}`;
    if (delegate.checkin_id) {
      const undoButton = document.createElement("button");
      undoButton.type = "button";
      undoButton.className = "secondary";
      undoButton.textContent = "Undo check-in";
      undoButton.addEventListener("click", async () => {
        try {
          const { body } = await undo(delegate.checkin_id);
          showAnswer({ result: "info", verdict: "Undone", detail: body.detail, registration: body.registration });
        } catch {
          showAnswer({ result: "info", verdict: "Not undone", detail: "Undo needs the network: try again when this door is online." });
        }
        search(lastQuery);
      });
      actions.append(undoButton);
    }
  } else {
    state.textContent = "Not checked in";
    const checkInButton = document.createElement("button");
    checkInButton.type = "button";
    checkInButton.textContent = "Check in";
    checkInButton.addEventListener("click", async () => {
      wakeAudio();
      await submitScan({ registration: delegate.id });
      search(lastQuery);
    });
    actions.append(checkInButton);
  }
  const reprint = document.createElement("a");
  reprint.href = urls.badge_pdf.replace("{id}", delegate.id);
  reprint.target = "_blank";
  reprint.rel = "noopener";
  reprint.textContent = "Reprint badge";
  actions.append(reprint);
  li.append(name, about, document.createElement("br"), state, actions);
  return li;
}

$("search-form").addEventListener("submit", (event) => {
  event.preventDefault();
  search($("search-q").value);
});

// --- Arrivals --------------------------------------------------------------------------------
function renderArrivals() {
  $("arrivals-count").textContent = arrivals === null ? "–" : String(Math.max(arrivals, 0));
  $("registered-count").textContent = registered === null ? "–" : String(registered);
}

async function refreshStats() {
  if (navigator.onLine === false) return;
  try {
    const response = await fetch(urls.stats, { credentials: "same-origin" });
    if (!response.ok) return;
    const stats = await response.json();
    setOnline(true);
    arrivals = stats.checked_in + queue.filter((scan) => scan.local_result === "admitted").length;
    registered = stats.registered;
    renderArrivals();
  } catch {
    setOnline(false);
  }
}

// --- Camera ----------------------------------------------------------------------------------
let cameraStream = null;
let detector = null;
let lastCameraCode = { code: "", at: 0 };

async function barcodeDetector() {
  if (detector) return detector;
  if ("BarcodeDetector" in window) {
    try {
      const formats = await window.BarcodeDetector.getSupportedFormats();
      if (formats.includes("qr_code")) {
        detector = new window.BarcodeDetector({ formats: ["qr_code"] });
        return detector;
      }
    } catch {
      /* fall back to the vendored decoder */
    }
  }
  // Safari on iPhone, Firefox: the vendored polyfill, with its WebAssembly from our own static files.
  const module = await import(`${config.vendor}ponyfill.js`);
  module.prepareZXingModule({
    overrides: {
      locateFile: (path, prefix) => (path.endsWith(".wasm") ? new URL(`${config.vendor}${path}`, location.href).href : prefix + path),
    },
  });
  detector = new module.BarcodeDetector({ formats: ["qr_code"] });
  return detector;
}
window.doorBarcodeDetector = barcodeDetector; // for the browser tests and the curious

async function startCamera() {
  const message = $("camera-message");
  $("camera").hidden = false;
  message.textContent = "Starting the camera…";
  try {
    const reader = await barcodeDetector();
    cameraStream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
    const video = $("camera-video");
    video.srcObject = cameraStream;
    await video.play();
    $("camera-toggle").textContent = "Stop camera";
    message.textContent = "Hold the badge's QR code in front of the camera.";
    const tick = async () => {
      if (!cameraStream) return;
      try {
        const codes = await reader.detect(video);
        const code = codes.length ? codes[0].rawValue : "";
        const now = Date.now();
        // A badge held in view is read once; it is read again only after 3 s out of view.
        if (code) {
          if (code !== lastCameraCode.code || now - lastCameraCode.at > 3000) submitScan({ code });
          lastCameraCode = { code, at: now };
        }
      } catch {
        /* a frame that could not be read */
      }
      setTimeout(tick, 120);
    };
    tick();
  } catch (error) {
    stopCamera();
    $("camera").hidden = false;
    message.textContent = `The camera could not start (${error.name || error}): type the code or use a handheld scanner.`;
  }
}

function stopCamera() {
  if (cameraStream) cameraStream.getTracks().forEach((track) => track.stop());
  cameraStream = null;
  $("camera").hidden = true;
  $("camera-toggle").textContent = "Scan with camera";
}

$("camera-toggle").addEventListener("click", () => {
  wakeAudio();
  if (cameraStream) {
    stopCamera();
    codeInput.focus();
  } else {
    startCamera();
  }
});

// --- Start -----------------------------------------------------------------------------------
window.addEventListener("online", () => setOnline(true));
window.addEventListener("offline", () => setOnline(false));
document.addEventListener("visibilitychange", () => {
  if (!document.hidden) focusScanner();
});

renderGate();
renderNetwork();
renderReport();
renderArrivals();
renderListStatus();
if (gate()) codeInput.focus();
listStore
  .get(KEY.list)
  .then((stored) => {
    if (stored && !list) indexList(stored);
  })
  .catch(() => {})
  .finally(refreshList);
refreshStats();
sync();
setInterval(refreshList, LIST_REFRESH_MS);
setInterval(refreshStats, STATS_REFRESH_MS);
setInterval(() => {
  if (queue.length) sync();
}, SYNC_RETRY_MS);
if ("serviceWorker" in navigator && window.isSecureContext) {
  navigator.serviceWorker.addEventListener("message", (event) => {
    if (event.data && event.data.precached) document.body.dataset.doorCached = "true";
  });
  navigator.serviceWorker
    .register(config.service_worker, { scope: "/door/" })
    .then(() => navigator.serviceWorker.ready)
    .then((registration) => {
      const assets = [...document.querySelectorAll("link[rel=stylesheet][href], script[src]")].map((el) => el.getAttribute("href") || el.getAttribute("src"));
      const decoder = ["ponyfill.js", "zxing-exported.js", "zxing_reader.wasm"].map((name) => config.vendor + name);
      registration.active.postMessage({ precache: [location.pathname + location.search, ...assets, ...decoder] });
    })
    .catch(() => {
      /* without it the page still works offline; only a reload needs the network */
    });
}
document.body.dataset.doorReady = "true";
