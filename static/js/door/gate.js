// The gate this device stands at ("North door"), typed once and remembered on the device.
import { $ } from "./config.js";
import { store } from "./storage.js";

const KEY = "door:gate";

export const gate = () => store.get(KEY, "") || "";

export function renderGate() {
  const name = gate();
  $("gate-form").hidden = Boolean(name);
  $("gate-current").hidden = !name;
  $("gate-label").textContent = name;
  if (!name) $("gate-name").focus();
}

// afterSet: where the focus goes once a gate is set (the scanner field).
export function wireGate(afterSet) {
  $("gate-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const name = $("gate-name").value.trim();
    if (!name) return;
    store.set(KEY, name);
    renderGate();
    afterSet();
  });
  $("gate-change").addEventListener("click", () => {
    $("gate-name").value = gate();
    $("gate-form").hidden = false;
    $("gate-current").hidden = true;
    $("gate-name").focus();
  });
}
