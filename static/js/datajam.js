// Tell the server the browser's time zone once, so times are shown in it (a saved profile
// choice wins over this cookie).
(function () {
  try {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone && document.cookie.indexOf("datajam_tz=" + zone) === -1) {
      document.cookie = "datajam_tz=" + zone + "; path=/; max-age=31536000; SameSite=Lax";
    }
  } catch (e) { /* old browser: times stay in UTC */ }
})();
