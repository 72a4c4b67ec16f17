// Star buttons on agenda pages, for a delegate who came through their personal link.
//
// /my/<token>/agenda/ names the token (data-token) and this module keeps it in the
// visitor's own storage; the public agenda page is the same for everyone (and cached
// so), and only here, in the visitor's browser, learns whose it is. Without the
// token, or without JavaScript, the pages are as they were: nothing to star.

const root = document.querySelector("[data-agenda-slug]");

function storageKey(slug) {
  return `cog-agenda-token:${slug}`;
}

function rememberedToken(slug) {
  try {
    return window.localStorage.getItem(storageKey(slug));
  } catch {
    return null;
  }
}

function remember(slug, token) {
  try {
    window.localStorage.setItem(storageKey(slug), token);
  } catch {
    // Private browsing without storage: the stars still work on this page.
  }
}

async function call(url, options = {}) {
  const response = await fetch(url, {
    credentials: "omit",
    headers: { Accept: "application/json", "Content-Type": "application/json" },
    ...options,
  });
  if (!response.ok && response.status !== 204) {
    let detail = "The star could not be saved. Try again.";
    try {
      detail = (await response.json()).detail || detail;
    } catch {
      // not JSON: keep the general sentence
    }
    throw new Error(detail);
  }
  return response.status === 204 ? null : response.json();
}

function say(status, text) {
  if (status) status.textContent = text;
}

function setPressed(button, pressed) {
  button.setAttribute("aria-pressed", pressed ? "true" : "false");
  button.querySelector(".star-label").textContent = pressed ? "Starred" : "Star";
}

function addButton(item, token, starred, status) {
  const id = Number(item.dataset.session);
  const title = item.dataset.title || "";
  const button = document.createElement("button");
  button.type = "button";
  button.className = "star";
  button.innerHTML = '<span aria-hidden="true" class="star-icon">★</span> <span class="star-label"></span>';
  const hidden = document.createElement("span");
  hidden.className = "visually-hidden";
  hidden.textContent = ` “${title}”`;
  button.append(hidden);
  setPressed(button, starred.has(id));
  button.addEventListener("click", async () => {
    const pressed = button.getAttribute("aria-pressed") === "true";
    button.disabled = true;
    try {
      if (pressed) {
        await call(`/api/my/${token}/starred/${id}/`, { method: "DELETE" });
        starred.delete(id);
        say(status, `Removed “${title}” from your agenda.`);
      } else {
        await call(`/api/my/${token}/starred/`, { method: "POST", body: JSON.stringify({ session: id }) });
        starred.add(id);
        say(status, `Added “${title}” to your agenda.`);
      }
      setPressed(button, !pressed);
    } catch (error) {
      say(status, error.message);
    } finally {
      button.disabled = false;
    }
  });
  const heading = item.querySelector(".session-title");
  (heading || item).after(button);
}

async function start() {
  if (!root) return;
  const slug = root.dataset.agendaSlug;
  let token = root.dataset.token;
  if (token) remember(slug, token);
  else token = rememberedToken(slug);
  if (!token) return;
  let body;
  try {
    body = await call(`/api/my/${token}/starred/`);
  } catch {
    return; // an old or erased link: show the page as it is for everyone
  }
  const starred = new Set(body.sessions);
  const status = document.createElement("p");
  status.className = "star-status";
  status.setAttribute("role", "status");
  root.querySelector("h1").after(status);
  for (const item of root.querySelectorAll("[data-session]")) {
    // Sessions for everyone (keynotes, breaks, networking) are in every agenda already.
    if (item.dataset.plenary !== "true") addButton(item, token, starred, status);
  }
  root.dataset.starsReady = "true";
}

start();
