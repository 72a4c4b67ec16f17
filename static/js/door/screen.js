// The answer, full screen at once: green (come in) or red (stop) with the reason, blue for
// information (an undo); two rising notes or two low buzzes, and a vibration.
import { $, categoryLabel } from "./config.js";

const GREEN_VISIBLE_MS = 4_000;
const VERDICTS = {
  admitted: "Welcome",
  already_checked_in: "Already checked in",
  revoked: "Badge revoked",
  cancelled: "Not confirmed",
  wrong_conference: "Wrong conference",
  not_booked: "Not booked",
  session_full: "Session full",
  unknown: "Unknown badge",
};

function verdict(body) {
  if (body.result === "admitted" && body.returning) return `Welcome back, day ${body.day}`;
  return VERDICTS[body.result] || body.verdict || "";
}

// --- Sound and vibration ---
let audio = null;

// Browsers start sound only after a gesture: every key press or tap wakes it.
export function wakeAudio() {
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

// --- The answer screen ---
const resultBox = $("result");
let hideTimer = null;
let shownAnswer = null;
const afterHide = [];

export const currentAnswer = () => shownAnswer;
export const isShowing = () => !resultBox.hidden;

export function onHidden(listener) {
  afterHide.push(listener);
}

// Keep the answer on screen (an undo is on its way).
export const holdAnswer = () => clearTimeout(hideTimer);

// --- The answer as a modal dialog ---
// While it is shown the rest of the page is inert, Tab cycles inside it, and the scan form sits in
// it (moved, not copied: the same focused "Badge code" field keeps taking a handheld scanner's
// keystrokes, and its next scan replaces the answer).
const scanForm = $("scan-form");
const formHome = { parent: scanForm.parentNode, next: scanForm.nextSibling };
const outside = () => [document.querySelector(".skip-link"), document.querySelector(".site-header"), $("door"), document.querySelector(".site-footer")].filter(Boolean);

function openModal() {
  const field = $("badge-code");
  const hadFocus = document.activeElement === field;
  if (scanForm.parentNode !== $("result-scan-slot")) $("result-scan-slot").append(scanForm);
  outside().forEach((element) => { element.inert = true; });
  if (hadFocus || !resultBox.contains(document.activeElement)) field.focus({ preventScroll: true });
}

function closeModal() {
  outside().forEach((element) => { element.inert = false; });
  if (scanForm.parentNode !== formHome.parent) {
    const hadFocus = document.activeElement === $("badge-code");
    formHome.parent.insertBefore(scanForm, formHome.next);
    if (hadFocus) $("badge-code").focus({ preventScroll: true });
  }
}

function trapTab(event) {
  if (event.key !== "Tab" || !isShowing()) return;
  const focusable = [...resultBox.querySelectorAll("button, input, a[href], select")].filter((el) => !el.hidden && el.offsetParent !== null);
  if (!focusable.length) return;
  const first = focusable[0];
  const last = focusable[focusable.length - 1];
  if (event.shiftKey && (document.activeElement === first || !resultBox.contains(document.activeElement))) {
    event.preventDefault();
    last.focus();
  } else if (!event.shiftKey && (document.activeElement === last || !resultBox.contains(document.activeElement))) {
    event.preventDefault();
    first.focus();
  }
}

// Notes for the door about this delegate (answers to questions shown at the door): plain text, one
// item each, never HTML. With notes, a green answer stays until the next scan, so they can be read.
function doorNotes(body) {
  const notes = (body.registration && body.registration.door_notes) || body.door_notes;
  return Array.isArray(notes) ? notes.filter((note) => typeof note === "string" && note.trim()) : [];
}

function showNotes(notes) {
  const list = $("result-notes");
  list.replaceChildren(
    ...notes.map((note) => {
      const item = document.createElement("li");
      item.textContent = note;
      return item;
    }),
  );
  list.hidden = notes.length === 0;
}

export function showAnswer(body, { offline = false } = {}) {
  const ok = body.result === "admitted";
  const person = body.registration;
  shownAnswer = body;
  resultBox.dataset.result = body.result;
  resultBox.className = `door-result ${ok ? "door-result-ok" : body.result === "info" ? "door-result-info" : "door-result-bad"}`;
  $("result-verdict").textContent = verdict(body);
  $("result-name").textContent = person ? person.badge_name : "";
  $("result-fullname").textContent = person && person.name !== person.badge_name ? person.name : "";
  $("result-organisation").textContent = person ? person.organisation : "";
  $("result-category").textContent = person ? categoryLabel(person.category) : "";
  $("result-category").dataset.category = person ? person.category : "";
  const notes = doorNotes(body);
  showNotes(notes);
  $("result-detail").textContent = body.detail + (offline ? " (Offline: decided from this door's list; will be sent when the network returns.)" : "");
  $("result-undo").hidden = !(ok && (body.checkin_id || body.queued_nonce));
  resultBox.hidden = false;
  resultBox.scrollTop = 0;
  openModal();
  clearTimeout(hideTimer);
  if (ok && !notes.length) hideTimer = setTimeout(hideAnswer, GREEN_VISIBLE_MS);
  if (body.result !== "info") signal(ok);
}

export function hideAnswer() {
  clearTimeout(hideTimer);
  resultBox.hidden = true;
  closeModal();
  shownAnswer = null;
  afterHide.forEach((listener) => listener());
}

export function wireScreen() {
  $("result-next").addEventListener("click", hideAnswer);
  resultBox.addEventListener("click", (event) => {
    if (event.target === resultBox) hideAnswer();
  });
  document.addEventListener("keydown", (event) => {
    wakeAudio();
    if (event.key === "Escape" && isShowing()) hideAnswer();
    trapTab(event);
  });
}
