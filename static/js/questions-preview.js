// The organiser's questions page: the preview follows the question being typed.
// The form is sent (unsaved) to the preview address; the server renders the
// RSVP form's questions with it, and this script puts them in place.
import { update } from "./questions.js";

const editor = document.querySelector("form[data-preview-url]");
const fragment = document.getElementById("preview-fragment");

if (editor && fragment) {
  let timer = null;
  let asked = 0;
  const refresh = async () => {
    const ticket = ++asked;
    try {
      const response = await fetch(editor.dataset.previewUrl, {
        method: "POST",
        body: new FormData(editor),
        credentials: "same-origin",
        headers: { "X-Requested-With": "fetch" },
      });
      if (!response.ok || ticket !== asked) return; // a later edit's preview is on its way
      fragment.innerHTML = await response.text();
      update(fragment.closest("form"));
    } catch {
      // Offline or the server is busy: the preview shows the saved questions until the next edit.
    }
  };
  const later = () => {
    clearTimeout(timer);
    timer = setTimeout(refresh, 300);
  };
  editor.addEventListener("input", later);
  editor.addEventListener("change", later);
}
