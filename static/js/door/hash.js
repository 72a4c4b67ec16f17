// SHA-256 of badge codes, as the server's badges.codes.code_digest makes them for the offline list.
// WebCrypto where the browser has it (a secure context: https:// or localhost); elsewhere (a door
// opened at http://192.168.…) the vendored @noble/hashes, loaded at once so that it is here before
// the network drops.
const FALLBACK_URL = new URL("../../vendor/noble-hashes/sha2.js", import.meta.url).href;

export const hasWebCrypto = () => Boolean(window.isSecureContext && window.crypto && crypto.subtle);

const toHex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");

let fallback = null;
function loadFallback() {
  if (!fallback) fallback = import(FALLBACK_URL).then((module) => module.sha256);
  return fallback;
}
if (!hasWebCrypto()) loadFallback().catch(() => { fallback = null; });

export async function sha256HexFallback(text) {
  const sha256 = await loadFallback();
  return toHex(sha256(new TextEncoder().encode(text)));
}

export async function sha256Hex(text) {
  if (hasWebCrypto()) {
    return toHex(new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text))));
  }
  return sha256HexFallback(text);
}

// The same normalisation as badges.codes.normalise_code.
export const normaliseCode = (raw) => String(raw || "").replace(/\s+/g, "").toUpperCase();

export const codeDigest = (raw) => sha256Hex(normaliseCode(raw));

// Files the door needs offline for hashing (the service worker caches them with the page).
export const FALLBACK_FILES = ["sha2.js", "_md.js", "_u64.js", "utils.js"].map((name) => new URL(name, FALLBACK_URL).href);
