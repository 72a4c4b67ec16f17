// The badge design page: redraw the preview badges with the form's unsaved choices as they change.
// The server draws each side (a PNG of the real badge). The choices travel in the images' addresses (GET);
// once a logo file is picked and not yet saved, each image is drawn by a POST of the whole form, file
// included (CSRF token and all), and shown from an object URL. Nothing is stored by a preview. A refused
// file gets the server's sentence beside the logo field.

const form = document.getElementById("design-form");
const state = document.getElementById("preview-state");
const images = [...document.querySelectorAll(".previews img")];
const logoInput = form.querySelector('input[type="file"][name="logo"]');
const logoError = document.getElementById("logo-preview-error");
const pdfLink = document.getElementById("preview-pdf");
const pdfBase = pdfLink.getAttribute("href");
const objectUrls = new Map(); // image -> the object URL it shows (revoked when replaced)
let timer = null;
let round = 0; // each redraw's number: an answer to an older one is dropped

// Each image's own address (with the saved design's version), kept apart from what it shows now.
for (const image of images) image.dataset.base = image.getAttribute("src");

function query() {
  const params = new URLSearchParams();
  for (const [name, value] of new FormData(form)) {
    if (name === "csrfmiddlewaretoken" || name === "logo") continue;
    params.append(name, value);
  }
  return params;
}

function pickedLogo() {
  return logoInput.files.length > 0 ? logoInput.files[0] : null;
}

function showLogoError(message) {
  logoError.textContent = message;
  logoError.hidden = !message;
  if (message) {
    logoInput.setAttribute("aria-invalid", "true");
    logoInput.setAttribute("aria-describedby", "logo-help logo-preview-error");
  } else {
    logoInput.removeAttribute("aria-invalid");
    logoInput.setAttribute("aria-describedby", "logo-help");
  }
}

function show(image, objectUrl) {
  const old = objectUrls.get(image);
  if (old) URL.revokeObjectURL(old);
  if (objectUrl) objectUrls.set(image, objectUrl);
  else objectUrls.delete(image);
}

function loaded(image) {
  return new Promise((resolve, reject) => {
    image.addEventListener("load", resolve, { once: true });
    image.addEventListener("error", reject, { once: true });
  });
}

// One image by GET: its address carries the choices.
function drawByAddress(image, params) {
  const url = new URL(image.dataset.base, window.location.href);
  const next = new URLSearchParams(params);
  next.set("v", url.searchParams.get("v") || "");
  url.search = next.toString();
  const done = loaded(image);
  show(image, null);
  image.src = url.toString();
  return done;
}

// One image by POST: the whole form with the picked logo. Resolves to null, or to the refusal's sentence.
async function drawWithLogo(image, mine) {
  const url = new URL(image.dataset.base, window.location.href);
  url.search = "";
  const response = await fetch(url, { method: "POST", body: new FormData(form), credentials: "same-origin" });
  if (!response.ok) {
    let answer = { detail: "The preview could not be drawn; try again.", code: "" };
    try {
      answer = await response.json();
    } catch {
      // not JSON (a proxy's page): keep the general sentence
    }
    return answer;
  }
  const blob = await response.blob();
  if (mine !== round) return null; // a newer round has started: this image is out of date
  const objectUrl = URL.createObjectURL(blob);
  const done = loaded(image);
  show(image, objectUrl);
  image.src = objectUrl;
  await done;
  return null;
}

async function redraw() {
  const params = query();
  const sides = params.get("sides");
  const logo = pickedLogo();
  round += 1;
  const mine = round;
  state.textContent = "Updating the preview…";
  pdfLink.href = `${pdfBase}?${params.toString()}`;
  const drawing = [];
  for (const image of images) {
    // A single-sided badge has no back to print: its back images are hidden.
    const item = image.closest("li");
    item.hidden = sides === "single" && image.dataset.side === "back";
    if (item.hidden) continue;
    drawing.push(logo ? drawWithLogo(image, mine) : drawByAddress(image, params).then(() => null));
  }
  let results;
  try {
    results = await Promise.all(drawing);
  } catch {
    if (mine === round) state.textContent = "Some choices are not valid yet: the preview shows the last valid ones.";
    return;
  }
  if (mine !== round) return;
  const refusal = results.find((answer) => answer);
  if (!logo) showLogoError("");
  if (!refusal) {
    if (logo) showLogoError("");
    state.textContent = "Preview updated.";
  } else if (refusal.code === "invalid_logo") {
    showLogoError(refusal.detail);
    state.textContent = "This logo cannot be used: the preview shows the last one that could.";
  } else {
    state.textContent = `The preview shows the last valid choices. ${refusal.detail}`;
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
  // A picked (or cleared) logo is drawn at once; other changes wait for typing to pause.
  if (event.target.type === "file") {
    clearTimeout(timer);
    redraw();
  } else {
    schedule();
  }
});
