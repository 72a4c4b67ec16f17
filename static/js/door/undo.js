// Undo a mistaken check-in: on the server (by check-in id), or, while it still waits in the
// queue, by taking the queued scan back.
import { $, urls } from "./config.js";
import { postJSON } from "./api.js";
import { countArrival } from "./arrivals.js";
import { forget, knownCheckinId, scopeOf } from "./offline-list.js";
import { withdraw } from "./queue.js";
import { currentAnswer, holdAnswer, showAnswer } from "./screen.js";

const UNDO_TIMEOUT_MS = 10_000;
export const NEEDS_NETWORK = "Undo needs the network: try again when this door is online.";

export async function undoOnServer(checkinId) {
  const response = await postJSON(urls.undo.replace("{id}", checkinId), {}, UNDO_TIMEOUT_MS);
  const body = await response.json();
  if (response.ok) {
    forget(body.registration.id, scopeOf(body));
    countArrival(-1);
  }
  return { ok: response.ok, body };
}

// The "Undo check-in" button of a green answer. afterUndo: what else shows check-ins (the search).
export function wireUndoButton(afterUndo) {
  $("result-undo").addEventListener("click", async () => {
    const answer = currentAnswer();
    if (!answer) return;
    holdAnswer();
    if (answer.queued_nonce && withdraw(answer.queued_nonce)) {
      forget(answer.registration.id, scopeOf(answer));
      countArrival(-1);
      showAnswer({ result: "info", verdict: "Undone", detail: `Check-in of ${answer.registration.name} undone before it was sent.` });
      return;
    }
    try {
      const checkinId = answer.checkin_id || (answer.registration && knownCheckinId(answer.registration.id, scopeOf(answer)));
      if (!checkinId) throw new Error("no check-in id yet");
      const { ok, body } = await undoOnServer(checkinId);
      showAnswer(
        ok
          ? { result: "info", verdict: "Undone", detail: body.detail, registration: body.registration }
          : { result: "info", verdict: "Not undone", detail: body.detail },
      );
    } catch {
      showAnswer({ result: "info", verdict: "Not undone", detail: NEEDS_NETWORK });
    }
    afterUndo();
  });
}
