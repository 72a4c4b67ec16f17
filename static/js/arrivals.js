// Organiser arrivals: poll the check-in stats and redraw the figures and bars.
(() => {
  const config = JSON.parse(document.getElementById("arrivals-config").textContent);
  const timezone = config.timezone;
  const time = new Intl.DateTimeFormat("en-GB", { weekday: "short", hour: "2-digit", minute: "2-digit", ...(timezone ? { timeZone: timezone } : {}) });

  function row(label, count, peak, datetime) {
    const tr = document.createElement("tr");
    const first = document.createElement("td");
    if (datetime) {
      const t = document.createElement("time");
      t.dateTime = datetime;
      t.textContent = label;
      first.append(t);
    } else {
      first.textContent = label;
    }
    const number = document.createElement("td");
    number.textContent = String(count);
    const barCell = document.createElement("td");
    barCell.className = "bar-cell";
    const bar = document.createElement("span");
    bar.className = "bar";
    bar.style.width = `${peak ? Math.round((100 * count) / peak) : 0}%`;
    barCell.append(bar);
    tr.append(first, number, barCell);
    return tr;
  }

  function empty() {
    const tr = document.createElement("tr");
    const td = document.createElement("td");
    td.colSpan = 3;
    td.textContent = "Nobody checked in yet.";
    tr.append(td);
    return tr;
  }

  async function refresh() {
    try {
      const response = await fetch(config.stats, { credentials: "same-origin" });
      if (!response.ok) return;
      const stats = await response.json();
      document.getElementById("arrivals-checked-in").textContent = stats.checked_in;
      document.getElementById("arrivals-registered").textContent = stats.registered;
      const gates = Object.entries(stats.by_gate);
      document.querySelector("#arrivals-by-gate tbody").replaceChildren(
        ...(gates.length ? gates.map(([gate, count]) => row(gate, count, stats.checked_in)) : [empty()]),
      );
      const peak = Math.max(0, ...stats.per_quarter_hour.map((q) => q.count));
      document.querySelector("#arrivals-per-quarter-hour tbody").replaceChildren(
        ...(stats.per_quarter_hour.length
          ? stats.per_quarter_hour.map((q) => row(time.format(new Date(q.start)), q.count, peak, q.start))
          : [empty()]),
      );
    } catch {
      /* the next poll will try again */
    }
  }

  setInterval(refresh, 20_000);
})();
