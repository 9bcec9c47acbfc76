// DataJam's small progressive enhancements. Every page works without this file.

// Times: tell the server the browser's zone (a saved profile choice wins over this cookie). On a
// first visit the server did not know it yet (<html data-timezone="">), so show this page's
// times in the browser's zone from their datetime attribute, the same way the server will.
(function () {
  var zone;
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch (e) {
    return; // old browser: times stay in UTC, and say so
  }
  if (!zone) return;
  if (document.cookie.indexOf("datajam_tz=" + zone) === -1) {
    document.cookie = "datajam_tz=" + zone + "; path=/; max-age=31536000; SameSite=Lax";
  }
  var root = document.documentElement;
  if (root.getAttribute("data-timezone")) return;
  var lang = root.lang || undefined;
  var full = new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeStyle: "short", timeZone: zone });
  var thisYear = new Intl.DateTimeFormat(lang, {
    month: "long", day: "numeric", hour: "numeric", minute: "2-digit", timeZone: zone,
  });
  var yearOf = new Intl.DateTimeFormat("en", { year: "numeric", timeZone: zone });
  var zoneName = new Intl.DateTimeFormat(lang, { timeZoneName: "short", timeZone: zone });
  function named(date) {
    var part = zoneName.formatToParts(date).filter(function (p) { return p.type === "timeZoneName"; })[0];
    return part ? part.value : zone;
  }
  var now = new Date();
  document.querySelectorAll("time[data-format]").forEach(function (element) {
    var date = new Date(element.getAttribute("datetime"));
    if (isNaN(date.getTime())) return;
    var text = full.format(date) + " " + named(date);
    if (element.getAttribute("data-format") === "short") {
      element.title = text;
      if (yearOf.format(date) === yearOf.format(now)) text = thisYear.format(date) + " " + named(date);
    }
    element.textContent = text;
  });
  var footer = document.getElementById("timezone-name");
  if (footer) footer.textContent = zone;
})();

// Selectors with a submit button: picking with a mouse or a finger submits at once; arrow keys
// only move the choice (WCAG 3.2.2), and the button submits.
document.querySelectorAll("select[data-submit-on-pick]").forEach(function (select) {
  var byPointer = false;
  select.addEventListener("pointerdown", function () { byPointer = true; });
  select.addEventListener("keydown", function () { byPointer = false; });
  select.addEventListener("change", function () {
    if (!byPointer || !select.form) return;
    if (select.form.requestSubmit) select.form.requestSubmit();
    else select.form.submit();
  });
});

// Live regions: a polled block carries data-announce="what changed" and data-announce-to="id of
// an aria-live region that stays in the page". The region speaks only when the text changes.
(function () {
  function sources(root) {
    if (!root || !root.querySelectorAll) return [];
    var found = Array.prototype.slice.call(root.querySelectorAll("[data-announce]"));
    if (root.matches && root.matches("[data-announce]")) found.unshift(root);
    return found;
  }
  function announce(root, speak) {
    sources(root).forEach(function (source) {
      var region = document.getElementById(source.getAttribute("data-announce-to"));
      var text = source.getAttribute("data-announce");
      if (!region || region.getAttribute("data-last") === text) return;
      region.setAttribute("data-last", text);
      if (speak) region.textContent = text;
    });
  }
  announce(document.body, false); // what the page says on arrival is read with the page
  document.addEventListener("htmx:load", function (event) { announce(event.detail.elt, true); });
})();

// Behaviour the templates ask for with data- attributes: the Content-Security-Policy allows no
// inline handlers, so every one lives here.
document.addEventListener("click", function (event) {
  var target = event.target;
  if (!target.closest) return;
  var selectable = target.closest("[data-select-on-click]");
  if (selectable) selectable.select();
  var copier = target.closest("[data-copy-from]");
  if (copier) copyFrom(copier);
});

// Copy a field's text and say so in the button's status region (a live region, so a screen
// reader hears it; the button keeps its name). Without the asynchronous clipboard (a site served
// over plain HTTP on a venue's network) the field is selected and copied the older way.
function copyFrom(copier) {
  var source = document.getElementById(copier.getAttribute("data-copy-from"));
  var status = document.getElementById(copier.getAttribute("data-copy-status"));
  if (!source) return;
  function done() {
    if (status) {
      status.textContent = "";
      window.setTimeout(function () {
        status.textContent = copier.getAttribute("data-copied-text");
      }, 50);
    }
  }
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(source.value).then(done, function () {
      source.select();
    });
    return;
  }
  source.focus();
  source.select();
  try {
    if (document.execCommand("copy")) done();
  } catch (error) {
    // The text stays selected: the person can copy it with their keyboard.
  }
}

// Slugs: an input with data-slug-from="id of the title input" follows the title as it is typed
// (the same rule as competitions/slugs.py), until the person types in the slug themselves.
document.querySelectorAll("input[data-slug-from]").forEach(function (slug) {
  var source = document.getElementById(slug.getAttribute("data-slug-from"));
  if (!source) return;
  function slugify(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/[^a-z0-9\s-]/g, "").trim().replace(/[-\s]+/g, "-").slice(0, 50).replace(/^-+|-+$/g, "");
  }
  var following = !slug.value || slug.value === slugify(source.value);
  slug.addEventListener("input", function () { following = !slug.value; });
  source.addEventListener("input", function () {
    if (following) slug.value = slugify(source.value);
  });
});

// Metrics follow the task: options and checkboxes carrying data-task show only for the task
// chosen in the form's select[data-task-select]; a hidden choice is never sent.
document.querySelectorAll("select[data-task-select]").forEach(function (taskSelect) {
  var form = taskSelect.form;
  if (!form) return;
  function apply() {
    var task = taskSelect.value;
    form.querySelectorAll("select").forEach(function (select) {
      var options = select.querySelectorAll("option[data-task]");
      if (!options.length) return;
      options.forEach(function (option) {
        var off = option.getAttribute("data-task") !== task;
        option.hidden = off;
        option.disabled = off;
      });
      select.querySelectorAll("optgroup").forEach(function (group) {
        group.hidden = !group.querySelector("option:not([hidden])");
      });
      var chosen = select.options[select.selectedIndex];
      if (!chosen || chosen.disabled) {
        var first = select.querySelector("option:not([disabled])");
        if (first) select.value = first.value;
      }
    });
    var groups = [];
    form.querySelectorAll("input[type=checkbox][data-task]").forEach(function (box) {
      var off = box.getAttribute("data-task") !== task;
      box.disabled = off;
      if (off) box.checked = false;
      var holder = box.closest("div");
      if (holder) {
        holder.hidden = off;
        if (groups.indexOf(holder.parentElement) === -1) groups.push(holder.parentElement);
      }
    });
    groups.forEach(function (group) {
      if (group.hasAttribute("id")) return; // the widget itself, not a task's group
      group.hidden = !group.querySelector("input[type=checkbox]:not([disabled])");
    });
  }
  taskSelect.addEventListener("change", apply);
  apply();
});
