// Pagefind's search UI over the index of every year (one bundle per year or part of a year), with the
// filters Gremium, Art and Jahr; ?q= from the start page's form. The UI loads assets/suche/pagefind.js
// (pagefind-rang.js), which searches every part and ranks Betreff and number matches first. Paths are
// computed from this page's address, so the site works under any sub-path.
window.addEventListener("DOMContentLoaded", function () {
  var element = document.getElementById("suche");
  var root = new URL(".", window.location.href).pathname;
  var ui = new PagefindUI({
    element: "#suche", bundlePath: root + "assets/suche/", baseUrl: root,
    showSubResults: true, showImages: false,
    translations: { placeholder: "Suchbegriff, z. B. Spielplatz" }
  });
  labelled(element);
  var q = new URLSearchParams(window.location.search).get("q");
  if (q) { ui.triggerSearch(q); }
});

// Pagefind's field has only a placeholder and a title: give it a real label (axe: label-title-only).
function labelled(element) {
  var input = element.querySelector("input");
  if (!input) { window.requestAnimationFrame(function () { labelled(element); }); return; }
  input.id = input.id || "suchbegriff";
  var label = document.createElement("label");
  label.htmlFor = input.id;
  label.textContent = "Suchbegriff";
  element.insertBefore(label, element.firstChild);
}
