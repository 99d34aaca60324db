// Progressive enhancement for public action pages: add the visitor's own local time beside the action's
// (the page already says the time where the action happens; without JavaScript nothing is missing).
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-local-time-for]").forEach(function (slot) {
    var start = new Date(slot.getAttribute("data-local-time-for"));
    if (isNaN(start)) { return; }
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
    var text = start.toLocaleString(undefined, { weekday: "short", day: "numeric", month: "short",
                                                 hour: "2-digit", minute: "2-digit" });
    slot.textContent = " · " + (slot.getAttribute("data-label") || "") + " " + text +
      (zone ? " (" + zone + ")" : "");
    slot.hidden = false;
  });
});
