// A print job's page: while the job runs, fetch the page again every two seconds and put the job's
// new state in place (the status is a live region, so screen readers hear the progress). No reload:
// the reader keeps their place and focus, which a timed refresh would take away.
const PERIOD_MS = 2000;
const region = document.querySelector("[data-print-job]");

async function update() {
  let next = null;
  try {
    const response = await fetch(window.location.href, { cache: "no-store", credentials: "same-origin" });
    if (response.ok) {
      const page = new DOMParser().parseFromString(await response.text(), "text/html");
      next = page.querySelector("[data-print-job]");
    }
  } catch {
    // The network hiccupped: try again at the next tick.
  }
  if (next) {
    region.replaceChildren(...Array.from(next.childNodes, (node) => document.importNode(node, true)));
    region.dataset.finished = next.dataset.finished;
  }
  if (region.dataset.finished !== "true") {
    window.setTimeout(update, PERIOD_MS);
  }
}

if (region && region.dataset.finished !== "true") {
  window.setTimeout(update, PERIOD_MS);
}
