// Reading badges: the "Badge code" field (a handheld scanner types the code and Enter; so can a
// person) and the camera (the browser's BarcodeDetector, or the vendored polyfill).
import { $, config } from "./config.js";
import { submitScan } from "./checkin.js";
import { wakeAudio } from "./screen.js";

const REREAD_AFTER_MS = 3000; // a badge held in view is read once; again only after 3 s out of view
const FRAME_MS = 120;

const codeInput = $("badge-code");
let cameraStream = null;
let detector = null;
let lastCameraCode = { code: "", at: 0 };

// Back to the field for the next badge, unless the camera reads them or someone is using the search.
export function focusScanner() {
  if (!cameraStream && document.activeElement !== codeInput && !$("search-results").contains(document.activeElement)) {
    codeInput.focus({ preventScroll: true });
  }
}

export const focusCodeInput = () => codeInput.focus();

export async function barcodeDetector() {
  if (detector) return detector;
  if ("BarcodeDetector" in window) {
    try {
      const formats = await window.BarcodeDetector.getSupportedFormats();
      if (formats.includes("qr_code")) {
        detector = new window.BarcodeDetector({ formats: ["qr_code"] });
        return detector;
      }
    } catch {
      /* fall back to the vendored decoder */
    }
  }
  // Safari on iPhone, Firefox: the vendored polyfill, with its WebAssembly from our own static files.
  const module = await import(`${config.vendor}ponyfill.js`);
  module.prepareZXingModule({
    overrides: {
      locateFile: (path, prefix) => (path.endsWith(".wasm") ? new URL(`${config.vendor}${path}`, location.href).href : prefix + path),
    },
  });
  detector = new module.BarcodeDetector({ formats: ["qr_code"] });
  return detector;
}

async function startCamera() {
  const message = $("camera-message");
  $("camera").hidden = false;
  message.textContent = "Starting the camera…";
  try {
    const reader = await barcodeDetector();
    cameraStream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
    const video = $("camera-video");
    video.srcObject = cameraStream;
    await video.play();
    $("camera-toggle").textContent = "Stop camera";
    message.textContent = "Hold the badge's QR code in front of the camera.";
    const tick = async () => {
      if (!cameraStream) return;
      try {
        const codes = await reader.detect(video);
        const code = codes.length ? codes[0].rawValue : "";
        const now = Date.now();
        if (code) {
          if (code !== lastCameraCode.code || now - lastCameraCode.at > REREAD_AFTER_MS) submitScan({ code });
          lastCameraCode = { code, at: now };
        }
      } catch {
        /* a frame that could not be read */
      }
      setTimeout(tick, FRAME_MS);
    };
    tick();
  } catch (error) {
    stopCamera();
    $("camera").hidden = false;
    message.textContent = `The camera could not start (${error.name || error}): type the code or use a handheld scanner.`;
  }
}

function stopCamera() {
  if (cameraStream) cameraStream.getTracks().forEach((track) => track.stop());
  cameraStream = null;
  $("camera").hidden = true;
  $("camera-toggle").textContent = "Scan with camera";
}

export function wireScanner() {
  $("scan-form").addEventListener("submit", (event) => {
    event.preventDefault();
    wakeAudio();
    const code = codeInput.value.trim();
    codeInput.value = "";
    codeInput.focus({ preventScroll: true });
    if (!code) return;
    submitScan({ code });
  });
  $("camera-toggle").addEventListener("click", () => {
    wakeAudio();
    if (cameraStream) {
      stopCamera();
      codeInput.focus();
    } else {
      startCamera();
    }
  });
  document.addEventListener("visibilitychange", () => {
    if (!document.hidden) focusScanner();
  });
}
