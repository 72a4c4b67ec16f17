// The badge design page: redraw the preview badges with the form's unsaved choices as they change.
// The server draws each side (a PNG of the real badge); this only changes the images' addresses.
// The logo is not sent (a file): it shows in the preview once saved.

const form = document.getElementById("design-form");
const state = document.getElementById("preview-state");
const images = [...document.querySelectorAll(".previews img")];

function query() {
  const params = new URLSearchParams();
  for (const [name, value] of new FormData(form)) {
    if (name === "csrfmiddlewaretoken" || name === "logo" || name === "remove_logo") continue;
    params.append(name, value);
  }
  return params;
}

let timer = null;
let round = 0;

function redraw() {
  const params = query();
  const sides = params.get("sides");
  round += 1;
  const mine = round;
  let pending = 0;
  state.textContent = "Updating the preview…";
  for (const image of images) {
    const url = new URL(image.src, window.location.href);
    const next = new URLSearchParams(params);
    next.set("v", url.searchParams.get("v") || "");
    url.search = next.toString();
    // A single-sided badge has no back to print: its back images are hidden.
    const item = image.closest("li");
    item.hidden = sides === "single" && image.dataset.side === "back";
    if (item.hidden) continue;
    pending += 1;
    image.addEventListener(
      "load",
      () => {
        pending -= 1;
        if (pending === 0 && mine === round) state.textContent = "Preview updated.";
      },
      { once: true },
    );
    image.addEventListener(
      "error",
      () => {
        if (mine === round) state.textContent = "Some choices are not valid yet: the preview shows the last valid ones.";
      },
      { once: true },
    );
    image.src = url.toString();
  }
}

function schedule() {
  clearTimeout(timer);
  timer = setTimeout(redraw, 350);
}

form.addEventListener("input", (event) => {
  if (event.target.type !== "file") schedule();
});
form.addEventListener("change", (event) => {
  if (event.target.type !== "file") schedule();
});
