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

// Behaviour the templates ask for with data- attributes: the Content-Security-Policy allows no
// inline handlers, so every one lives here.
document.addEventListener("change", function (event) {
  var field = event.target;
  if (field.matches && field.matches("select[data-autosubmit]") && field.form) {
    field.form.submit();
  }
});
document.addEventListener("click", function (event) {
  var target = event.target;
  if (!target.closest) return;
  var selectable = target.closest("[data-select-on-click]");
  if (selectable) selectable.select();
  var copier = target.closest("[data-copy-from]");
  if (copier && navigator.clipboard) {
    var source = document.getElementById(copier.getAttribute("data-copy-from"));
    navigator.clipboard.writeText(source.value).then(function () {
      copier.textContent = copier.getAttribute("data-copied-text");
    });
  }
});
