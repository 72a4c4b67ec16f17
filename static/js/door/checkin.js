// One scan (a code, or a registration found by a search) from the door to an answer on screen:
// the server decides when it answers in time; otherwise the door decides from its list and queues it.
import { urls } from "./config.js";
import { postJSON } from "./api.js";
import { countArrival } from "./arrivals.js";
import { gate } from "./gate.js";
import { isLoggedOut, isOnline, setLoggedOut, setOnline } from "./network.js";
import { decideOffline, remember } from "./offline-list.js";
import { enqueue, sync, waiting } from "./queue.js";
import { showAnswer } from "./screen.js";
import { currentSession } from "./session.js";

const SCAN_TIMEOUT_MS = 2500; // past this the door answers from its list and queues the scan

function newNonce() {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

export async function submitScan(target) {
  const session = currentSession();
  const scan = {
    ...target, gate: gate(), nonce: newNonce(), scanned_at: new Date().toISOString(),
    ...(session ? { session: session.id, session_info: session } : {}),
  };
  // After a failed request the door answers from its list at once (no 2.5 s wait per person);
  // the queue's retries and the stats poll find out when the server answers again.
  if (isOnline() && !isLoggedOut() && navigator.onLine !== false) {
    try {
      const payload = { ...target, gate: scan.gate, nonce: scan.nonce, ...(session ? { session: session.id } : {}) };
      const response = await postJSON(urls.scan, payload, SCAN_TIMEOUT_MS);
      if ([200, 404, 409].includes(response.status)) {
        const body = await response.json();
        if (body.result) {
          showAnswer(body); // first: the person at the door is waiting
          setOnline(true);
          setLoggedOut(false);
          remember(body);
          countArrival(body.result === "admitted" ? 1 : 0);
          if (waiting()) sync();
          return body;
        }
      }
      if (response.status === 400) {
        const body = await response.json();
        const message = body.detail || Object.values(body).flat().join(" ");
        showAnswer({ result: "unknown", detail: message });
        return body;
      }
      if (response.status === 401 || response.status === 403) {
        setLoggedOut(true); // answer from the list below; the queue waits for a new login
      }
      // A server error or an expired login: answer from the list, and let the queue retry.
    } catch {
      setOnline(false);
    }
  }
  const body = await decideOffline(scan);
  enqueue(scan, body);
  if (body.result === "admitted") countArrival(1);
  showAnswer(body, { offline: true });
  return body;
}
