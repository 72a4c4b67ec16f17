// Conference days, as badges.checkin.services.conference_day counts them: the date of a moment in the
// conference's time zone, 1 for the first day (a moment before it counts as the first day).
import { config } from "./config.js";

const dateFormat = new Intl.DateTimeFormat("en-CA", {
  year: "numeric", month: "2-digit", day: "2-digit", timeZone: config.conference.timezone,
});
const utcDays = (isoDate) => Date.UTC(...isoDate.split("-").map((part, i) => Number(part) - (i === 1 ? 1 : 0))) / 86_400_000;

export function conferenceDay(iso) {
  const local = dateFormat.format(iso ? new Date(iso) : new Date());
  return Math.max(1, Math.round(utcDays(local) - utcDays(config.conference.starts_on)) + 1);
}

export const today = () => conferenceDay(null);
