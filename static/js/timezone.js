// The viewer's zone, known to the first page: loaded (not deferred) at the top of <head>, before
// anything is drawn. On a first visit the server did not know the zone (<html data-timezone="">):
// store the browser's zone in the datajam_tz cookie and load the page again, now in that zone,
// once (a zone the server does not know, or cookies refused, never loops). Without JavaScript
// or cookies, times stay in UTC and say so; static/js/datajam.js then rewrites them.
(function () {
  var root = document.documentElement;
  if (root.getAttribute("data-timezone")) return;
  var zone;
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch (e) {
    return;
  }
  if (!zone) return;
  document.cookie = "datajam_tz=" + zone + "; path=/; max-age=31536000; SameSite=Lax";
  if (document.cookie.indexOf("datajam_tz=" + zone) === -1) return;
  try {
    if (window.sessionStorage.getItem("datajam_tz_reloaded") === zone) return;
    window.sessionStorage.setItem("datajam_tz_reloaded", zone);
  } catch (e) {
    return; // no way to remember that we tried: never risk a loop
  }
  window.location.replace(window.location.href);
})();
