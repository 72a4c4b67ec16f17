// Forgotten badge: search by name, organisation or e-mail (the server, or the offline list), then
// check in, undo or reprint from a result.
import { $, categoryLabel, formatTime, urls } from "./config.js";
import { get } from "./api.js";
import { submitScan } from "./checkin.js";
import { setOnline } from "./network.js";
import { searchList } from "./offline-list.js";
import { showAnswer, wakeAudio } from "./screen.js";
import { NEEDS_NETWORK, undoOnServer } from "./undo.js";

let lastQuery = "";

// Search again for what is shown (after a check-in or an undo changed it).
export function refreshSearch() {
  if (lastQuery) search(lastQuery);
}

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
    const response = await get(`${urls.search}?q=${encodeURIComponent(q)}`);
    if (!response.ok) throw new Error(`search answered ${response.status}`);
    results = (await response.json()).results;
    setOnline(true);
  } catch {
    results = searchList(q);
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
  about.textContent = ` ${delegate.organisation} · ${categoryLabel(delegate.category)}`;
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
          const { body } = await undoOnServer(delegate.checkin_id);
          showAnswer({ result: "info", verdict: "Undone", detail: body.detail, registration: body.registration });
        } catch {
          showAnswer({ result: "info", verdict: "Not undone", detail: NEEDS_NETWORK });
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

export function wireSearch() {
  $("search-form").addEventListener("submit", (event) => {
    event.preventDefault();
    search($("search-q").value);
  });
}
