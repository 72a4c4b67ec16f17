// Organiser arrivals: poll the check-in stats and redraw the figures and bars, by day, with the
// date on every label (the same labels as badges.checkin.services.arrival_days).
(() => {
  const config = JSON.parse(document.getElementById("arrivals-config").textContent);
  const zone = config.timezone ? { timeZone: config.timezone } : {};
  const parts = new Intl.DateTimeFormat("en-GB", {
    weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23", ...zone,
  });
  const dateOnly = new Intl.DateTimeFormat("en-GB", { weekday: "short", day: "numeric", month: "short", timeZone: "UTC" });
  const isoDate = new Intl.DateTimeFormat("en-CA", { year: "numeric", month: "2-digit", day: "2-digit", ...zone });

  function labels(iso) {
    const p = Object.fromEntries(parts.formatToParts(new Date(iso)).map((part) => [part.type, part.value]));
    const day = `${p.weekday} ${p.day} ${p.month}`;
    return { day, time: `${day} ${p.hour}:${p.minute}`, date: isoDate.format(new Date(iso)) };
  }

  function cell(text, datetime) {
    const td = document.createElement("td");
    if (datetime) {
      const t = document.createElement("time");
      t.dateTime = datetime;
      t.textContent = text;
      td.append(t);
    } else {
      td.textContent = text;
    }
    return td;
  }

  function row(label, count, peak, datetime, withBar = true) {
    const tr = document.createElement("tr");
    tr.append(cell(label, datetime), cell(String(count)));
    if (withBar) {
      const barCell = document.createElement("td");
      barCell.className = "bar-cell";
      const bar = document.createElement("span");
      bar.className = "bar";
      bar.style.width = `${peak ? Math.round((100 * count) / peak) : 0}%`;
      barCell.append(bar);
      tr.append(barCell);
    }
    return tr;
  }

  function empty(columns) {
    const tr = document.createElement("tr");
    const td = document.createElement("td");
    td.colSpan = columns;
    td.textContent = "Nobody checked in yet.";
    tr.append(td);
    return tr;
  }

  function dayTable(day, peak) {
    const table = document.createElement("table");
    table.className = "arrivals-day";
    const caption = document.createElement("caption");
    caption.textContent = `${day.label}: ${day.arrivals} arrival${day.arrivals === 1 ? "" : "s"}`;
    const head = document.createElement("thead");
    head.innerHTML = '<tr><th scope="col">From</th><th scope="col">Arrivals</th><th scope="col" class="bar-cell"><span class="visually-hidden">Bar</span></th></tr>';
    const body = document.createElement("tbody");
    body.append(...day.quarters.map((q) => row(q.label, q.count, peak, q.start)));
    table.append(caption, head, body);
    return table;
  }

  function byDay(quarters) {
    const days = new Map();
    for (const q of quarters) {
      const l = labels(q.start);
      if (!days.has(l.date)) days.set(l.date, { label: l.day, arrivals: 0, quarters: [] });
      const day = days.get(l.date);
      day.arrivals += q.count;
      day.quarters.push({ ...q, label: l.time });
    }
    return [...days.values()];
  }

  async function refresh() {
    try {
      const response = await fetch(config.stats, { credentials: "same-origin" });
      if (!response.ok) return;
      const stats = await response.json();
      document.getElementById("arrivals-checked-in").textContent = stats.checked_in;
      document.getElementById("arrivals-registered").textContent = stats.registered;
      document.getElementById("arrivals-today").textContent = stats.today;
      const gates = Object.entries(stats.by_gate);
      document.querySelector("#arrivals-by-gate tbody").replaceChildren(
        ...(gates.length ? gates.map(([gate, count]) => row(gate, count, gates.reduce((sum, [, n]) => sum + n, 0))) : [empty(3)]),
      );
      document.querySelector("#arrivals-by-day tbody").replaceChildren(
        ...(stats.by_day.length
          ? stats.by_day.map((d) => row(dateOnly.format(new Date(`${d.date}T00:00:00Z`)), d.checked_in, 0, d.date, false))
          : [empty(2)]),
      );
      const peak = Math.max(0, ...stats.per_quarter_hour.map((q) => q.count));
      const days = byDay(stats.per_quarter_hour);
      const container = document.getElementById("arrivals-days");
      if (days.length) {
        container.replaceChildren(...days.map((day) => dayTable(day, peak)));
      } else {
        const p = document.createElement("p");
        p.textContent = "Nobody checked in yet.";
        container.replaceChildren(p);
      }
    } catch {
      /* the next poll will try again */
    }
  }

  window.arrivalsRefresh = refresh; // for the browser tests
  setInterval(refresh, 20_000);
})();
