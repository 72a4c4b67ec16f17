// The arrivals count at the top: checked in today at the main door, or in the session at a session's
// door (the server's figure plus this door's queued admissions), against registered.
import { $, urls } from "./config.js";
import { get } from "./api.js";
import { setOnline } from "./network.js";
import { today } from "./days.js";
import { owedToday } from "./queue.js";
import { currentSession } from "./session.js";

let arrivals = null;
let registered = null;

export function renderArrivals() {
  $("arrivals-count").textContent = arrivals === null ? "–" : String(Math.max(arrivals, 0));
  $("registered-count").textContent = registered === null ? "–" : String(registered);
}

// One more (an admission) or one less (an undo), until the next figure from the server.
export function countArrival(delta) {
  if (arrivals !== null) arrivals += delta;
  renderArrivals();
}

export async function refreshStats() {
  if (navigator.onLine === false) return;
  try {
    const session = currentSession();
    const response = await get(session ? `${urls.stats}?session=${session.id}` : urls.stats);
    if (!response.ok) return;
    const stats = await response.json();
    setOnline(true);
    arrivals = (session ? stats.checked_in : stats.today) + owedToday(session ? `s${session.id}` : today());
    registered = stats.registered;
    renderArrivals();
  } catch {
    setOnline(false);
  }
}
