// Requests to the check-in API: same-origin credentials, the CSRF token, and a timeout for POSTs.
const csrfToken = document.querySelector("#scan-form [name=csrfmiddlewaretoken]").value;

export function get(url, headers = {}) {
  return fetch(url, { headers, credentials: "same-origin" });
}

export async function postJSON(url, payload, timeoutMs) {
  const controller = new AbortController();
  const timer = timeoutMs ? setTimeout(() => controller.abort(), timeoutMs) : null;
  try {
    return await fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken, Accept: "application/json" },
      body: JSON.stringify(payload),
      signal: controller.signal,
    });
  } finally {
    clearTimeout(timer);
  }
}
