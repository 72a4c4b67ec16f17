// The door page: scan a badge (handheld scanner, typing, camera), answer full screen at once,
// keep working from a downloaded list when the network drops, and send queued scans back.
// Every decision online is the server's (POST .../checkin/scan/); offline, the door decides from
// the list (SHA-256 hashes of badge codes, never the codes) and the server has the last word when
// the queue is replayed with the same nonces.
//
// This module only wires the others together and starts the timers; each module keeps its own state.
import { refreshStats, renderArrivals } from "./arrivals.js";
import { gate, renderGate, wireGate } from "./gate.js";
import { listenToTheBrowser, renderNetwork } from "./network.js";
import { loadStoredList, refreshList, renderListStatus, wipeList } from "./offline-list.js";
import { registerServiceWorker } from "./page-cache.js";
import { onSynced, owed, renderReport, sync, waiting, wireReport } from "./queue.js";
import { barcodeDetector, focusCodeInput, focusScanner, wireScanner } from "./scanner.js";
import { onHidden, wireScreen } from "./screen.js";
import { onSessionChange, renderSession, wireSession } from "./session.js";
import { refreshSearch, wireSearch } from "./search.js";
import { wireUndoButton } from "./undo.js";

const LIST_REFRESH_MS = 60_000;
const STATS_REFRESH_MS = 15_000;
const SYNC_RETRY_MS = 5_000;

window.doorBarcodeDetector = barcodeDetector; // for the browser tests and the curious

const refreshTheList = () => refreshList(owed);

wireGate(focusCodeInput);
wireScanner();
wireScreen();
onHidden(focusScanner);
wireUndoButton(refreshSearch);
wireSearch();
wireSession();
onSessionChange(refreshStats);
wireReport();
onSynced(refreshStats);
listenToTheBrowser();

renderGate();
renderSession();
renderNetwork();
renderReport();
renderArrivals();
renderListStatus();
if (gate()) focusCodeInput();
refreshList(owed, loadStoredList()); // both at once: the stored list while the download is under way
refreshStats();
sync();
setInterval(refreshTheList, LIST_REFRESH_MS);
setInterval(refreshStats, STATS_REFRESH_MS);
setInterval(() => {
  if (waiting()) sync();
}, SYNC_RETRY_MS);
registerServiceWorker();
const logout = document.getElementById("logout-form");
if (logout) {
  logout.addEventListener("submit", (event) => {
    event.preventDefault();
    wipeList().finally(() => logout.submit());
  });
}
document.body.dataset.doorReady = "true";
