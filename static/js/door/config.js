// What the server put in the page (#door-config), read once, and the small helpers every module uses.
export const config = JSON.parse(document.getElementById("door-config").textContent);
export const slug = config.conference.slug;
export const urls = config.urls;
export const $ = (id) => document.getElementById(id);

export const CATEGORIES = {
  partner: "Partner", company: "Company", speaker: "Speaker", sponsor: "Sponsor",
  press: "Press", vip: "VIP", staff: "Staff",
};
export const categoryLabel = (category) => CATEGORIES[category] || category;

const timeFormat = new Intl.DateTimeFormat("en-GB", {
  hour: "2-digit", minute: "2-digit", timeZone: config.conference.timezone,
});
export const formatTime = (iso) => (iso ? timeFormat.format(new Date(iso)) : "");
