// Small things kept on the device in localStorage (gate, queue, report, local check-ins), as JSON.
// The list itself is too big for localStorage on some phones: offline-list.js keeps it in IndexedDB.
export const store = {
  get(key, fallback) {
    try {
      const value = localStorage.getItem(key);
      return value === null ? fallback : JSON.parse(value);
    } catch {
      return fallback;
    }
  },
  set(key, value) {
    try {
      localStorage.setItem(key, JSON.stringify(value));
      return true;
    } catch {
      return false; // full or disabled: the page keeps the data in memory
    }
  },
};
