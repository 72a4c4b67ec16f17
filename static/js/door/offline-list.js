// The door's offline list and what this door knows of check-ins beyond it: the list is downloaded
// (with an ETag) and kept in IndexedDB, indexed by badge-code hash, revoked hash and registration id;
// offline, the door decides a scan from it with the same verdicts as badges.checkin.
import { $, formatTime, slug, urls } from "./config.js";
import { get } from "./api.js";
import { conferenceDay, today } from "./days.js";
import { codeDigest } from "./hash.js";
import { setOnline } from "./network.js";
import { store } from "./storage.js";

const KEY = {
  list: `door:list:${slug}`,
  etag: `door:list-etag:${slug}`,
  local: `door:local:${slug}`,
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

let list = null;
const byHash = new Map();
const byRevokedHash = new Map();
const byId = new Map();
// What this door knows of check-ins beyond the list, by delegate and scope (a conference day at the
// main door, "s<id>" at a session's door): {"<registration id>:<scope>": {at, gate, checkin_id, nonce?} | null (undone)}.
let local = store.get(KEY.local, {});
const saveLocal = () => store.set(KEY.local, local);

// The scope of an answer or a scan: the session's door, or the conference day at the main door.
export const scopeOf = ({ session, day }) => (session ? `s${session}` : day);
const keyOf = (id, scope) => `${id}:${scope}`;

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

// <body data-offline-list="ready"> once this door can decide offline from a list it holds: a fresh
// download indexed and stored on the device, a stored one the server confirmed (304), or a stored one
// loaded before the download answers. bench/door_offline.py times page load → ready by it.
function markReady(ready = true) {
  if (ready) document.body.dataset.offlineList = "ready";
  else delete document.body.dataset.offlineList;
}

export function renderListStatus() {
  $("list-status").textContent = list
    ? `Offline list: ${list.count} delegates, downloaded at ${formatTime(list.downloaded_at)}.`
    : "Offline list not downloaded yet.";
}

// Logging out wipes the list and what this door knew of check-ins (names of every delegate) from the
// device; scans still waiting stay queued for the next login.
export async function wipeList() {
  list = null;
  byHash.clear();
  byRevokedHash.clear();
  byId.clear();
  local = {};
  saveLocal();
  store.set(KEY.etag, null);
  markReady(false);
  try {
    await listStore.run("readwrite", (lists) => lists.delete(KEY.list));
  } catch {
    /* nothing stored */
  }
}

// The list kept on the device, until the download answers (a page reloaded offline works from it).
export async function loadStoredList() {
  try {
    const stored = await listStore.get(KEY.list);
    if (stored && !list) {
      // Stored as the JSON text it came as (one string clones far faster than 20,000 objects);
      // a list stored as objects by an earlier version of this page is read as it is.
      const data = typeof stored.json === "string" ? { ...JSON.parse(stored.json), downloaded_at: stored.downloaded_at } : stored;
      if (list) return; // the download answered first
      indexList(data);
      markReady();
    }
  } catch {
    /* no stored list: the download below brings one */
  }
}

// owed: the registration ids the queue still owes the server an admission for. storedLoad: the
// reading of the stored list (loadStoredList()) when it runs beside this first download, so that
// neither waits for the other; a 304 then waits for it, and downloads the whole list if none was stored.
export async function refreshList(owed, storedLoad = null) {
  const headers = {};
  const etag = store.get(KEY.etag, null);
  if (etag && (list || storedLoad)) headers["If-None-Match"] = etag;
  try {
    const response = await get(urls.list, headers);
    if (response.status === 304) {
      if (!list && storedLoad) await storedLoad;
      if (!list) {
        store.set(KEY.etag, null);
        return refreshList(owed);
      }
      list.downloaded_at = new Date().toISOString();
      renderListStatus();
      markReady();
      return;
    }
    if (!response.ok) return;
    const text = await response.text();
    const data = JSON.parse(text);
    data.downloaded_at = new Date().toISOString();
    indexList(data);
    // The fresh list holds every main-door check-in the server knows; keep only what the queue still
    // owes it, and the session doors' check-ins (the list does not carry those).
    const stillOwed = new Set(owed());
    local = Object.fromEntries(Object.entries(local).filter(([key]) => stillOwed.has(key) || key.includes(":s")));
    saveLocal();
    try {
      await listStore.set(KEY.list, { json: text, downloaded_at: data.downloaded_at });
      store.set(KEY.etag, response.headers.get("ETag"));
    } catch {
      store.set(KEY.etag, null); // kept in memory only: download it whole next time
    }
    markReady();
  } catch {
    setOnline(false);
  }
}

// The delegate's live check-in in a scope (a day at the main door, or a session), or null.
function liveCheckin(delegate, scope) {
  const key = keyOf(delegate.id, scope);
  if (Object.hasOwn(local, key)) return local[key];
  const known = typeof scope === "number" ? (delegate.checkins || []).find((checkin) => checkin.day === scope) : null;
  return known ? { at: known.checked_in_at, gate: known.gate, checkin_id: known.checkin_id } : null;
}

// Admitted at the main door on an earlier day (and not undone): the answer is a "welcome back".
function returning(delegate, day) {
  for (let earlier = 1; earlier < day; earlier += 1) {
    if (liveCheckin(delegate, earlier)) return true;
  }
  return false;
}

// The delegate as the answer screen and the scan API name them: the one place a list entry becomes one.
function summary(delegate) {
  const { id, name, badge_name, organisation, category } = delegate;
  return { id, name, badge_name, organisation, category };
}

// The same verdicts as badges.checkin, from the list. `hash` is the scanned code's digest (if a code).
function decide(scan, hash) {
  let delegate = null;
  if (scan.registration) {
    delegate = byId.get(scan.registration) || null;
  } else {
    if (hash === null) {
      return { result: "unknown", detail: "This door could not check the code offline: search for the person by name." };
    }
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
  const day = conferenceDay(scan.scanned_at);
  const session = scan.session_info || null;
  const scope = scopeOf({ session: session && session.id, day });
  const live = liveCheckin(delegate, scope);
  if (live) {
    const where = live.gate ? ` at ${live.gate}` : "";
    const what = session ? `already checked in to ${session.title}` : severalDays() ? `already checked in on day ${day}` : "already checked in";
    return {
      result: "already_checked_in",
      detail: `${delegate.badge_name} is ${what}: at ${formatTime(live.at)}${where}.`,
      registration, first_checked_in_at: live.at, first_gate: live.gate || "", day, ...(session ? { session: session.id } : {}),
    };
  }
  if (session && session.booking && !(delegate.workshops || []).includes(session.id)) {
    return {
      result: "not_booked", detail: `${delegate.name} has not booked ${session.title}: its places are for those who did.`,
      registration, session: session.id,
    };
  }
  local[keyOf(delegate.id, scope)] = { at: scan.scanned_at, gate: scan.gate, checkin_id: null, nonce: scan.nonce };
  saveLocal();
  const back = !session && returning(delegate, day);
  const where = scan.gate ? ` at ${scan.gate}` : "";
  let detail = `Welcome, ${delegate.badge_name}! Checked in${where}.`;
  if (session) detail = `Welcome to ${session.title}, ${delegate.badge_name}! Checked in${where}.`;
  else if (back) detail = `Welcome back, ${delegate.badge_name}! Day ${day}: checked in${where}.`;
  else if (severalDays()) detail = `Welcome, ${delegate.badge_name}! Day ${day}: checked in${where}.`;
  return {
    result: "admitted", detail, registration, checked_in_at: scan.scanned_at, gate: scan.gate,
    queued_nonce: scan.nonce, day, returning: back, ...(session ? { session: session.id } : {}),
  };
}

const severalDays = () => Boolean(list && list.conference.ends_on > list.conference.starts_on);

// Hashing is asynchronous (WebCrypto), so decisions are made one after another, in the order the
// scans came: the same badge scanned twice in a row is admitted once, then refused.
let decided = Promise.resolve();
export function decideOffline(scan) {
  const hash = scan.registration ? null : codeDigest(scan.code).catch(() => null);
  const decision = decided.then(async () => decide(scan, await hash));
  decided = decision.catch(() => {});
  return decision;
}

// What an answer from the server tells this door about a delegate's check-in.
export function remember(body) {
  const person = body.registration;
  if (!person || !body.day) return;
  const key = keyOf(person.id, scopeOf(body));
  if (body.result === "admitted") {
    local[key] = { at: body.checked_in_at, gate: body.gate, checkin_id: body.checkin_id };
  } else if (body.result === "already_checked_in") {
    local[key] = { at: body.first_checked_in_at, gate: body.first_gate, checkin_id: null };
  } else {
    return;
  }
  saveLocal();
}

// The server answered a queued scan: forget the offline admission it stood for (remember() follows).
export function settle(answer, nonce) {
  const person = answer.registration;
  if (!person) return;
  for (const [key, value] of Object.entries(local)) {
    if (key.startsWith(`${person.id}:`) && value && value.nonce === nonce) delete local[key];
  }
  saveLocal();
}

// A check-in undone (on the server, or still in the queue), in its scope.
export function forget(registrationId, scope) {
  local[keyOf(registrationId, scope)] = null;
  saveLocal();
}

// The check-in id this door knows for a delegate (for an undo of an answer given before the server's id).
export const knownCheckinId = (registrationId, scope) => {
  const known = local[keyOf(registrationId, scope)];
  return known ? known.checkin_id : null;
};

// The same folding as badges.checkin.folding.fold: lower case, no accents ("Łukasz" → "lukasz").
const LETTERS = { ł: "l", ø: "o", đ: "d", ð: "d", ħ: "h", ı: "i", ß: "ss", æ: "ae", œ: "oe", þ: "th" };
export const fold = (text) =>
  String(text || "").toLowerCase().replace(/[łøđðħıßæœþ]/g, (c) => LETTERS[c]).normalize("NFKD").replace(/\p{M}/gu, "");

// Search without the network: the list (names and organisations; it holds no e-mail addresses),
// with this door's own check-ins of today.
export function searchList(q) {
  const words = fold(q).split(/\s+/).filter(Boolean);
  const day = today();
  return (list ? list.delegates : [])
    .filter((d) => {
      if (!d.folded) d.folded = fold(`${d.name} | ${d.badge_name} | ${d.organisation}`);
      return words.every((w) => d.folded.includes(w));
    })
    .slice(0, 20)
    .map((d) => {
      const live = liveCheckin(d, day);
      return { ...d, checked_in_at: live ? live.at : null, gate: live ? live.gate : "", checkin_id: live ? live.checkin_id : null, day };
    });
}
