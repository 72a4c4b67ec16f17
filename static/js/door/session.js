// Which door this device stands at: the main door (admission once a day) or a session's door (a
// workshop room), chosen from the conference's sessions and remembered on the device.
import { $, config, slug } from "./config.js";
import { store } from "./storage.js";

const KEY = `door:session:${slug}`;
const sessions = new Map((config.sessions || []).map((session) => [session.id, session]));
const listeners = [];

// The chosen session (its id, kind, title, whether it needs a booking), or null for the main door.
export function currentSession() {
  return sessions.get(store.get(KEY, null)) || null;
}

export const onSessionChange = (listener) => listeners.push(listener);

export function renderSession() {
  const session = currentSession();
  $("door-session").value = session ? String(session.id) : "";
  $("door-session-label").textContent = session ? session.title : "Main door";
  $("arrivals-what").textContent = session ? "checked in to this session" : "checked in today";
  document.body.dataset.doorSession = session ? String(session.id) : "";
}

export function wireSession() {
  $("door-session").addEventListener("change", (event) => {
    const id = Number(event.target.value) || null;
    store.set(KEY, sessions.has(id) ? id : null);
    renderSession();
    listeners.forEach((listener) => listener());
  });
}
