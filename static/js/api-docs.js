// The API docs page: Swagger UI is vendored unchanged; this adjusts the markup it renders, for WCAG 2.2 AA.
// - Its title and description sit outside any landmark: they become named regions (axe-core's "region").
// - Its headings skip levels (an <h4> under an <h2>): each is announced at most one level below the one
//   before it ("heading-order").
// - Each operation's toggle button holds a link to the same operation: it stops being a link inside the
//   button, which opens the operation ("nested-interactive").
// - Its code examples scroll: they take the keyboard's focus, so they scroll with the arrow keys too.
const root = document.getElementById("swagger-ui");
const REGIONS = [
  [".information-container", "About this API"],
  [".scheme-container", "Servers and authorisation"],
];

function adjust() {
  for (const [selector, name] of REGIONS) {
    const block = root.querySelector(selector);
    if (block && block.getAttribute("role") !== "region") {
      block.setAttribute("role", "region");
      block.setAttribute("aria-label", name);
    }
  }
  let previous = 0;
  for (const heading of root.querySelectorAll("h1, h2, h3, h4, h5, h6")) {
    const level = Number(heading.tagName[1]);
    const announced = Math.min(level, previous + 1);
    if (announced !== level) heading.setAttribute("aria-level", String(announced));
    else heading.removeAttribute("aria-level");
    previous = announced;
  }
  for (const link of root.querySelectorAll(".opblock-summary-control a[href]")) {
    link.removeAttribute("href");
  }
  for (const code of root.querySelectorAll("pre:not([tabindex])")) {
    code.setAttribute("tabindex", "0");
  }
}

new MutationObserver(adjust).observe(root, { childList: true, subtree: true });
adjust();
