// The leaderboard's fragment is the same for everyone (so it can be cached): this marks the
// viewer's own team and shows times in the viewer's zone, on load and after every htmx swap.
(function () {
  function board() { return document.getElementById("board"); }

  function localiseTimes(root, zone) {
    var lang = document.documentElement.lang || undefined;
    var format;
    try {
      format = new Intl.DateTimeFormat(lang, {
        year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit",
        timeZone: zone || undefined, timeZoneName: "short"
      });
    } catch (e) { return; }  // unknown zone: the UTC text stays
    root.querySelectorAll("time[data-local]").forEach(function (el) {
      var when = new Date(el.getAttribute("datetime"));
      if (!isNaN(when)) { el.textContent = format.format(when); }
    });
  }

  function markMyTeam(root, teamId, label) {
    if (!teamId) { return; }
    root.querySelectorAll('tr[data-team="' + teamId + '"]').forEach(function (row) {
      if (row.classList.contains("mine")) { return; }
      row.classList.add("mine");
      var cell = row.querySelector("td.team");
      if (cell) {
        var note = document.createElement("span");
        note.className = "mine-label";
        note.textContent = " " + label;
        cell.appendChild(note);
      }
    });
  }

  function refresh() {
    var el = board();
    if (!el) { return; }
    localiseTimes(el, el.getAttribute("data-tz"));
    markMyTeam(el, el.getAttribute("data-my-team"), el.getAttribute("data-my-team-label"));
  }

  document.addEventListener("DOMContentLoaded", refresh);
  document.addEventListener("htmx:afterSettle", refresh);
})();
