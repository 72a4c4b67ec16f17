// Whether this door reaches the server, and whether its login still holds; the status line shows
// both with the number of scans waiting (the queue tells it, through waitingCount).
import { $ } from "./config.js";

let online = navigator.onLine !== false;
// The session expired (or was ended): scans go on from the list and wait in the queue until a new login.
let loggedOut = false;
let waitingCount = () => 0;
const backOnline = [];

export const isOnline = () => online;
export const isLoggedOut = () => loggedOut;

export function countWaitingWith(count) {
  waitingCount = count;
}

export function whenBackOnline(listener) {
  backOnline.push(listener);
}

export function setOnline(value) {
  // An answer that arrives after the network dropped (a request sent before) proves nothing:
  // while the browser itself says it is offline, the door stays offline.
  if (value && navigator.onLine === false) value = false;
  if (online !== value) {
    online = value;
    if (online) backOnline.forEach((listener) => listener());
  }
  renderNetwork();
}

export function setLoggedOut(value) {
  if (loggedOut !== value) {
    loggedOut = value;
    renderNetwork();
  }
}

export function renderNetwork() {
  const status = $("network-status");
  const waiting = waitingCount();
  const scans = `${waiting} scan${waiting === 1 ? "" : "s"} waiting`;
  status.dataset.state = loggedOut ? "logged-out" : online ? "online" : "offline";
  status.textContent = loggedOut
    ? `Logged out: ${scans}`
    : online ? (waiting ? `Online: sending ${scans}` : "Online") : `Offline: ${scans}`;
  $("login-again").hidden = !loggedOut;
}

export function listenToTheBrowser() {
  window.addEventListener("online", () => setOnline(true));
  window.addEventListener("offline", () => setOnline(false));
}
