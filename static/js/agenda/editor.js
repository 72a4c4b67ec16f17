// The organiser's agenda editor: move, resize, add and edit sessions in place.
//
// The page works without this module (each session is a link to its form, "Add
// session" a link to an empty one). With it, every change is a call to the
// sessions API, which runs the same clash checks as every other way in: a
// refused change puts the session back where it was and says why on its card.
// Times are the conference's local wall-clock times ("2027-06-10T10:15"); the
// API reads a time without an offset in the conference's time zone.

const editor = document.querySelector("[data-editor]");
const STEP = Number(editor?.dataset.step || 5);
const KEY_STEP = 15;
const statusLine = editor?.querySelector("[data-status]");

// --- Time and place ----------------------------------------------------------

function parse(local) {
  const [date, time] = local.split("T");
  const [h, m] = time.split(":").map(Number);
  return { date, minutes: h * 60 + m };
}

function format(date, minutes) {
  const h = String(Math.floor(minutes / 60)).padStart(2, "0");
  const m = String(minutes % 60).padStart(2, "0");
  return `${date}T${h}:${m}`;
}

function addMinutes(local, delta) {
  const { date, minutes } = parse(local);
  return format(date, Math.min(24 * 60 - STEP, Math.max(0, minutes + delta)));
}

function span(card) {
  const start = parse(card.dataset.start);
  const end = parse(card.dataset.end);
  const endMinutes = end.date > start.date ? 24 * 60 : end.minutes;
  return { date: start.date, from: start.minutes, to: endMinutes };
}

function grids() {
  return [...editor.querySelectorAll(".day-grid")];
}

function gridFor(date) {
  return grids().find((grid) => grid.dataset.day === date);
}

function lanes(grid) {
  return [...grid.querySelectorAll(".lane")];
}

function rowHeight(grid) {
  const lane = grid.querySelector(".lane");
  return lane.getBoundingClientRect().height / Number(grid.style.getPropertyValue("--rows"));
}

function roomName(card) {
  const lane = editor.querySelector(`.lane[data-room="${card.dataset.room}"]`);
  return lane ? lane.dataset.roomName : "no room";
}

function hhmm(minutes) {
  return format("x", minutes).slice(2);
}

function describe(card) {
  const { from, to } = span(card);
  return `“${card.querySelector(".card-title").textContent}”, ${hhmm(from)}–${hhmm(to)}, ${roomName(card)}`;
}

// Put a card where its data says: its day's grid, its room's column, its rows.
function place(card) {
  const { date, from, to } = span(card);
  const grid = gridFor(date);
  const lane = grid && grid.querySelector(`.lane[data-room="${card.dataset.room}"]`);
  if (!grid || !lane) return;
  const hadFocus = card.contains(document.activeElement);
  if (card.parentElement !== grid) {
    grid.append(card);
    if (!card.querySelector(".resize")) {
      const handle = document.createElement("span");
      handle.className = "resize";
      handle.setAttribute("aria-hidden", "true");
      handle.title = "Drag to change the length";
      card.append(handle);
    }
    card.querySelector(".card-day")?.remove();
  }
  const first = Number(grid.dataset.first);
  const rowFrom = Math.floor((from - first) / STEP) + 2;
  const rowTo = Math.max(rowFrom + 1, Math.floor((to - first) / STEP) + 2);
  card.style.gridColumn = lane.style.gridColumnStart || getComputedStyle(lane).gridColumnStart;
  card.style.gridRow = `${rowFrom} / ${rowTo}`;
  card.querySelector(".card-when").textContent = `${hhmm(from)}–${hhmm(to)}`;
  card.querySelector(".card-where").textContent = `, ${roomName(card)}`;
  if (hadFocus) card.querySelector(".card-main").focus();
}

// --- The API -------------------------------------------------------------------

function csrfToken() {
  return editor.querySelector("input[name=csrfmiddlewaretoken]").value;
}

async function api(method, url, body) {
  const response = await fetch(url, {
    method,
    credentials: "same-origin",
    headers: { Accept: "application/json", "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  let data = null;
  try {
    data = await response.json();
  } catch {
    data = { detail: `The server answered ${response.status}.` };
  }
  return { ok: response.ok, status: response.status, data };
}

function sessionUrl(id) {
  return `${editor.dataset.api}${id}/`;
}

function say(text) {
  statusLine.textContent = text;
}

function firstError(data) {
  if (!data) return "The change could not be saved.";
  if (data.detail) return data.detail;
  const [field, errors] = Object.entries(data)[0] || [];
  return field ? `${field}: ${[].concat(errors)[0]}` : "The change could not be saved.";
}

// The clashes and the publishing section (what the next version would change), as the server sees them now.
async function refreshPublish() {
  const section = editor.querySelector("[data-publish]");
  const response = await fetch(`${window.location.pathname}?part=publish`, { credentials: "same-origin" });
  if (!response.ok) return;
  // Keep what the organiser already wrote in the note and ticked.
  const note = section.querySelector("[name=note]")?.value;
  const notify = section.querySelector("[name=notify]")?.checked;
  section.innerHTML = await response.text();
  if (note && section.querySelector("[name=note]")) section.querySelector("[name=note]").value = note;
  if (notify && section.querySelector("[name=notify]")) section.querySelector("[name=notify]").checked = true;
}

// Save a new time, room or length; on refusal, put the card back and say why on it.
async function save(card, changes) {
  const before = { start: card.dataset.start, end: card.dataset.end, room: card.dataset.room };
  Object.assign(card.dataset, changes);
  place(card);
  card.classList.add("saving");
  const error = card.querySelector(".card-error");
  const result = await api("PATCH", sessionUrl(card.dataset.id), {
    starts_at: card.dataset.start,
    ends_at: card.dataset.end,
    room: card.dataset.room ? Number(card.dataset.room) : null,
  });
  card.classList.remove("saving");
  if (result.ok) {
    error.textContent = "";
    card.classList.remove("clash");
    say(`Saved: ${describe(card)}.`);
    refreshPublish();
    return true;
  }
  Object.assign(card.dataset, before);
  if (before.room) place(card);
  error.textContent = firstError(result.data);
  card.classList.add("clash");
  say(`Not saved: ${error.textContent}`);
  return false;
}

// --- Keyboard --------------------------------------------------------------------

function onKey(event) {
  const card = event.target.closest(".card");
  if (!card || !event.target.classList.contains("card-main")) return;
  const { key, shiftKey, altKey } = event;
  if (!["ArrowUp", "ArrowDown", "ArrowLeft", "ArrowRight"].includes(key)) return;
  event.preventDefault();
  const step = altKey ? STEP : KEY_STEP;
  const { from, to } = span(card);
  if (key === "ArrowUp" || key === "ArrowDown") {
    const delta = key === "ArrowUp" ? -step : step;
    if (shiftKey) {
      if (to + delta - from < STEP) return;
      save(card, { end: addMinutes(card.dataset.end, delta) });
    } else {
      save(card, { start: addMinutes(card.dataset.start, delta), end: addMinutes(card.dataset.end, delta) });
    }
    return;
  }
  const grid = gridFor(span(card).date);
  if (!grid) return;
  const rooms = lanes(grid).map((lane) => lane.dataset.room);
  const index = rooms.indexOf(card.dataset.room);
  const next = index + (key === "ArrowRight" ? 1 : -1);
  if (index === -1 && key === "ArrowRight") save(card, { room: rooms[0] });
  else if (index !== -1 && next >= 0 && next < rooms.length) save(card, { room: rooms[next] });
}

// --- Pointer: drag to move, drag the lower edge to resize, click a free slot to add ---

let suppressClick = false;

function laneAt(x, y) {
  return document.elementsFromPoint(x, y).find((el) => el.classList.contains("lane"));
}

function minutesAt(lane, y) {
  const grid = lane.closest(".day-grid");
  const offset = y - lane.getBoundingClientRect().top;
  return Number(grid.dataset.first) + Math.round(offset / rowHeight(grid)) * STEP;
}

function startDrag(event, card) {
  const origin = { x: event.clientX, y: event.clientY };
  const rect = card.getBoundingClientRect();
  const { from, to } = span(card);
  let dragging = false;

  function move(e) {
    const dx = e.clientX - origin.x;
    const dy = e.clientY - origin.y;
    if (!dragging && Math.hypot(dx, dy) < 5) return;
    dragging = true;
    card.classList.add("dragging");
    card.style.transform = `translate(${dx}px, ${dy}px)`;
  }

  function up(e) {
    window.removeEventListener("pointermove", move);
    window.removeEventListener("pointerup", up);
    if (!dragging) return;
    suppressClick = true;
    setTimeout(() => (suppressClick = false), 0);
    card.classList.remove("dragging");
    card.style.transform = "";
    const lane = laneAt(e.clientX, e.clientY);
    if (!lane) return;
    const date = lane.closest(".day-grid").dataset.day;
    const top = rect.top + (e.clientY - origin.y);
    const start = Math.max(0, Math.min(24 * 60 - (to - from), minutesAt(lane, top)));
    save(card, { start: format(date, start), end: format(date, start + (to - from)), room: lane.dataset.room });
  }

  window.addEventListener("pointermove", move);
  window.addEventListener("pointerup", up);
}

function startResize(event, card) {
  event.preventDefault();
  const grid = card.closest(".day-grid");
  const originY = event.clientY;
  const { date, from, to } = span(card);
  const first = Number(grid.dataset.first);
  let end = to;

  function move(e) {
    const rows = Math.round((e.clientY - originY) / rowHeight(grid));
    end = Math.max(from + STEP, Math.min(24 * 60, to + rows * STEP));
    card.style.gridRowEnd = String(Math.floor((end - first) / STEP) + 2);
  }

  function up() {
    window.removeEventListener("pointermove", move);
    window.removeEventListener("pointerup", up);
    suppressClick = true;
    setTimeout(() => (suppressClick = false), 0);
    if (end !== to) save(card, { end: format(date, end) });
    else place(card);
  }

  window.addEventListener("pointermove", move);
  window.addEventListener("pointerup", up);
}

function onPointerDown(event) {
  if (event.button !== 0) return;
  const card = event.target.closest(".card");
  if (!card) return;
  if (event.target.classList.contains("resize")) startResize(event, card);
  else startDrag(event, card);
}

// --- The session dialog ---------------------------------------------------------

const dialog = editor?.querySelector("[data-dialog]");
const form = dialog?.querySelector("[data-session-form]");
let editing = null; // the session id being edited, or null for a new one

function field(name) {
  return form.elements[name];
}

function clearErrors() {
  form.querySelector("[data-form-error]").textContent = "";
  for (const list of form.querySelectorAll("[data-errors-for]")) list.textContent = "";
}

function fill(values) {
  for (const name of ["title", "kind", "room", "starts_at", "ends_at", "track", "capacity", "abstract"]) {
    const value = values[name];
    field(name).value = value === null || value === undefined ? "" : String(value);
  }
  const speakers = new Set((values.speakers || []).map(String));
  for (const option of field("speakers").options) option.selected = speakers.has(option.value);
}

function openDialog(title, values, id = null) {
  editing = id;
  clearErrors();
  fill(values);
  dialog.querySelector("#dialog-title").textContent = title;
  dialog.showModal();
  field("title").focus();
}

function firstRoom() {
  return editor.querySelector(".lane")?.dataset.room || "";
}

function openNew(date, minutes, room) {
  openDialog("Add session", {
    kind: "talk",
    room,
    starts_at: format(date, minutes),
    ends_at: format(date, Math.min(24 * 60 - STEP, minutes + 30)),
  });
}

async function openEdit(card) {
  const result = await api("GET", sessionUrl(card.dataset.id));
  if (!result.ok) {
    say(firstError(result.data));
    return;
  }
  const s = result.data;
  openDialog(`Edit “${s.title}”`, { ...s, starts_at: s.starts_at.slice(0, 16), ends_at: s.ends_at.slice(0, 16) }, s.id);
}

function formBody() {
  const value = (name) => field(name).value.trim();
  const number = (name) => (value(name) ? Number(value(name)) : null);
  return {
    title: value("title"),
    kind: value("kind"),
    room: number("room"),
    starts_at: value("starts_at"),
    ends_at: value("ends_at"),
    track: number("track"),
    speakers: [...field("speakers").selectedOptions].map((o) => Number(o.value)),
    capacity: number("capacity"),
    abstract: field("abstract").value,
  };
}

async function submitDialog(event) {
  event.preventDefault();
  clearErrors();
  const result = editing
    ? await api("PATCH", sessionUrl(editing), formBody())
    : await api("POST", editor.dataset.api, formBody());
  if (result.ok) {
    dialog.close();
    window.location.hash = `session-${result.data.id}`;
    window.location.reload();
    return;
  }
  if (result.data && result.data.detail) {
    form.querySelector("[data-form-error]").textContent = result.data.detail;
  } else {
    for (const [name, errors] of Object.entries(result.data || {})) {
      const list = form.querySelector(`[data-errors-for="${name}"]`);
      const text = [].concat(errors).join(" ");
      if (list) list.innerHTML = `<li></li>`;
      if (list) list.firstChild.textContent = text;
      else form.querySelector("[data-form-error]").textContent = text;
    }
  }
  form.querySelector("[role=alert]:not(:empty), .errorlist:not(:empty)")?.scrollIntoView({ block: "nearest" });
}

// --- Wiring -------------------------------------------------------------------------

function onClick(event) {
  const add = event.target.closest("[data-add-session]");
  if (add) {
    event.preventDefault();
    const grid = grids()[0];
    openNew(grid ? grid.dataset.day : new Date().toISOString().slice(0, 10), 9 * 60, firstRoom());
    return;
  }
  const main = event.target.closest(".card-main");
  if (main) {
    event.preventDefault();
    if (!suppressClick) openEdit(main.closest(".card"));
    return;
  }
  if (event.target.classList.contains("lane") && !suppressClick) {
    const lane = event.target;
    const grid = lane.closest(".day-grid");
    const minutes = Math.floor((minutesAt(lane, event.clientY) - STEP) / KEY_STEP) * KEY_STEP;
    openNew(grid.dataset.day, Math.max(0, minutes), lane.dataset.room);
  }
}

if (editor) {
  editor.addEventListener("keydown", onKey);
  editor.addEventListener("pointerdown", onPointerDown);
  editor.addEventListener("click", onClick);
  // Sessions are links (the page without script); dragging one must move it, not start a link drag.
  editor.addEventListener("dragstart", (event) => event.preventDefault());
  form.addEventListener("submit", submitDialog);
  dialog.querySelector("[data-close]").addEventListener("click", () => dialog.close());
  editor.dataset.ready = "true";
}
