// Scans decided offline wait here (localStorage, each with its nonce and time) until the server
// takes them back through the sync API; what the server then decided otherwise goes to the report.
import { $, formatTime, slug, urls } from "./config.js";
import { postJSON } from "./api.js";
import { remember, scopeOf, settle } from "./offline-list.js";
import { countWaitingWith, isOnline, renderNetwork, setLoggedOut, setOnline, whenBackOnline } from "./network.js";
import { store } from "./storage.js";

const KEY = { queue: `door:queue:${slug}`, report: `door:report:${slug}` };
const SYNC_TIMEOUT_MS = 15_000;
const BATCH = 100;

let queue = store.get(KEY.queue, []);
let report = store.get(KEY.report, []);
let syncing = false;
const afterSync = [];

countWaitingWith(() => queue.length);
whenBackOnline(() => sync());

function saveQueue() {
  store.set(KEY.queue, queue);
  renderNetwork();
}

export const waiting = () => queue.length;

// The admissions decided offline that the server has not heard of yet, as "<registration id>:<scope>".
export const owed = () => queue.filter((scan) => scan.local_result === "admitted").map((scan) => scan.local_key);

// Admissions owed today at this door (the arrivals figure adds them to the server's).
export const owedToday = (scope) => queue.filter((scan) => scan.local_result === "admitted" && scan.local_key.endsWith(`:${scope}`)).length;

export function enqueue(scan, body) {
  const registrationId = body.registration ? body.registration.id : null;
  const localKey = registrationId === null ? null : `${registrationId}:${scopeOf(body)}`;
  queue.push({ ...scan, local_result: body.result, registration_id: registrationId, local_key: localKey });
  saveQueue();
}

// Take a scan back before it was sent (undo of an offline admission); false if it has left already.
export function withdraw(nonce) {
  if (!queue.some((scan) => scan.nonce === nonce)) return false;
  queue = queue.filter((scan) => scan.nonce !== nonce);
  saveQueue();
  return true;
}

export function onSynced(listener) {
  afterSync.push(listener);
}

export async function sync() {
  if (syncing || !queue.length || navigator.onLine === false) return;
  syncing = true;
  const batch = queue.slice(0, BATCH);
  try {
    const response = await postJSON(urls.sync, {
      scans: batch.map(({ code, registration, gate, nonce, scanned_at, session }) => ({
        ...(registration ? { registration } : { code }), gate, nonce, scanned_at, ...(session ? { session } : {}),
      })),
    }, SYNC_TIMEOUT_MS);
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
      settle(answer, scan.nonce);
      remember(answer);
      if (scan.local_result === "admitted" && answer.result !== "admitted") {
        report.unshift({ nonce: scan.nonce, scanned_at: scan.scanned_at, gate: scan.gate, answer });
      }
    });
    queue = queue.filter((scan) => !sent.has(scan.nonce));
    store.set(KEY.report, report);
    saveQueue();
    renderReport();
    setOnline(true);
    afterSync.forEach((listener) => listener());
  } catch {
    setOnline(false);
  } finally {
    syncing = false;
  }
  if (queue.length && isOnline()) setTimeout(sync, 0);
}

export function renderReport() {
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

export function wireReport() {
  $("sync-report-clear").addEventListener("click", () => {
    report = [];
    store.set(KEY.report, report);
    renderReport();
  });
}
